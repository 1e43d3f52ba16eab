/*
 * AnyConnect liveness (doc/protocols.md §CSTP DPD and keepalive, openconnect keepalive_action): the
 * DPD timeline, the keepalive cadence, disconnect, and two tunnels back to back.
 */
#include "model/engine/anyconnect-tunnel.h"
#include "tests/engine/event-recorder.h"
#include "tests/engine/fake-host.h"

#include <gtest/gtest.h>

namespace vpnsim
{
namespace test
{
namespace
{

using namespace engine;
using namespace std::chrono_literals;

/// A FakeHost that also notes when each stream write happened and what CSTP type it held.
class TimedHost : public FakeHost
{
  public:
    void SendStream(wire::ByteView bytes) override
    {
        FakeHost::SendStream(bytes);
        std::string error;
        m_tls.Feed(
            bytes,
            [this](wire::ByteView p)
            {
                writes.push_back({Now(), static_cast<wire::CstpType>(p[6])});
            },
            error);
    }

    /// Times at which packets of `type` were written.
    std::vector<Nanos> TimesOf(wire::CstpType type) const
    {
        std::vector<Nanos> t;
        for (const auto& w : writes)
        {
            if (w.second == type)
            {
                t.push_back(w.first);
            }
        }
        return t;
    }

    std::vector<std::pair<Nanos, wire::CstpType>> writes;

  private:
    wire::TlsRecordStream m_tls;
};

/// A record from the peer carrying one CSTP packet.
wire::Bytes
FromPeer(wire::TlsRecordStream& peerTls, wire::CstpType type, wire::ByteView payload = {})
{
    return peerTls.Seal(wire::BuildCstpPacket(type, payload));
}

AnyConnectConfig
Config(Nanos dpd, Nanos keepalive)
{
    AnyConnectConfig c;
    c.dpd = dpd;
    c.keepalive = keepalive;
    return c;
}

TEST(AnyConnectTunnel, DefaultsAreDpd30sAndKeepalive20s)
{
    AnyConnectConfig c;
    EXPECT_EQ(c.dpd, 30s);
    EXPECT_EQ(c.keepalive, 20s);
}

TEST(AnyConnectTunnel, DpdRequestAtDpdRepeatedEveryHalfDpdDeadAtTwiceDpd)
{
    TimedHost host;
    AnyConnectTunnel t(host, AnyConnectRole::Headend, Config(30s, 20s)); // headend: no keepalive
    std::vector<TunnelStatus> status;
    t.SetStatusCallback(
        [&](const TunnelStatus& s)
        {
            status.push_back(s);
        });
    t.Start();
    host.Advance(200s);

    EXPECT_EQ(host.TimesOf(wire::CstpType::DpdRequest), (std::vector<Nanos>{30s, 45s}));
    EXPECT_TRUE(host.TimesOf(wire::CstpType::Keepalive).empty());
    ASSERT_EQ(status.size(), 2u);
    EXPECT_EQ(status[0].state, TunnelState::Up);
    EXPECT_EQ(status[1].state, TunnelState::Down);
    EXPECT_EQ(status[1].reason, DownReason::HeadendDpd);
    EXPECT_EQ(host.PendingTimers(), 0u);
}

TEST(AnyConnectTunnel, DpdTimelineScalesWithTheInterval)
{
    TimedHost host;
    AnyConnectTunnel t(host, AnyConnectRole::Client, Config(10s, 0s));
    std::optional<Nanos> downAt;
    std::optional<DownReason> reason;
    t.SetStatusCallback(
        [&](const TunnelStatus& s)
        {
            if (s.state == TunnelState::Down)
            {
                downAt = host.Now();
                reason = s.reason;
            }
        });
    t.Start();
    host.Advance(100s);
    EXPECT_EQ(host.TimesOf(wire::CstpType::DpdRequest), (std::vector<Nanos>{10s, 15s}));
    EXPECT_EQ(downAt, 20s);
    EXPECT_EQ(reason, DownReason::ClientDpd);
}

TEST(AnyConnectTunnel, DpdResponseRestartsTheDpdClock)
{
    TimedHost host;
    wire::TlsRecordStream peer;
    AnyConnectTunnel t(host, AnyConnectRole::Client, Config(30s, 0s));
    t.Start();
    host.Advance(31s);
    t.ReceiveStream(FromPeer(peer, wire::CstpType::DpdResponse)); // answered at 31 s
    host.Advance(30s);                                            // t = 61 s

    EXPECT_EQ(host.TimesOf(wire::CstpType::DpdRequest), (std::vector<Nanos>{30s, 61s}));
    EXPECT_EQ(t.State(), TunnelState::Up);
}

TEST(AnyConnectTunnel, TrafficFromThePeerKeepsDpdQuiet)
{
    TimedHost host;
    wire::TlsRecordStream peer;
    AnyConnectTunnel t(host, AnyConnectRole::Client, Config(30s, 0s));
    t.Start();
    for (int i = 0; i < 20; ++i)
    {
        host.Advance(25s);
        t.ReceiveStream(FromPeer(peer, wire::CstpType::Data, wire::FromHex("45000000")));
    }
    EXPECT_TRUE(host.TimesOf(wire::CstpType::DpdRequest).empty());
    EXPECT_EQ(t.State(), TunnelState::Up);
    EXPECT_EQ(host.delivered.size(), 20u);
}

TEST(AnyConnectTunnel, DpdRequestFromThePeerIsAnswered)
{
    TimedHost host;
    wire::TlsRecordStream peer;
    AnyConnectTunnel t(host, AnyConnectRole::Headend, Config(30s, 0s));
    t.Start();
    host.Advance(3s);
    t.ReceiveStream(FromPeer(peer, wire::CstpType::DpdRequest));
    EXPECT_EQ(host.TimesOf(wire::CstpType::DpdResponse), (std::vector<Nanos>{3s}));
}

TEST(AnyConnectTunnel, ClientKeepaliveAfterKeepaliveSecondsWithoutSending)
{
    TimedHost host;
    AnyConnectTunnel t(host, AnyConnectRole::Client, Config(0s, 20s)); // DPD off
    t.Start();
    host.Advance(50s);
    t.SendInner(wire::FromHex("45000000")); // sending pushes the next keepalive to 70 s
    host.Advance(50s);                      // t = 100 s

    EXPECT_EQ(host.TimesOf(wire::CstpType::Keepalive), (std::vector<Nanos>{20s, 40s, 70s, 90s}));
}

TEST(AnyConnectTunnel, NoKeepaliveWhileDataFlows)
{
    TimedHost host;
    AnyConnectTunnel t(host, AnyConnectRole::Client, Config(0s, 20s));
    t.Start();
    for (int i = 0; i < 10; ++i)
    {
        host.Advance(15s);
        t.SendInner(wire::FromHex("45000000"));
    }
    EXPECT_TRUE(host.TimesOf(wire::CstpType::Keepalive).empty());
}

TEST(AnyConnectTunnel, HeadendSendsNoKeepalives)
{
    TimedHost host;
    AnyConnectTunnel t(host, AnyConnectRole::Headend, Config(0s, 20s));
    t.Start();
    host.Advance(100s);
    EXPECT_TRUE(host.writes.empty());
}

TEST(AnyConnectTunnel, PeerDisconnectTakesTheTunnelDownWithoutAFailureReason)
{
    TimedHost host;
    wire::TlsRecordStream peer;
    AnyConnectTunnel t(host, AnyConnectRole::Client);
    TunnelStatus last;
    t.SetStatusCallback(
        [&](const TunnelStatus& s)
        {
            last = s;
        });
    t.Start();
    wire::Bytes bye = wire::FromHex("b0");
    std::string why = "Idle timeout";
    bye.insert(bye.end(), why.begin(), why.end());
    t.ReceiveStream(FromPeer(peer, wire::CstpType::Disconnect, bye));

    EXPECT_EQ(t.State(), TunnelState::Down);
    EXPECT_FALSE(last.reason.has_value());
    EXPECT_NE(last.detail.find("Idle timeout"), std::string::npos);
    EXPECT_EQ(host.PendingTimers(), 0u);
}

TEST(AnyConnectTunnel, LocalDisconnectSendsByeAndGoesDown)
{
    TimedHost host;
    AnyConnectTunnel t(host, AnyConnectRole::Client);
    t.Start();
    t.Disconnect("user");
    ASSERT_EQ(host.writes.size(), 1u);
    EXPECT_EQ(host.writes[0].second, wire::CstpType::Disconnect);
    // The last bytes before the tag: b0 'u' 's' 'e' 'r'.
    wire::ByteView s(host.stream);
    EXPECT_EQ(wire::ToHex(s.subspan(s.size() - 16 - 5, 5)), "b075736572");
    EXPECT_EQ(t.State(), TunnelState::Down);
}

TEST(AnyConnectTunnel, FramingErrorTakesTheTunnelDown)
{
    TimedHost host;
    wire::TlsRecordStream peer;
    AnyConnectTunnel t(host, AnyConnectRole::Client);
    TunnelStatus last;
    t.SetStatusCallback(
        [&](const TunnelStatus& s)
        {
            last = s;
        });
    t.Start();
    t.ReceiveStream(peer.Seal(wire::FromHex("00112233")));
    EXPECT_EQ(last.state, TunnelState::Down);
    EXPECT_EQ(last.reason, DownReason::FramingError);
}

TEST(AnyConnectTunnel, TwoTunnelsBackToBackStayUpIdleAndCarryDataInOneByteChunks)
{
    TimedHost clientHost;
    TimedHost headendHost;
    AnyConnectTunnel client(clientHost, AnyConnectRole::Client);
    AnyConnectTunnel headend(headendHost, AnyConnectRole::Headend);
    client.Start();
    headend.Start();
    size_t c = 0;
    size_t h = 0;
    auto pump = [&]
    {
        for (; c < clientHost.stream.size(); ++c)
        {
            headend.ReceiveStream(wire::ByteView(&clientHost.stream[c], 1));
        }
        for (; h < headendHost.stream.size(); ++h)
        {
            client.ReceiveStream(wire::ByteView(&headendHost.stream[h], 1));
        }
    };
    // Both clocks advance together, one second at a time, the stream delivered at once.
    for (int s = 0; s < 300; ++s)
    {
        clientHost.Advance(1s);
        headendHost.Advance(1s);
        pump();
        pump();
    }
    client.SendInner(wire::FromHex("4500000401020304"));
    headend.SendInner(wire::FromHex("45000004aabbccdd"));
    pump();

    EXPECT_EQ(client.State(), TunnelState::Up);
    EXPECT_EQ(headend.State(), TunnelState::Up);
    ASSERT_EQ(headendHost.delivered.size(), 1u);
    EXPECT_EQ(wire::ToHex(headendHost.delivered[0]), "4500000401020304");
    ASSERT_EQ(clientHost.delivered.size(), 1u);
    // The client's keepalives every 20 s keep the headend's DPD quiet; the client's own DPD
    // runs every 30 s of silence from the headend and is answered.
    EXPECT_EQ(headendHost.TimesOf(wire::CstpType::DpdRequest).size(), 0u);
    EXPECT_GT(client.Session().Counters().dpdResponsesReceived, 0u);
}

TEST(AnyConnectTunnelEvents, IdleClientReportsKeepalivesDpdRequestsAndPeerDead)
{
    TimedHost host;
    EventRecorder events(host);
    AnyConnectTunnel t(host, AnyConnectRole::Client, Config(30s, 20s));
    t.SetObserver(events.Observer());
    t.Start();
    host.Advance(100s);

    // Keepalive after 20 s of sending nothing, DPD at 30 s and 45 s of hearing nothing, each
    // send pushing the next keepalive out, and dead at 60 s.
    using E = LivenessEvent;
    std::vector<std::pair<Nanos, E>> expected = {{20s, E::CstpKeepaliveSent},
                                                 {30s, E::CstpDpdRequestSent},
                                                 {45s, E::CstpDpdRequestSent},
                                                 {60s, E::PeerDead}};
    EXPECT_EQ(events.liveness, expected);
    EXPECT_STREQ(ToString(E::CstpDpdRequestSent), "cstp-dpd-request-sent");
    TunnelCounters c = t.Summary();
    EXPECT_EQ(c.keepalivesSent, 1u);
    EXPECT_EQ(c.dpdRequestsSent, 2u);
    EXPECT_EQ(c.dpdResponsesReceived, 0u);
}

TEST(AnyConnectTunnelEvents, HeadendReportsWhatItReceivesAndItsAnswer)
{
    TimedHost host;
    EventRecorder events(host);
    wire::TlsRecordStream peer;
    AnyConnectTunnel t(host, AnyConnectRole::Headend, Config(30s, 0s));
    t.SetObserver(events.Observer());
    t.Start();
    host.Advance(1s);
    t.ReceiveStream(FromPeer(peer, wire::CstpType::Keepalive));
    t.ReceiveStream(FromPeer(peer, wire::CstpType::DpdRequest));
    t.ReceiveStream(FromPeer(peer, wire::CstpType::DpdResponse));

    using E = LivenessEvent;
    std::vector<std::pair<Nanos, E>> expected = {{1s, E::CstpKeepaliveReceived},
                                                 {1s, E::CstpDpdRequestReceived},
                                                 {1s, E::CstpDpdResponseSent},
                                                 {1s, E::CstpDpdResponseReceived}};
    EXPECT_EQ(events.liveness, expected);
    EXPECT_EQ(host.TimesOf(wire::CstpType::DpdResponse), (std::vector<Nanos>{1s}));
    TunnelCounters c = t.Summary();
    EXPECT_EQ(c.keepalivesReceived, 1u);
    EXPECT_EQ(c.dpdRequestsReceived, 1u);
    EXPECT_EQ(c.dpdResponsesSent, 1u);
    EXPECT_EQ(c.dpdResponsesReceived, 1u);
}

TEST(AnyConnectTunnelEvents, FramingErrorAndWhatFollowsAreDroppedWithTheirReason)
{
    TimedHost host;
    EventRecorder events(host);
    wire::TlsRecordStream peer;
    AnyConnectTunnel t(host, AnyConnectRole::Client);
    t.SetObserver(events.Observer());
    t.SendInner(wire::FromHex("45000000")); // not started: not up
    t.Start();
    t.ReceiveStream(FromPeer(peer, wire::CstpType::Data, wire::FromHex("45000000")));
    wire::Bytes bad = peer.Seal(wire::FromHex("00112233"));
    t.ReceiveStream(bad);
    t.SendInner(wire::FromHex("45000001"));
    wire::Bytes late = FromPeer(peer, wire::CstpType::Data, wire::FromHex("45000002"));
    t.ReceiveStream(late);

    ASSERT_EQ(events.drops.size(), 4u);
    EXPECT_EQ(events.drops[0].reason, DropReason::NotUp);
    EXPECT_EQ(events.drops[1].reason, DropReason::Framing);
    EXPECT_EQ(events.drops[1].packet, bad);
    EXPECT_EQ(events.drops[2].reason, DropReason::NotUp);
    EXPECT_EQ(wire::ToHex(events.drops[2].packet), "45000001");
    EXPECT_EQ(events.drops[3].reason, DropReason::NotUp);
    EXPECT_EQ(events.drops[3].packet, late);
    TunnelCounters c = t.Summary();
    EXPECT_EQ(c.innerReceived, 1u);
    EXPECT_EQ(c.framingErrors, 1u);
    EXPECT_EQ(c.innerDroppedNotUp, 2u);
    EXPECT_EQ(host.delivered.size(), 1u);
}

} // namespace
} // namespace test
} // namespace vpnsim
