/*
 * Two engine hosts on one fake clock joined by a byte stream each way, as a TCP connection
 * that loses nothing would join them: what one end writes reaches the other's `receive` after
 * a fixed delay, in pieces of at most `chunk` bytes. Cutting the path (`carry = false`) loses
 * what is written from then on, as a path that has died would.
 */
#ifndef VPNSIM_TESTS_ENGINE_STREAM_PAIR_H
#define VPNSIM_TESTS_ENGINE_STREAM_PAIR_H

#include "model/engine/host.h"

#include <functional>
#include <map>
#include <random>
#include <vector>

namespace vpnsim
{
namespace test
{

class StreamPair
{
  public:
    class End : public engine::Host
    {
      public:
        End(StreamPair& net, int index)
            : m_net(net)
            , m_index(index)
            , m_random(200 + index)
        {
        }

        engine::Nanos Now() const override
        {
            return m_net.m_now;
        }

        void SendOuter(const engine::OuterPacket&) override {}

        void SendStream(wire::ByteView bytes) override
        {
            writes.emplace_back(m_net.m_now, wire::Bytes(bytes.begin(), bytes.end()));
            m_net.Carry(m_index, bytes);
        }

        void DeliverInner(wire::ByteView inner) override
        {
            delivered.emplace_back(inner.begin(), inner.end());
        }

        engine::TimerId StartTimer(engine::Nanos at, std::function<void()> cb) override
        {
            return m_net.Schedule(at, std::move(cb));
        }

        void CancelTimer(engine::TimerId id) override
        {
            auto it = m_net.m_pending.find(id);
            if (it != m_net.m_pending.end())
            {
                m_net.m_events.erase(it->second);
                m_net.m_pending.erase(it);
            }
        }

        uint32_t Random32() override
        {
            return static_cast<uint32_t>(m_random());
        }

        /// Where the other end's bytes go (the tunnel's ReceiveStream).
        std::function<void(wire::ByteView)> receive;
        /// Every stream write, with its time: one TLS handshake flight or record each.
        std::vector<std::pair<engine::Nanos, wire::Bytes>> writes;
        std::vector<wire::Bytes> delivered;

      private:
        StreamPair& m_net;
        int m_index;
        std::mt19937_64 m_random;
    };

    explicit StreamPair(engine::Nanos delay = std::chrono::milliseconds(5))
        : a(*this, 0)
        , b(*this, 1)
        , m_delay(delay)
    {
    }

    /// Runs every event up to `until`.
    void RunUntil(engine::Nanos until)
    {
        while (!m_events.empty() && m_events.begin()->first.first <= until)
        {
            auto node = m_events.extract(m_events.begin());
            m_pending.erase(node.key().second);
            m_now = node.key().first;
            node.mapped()();
        }
        m_now = until;
    }

    void Advance(engine::Nanos d)
    {
        RunUntil(m_now + d);
    }

    engine::Nanos Now() const
    {
        return m_now;
    }

    /// False: what is written from now on is lost (each direction on its own).
    bool carryAtoB{true};
    bool carryBtoA{true};
    /// The largest piece a receiver is handed at once.
    size_t chunk{100000};

    End a;
    End b;

  private:
    using Events = std::map<std::pair<engine::Nanos, engine::TimerId>, std::function<void()>>;

    void Carry(int from, wire::ByteView bytes)
    {
        if (!(from == 0 ? carryAtoB : carryBtoA))
        {
            return;
        }
        wire::Bytes copy(bytes.begin(), bytes.end());
        Schedule(m_now + m_delay,
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

    engine::TimerId Schedule(engine::Nanos at, std::function<void()> cb)
    {
        engine::TimerId id = ++m_nextId;
        m_pending[id] = m_events.emplace(std::make_pair(at, id), std::move(cb)).first;
        return id;
    }

    engine::Nanos m_now{0};
    engine::Nanos m_delay;
    engine::TimerId m_nextId{0};
    Events m_events;
    std::map<engine::TimerId, Events::iterator> m_pending;
};

} // namespace test
} // namespace vpnsim

#endif // VPNSIM_TESTS_ENGINE_STREAM_PAIR_H
