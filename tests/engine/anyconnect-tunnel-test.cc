/*
 * AnyConnect end to end on a fake clock (doc/protocols.md §AnyConnect TLS, §AnyConnect
 * authentication, §CSTP tunnel setup, §CSTP DPD and keepalive): the TLS handshake, the
 * authentication and CONNECT exchange, CSTP data in TLS records, the DPD timeline, keepalives,
 * disconnects, and what ends a tunnel that is being set up.
 */
#include "model/engine/anyconnect-tunnel.h"
#include "tests/engine/event-recorder.h"
#include "tests/engine/stream-pair.h"

#include <gtest/gtest.h>

namespace vpnsim
{
namespace test
{
namespace
{

using namespace engine;
using namespace std::chrono_literals;

AnyConnectConfig
Config(Nanos dpd, Nanos keepalive)
{
    AnyConnectConfig c;
    c.dpd = dpd;
    c.keepalive = keepalive;
    c.client.host = "198.18.0.1";
    return c;
}

/// A client tunnel on end A, a headend tunnel on end B, 5 ms apart.
struct TunnelPair
{
    explicit TunnelPair(AnyConnectConfig clientConfig = Config(30s, 20s),
                        AnyConnectConfig headendConfig = Config(30s, 20s))
        : client(net.a, AnyConnectRole::Client, clientConfig)
        , headend(net.b, AnyConnectRole::Headend, WithLease(headendConfig))
        , clientEvents(net.a)
        , headendEvents(net.b)
    {
        net.a.receive = [this](wire::ByteView b)
        {
            client.ReceiveStream(b);
        };
        net.b.receive = [this](wire::ByteView b)
        {
            headend.ReceiveStream(b);
        };
        client.SetObserver(clientEvents.Observer());
        headend.SetObserver(headendEvents.Observer());
        client.SetStatusCallback(
            [this](const TunnelStatus& s)
            {
                clientStatus.emplace_back(net.Now(), s);
            });
        headend.SetStatusCallback(
            [this](const TunnelStatus& s)
            {
                headendStatus.emplace_back(net.Now(), s);
            });
    }

    static AnyConnectConfig WithLease(AnyConnectConfig c)
    {
        c.lease = []
        {
            return std::make_pair(0xc6130002u, 0xffffff00u); // 198.19.0.2/24
        };
        return c;
    }

    /// Starts both and runs until the client is up (or 1 s).
    void Connect()
    {
        headend.Start();
        client.Start();
        net.RunUntil(net.Now() + 1s);
    }

    /// The time the client came up.
    Nanos ClientUpAt() const
    {
        for (const auto& [t, s] : clientStatus)
        {
            if (s.state == TunnelState::Up)
            {
                return t;
            }
        }
        return Nanos::max();
    }

    StreamPair net;
    AnyConnectTunnel client;
    AnyConnectTunnel headend;
    EventRecorder clientEvents;
    EventRecorder headendEvents;
    std::vector<std::pair<Nanos, TunnelStatus>> clientStatus;
    std::vector<std::pair<Nanos, TunnelStatus>> headendStatus;
};

TEST(AnyConnectTunnel, DefaultsAreDpd30sAndKeepalive20s)
{
    AnyConnectConfig c;
    EXPECT_EQ(c.dpd, 30s);
    EXPECT_EQ(c.keepalive, 20s);
}

TEST(AnyConnectTunnel, HandshakeAuthenticationAndConnectTakeFiveRoundTrips)
{
    TunnelPair p;
    p.Connect();

    // TLS 1.2 full handshake (2 round trips), POST / -> form, POST /auth -> complete,
    // CONNECT -> 200 CONNECTED: five round trips of 10 ms. The headend is up as it answers.
    ASSERT_EQ(p.clientStatus.size(), 1u);
    EXPECT_EQ(p.clientStatus[0].second.state, TunnelState::Up);
    EXPECT_EQ(p.ClientUpAt(), 50ms);
    ASSERT_EQ(p.headendStatus.size(), 1u);
    EXPECT_EQ(p.headendStatus[0].first, 45ms);
    EXPECT_EQ(p.client.Grant().address, 0xc6130002u);
    EXPECT_EQ(p.client.Grant().netmask, 0xffffff00u);
    EXPECT_EQ(p.client.Grant().mtu, 1399u);

    // The client's first write is a ClientHello in a handshake record; everything after the
    // handshake is TLS 1.2 application data.
    const auto& writes = p.net.a.writes;
    ASSERT_GE(writes.size(), 5u);
    EXPECT_EQ(writes[0].second[0], 0x16);
    EXPECT_EQ(writes[0].second[5], 0x01); // client_hello
    for (size_t i = 2; i < writes.size(); ++i)
    {
        EXPECT_EQ(writes[i].second[0], 0x17) << i;
        EXPECT_EQ(writes[i].second[1], 0x03);
        EXPECT_EQ(writes[i].second[2], 0x03);
    }
    // Both ends log the same master secret.
    EXPECT_EQ(p.client.KeyLogLine().rfind("CLIENT_RANDOM ", 0), 0u);
    EXPECT_EQ(p.client.KeyLogLine(), p.headend.KeyLogLine());
}

TEST(AnyConnectTunnel, DataCrossesInOneCstpRecordEachAlsoInOneByteChunks)
{
    TunnelPair p;
    p.net.chunk = 1;
    p.Connect();
    wire::Bytes inner = wire::FromHex("4500001c0001000040010000c6130002c6130001");
    size_t before = p.net.a.writes.size();
    p.client.SendInner(inner);
    p.headend.SendInner(wire::FromHex("45000004aabbccdd"));
    p.net.Advance(1s);

    ASSERT_EQ(p.net.b.delivered.size(), 1u);
    EXPECT_EQ(p.net.b.delivered[0], inner);
    ASSERT_EQ(p.net.a.delivered.size(), 1u);
    EXPECT_EQ(wire::ToHex(p.net.a.delivered[0]), "45000004aabbccdd");
    // One record: header 5 + explicit nonce 8 + CSTP header 8 + packet + tag 16.
    ASSERT_EQ(p.net.a.writes.size(), before + 1);
    EXPECT_EQ(p.net.a.writes.back().second.size(), 5 + 8 + 8 + inner.size() + 16);
}

TEST(AnyConnectTunnel, HeadendDpdRequestAtDpdRepeatedEveryHalfDpdDeadAtTwiceDpd)
{
    TunnelPair p(Config(0s, 0s), Config(30s, 20s)); // a client that sends nothing by itself
    p.Connect();
    Nanos up = p.headendStatus.at(0).first;
    p.net.carryAtoB = false;
    p.net.carryBtoA = false;
    p.net.RunUntil(up + 200s);

    EXPECT_EQ(p.headendEvents.TimesOf(LivenessEvent::CstpDpdRequestSent),
              (std::vector<Nanos>{up + 30s, up + 45s}));
    ASSERT_EQ(p.headendStatus.size(), 2u);
    EXPECT_EQ(p.headendStatus[1].first, up + 60s);
    EXPECT_EQ(p.headendStatus[1].second.reason, DownReason::HeadendDpd);
    EXPECT_TRUE(p.headendEvents.TimesOf(LivenessEvent::CstpKeepaliveSent).empty());
}

TEST(AnyConnectTunnel, ClientTakesTheLowerOfItsOwnAndTheHeadendsIntervals)
{
    TunnelPair shorter(Config(30s, 20s), Config(10s, 60s));
    shorter.Connect();
    EXPECT_EQ(shorter.client.Dpd(), 10s);
    EXPECT_EQ(shorter.client.Keepalive(), 20s);
    TunnelPair off(Config(0s, 0s), Config(10s, 5s));
    off.Connect();
    EXPECT_EQ(off.client.Dpd(), 0s);
    EXPECT_EQ(off.client.Keepalive(), 0s);
}

TEST(AnyConnectTunnelEvents, IdleClientReportsKeepalivesDpdRequestsAndPeerDead)
{
    TunnelPair p;
    p.Connect();
    Nanos up = p.ClientUpAt();
    p.net.carryAtoB = false;
    p.net.carryBtoA = false;
    p.net.RunUntil(up + 100s);

    // Keepalive after 20 s of sending nothing, DPD at 30 s and 45 s of hearing nothing, each
    // send pushing the next keepalive out, and dead at 60 s.
    using E = LivenessEvent;
    std::vector<std::pair<Nanos, E>> expected = {{up + 20s, E::CstpKeepaliveSent},
                                                 {up + 30s, E::CstpDpdRequestSent},
                                                 {up + 45s, E::CstpDpdRequestSent},
                                                 {up + 60s, E::PeerDead}};
    EXPECT_EQ(p.clientEvents.liveness, expected);
    TunnelCounters c = p.client.Summary();
    EXPECT_EQ(c.keepalivesSent, 1u);
    EXPECT_EQ(c.dpdRequestsSent, 2u);
    EXPECT_EQ(p.clientStatus.back().second.reason, DownReason::ClientDpd);
}

TEST(AnyConnectTunnelEvents, KeepalivesKeepTheHeadendQuietAndDpdIsAnswered)
{
    TunnelPair p(Config(30s, 20s), Config(30s, 20s));
    p.Connect();
    Nanos up = p.ClientUpAt();
    p.net.RunUntil(up + 300s);

    EXPECT_EQ(p.client.State(), TunnelState::Up);
    EXPECT_EQ(p.headend.State(), TunnelState::Up);
    // The client's keepalives every 20 s keep the headend's DPD quiet; the client's own DPD
    // runs every 30 s of silence from the headend and is answered at once.
    EXPECT_TRUE(p.headendEvents.TimesOf(LivenessEvent::CstpDpdRequestSent).empty());
    EXPECT_FALSE(p.headendEvents.TimesOf(LivenessEvent::CstpKeepaliveReceived).empty());
    auto requests = p.clientEvents.TimesOf(LivenessEvent::CstpDpdRequestSent);
    auto responses = p.clientEvents.TimesOf(LivenessEvent::CstpDpdResponseReceived);
    ASSERT_FALSE(requests.empty());
    ASSERT_EQ(responses.size(), requests.size());
    for (size_t i = 0; i < requests.size(); ++i)
    {
        EXPECT_EQ(responses[i], requests[i] + 10ms);
    }
    EXPECT_EQ(p.headendEvents.TimesOf(LivenessEvent::CstpDpdResponseSent).size(),
              requests.size());
}

TEST(AnyConnectTunnel, PeerDisconnectTakesTheTunnelDownWithoutAFailureReason)
{
    TunnelPair p;
    p.Connect();
    p.headend.Disconnect("maintenance");
    p.net.Advance(1s);

    ASSERT_EQ(p.clientStatus.size(), 2u);
    EXPECT_EQ(p.clientStatus[1].second.state, TunnelState::Down);
    EXPECT_FALSE(p.clientStatus[1].second.reason.has_value());
    EXPECT_NE(p.clientStatus[1].second.detail.find("maintenance"), std::string::npos)
        << p.clientStatus[1].second.detail;
    EXPECT_FALSE(p.headendStatus.back().second.reason.has_value());
}

TEST(AnyConnectTunnel, ATamperedRecordIsAFramingError)
{
    TunnelPair p;
    p.Connect();
    // The headend's next record reaches the client with one byte of its ciphertext changed.
    p.net.b.receive = nullptr;
    p.net.a.receive = [&](wire::ByteView b)
    {
        wire::Bytes changed(b.begin(), b.end());
        changed[changed.size() - 20] ^= 0x01;
        p.client.ReceiveStream(changed);
    };
    p.headend.SendInner(wire::FromHex("45000004aabbccdd"));
    p.net.Advance(1s);

    EXPECT_TRUE(p.net.a.delivered.empty());
    EXPECT_EQ(p.client.State(), TunnelState::Down);
    EXPECT_EQ(p.clientStatus.back().second.reason, DownReason::FramingError);
    ASSERT_EQ(p.clientEvents.drops.size(), 1u);
    EXPECT_EQ(p.clientEvents.drops[0].reason, DropReason::Framing);
}

TEST(AnyConnectTunnel, NoAnswerEndsTheSetUpAtTwiceDpd)
{
    TunnelPair p(Config(30s, 20s), Config(30s, 20s));
    p.net.carryAtoB = false; // the ClientHello never arrives
    p.Connect();
    p.net.RunUntil(100s);

    ASSERT_EQ(p.clientStatus.size(), 1u);
    EXPECT_EQ(p.clientStatus[0].first, 60s);
    EXPECT_EQ(p.clientStatus[0].second.state, TunnelState::Down);
    EXPECT_EQ(p.clientStatus[0].second.reason, DownReason::ClientDpd);
}

TEST(AnyConnectTunnel, AWrongPasswordIsRefusedAndTheClientGivesUp)
{
    AnyConnectConfig headend = Config(30s, 20s);
    headend.password = "other";
    TunnelPair p(Config(30s, 20s), headend);
    p.Connect();

    ASSERT_EQ(p.clientStatus.size(), 1u);
    EXPECT_EQ(p.clientStatus[0].second.state, TunnelState::Down);
    EXPECT_EQ(p.clientStatus[0].second.reason, DownReason::FramingError);
    EXPECT_NE(p.clientStatus[0].second.detail.find("authentication"), std::string::npos);
    EXPECT_TRUE(p.headendStatus.empty()); // never granted
}

TEST(AnyConnectTunnelEvents, InnerPacketsBeforeUpAreDroppedAsNotUp)
{
    TunnelPair p;
    p.client.SendInner(wire::FromHex("45000000"));
    p.headend.Start();
    p.client.Start();
    p.net.Advance(20ms); // mid-handshake
    p.client.SendInner(wire::FromHex("45000001"));
    p.net.Advance(1s);
    p.client.SendInner(wire::FromHex("45000002"));
    p.net.Advance(1s);

    ASSERT_EQ(p.clientEvents.drops.size(), 2u);
    EXPECT_EQ(p.clientEvents.drops[0].reason, DropReason::NotUp);
    EXPECT_EQ(wire::ToHex(p.clientEvents.drops[1].packet), "45000001");
    EXPECT_EQ(p.client.Summary().innerDroppedNotUp, 2u);
    ASSERT_EQ(p.net.b.delivered.size(), 1u);
    EXPECT_EQ(wire::ToHex(p.net.b.delivered[0]), "45000002");
}

} // namespace
} // namespace test
} // namespace vpnsim
