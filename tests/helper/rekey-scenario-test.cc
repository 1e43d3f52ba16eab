// Long sessions through RunScenario with the SA lifetimes at work: a 9-hour session rekeys its
// IPsec SAs once (Cisco's 28800 s) through every ASA mode, shorter lifetimes rekey both phases
// over every IPsec encapsulation, and a loss placed where the rekey's Quick Mode passes kills
// a cTCP tunnel behind an in-order ASA with rekey-failure while the same loss costs NAT-T,
// native ESP and a stateful ASA only a retransmission.
#include "helper/scenario.h"
#include "helper/topology-spec.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>

using namespace ns3;

namespace
{

constexpr double kNineHours = 9 * 3600;

/// A sparse session: one echo a minute keeps the tunnel in use (the headend's
/// vpn-idle-timeout is 30 min) at a few hundred packets for nine hours.
ScenarioParameters
Sparse(const std::string& encap, const std::string& asa, double duration)
{
    ScenarioParameters p;
    p.encap = encap;
    p.asa = asa;
    p.duration = duration;
    p.trafficInterval = 60;
    return p;
}

/// Rekeys a lifetime of `life` seconds gives from tunnel up to the end of the session: each
/// SA is replaced 30 s before its end.
uint64_t
Expected(const vpnsim::engine::RunRecord& r, double life)
{
    return static_cast<uint64_t>(std::floor((r.durationS - *r.tunnelUpS) / (life - 30)));
}

class NineHourSession : public testing::TestWithParam<std::string>
{
};

class ShortLifetimes : public testing::TestWithParam<std::string>
{
};

/// A drop list that loses, in each direction, the first packet at or after `at` seconds.
std::string
LossAt(double at)
{
    auto path = std::filesystem::temp_directory_path()
                / ("vpnsim-rekey-hole-" + std::to_string(getpid()) + ".trace");
    std::ofstream(path) << "mode time\n" << at << "\n";
    return path.string();
}

} // namespace

TEST_P(NineHourSession, CiscoDefaultLifetimesRekeyTheIpsecSasOnceAndTheTunnelCarriesOn)
{
    auto r = RunScenario(Sparse("ctcp", GetParam(), kNineHours), TechNoteLine());
    EXPECT_FALSE(r.failed) << r.cause.value_or("");
    EXPECT_EQ(r.parameters.at("ipsec_lifetime_s"), "28800");
    EXPECT_EQ(r.parameters.at("ike_lifetime_s"), "86400");
    EXPECT_EQ(r.ipsecRekeys, 1u); // at 28770 s after tunnel up
    EXPECT_EQ(r.ikeRekeys, 0u);   // a day is longer than the session
    EXPECT_EQ(r.innerReceived, r.innerSent);
    EXPECT_GT(r.innerSent, 500u);
}

INSTANTIATE_TEST_SUITE_P(AsaModes, NineHourSession,
                         testing::Values("none", "stateful", "normalizer", "ips-strict", "proxy",
                                         "bypass"),
                         [](const auto& info)
                         {
                             std::string name = info.param;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

TEST_P(ShortLifetimes, BothPhasesRekeyOnScheduleThroughTheProxyForNineHours)
{
    ScenarioParameters p = Sparse(GetParam(), "proxy", kNineHours);
    p.ikeLifetime = 3600;
    p.ipsecLifetime = 1200;
    auto r = RunScenario(p, TechNoteLine());
    EXPECT_FALSE(r.failed) << r.cause.value_or("");
    EXPECT_EQ(r.ipsecRekeys, Expected(r, 1200)); // 27
    EXPECT_EQ(r.ikeRekeys, Expected(r, 3600));   // 9
    EXPECT_EQ(r.innerReceived, r.innerSent);
}

INSTANTIATE_TEST_SUITE_P(Encapsulations, ShortLifetimes, testing::Values("ctcp", "natt", "esp"),
                         [](const auto& info)
                         {
                             return info.param;
                         });

TEST(RekeyBehindAHole, CtcpThroughAnInOrderAsaDiesOfRekeyFailureWhenTheQuickModeIsLost)
{
    // Echoes go at 5 s + 60 s * k; the IPsec SAs' rekey starts 28770 s after tunnel up (about
    // 0.7 s). The first client packet after 28760 s is its Quick Mode 1: lost upstream, the ASA
    // holds everything after it, and the SAs end at 28800 s, before the client's DPD (90 s
    // after the echo reply at 28745 s) would give up.
    std::string trace = LossAt(28760);
    for (const char* asa : {"proxy", "normalizer", "ips-strict"})
    {
        ScenarioParameters p = Sparse("ctcp", asa, 29000);
        p.lossModel = "trace";
        p.lossTrace = trace;
        auto r = RunScenario(p, TechNoteLine());
        EXPECT_TRUE(r.failed) << asa;
        EXPECT_EQ(r.cause.value_or(""), "rekey-failure") << asa;
        ASSERT_TRUE(r.timeToFailureS.has_value()) << asa;
        EXPECT_NEAR(*r.timeToFailureS, 28800, 0.1) << asa;
        EXPECT_EQ(r.ipsecRekeys, 0u) << asa;
    }
    // The same loss where the lost Quick Mode is retransmitted and gets through.
    for (auto [encap, asa] :
         {std::pair{"ctcp", "stateful"}, std::pair{"natt", "proxy"}, std::pair{"esp", "proxy"}})
    {
        ScenarioParameters p = Sparse(encap, asa, 29000);
        p.lossModel = "trace";
        p.lossTrace = trace;
        auto r = RunScenario(p, TechNoteLine());
        EXPECT_FALSE(r.failed) << encap << " " << asa << ": " << r.cause.value_or("");
        EXPECT_EQ(r.ipsecRekeys, 1u) << encap << " " << asa;
    }
    std::filesystem::remove(trace);
}
