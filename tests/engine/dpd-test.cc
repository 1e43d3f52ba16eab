// RFC 3706 DPD timelines of the Cisco VPN Client and the ASA
// (doc/protocols.md §Cisco VPN Client DPD, §ASA IKE keepalive).
#include "model/engine/dpd.h"
#include "model/engine/nat-keepalive.h"
#include "tests/engine/fake-host.h"

#include <gtest/gtest.h>
#include <vector>

using namespace vpnsim;
using namespace vpnsim::engine;
using namespace std::chrono_literals;

namespace
{

struct Recorder
{
    std::vector<Nanos> asked;
    std::vector<uint32_t> sequences;
    std::optional<Nanos> deadAt;

    DpdCallbacks Callbacks(test::FakeHost& host)
    {
        return DpdCallbacks{[this, &host](uint32_t s)
                            {
                                asked.push_back(host.Now());
                                sequences.push_back(s);
                            },
                            [this, &host]()
                            {
                                deadAt = host.Now();
                            }};
    }
};

/// A started DPD of type `Dpd` on a fake host (`config` as its constructor takes it), with what
/// it asks and decides recorded.
template<typename Dpd>
struct StartedDpd
{
    template<typename... Config>
    explicit StartedDpd(Config... config)
        : dpd(host, config...)
    {
        dpd.SetCallbacks(r.Callbacks(host));
        dpd.Start();
    }

    test::FakeHost host;
    Dpd dpd;
    Recorder r;
};

} // namespace

TEST(CiscoClientDpd, PeerDeadExactlyPeerTimeoutAfterTheLastPacketHeard)
{
    StartedDpd<CiscoClientDpd> started;
    auto& [host, dpd, r] = started;
    host.Advance(3s);
    dpd.OnPeerHeard(); // last packet from the headend at t = 3 s
    for (int t = 4; t < 200; ++t)
    {
        host.RunUntil(std::chrono::seconds(t));
        dpd.OnTrafficSent(); // the client keeps sending every second
    }
    ASSERT_TRUE(r.deadAt.has_value());
    EXPECT_EQ(*r.deadAt, 93s); // 3 s + PeerTimeout 90 s
    // R-U-THERE 10 s after the silence began, then every 5 s until the end.
    ASSERT_GE(r.asked.size(), 2u);
    EXPECT_EQ(r.asked[0], 13s);
    EXPECT_EQ(r.asked[1], 18s);
    EXPECT_EQ(r.asked.back(), 88s);
    EXPECT_EQ(r.asked.size(), 16u);
    EXPECT_EQ(r.sequences[1], r.sequences[0] + 1);
}

TEST(CiscoClientDpd, AnAckKeepsThePeerAlive)
{
    StartedDpd<CiscoClientDpd> started;
    auto& [host, dpd, r] = started;
    for (int t = 1; t < 300; ++t)
    {
        host.RunUntil(std::chrono::seconds(t));
        dpd.OnTrafficSent();
        if (!r.asked.empty() && r.asked.back() == host.Now())
        {
            dpd.OnAck(r.sequences.back()); // the headend answers each R-U-THERE at once
        }
    }
    EXPECT_FALSE(r.deadAt.has_value());
    EXPECT_GT(r.asked.size(), 10u);
    EXPECT_EQ(dpd.Counters().acksReceived, r.asked.size());
}

TEST(CiscoClientDpd, OnDemandOnlyAsksWhenItHasSentSomething)
{
    StartedDpd<CiscoClientDpd> started;
    auto& [host, dpd, r] = started;
    host.Advance(500s);
    EXPECT_TRUE(r.asked.empty());
    EXPECT_FALSE(r.deadAt.has_value());
}

TEST(CiscoClientDpd, PeerTimeoutIsConfigurable)
{
    StartedDpd<CiscoClientDpd> started(CiscoClientDpdConfig{10s, 5s, 30s});
    auto& [host, dpd, r] = started;
    dpd.OnTrafficSent();
    host.Advance(100s);
    EXPECT_EQ(r.deadAt, std::optional<Nanos>(30s));
}

TEST(CiscoClientDpd, AfterAnIdleSpellTheWaitStartsAtTheFirstUnansweredSend)
{
    // Both sides quiet for 200 s (on-demand DPD asks nothing), then the client sends at 200 s
    // and the path is dead: R-U-THERE at 210 s, every 5 s, dead at 290 s (200 + PeerTimeout),
    // not at once because the headend was last heard at 0 s.
    StartedDpd<CiscoClientDpd> started;
    auto& [host, dpd, r] = started;
    host.Advance(200s);
    dpd.OnTrafficSent();
    host.Advance(1s);
    EXPECT_FALSE(r.deadAt.has_value());
    host.Advance(200s);
    ASSERT_FALSE(r.asked.empty());
    EXPECT_EQ(r.asked.front(), 210s);
    EXPECT_EQ(r.asked.back(), 285s);
    EXPECT_EQ(r.deadAt, std::optional<Nanos>(290s));
}

TEST(CiscoClientDpd, AQuietSpellShorterThanTheIdleTimeStillCountsFromTheLastPacketHeard)
{
    // Heard at 0 s, first send at 8 s (< 10 s idle): the wait runs from 0 s, dead at 90 s.
    StartedDpd<CiscoClientDpd> started;
    auto& [host, dpd, r] = started;
    host.Advance(8s);
    dpd.OnTrafficSent();
    host.Advance(200s);
    ASSERT_FALSE(r.asked.empty());
    EXPECT_EQ(r.asked.front(), 10s);
    EXPECT_EQ(r.deadAt, std::optional<Nanos>(90s));
}

TEST(AsaDpd, ThresholdThenRetriesThenDead)
{
    StartedDpd<AsaDpd> started;
    auto& [host, dpd, r] = started;
    host.Advance(20s);
    dpd.OnPeerHeard(); // last heard at 20 s
    host.Advance(1000s);
    // R-U-THERE at 320 s, retries at 322, 324, 326, dead 2 s after the last.
    EXPECT_EQ(r.asked, (std::vector<Nanos>{320s, 322s, 324s, 326s}));
    EXPECT_EQ(r.deadAt, std::optional<Nanos>(328s));
}

TEST(AsaDpd, HearingThePeerCancelsTheRetries)
{
    StartedDpd<AsaDpd> started(AsaDpdConfig{10s, 2s, 3}); // LAN-to-LAN threshold
    auto& [host, dpd, r] = started;
    host.RunUntil(12s); // asked at 10 s and at 12 s
    ASSERT_EQ(r.asked.size(), 2u);
    dpd.OnAck(r.sequences.back());
    host.RunUntil(21s);
    EXPECT_EQ(r.asked.size(), 2u);
    host.RunUntil(22s); // 10 s after the ACK: asks again
    EXPECT_EQ(r.asked.size(), 3u);
    EXPECT_FALSE(r.deadAt.has_value());
}

TEST(NatKeepalive, EveryTwentySecondsWhileIdleAndNoneWhileBusy)
{
    test::FakeHost host;
    std::vector<Nanos> sent;
    NatKeepalive k(host,
                   [&]()
                   {
                       sent.push_back(host.Now());
                   });
    k.Start();
    host.Advance(65s);
    EXPECT_EQ(sent, (std::vector<Nanos>{20s, 40s, 60s}));
    sent.clear();
    for (int i = 0; i < 100; ++i) // traffic every 5 s for 500 s
    {
        host.Advance(5s);
        k.OnSent();
    }
    EXPECT_TRUE(sent.empty());
    host.Advance(20s);
    EXPECT_EQ(sent.size(), 1u);
}

TEST(NatKeepalive, StartingTwiceKeepsOneCadence)
{
    test::FakeHost host;
    std::vector<Nanos> sent;
    NatKeepalive k(host,
                   [&]()
                   {
                       sent.push_back(host.Now());
                   });
    k.Start();
    host.Advance(5s);
    k.Start(); // e.g. the tunnel came up again
    host.Advance(50s);
    EXPECT_EQ(sent, (std::vector<Nanos>{25s, 45s}));
}
