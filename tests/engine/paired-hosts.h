/*
 * Two engine hosts on one fake clock, joined by a wire with a fixed one-way delay and a
 * drop rule: enough to run a client and a headend back to back without ns-3 or sockets.
 */
#ifndef VPNSIM_TESTS_ENGINE_PAIRED_HOSTS_H
#define VPNSIM_TESTS_ENGINE_PAIRED_HOSTS_H

#include "model/wire/ipv4-datagram.h"
#include "tests/engine/fake-clock-host.h"
#include "tests/engine/host-pair.h"

#include <functional>

namespace vpnsim
{
namespace test
{

class PairedHosts : public HostPair
{
  public:
    /// One end: a Host whose outer packets reach the other end after the delay.
    class End : public FakeClockHost
    {
      public:
        End(PairedHosts& net, int index)
            : FakeClockHost(net.m_clock, 100 + index)
            , m_net(net)
            , m_index(index)
        {
        }

        void SendOuter(const engine::OuterPacket& p) override
        {
            m_net.Transmit(m_index, p);
        }

        void SendStream(wire::ByteView) override {}

        /// Where received outer packets go (the tunnel's Receive).
        std::function<void(const engine::OuterPacket&)> receive;
        uint64_t sent{0};

      private:
        PairedHosts& m_net;
        int m_index;
    };

    /// `drop(from, index, packet)` decides per packet; index counts packets from that end.
    using DropRule = std::function<bool(int from, uint64_t index, const engine::OuterPacket&)>;

    explicit PairedHosts(engine::Nanos delay = std::chrono::milliseconds(10))
        : HostPair(delay)
        , a(*this, 0)
        , b(*this, 1)
    {
    }

    void SetDropRule(DropRule rule)
    {
        m_drop = std::move(rule);
    }

    /// Everything end `from` (0: a, 1: b) sends from now on is lost: a path dead one way.
    void DropAllFrom(int from)
    {
        SetDropRule(
            [from](int sender, uint64_t, const engine::OuterPacket&)
            {
                return sender == from;
            });
    }

    /// `rewrite(from, packet)` may change the addresses and ports of a packet that is not
    /// dropped, as a NAT in the path would (the payload is left alone).
    using RewriteRule = std::function<void(int from, engine::OuterPacket& packet)>;

    void SetRewriteRule(RewriteRule rule)
    {
        m_rewrite = std::move(rule);
    }

    End a;
    End b;

  private:
    void Transmit(int from, const engine::OuterPacket& p)
    {
        End& src = from == 0 ? a : b;
        uint64_t index = src.sent++;
        if (m_drop && m_drop(from, index, p))
        {
            return;
        }
        wire::Bytes copy(p.payload.begin(), p.payload.end());
        engine::OuterPacket header = p;
        if (m_rewrite)
        {
            m_rewrite(from, header);
        }
        AfterDelay(
            [this, from, header, copy]() mutable
            {
                header.payload = copy;
                End& dst = from == 0 ? b : a;
                if (dst.receive)
                {
                    dst.receive(header);
                }
            });
    }

    DropRule m_drop;
    RewriteRule m_rewrite;
};

/// The inner packet engine tests send: an ICMP echo request 10.1.0.1 -> 10.2.0.1 numbered `seq`.
inline wire::Bytes
Ping(uint16_t seq)
{
    return wire::BuildIcmpEchoRequest({0x0a010001, 0x0a020001, seq}, 1, seq, 56);
}

/// Both ends of an up tunnel send `count` pings, 100 ms apart: the client numbers them 1...,
/// the headend 101... `pair` has `client`, `headend` (tunnels) and `net` (PairedHosts).
template<typename Pair>
void
ExchangePings(Pair& pair, uint16_t count)
{
    for (uint16_t i = 1; i <= count; ++i)
    {
        pair.client->SendInner(Ping(i));
        pair.headend->SendInner(Ping(static_cast<uint16_t>(100 + i)));
        pair.net.RunUntil(pair.net.Now() + std::chrono::milliseconds(100));
    }
}

} // namespace test
} // namespace vpnsim

#endif // VPNSIM_TESTS_ENGINE_PAIRED_HOSTS_H
