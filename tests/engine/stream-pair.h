/*
 * Two engine hosts on one fake clock joined by a byte stream each way, as a TCP connection
 * that loses nothing would join them: what one end writes reaches the other's `receive` after
 * a fixed delay, in pieces of at most `chunk` bytes. Cutting the path (`carry = false`) loses
 * what is written from then on, as a path that has died would.
 */
#ifndef VPNSIM_TESTS_ENGINE_STREAM_PAIR_H
#define VPNSIM_TESTS_ENGINE_STREAM_PAIR_H

#include "tests/engine/fake-clock-host.h"
#include "tests/engine/host-pair.h"

#include <algorithm>
#include <functional>
#include <vector>

namespace vpnsim
{
namespace test
{

class StreamPair : public HostPair
{
  public:
    class End : public FakeClockHost
    {
      public:
        End(StreamPair& net, int index)
            : FakeClockHost(net.m_clock, 200 + index)
            , m_net(net)
            , m_index(index)
        {
        }

        void SendOuter(const engine::OuterPacket&) override {}

        void SendStream(wire::ByteView bytes) override
        {
            writes.emplace_back(Now(), wire::Bytes(bytes.begin(), bytes.end()));
            m_net.Carry(m_index, bytes);
        }

        /// Where the other end's bytes go (the tunnel's ReceiveStream).
        std::function<void(wire::ByteView)> receive;
        /// Every stream write, with its time: one TLS handshake flight or record each.
        std::vector<std::pair<engine::Nanos, wire::Bytes>> writes;

      private:
        StreamPair& m_net;
        int m_index;
    };

    explicit StreamPair(engine::Nanos delay = std::chrono::milliseconds(5))
        : HostPair(delay)
        , a(*this, 0)
        , b(*this, 1)
    {
    }

    /// False: what is written from now on is lost (each direction on its own).
    bool carryAtoB{true};
    bool carryBtoA{true};
    /// The largest piece a receiver is handed at once.
    size_t chunk{100000};

    End a;
    End b;

  private:
    void Carry(int from, wire::ByteView bytes)
    {
        if (!(from == 0 ? carryAtoB : carryBtoA))
        {
            return;
        }
        wire::Bytes copy(bytes.begin(), bytes.end());
        AfterDelay(
            [this, from, copy]
            {
                End& to = from == 0 ? b : a;
                for (size_t i = 0; i < copy.size() && to.receive; i += chunk)
                {
                    size_t n = std::min(chunk, copy.size() - i);
                    to.receive(wire::ByteView(copy.data() + i, n));
                }
            });
    }
};

} // namespace test
} // namespace vpnsim

#endif // VPNSIM_TESTS_ENGINE_STREAM_PAIR_H
