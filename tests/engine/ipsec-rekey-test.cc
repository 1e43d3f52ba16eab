// SA lifetimes and rekeying on a fake clock: the client runs a new Quick Mode 30 s before the
// IPsec SAs' time is up (or at 90 % of their volume) and a new Main Mode before the IKE SA's;
// new SPIs take over while the replaced inbound SA still takes what was in flight; an SA that
// ends without a successor ends the tunnel with rekey-failure.
#include "model/engine/sa-lifetime.h"
#include "model/wire/esp-in-udp.h"
#include "tests/engine/fake-host.h"
#include "tests/engine/ipsec-pair.h"

#include <gtest/gtest.h>
#include <memory>

using namespace vpnsim;
using namespace vpnsim::engine;
using namespace std::chrono_literals;
using vpnsim::test::Pair;
using vpnsim::test::Ping;

namespace
{

/// Both ends ping each other every `every` until `until`.
void
Traffic(Pair& p, Nanos until, Nanos every = 5s)
{
    uint16_t n = 0;
    while (p.net.Now() + every <= until)
    {
        p.client->SendInner(Ping(++n));
        p.headend->SendInner(Ping(static_cast<uint16_t>(1000 + n)));
        p.net.RunUntil(p.net.Now() + every);
    }
    p.net.RunUntil(until);
}

IpsecTunnelConfig
Lifetimes(Nanos ike, Nanos ipsec, uint64_t kilobytes = 0)
{
    IpsecTunnelConfig tweak;
    tweak.lifetimes = SaLifetimes{ike, ipsec, kilobytes};
    return tweak;
}

/// A pair with 600 s IPsec SAs, up and pinging until 40 s before their end; returns when
/// it came up.
Nanos
UpUntilShortlyBeforeTheRekey(std::unique_ptr<Pair>& p, IpsecEncapsulation e)
{
    IpsecTunnelConfig tweak = Lifetimes(86400s, 600s);
    p = std::make_unique<Pair>(e, &tweak);
    p->net.RunUntil(2s);
    Nanos up = p->clientAt.at(0);
    Traffic(*p, up + 560s);
    return up;
}

class RekeyOnEveryEncapsulation : public testing::TestWithParam<IpsecEncapsulation>
{
};

bool
IsEsp(const OuterPacket& o)
{
    if (o.protocol == OuterProtocol::Esp)
    {
        return true;
    }
    auto c = wire::ClassifyNattPayload(o.payload);
    return o.destinationPort == wire::kNattPort && c && c->kind == wire::NattPacketKind::Esp;
}

} // namespace

TEST(SaLifetime, RekeyIsDueThirtySecondsBeforeTheEndAndTheEndComesOnce)
{
    test::FakeHost host;
    std::vector<std::pair<std::string, Nanos>> calls;
    SaLifetime life(host, 28800s, 0,
                    {[&]()
                     {
                         calls.emplace_back("due", host.Now());
                     },
                     [&]()
                     {
                         calls.emplace_back("expired", host.Now());
                     }});
    host.RunUntil(100000s);
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0], std::make_pair(std::string("due"), Nanos(28770s)));
    EXPECT_EQ(calls[1], std::make_pair(std::string("expired"), Nanos(28800s)));
    EXPECT_EQ(SaLifetime::RekeyAfter(86400s), 86370s);
}

TEST(SaLifetime, VolumeIsCountedPerDirectionDueAtNinetyPercentAndEndsAtAll)
{
    test::FakeHost host;
    int due = 0;
    int expired = 0;
    SaLifetime life(host, 28800s, 10,
                    {[&]()
                     {
                         ++due;
                     },
                     [&]()
                     {
                         ++expired;
                     }});
    life.Protected(0, 9215); // 10 KB is 10240 bytes, 90 % of it 9216
    life.Protected(1, 9215); // the other direction counts apart
    EXPECT_EQ(due, 0);
    life.Protected(0, 1);
    life.Protected(1, 1);
    EXPECT_EQ(due, 1);
    life.Protected(1, 1023);
    EXPECT_EQ(expired, 0);
    life.Protected(1, 1);
    EXPECT_EQ(expired, 1);
    life.Protected(1, 10000);
    host.RunUntil(100000s); // its timers went with the end
    EXPECT_EQ(due, 1);
    EXPECT_EQ(expired, 1);
}

TEST_P(RekeyOnEveryEncapsulation,
       QuickModeRekeysBeforeTheIpsecLifetimeOnNewSpisWithoutLosingPackets)
{
    IpsecTunnelConfig tweak = Lifetimes(86400s, 600s);
    Pair p(GetParam(), &tweak);
    p.net.RunUntil(2s);
    ASSERT_EQ(p.client->State(), TunnelState::Up);
    Nanos up = p.clientAt[0];
    uint32_t firstOut = p.client->OutboundSa().spi;
    uint32_t firstIn = p.client->InboundSa().spi;
    auto cookie = p.client->Ike().InitiatorCookie();
    uint64_t ikeSent = p.client->Ike().Counters().sent;
    Traffic(p, up + 570s - 1s);
    EXPECT_EQ(p.client->Counters().ipsecRekeys, 0u);
    Traffic(p, up + 570s + 1s);
    // 30 s before the 600 s lifetime: QM1 and QM3 from the client, on the same IKE SA.
    EXPECT_EQ(p.client->Counters().ipsecRekeys, 1u);
    EXPECT_EQ(p.headend->Counters().ipsecRekeys, 1u);
    EXPECT_EQ(p.client->Ike().Counters().sent, ikeSent + 2);
    EXPECT_EQ(p.client->Ike().InitiatorCookie(), cookie);
    EXPECT_EQ(p.client->OutboundSa().spi, IpsecTunnel::RekeyedSpi(firstOut, 1));
    EXPECT_EQ(p.client->InboundSa().spi, IpsecTunnel::RekeyedSpi(firstIn, 1));
    EXPECT_NE(p.client->OutboundSa().spi, firstOut);
    EXPECT_NE(p.client->OutboundSa().encryptionKey, p.client->InstalledSas().front().encryptionKey);
    EXPECT_EQ(p.client->OutboundSa().encryptionKey, p.headend->InboundSa().encryptionKey);
    EXPECT_EQ(p.headend->OutboundSa().spi, p.client->InboundSa().spi);
    // Each SA lives its own 600 s: the second rekey 570 s after the first.
    Traffic(p, up + 2 * 570s + 5s);
    EXPECT_EQ(p.client->Counters().ipsecRekeys, 2u);
    EXPECT_EQ(p.client->InstalledSas().size(), 6u); // three pairs
    EXPECT_EQ(p.client->State(), TunnelState::Up);
    EXPECT_EQ(p.headend->State(), TunnelState::Up);
    // Every ping crossed: none was sent on an SA the peer did not have.
    EXPECT_EQ(p.net.b.delivered.size(), p.client->Counters().innerSent);
    EXPECT_EQ(p.net.a.delivered.size(), p.headend->Counters().innerSent);
    EXPECT_EQ(p.client->Counters().espMalformed + p.headend->Counters().espMalformed, 0u);
    EXPECT_EQ(p.client->Counters().ikeRekeys, 0u);
}

TEST_P(RekeyOnEveryEncapsulation, MainModeReestablishesTheIkeSaBeforeItsLifetimeAndDpdGoesOnOnIt)
{
    IpsecTunnelConfig tweak = Lifetimes(300s, 400s);
    Pair p(GetParam(), &tweak);
    p.net.RunUntil(2s);
    ASSERT_EQ(p.client->State(), TunnelState::Up);
    auto cookie = p.client->Ike().InitiatorCookie();
    uint32_t out = p.client->OutboundSa().spi;
    Traffic(p, 2s + 272s);
    EXPECT_EQ(p.client->Counters().ikeRekeys, 1u);
    EXPECT_EQ(p.headend->Counters().ikeRekeys, 1u);
    EXPECT_NE(p.client->Ike().InitiatorCookie(), cookie);
    EXPECT_EQ(p.client->Ike().InitiatorCookie(), p.headend->Ike().InitiatorCookie());
    EXPECT_EQ(p.client->Ike().ResponderCookie(), p.headend->Ike().ResponderCookie());
    EXPECT_EQ(p.client->OutboundSa().spi, out); // phase 2 stays as it was
    // Three more IKE lifetimes, with the headend silent for 30 s in each: the client's
    // R-U-THEREs go on the IKE SA of the day and are answered.
    for (int i = 0; i < 3; ++i)
    {
        for (int k = 0; k < 6; ++k)
        {
            p.client->SendInner(Ping(1));
            p.net.RunUntil(p.net.Now() + 5s);
        }
        Traffic(p, p.net.Now() + 270s);
    }
    EXPECT_EQ(p.client->Counters().ikeRekeys, 4u);
    EXPECT_EQ(p.client->Counters().ipsecRekeys, 3u); // Quick Modes on the new IKE SAs
    EXPECT_EQ(p.client->State(), TunnelState::Up);
    EXPECT_EQ(p.headend->State(), TunnelState::Up);
    EXPECT_GT(p.client->Dpd().Counters().acksReceived, 0u);
}

INSTANTIATE_TEST_SUITE_P(Encapsulations, RekeyOnEveryEncapsulation,
                         testing::Values(IpsecEncapsulation::Ctcp, IpsecEncapsulation::Natt,
                                         IpsecEncapsulation::Esp),
                         [](const auto& info)
                         {
                             return std::string(ToString(info.param));
                         });

TEST(IpsecRekey, NinetyPercentOfTheVolumeLifetimeStartsAQuickMode)
{
    IpsecTunnelConfig tweak = Lifetimes(86400s, 28800s, 10);
    Pair p(IpsecEncapsulation::Natt, &tweak);
    p.net.RunUntil(2s);
    ASSERT_EQ(p.client->State(), TunnelState::Up);
    // 84-byte pings: the 110th passes 9216 bytes, 90 % of 10 KB.
    for (int i = 1; i <= 109; ++i)
    {
        p.client->SendInner(Ping(1));
        p.net.RunUntil(p.net.Now() + 100ms);
    }
    EXPECT_EQ(p.client->Counters().ipsecRekeys, 0u);
    p.client->SendInner(Ping(1));
    p.net.RunUntil(p.net.Now() + 1s);
    EXPECT_EQ(p.client->Counters().ipsecRekeys, 1u);
    EXPECT_EQ(p.client->State(), TunnelState::Up);
}

TEST(IpsecRekey, ReplacedInboundSaTakesPacketsInFlightForItsGraceOnly)
{
    IpsecTunnelConfig tweak = Lifetimes(86400s, 600s);
    Pair p(IpsecEncapsulation::Natt, &tweak);
    p.net.RunUntil(2s);
    ASSERT_EQ(p.client->State(), TunnelState::Up);
    Nanos up = p.clientAt[0];
    Traffic(p, up + 565s);
    // Two headend packets on the first SA are held back (as if late in the network), shortly
    // before the rekey so that they are still inside the replay window.
    std::vector<std::pair<OuterPacket, wire::Bytes>> held;
    p.net.SetDropRule(
        [&](int from, uint64_t, const OuterPacket& o)
        {
            if (from == 1 && IsEsp(o) && held.size() < 2)
            {
                held.emplace_back(o, wire::Bytes(o.payload.begin(), o.payload.end()));
                return true;
            }
            return false;
        });
    p.headend->SendInner(Ping(7));
    p.headend->SendInner(Ping(8));
    p.net.SetDropRule(nullptr);
    Traffic(p, up + 571s);
    ASSERT_EQ(p.client->Counters().ipsecRekeys, 1u);
    auto deliver = [&](size_t i)
    {
        OuterPacket o = held[i].first;
        o.payload = held[i].second;
        p.client->Receive(o);
    };
    ASSERT_EQ(held.size(), 2u);
    size_t before = p.net.a.delivered.size();
    deliver(0); // 1 s after the switch: the old SA still takes it
    EXPECT_EQ(p.net.a.delivered.size(), before + 1);
    EXPECT_EQ(p.net.a.delivered.back(), Ping(7));
    p.net.RunUntil(p.net.Now() + kReplacedSaGrace);
    deliver(1); // the grace is over: no SA has that SPI any more
    EXPECT_EQ(p.net.a.delivered.size(), before + 1);
    EXPECT_EQ(p.client->Counters().espMalformed, 1u);
}

TEST(IpsecRekey, ATunnelGoneBeforeTheGraceEndsLeavesNoTimerBehind)
{
    IpsecTunnelConfig tweak = Lifetimes(86400s, 600s);
    auto p = std::make_unique<Pair>(IpsecEncapsulation::Natt, &tweak);
    p->net.RunUntil(2s);
    Traffic(*p, p->clientAt.at(0) + 571s);
    ASSERT_EQ(p->client->Counters().ipsecRekeys, 1u);
    // The replaced SA's grace timer is pending at both ends: it must go with the tunnel (the
    // ASan sub-build, or valgrind, reports the write into a freed tunnel otherwise).
    p->client.reset();
    p->headend.reset();
    p->net.a.receive = nullptr;
    p->net.b.receive = nullptr;
    p->net.RunUntil(p->net.Now() + 100s);
    SUCCEED();
}

TEST(IpsecRekey, LostQuickModeOverNattIsRetransmittedAndTheRekeyCompletes)
{
    IpsecTunnelConfig tweak = Lifetimes(86400s, 600s);
    Pair p(IpsecEncapsulation::Natt, &tweak);
    p.net.RunUntil(2s);
    Nanos up = p.clientAt[0];
    Traffic(p, up + 569s);
    // The first IKE message the client sends from here on (the rekey's QM1) is lost.
    bool lost = false;
    p.net.SetDropRule(
        [&](int from, uint64_t, const OuterPacket& o)
        {
            if (from == 0 && !lost && !IsEsp(o) && o.payload.size() > 1)
            {
                lost = true;
                return true;
            }
            return false;
        });
    uint64_t retransmitted = p.client->Ike().Counters().retransmitted;
    Traffic(p, up + 580s);
    EXPECT_TRUE(lost);
    EXPECT_EQ(p.client->Ike().Counters().retransmitted, retransmitted + 1);
    EXPECT_EQ(p.client->Counters().ipsecRekeys, 1u);
    EXPECT_EQ(p.client->State(), TunnelState::Up);
}

TEST(IpsecRekey, RekeyStuckBehindAHoleEndsTheTunnelWithRekeyFailureWhenTheSaEnds)
{
    // cTCP through an in-order device: from a lost segment on, nothing the client sends
    // reaches the headend, the rekey included. The client still hears the headend, so its DPD
    // never fires; the headend's would, but 300 s later.
    std::unique_ptr<Pair> pair;
    Nanos up = UpUntilShortlyBeforeTheRekey(pair, IpsecEncapsulation::Ctcp);
    Pair& p = *pair;
    p.net.DropAllFrom(0);
    Traffic(p, up + 700s);
    ASSERT_EQ(p.clientStatus.size(), 2u);
    EXPECT_EQ(p.clientStatus[1].reason, DownReason::RekeyFailure);
    EXPECT_EQ(p.clientAt[1], up + 600s);
    EXPECT_EQ(p.client->Counters().ipsecRekeys, 0u);
    EXPECT_GT(p.client->Ike().Counters().retransmitted, 0u); // QM1 was tried again
    EXPECT_STREQ(ToString(DownReason::RekeyFailure), "rekey-failure");
}

TEST(IpsecRekey, QuickModeWithoutAnAnswerFailsTheRekeyBeforeDpdNotices)
{
    // NAT-T with the headend's answers to IKE lost (ESP still flows): the client keeps hearing
    // the headend, retransmits QM1, and its SAs end 30 s after the rekey began.
    std::unique_ptr<Pair> pair;
    Nanos up = UpUntilShortlyBeforeTheRekey(pair, IpsecEncapsulation::Natt);
    Pair& p = *pair;
    p.net.SetDropRule(
        [](int from, uint64_t, const OuterPacket& o)
        {
            return from == 1 && !IsEsp(o);
        });
    Traffic(p, up + 700s);
    ASSERT_EQ(p.clientStatus.size(), 2u);
    EXPECT_EQ(p.clientStatus[1].reason, DownReason::RekeyFailure);
    EXPECT_EQ(p.clientAt[1], up + 600s);
}

TEST(IpsecRekey, ValidateNamesTheLifetimeAndItsRange)
{
    IpsecTunnelConfig c = test::Config(IpsecEncapsulation::Natt, true);
    EXPECT_FALSE(IpsecTunnel::Validate(c).has_value());
    c.lifetimes.ipsec = 119s;
    EXPECT_EQ(IpsecTunnel::Validate(c).value_or(""),
              "ipsec-lifetime=119: allowed 120 to 2147483647 seconds");
    c.lifetimes.ipsec = 28800s;
    c.lifetimes.ipsecKb = 9;
    EXPECT_EQ(IpsecTunnel::Validate(c).value_or(""),
              "ipsec-lifetime-kb=9: allowed 10 to 2147483647 kilobytes, or 0 (unlimited)");
    c.lifetimes.ipsecKb = 0;
    c.lifetimes.ike = 60s;
    EXPECT_EQ(IpsecTunnel::Validate(c).value_or(""),
              "ike-lifetime=60: allowed 120 to 2147483647 seconds");
}
