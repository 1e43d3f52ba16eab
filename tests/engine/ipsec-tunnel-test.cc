// A client and a headend back to back: IKE brings the tunnel up over each encapsulation, inner
// packets cross bit-exact, and the liveness rules end it when the path dies.
#include "model/engine/ipsec-tunnel.h"
#include "model/engine/udp-transports.h"
#include "model/wire/esp-in-udp.h"
#include "model/wire/ipv4-datagram.h"
#include "model/wire/tcp-header.h"
#include "tests/engine/ipsec-pair.h"

#include <gtest/gtest.h>
#include <set>

using namespace vpnsim;
using namespace vpnsim::engine;
using namespace std::chrono_literals;
using vpnsim::test::Config;
using vpnsim::test::kClient;
using vpnsim::test::kHeadend;
using vpnsim::test::Pair;
using vpnsim::test::Ping;

namespace
{

class EveryEncapsulation : public testing::TestWithParam<IpsecEncapsulation>
{
};

} // namespace

TEST_P(EveryEncapsulation, TunnelComesUpAndCarriesInnerPacketsBothWaysBitExact)
{
    Pair p(GetParam());
    p.net.RunUntil(5s);
    ASSERT_EQ(p.client->State(), TunnelState::Up);
    ASSERT_EQ(p.headend->State(), TunnelState::Up);
    EXPECT_EQ(p.client->Ike().Counters().sent, 5u);  // MM1, MM3, MM5, QM1, QM3
    EXPECT_EQ(p.headend->Ike().Counters().sent, 4u); // MM2, MM4, MM6, QM2
    test::ExchangePings(p, 20);
    ASSERT_EQ(p.net.b.delivered.size(), 20u);
    ASSERT_EQ(p.net.a.delivered.size(), 20u);
    EXPECT_EQ(p.net.b.delivered[7], Ping(8));
    EXPECT_EQ(p.net.a.delivered[19], Ping(120));
    // Thirty quiet minutes later a tunnel with traffic every 10 s is still up on both ends.
    for (int i = 0; i < 180; ++i)
    {
        p.client->SendInner(Ping(1000));
        p.net.RunUntil(p.net.Now() + 5s);
        p.headend->SendInner(Ping(2000));
        p.net.RunUntil(p.net.Now() + 5s);
    }
    EXPECT_EQ(p.client->State(), TunnelState::Up);
    EXPECT_EQ(p.headend->State(), TunnelState::Up);
    EXPECT_EQ(p.client->Counters().espAuthenticationFailed, 0u);
}

INSTANTIATE_TEST_SUITE_P(Encapsulations, EveryEncapsulation,
                         testing::Values(IpsecEncapsulation::Ctcp, IpsecEncapsulation::Natt,
                                         IpsecEncapsulation::Esp),
                         [](const auto& info)
                         {
                             return std::string(ToString(info.param));
                         });

TEST(IpsecTunnel, IkeRetransmitsALostMessageAndStillComesUp)
{
    IpsecTunnelConfig tweak;
    Pair p(IpsecEncapsulation::Natt, &tweak);
    // Lose the headend's first answer (MM2): the client resends MM1 after 4 s.
    p.net.SetDropRule(
        [](int from, uint64_t index, const OuterPacket&)
        {
            return from == 1 && index == 0;
        });
    p.net.RunUntil(3s);
    EXPECT_EQ(p.client->State(), TunnelState::Down);
    p.net.RunUntil(10s);
    EXPECT_EQ(p.client->State(), TunnelState::Up);
    EXPECT_EQ(p.client->Ike().Counters().retransmitted, 1u);
    EXPECT_EQ(p.headend->Ike().Counters().retransmitted, 1u); // answered the duplicate MM1
    ASSERT_FALSE(p.clientAt.empty());
    EXPECT_GE(p.clientAt[0], 4s);
}

TEST(IpsecTunnel, IkeFailsAfterTheLastRetransmission)
{
    Pair p(IpsecEncapsulation::Esp);
    p.net.DropAllFrom(1);
    p.net.RunUntil(600s);
    ASSERT_EQ(p.clientStatus.size(), 1u);
    EXPECT_EQ(p.clientStatus[0].state, TunnelState::Down);
    EXPECT_EQ(p.clientStatus[0].reason, DownReason::IkeFailure);
    // 4 s * (1 + 1.8 + 1.8^2 + 1.8^3 + 1.8^4 + 1.8^5) = 165.06 s (strongSwan's schedule).
    EXPECT_NEAR(std::chrono::duration<double>(p.clientAt[0]).count(), 165.061, 0.001);
    EXPECT_EQ(p.client->Ike().Counters().retransmitted, 5u);
}

TEST(IpsecTunnel, ClientDpdDeclaresTheHeadendDeadNinetySecondsAfterLastHeard)
{
    Pair p(IpsecEncapsulation::Ctcp);
    p.net.RunUntil(5s);
    ASSERT_EQ(p.client->State(), TunnelState::Up);
    // At 30 s the headend->client direction dies (as behind a blocked cTCP direction).
    Nanos cut = 30s;
    Nanos lastHeard{0};
    p.net.SetDropRule(
        [&](int from, uint64_t, const OuterPacket&)
        {
            return from == 1 && p.net.Now() >= cut;
        });
    for (int t = 6; t < 200; ++t)
    {
        p.client->SendInner(Ping(1));
        p.headend->SendInner(Ping(2));
        p.net.RunUntil(std::chrono::seconds(t));
        if (p.net.Now() <= cut + 1s && !p.net.a.delivered.empty())
        {
            lastHeard = p.net.Now();
        }
    }
    ASSERT_EQ(p.clientStatus.size(), 2u);
    EXPECT_EQ(p.clientStatus[1].reason, DownReason::ClientDpd);
    // The last packet from the headend arrived at 29.01 s: dead 90 s later.
    EXPECT_EQ(p.clientAt[1], 29s + 10ms + 90s);
    EXPECT_GT(p.client->Dpd().Counters().rUThereSent, 10u);
    // The headend keeps hearing the client, so it stays up.
    EXPECT_EQ(p.headend->State(), TunnelState::Up);
}

TEST(IpsecTunnel, HeadendDpdDeclaresAClientDeadAfterThresholdAndRetries)
{
    Pair p(IpsecEncapsulation::Natt);
    p.net.RunUntil(5s);
    ASSERT_EQ(p.headend->State(), TunnelState::Up);
    p.net.DropAllFrom(0);
    p.net.RunUntil(1000s);
    ASSERT_EQ(p.headendStatus.size(), 2u);
    EXPECT_EQ(p.headendStatus[1].reason, DownReason::HeadendDpd);
    Nanos lastHeard = p.headendAt[0]; // QM3 arrived, the tunnel came up
    EXPECT_EQ(p.headendAt[1], lastHeard + 300s + 4 * 2s);
}

TEST(IpsecTunnel, IdleNattTunnelSendsKeepalivesEveryTwentySeconds)
{
    Pair p(IpsecEncapsulation::Natt);
    p.net.RunUntil(5s);
    ASSERT_EQ(p.client->State(), TunnelState::Up);
    auto& natt = dynamic_cast<const NattTransport&>(p.client->GetTransport());
    uint64_t before = natt.Counters().keepalivesSent;
    p.net.RunUntil(5s + 100s);
    EXPECT_EQ(natt.Counters().keepalivesSent - before, 5u);
    EXPECT_TRUE(natt.Floated());
}

TEST(IpsecTunnel, HeadendIdleTimeoutEndsASilentTunnel)
{
    IpsecTunnelConfig tweak;
    tweak.idleTimeout = 120s;
    tweak.clientDpd.peerTimeout = 480s;
    Pair p(IpsecEncapsulation::Esp, &tweak);
    p.net.RunUntil(2000s);
    ASSERT_EQ(p.headendStatus.size(), 2u);
    EXPECT_EQ(p.headendStatus[1].reason, DownReason::IdleTimeout);
}

TEST(IpsecTunnel, ValidateNamesTheFieldAndRange)
{
    IpsecTunnelConfig c = Config(IpsecEncapsulation::Natt, true);
    EXPECT_FALSE(IpsecTunnel::Validate(c).has_value());
    c.clientDpd.peerTimeout = 29s;
    auto e = IpsecTunnel::Validate(c);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(*e, "peer-timeout=29: allowed 30 to 480 seconds");
    c = Config(IpsecEncapsulation::Natt, true);
    c.natKeepalive = 9s;
    e = IpsecTunnel::Validate(c);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(*e, "nat-keepalive=9: allowed 10 to 3600 seconds, or 0 (off)");
    c.natKeepalive = 0s;
    EXPECT_FALSE(IpsecTunnel::Validate(c).has_value());
    c = Config(IpsecEncapsulation::Natt, true);
    c.clientToHeadendSpi = 7;
    e = IpsecTunnel::Validate(c);
    ASSERT_TRUE(e.has_value());
    EXPECT_NE(e->find("256..4294967295"), std::string::npos);
}

TEST(IpsecTunnel, LostQuickMode3IsRecoveredByTheResponderRetransmittingQuickMode2)
{
    Pair p(IpsecEncapsulation::Natt);
    // Client packets: MM1, MM3, MM5, QM1, QM3 - lose QM3 once.
    p.net.SetDropRule(
        [](int from, uint64_t index, const OuterPacket&)
        {
            return from == 0 && index == 4;
        });
    p.net.RunUntil(2s);
    EXPECT_EQ(p.client->State(), TunnelState::Up);    // the initiator is done after QM3
    EXPECT_EQ(p.headend->State(), TunnelState::Down); // the headend never got it
    p.net.RunUntil(10s);
    EXPECT_EQ(p.headend->State(), TunnelState::Up);
    EXPECT_EQ(p.headend->Ike().Counters().retransmitted, 1u);
}

namespace
{

/// The outer packets one end sent, kept whole (payload copied), to be replayed or altered.
struct Captured
{
    OuterPacket header;
    wire::Bytes payload;

    /// The packet as the peer's host would hand it up, with `bytes` as payload.
    OuterPacket As(const wire::Bytes& bytes) const
    {
        OuterPacket p = header;
        p.payload = bytes;
        return p;
    }
};

/// Keeps every packet end `from` sends that `keep` selects; drops nothing.
void
Capture(Pair& p, int from, std::function<bool(const OuterPacket&)> keep,
        std::vector<Captured>& into)
{
    p.net.SetDropRule(
        [from, keep, &into](int f, uint64_t, const OuterPacket& o)
        {
            if (f == from && keep(o))
            {
                into.push_back(Captured{o, wire::Bytes(o.payload.begin(), o.payload.end())});
            }
            return false;
        });
}

bool
IsNattEsp(const OuterPacket& o)
{
    auto c = wire::ClassifyNattPayload(o.payload);
    return o.destinationPort == wire::kNattPort && c && c->kind == wire::NattPacketKind::Esp;
}

} // namespace

TEST(IpsecTunnelEvents, ReplayedTamperedAndTruncatedEspAreDroppedWithTheirReason)
{
    Pair p(IpsecEncapsulation::Natt);
    p.client->SendInner(Ping(1)); // before IKE is done
    ASSERT_EQ(p.clientEvents.drops.size(), 1u);
    EXPECT_EQ(p.clientEvents.drops[0].reason, DropReason::NotUp);
    EXPECT_EQ(p.clientEvents.drops[0].packet, Ping(1));

    std::vector<Captured> esp;
    Capture(p, 0, IsNattEsp, esp);
    p.net.RunUntil(5s);
    ASSERT_EQ(p.headend->State(), TunnelState::Up);
    for (uint16_t i = 1; i <= 3; ++i)
    {
        p.client->SendInner(Ping(i));
    }
    p.net.RunUntil(6s);
    ASSERT_EQ(esp.size(), 3u);
    ASSERT_EQ(p.net.b.delivered.size(), 3u);
    ASSERT_TRUE(p.headendEvents.drops.empty());

    // An on-path attacker sends the first packet again...
    p.headend->Receive(esp[0].As(esp[0].payload));
    // ...then one with a sequence number not seen yet, which the ICV no longer covers...
    wire::Bytes tampered = esp[2].payload;
    tampered[7] = 100;
    p.headend->Receive(esp[2].As(tampered));
    // ...then SPI and sequence number with nothing behind them.
    wire::Bytes truncated(esp[2].payload.begin(), esp[2].payload.begin() + 12);
    p.headend->Receive(esp[2].As(truncated));
    // And garbage to the IKE port.
    wire::Bytes garbage = wire::FromHex("0102030405");
    OuterPacket ike = esp[0].As(garbage);
    ike.sourcePort = ike.destinationPort = 500;
    p.headend->Receive(ike);

    const auto& d = p.headendEvents.drops;
    ASSERT_EQ(d.size(), 4u);
    EXPECT_EQ(d[0].reason, DropReason::EspReplay);
    EXPECT_EQ(d[0].packet, esp[0].payload);
    EXPECT_EQ(d[1].reason, DropReason::EspIcv);
    EXPECT_EQ(d[1].packet, tampered);
    EXPECT_EQ(d[2].reason, DropReason::EspMalformed);
    EXPECT_EQ(d[3].reason, DropReason::IkeMalformed);
    EXPECT_EQ(d[3].packet, garbage);
    EXPECT_STREQ(ToString(d[0].reason), "esp-replay");
    EXPECT_STREQ(ToString(d[1].reason), "esp-icv");

    TunnelCounters c = p.headend->Summary();
    EXPECT_EQ(c.innerReceived, 3u);
    EXPECT_EQ(c.espReplayed, 1u);
    EXPECT_EQ(c.espAuthenticationFailed, 1u);
    EXPECT_EQ(c.espMalformed, 1u);
    EXPECT_EQ(p.client->Summary().innerSent, 3u);
    EXPECT_EQ(p.client->Summary().innerDroppedNotUp, 1u);
    EXPECT_EQ(p.net.b.delivered.size(), 3u); // nothing of it reached the inner side
    EXPECT_EQ(p.headend->State(), TunnelState::Up);
}

TEST(IpsecTunnelEvents, CtcpSegmentsThatDoNotFrameOrCheckAreReported)
{
    Pair p(IpsecEncapsulation::Ctcp);
    std::vector<Captured> segments;
    Capture(
        p, 0,
        [](const OuterPacket& o)
        {
            return o.payload.size() > 100; // data segments: ESP and trailer
        },
        segments);
    p.net.RunUntil(5s);
    p.client->SendInner(Ping(1));
    p.net.RunUntil(6s);
    ASSERT_FALSE(segments.empty());
    const Captured& last = segments.back();

    wire::Bytes corrupt = last.payload;
    corrupt.back() ^= 0x01;
    p.headend->Receive(last.As(corrupt));

    // The same segment without its trailer, with a correct checksum: it cannot be framed.
    auto s = wire::ParseTcpSegmentUnchecked(last.payload);
    ASSERT_TRUE(s.Ok());
    wire::ByteView payload = s->payload.first(s->payload.size() - wire::kCtcpTrailerLength);
    wire::Bytes split = wire::BuildTcpSegment(s->header, payload, kClient, kHeadend);
    p.headend->Receive(last.As(split));

    const auto& d = p.headendEvents.drops;
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(d[0].reason, DropReason::BadChecksum);
    EXPECT_EQ(d[0].packet, corrupt);
    EXPECT_EQ(d[1].reason, DropReason::Framing);
    EXPECT_EQ(d[1].packet, split);
    EXPECT_EQ(p.headend->Summary().framingErrors, 1u);
}

TEST(IpsecTunnelEvents, IdleTunnelReportsTheHeadendsDpdAndNatKeepalives)
{
    Pair p(IpsecEncapsulation::Natt);
    p.net.RunUntil(5s);
    ASSERT_EQ(p.headend->State(), TunnelState::Up);
    Nanos up = p.headendAt[0];
    p.net.RunUntil(up + 301s);

    // Nothing heard for the 300 s threshold: the headend asks, the client answers.
    EXPECT_EQ(p.headendEvents.TimesOf(LivenessEvent::RUThereSent), (std::vector<Nanos>{up + 300s}));
    EXPECT_EQ(p.clientEvents.TimesOf(LivenessEvent::RUThereReceived),
              (std::vector<Nanos>{up + 300s + 10ms}));
    EXPECT_EQ(p.clientEvents.TimesOf(LivenessEvent::RUThereAckSent),
              (std::vector<Nanos>{up + 300s + 10ms}));
    EXPECT_EQ(p.headendEvents.TimesOf(LivenessEvent::RUThereAckReceived),
              (std::vector<Nanos>{up + 300s + 20ms}));
    // The idle client asks nothing (on-demand DPD), but both ends keep the NAT open.
    EXPECT_EQ(p.clientEvents.Count(LivenessEvent::RUThereSent), 0u);
    EXPECT_GE(p.clientEvents.Count(LivenessEvent::NatKeepaliveSent), 14u);
    EXPECT_EQ(p.headendEvents.Count(LivenessEvent::NatKeepaliveReceived),
              p.clientEvents.Count(LivenessEvent::NatKeepaliveSent));
    EXPECT_STREQ(ToString(LivenessEvent::RUThereAckReceived), "r-u-there-ack-received");

    TunnelCounters h = p.headend->Summary();
    TunnelCounters c = p.client->Summary();
    EXPECT_EQ(h.dpdRequestsSent, 1u);
    EXPECT_EQ(c.dpdRequestsReceived, 1u);
    EXPECT_EQ(c.dpdResponsesSent, 1u);
    EXPECT_EQ(h.dpdResponsesReceived, 1u);
    EXPECT_EQ(h.keepalivesReceived, c.keepalivesSent);

    // Then the client vanishes: three unanswered retries and the headend gives it up.
    p.net.DropAllFrom(0);
    p.net.RunUntil(up + 1000s);
    EXPECT_EQ(p.headendEvents.Count(LivenessEvent::RUThereSent), 1u + 4u);
    EXPECT_EQ(p.headendEvents.Count(LivenessEvent::PeerDead), 1u);
    EXPECT_EQ(p.headendEvents.liveness.back().second, LivenessEvent::PeerDead);
    EXPECT_EQ(p.headendEvents.liveness.back().first, p.headendAt[1]);
}

// IKEv1 has each end choose the SPI it receives on and offer it in Quick Mode; the peer sends
// with it (RFC 2409 section 5.5). A headend can so give every client an SPI of its own.
TEST(IpsecTunnel, EachEndSendsWithTheSpiItsPeerOfferedInQuickMode)
{
    for (IpsecEncapsulation e :
         {IpsecEncapsulation::Ctcp, IpsecEncapsulation::Natt, IpsecEncapsulation::Esp})
    {
        IpsecTunnelConfig cc = Config(e, true);
        IpsecTunnelConfig hc = Config(e, false);
        ShiftSpis(cc, 3); // the client receives on block 3 and expects block 3 from the headend
        ShiftSpis(hc, 5); // the headend receives on block 5
        Pair p(cc, hc);
        IpsecTunnel& client = *p.client;
        IpsecTunnel& headend = *p.headend;
        p.net.RunUntil(5s);
        ASSERT_EQ(client.State(), TunnelState::Up) << ToString(e);
        ASSERT_EQ(headend.State(), TunnelState::Up) << ToString(e);
        EXPECT_EQ(client.OutboundSa().spi, kDefaultClientToHeadendSpi + 5 * 256);
        EXPECT_EQ(headend.OutboundSa().spi, kDefaultHeadendToClientSpi + 3 * 256);
        EXPECT_EQ(client.OutboundSa().encryptionKey, headend.InboundSa().encryptionKey);
        EXPECT_EQ(headend.OutboundSa().authenticationKey, client.InboundSa().authenticationKey);
        EXPECT_EQ(client.Config().clientToHeadendSpi, headend.Config().clientToHeadendSpi);
        client.SendInner(Ping(1));
        headend.SendInner(Ping(2));
        p.net.RunUntil(6s);
        ASSERT_EQ(p.net.b.delivered.size(), 1u) << ToString(e);
        ASSERT_EQ(p.net.a.delivered.size(), 1u) << ToString(e);
        EXPECT_EQ(p.net.b.delivered[0], Ping(1));
        EXPECT_EQ(p.net.a.delivered[0], Ping(2));
    }
}

TEST(IpsecTunnel, BlockZeroKeepsTheLoneTunnelsKeysAndEveryBlockHasKeysOfItsOwn)
{
    IpsecTunnelConfig c;
    wire::EspSaConfig lone = IpsecTunnel::SaConfig(c, true);
    ASSERT_EQ(lone.spi, 0xc0ffee01u);
    for (size_t i = 0; i < lone.encryptionKey.size(); ++i)
    {
        EXPECT_EQ(lone.encryptionKey[i], static_cast<uint8_t>(0x42 + i + 0x01)); // seed + i + spi
    }
    std::set<std::string> keys;
    for (uint32_t block = 0; block < 2000; ++block)
    {
        IpsecTunnelConfig b;
        ShiftSpis(b, block);
        for (bool toHeadend : {true, false})
        {
            wire::EspSaConfig sa = IpsecTunnel::SaConfig(b, toHeadend);
            keys.emplace(sa.encryptionKey.begin(), sa.encryptionKey.end());
            keys.emplace(sa.authenticationKey.begin(), sa.authenticationKey.end());
        }
    }
    EXPECT_EQ(keys.size(), 2000u * 4); // no two SAs of 2000 clients share a key
}
