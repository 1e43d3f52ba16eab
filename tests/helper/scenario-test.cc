// Whole scenarios through RunScenario: the outcomes of Cisco's tech note (TAC 113578) over a
// fixed list of seeds, the cTCP time to failure against the model's own timeline, identical
// records for identical seeds, parameter validation, and the shipped DOT topologies.
#include "helper/scenario.h"
#include "helper/topology-spec.h"

#include <gtest/gtest.h>
#include <sstream>
#include <string>

using namespace ns3;

namespace
{

ScenarioParameters
Params(const std::string& encap, const std::string& asa, double loss, uint64_t seed)
{
    ScenarioParameters p;
    p.encap = encap;
    p.asa = asa;
    p.loss = loss;
    p.seed = seed;
    return p; // the 30-minute session with one echo a second: vpnsim-run's defaults
}

struct Outcome
{
    std::string encap;
    std::string asa;
    double loss;
    bool fails;
};

class TechNoteTable : public testing::TestWithParam<Outcome>
{
};

TEST_P(TechNoteTable, OutcomeOverSeeds)
{
    const Outcome& o = GetParam();
    for (uint64_t seed : {1, 2, 3})
    {
        auto r = RunScenario(Params(o.encap, o.asa, o.loss, seed), TechNoteLine());
        EXPECT_EQ(r.failed, o.fails) << o.encap << " through " << o.asa << " at " << o.loss
                                     << " seed " << seed << ": " << r.cause.value_or("-");
        if (!o.fails)
        {
            EXPECT_FALSE(r.cause.has_value());
            // Only what the link itself lost is missing (two crossings of a lossy hop).
            EXPECT_LT(r.innerLoss, 4 * o.loss + 0.005);
        }
        else if (r.established)
        {
            ASSERT_TRUE(r.timeToFailureS.has_value());
            EXPECT_LT(*r.timeToFailureS, 1800.0);
        }
        else
        {
            // A segment of IKE itself lost before the ASA: the tunnel never came up.
            EXPECT_EQ(r.cause.value_or(""), "not-established");
            EXPECT_FALSE(r.timeToFailureS.has_value());
        }
    }
}

std::string
OutcomeName(const testing::TestParamInfo<Outcome>& info)
{
    std::string name
        = info.param.encap + "_" + info.param.asa + "_" + (info.param.loss > 0 ? "lossy" : "clean");
    name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
    return name;
}

INSTANTIATE_TEST_SUITE_P(
    Cisco113578, TechNoteTable,
    testing::Values(Outcome{"ctcp", "proxy", 0.0, false}, Outcome{"ctcp", "normalizer", 0.0, false},
                    Outcome{"ctcp", "ips-strict", 0.0, false}, Outcome{"ctcp", "proxy", 0.01, true},
                    Outcome{"ctcp", "normalizer", 0.01, true},
                    Outcome{"ctcp", "ips-strict", 0.01, true},
                    Outcome{"natt", "proxy", 0.01, false}, Outcome{"esp", "proxy", 0.01, false},
                    Outcome{"anyconnect", "proxy", 0.01, false},
                    Outcome{"ctcp", "bypass", 0.01, false},
                    Outcome{"ctcp", "stateful", 0.01, false}),
    OutcomeName);

TEST(TechNoteTimeline, CtcpFailsAtTheFirstUpstreamLossPlusTheClientDpdTimeout)
{
    int checked = 0;
    for (uint64_t seed = 1; seed <= 12; ++seed)
    {
        ScenarioTimeline t;
        auto r = RunScenario(Params("ctcp", "normalizer", 0.01, seed), TechNoteLine(), &t);
        ASSERT_TRUE(r.failed) << "seed " << seed;
        ASSERT_TRUE(t.firstUpstreamLossS && t.firstDownS) << "seed " << seed;
        if (!t.tunnelUpS || *t.firstUpstreamLossS < *t.tunnelUpS + 5)
        {
            continue; // lost during IKE or before the first echo: a different timeline
        }
        ++checked;
        EXPECT_EQ(r.cause.value_or(""), "client-dpd") << "seed " << seed;
        EXPECT_EQ(t.firstDownSide, "client") << "seed " << seed;
        // The client last heard the headend at most one echo interval (plus a round trip)
        // before the hole, and declares it dead PeerTimeout (90 s) after that.
        double expected = *t.firstUpstreamLossS + 90;
        EXPECT_GE(*t.firstDownS, expected - 1.1) << "seed " << seed;
        EXPECT_LE(*t.firstDownS, expected + 0.1) << "seed " << seed;
        EXPECT_NEAR(*r.timeToFailureS, *t.firstDownS - *t.tunnelUpS, 1e-9);
        EXPECT_TRUE(r.established);
        EXPECT_EQ(r.tunnelUpS, t.tunnelUpS);
    }
    EXPECT_GE(checked, 6) << "too few seeds lost their first segment after setup";
}

TEST(ScenarioRecord, ATunnelThatNeverCameUpIsASetupFailureWithNoTimeToFailure)
{
    // At 60% loss IKE gives up before both ends are up; an end going down then is not a
    // tunnel dying, and there is no "tunnel up" to count a time to failure from.
    int setupFailures = 0;
    for (uint64_t seed = 1; seed <= 4; ++seed)
    {
        auto p = Params("ctcp", "normalizer", 0.6, seed);
        p.duration = 300;
        ScenarioTimeline t;
        auto r = RunScenario(p, TechNoteLine(), &t);
        if (t.tunnelUpS)
        {
            continue;
        }
        ++setupFailures;
        EXPECT_FALSE(r.established) << "seed " << seed;
        EXPECT_TRUE(r.failed) << "seed " << seed;
        EXPECT_EQ(r.cause.value_or(""), "not-established") << "seed " << seed;
        EXPECT_FALSE(r.timeToFailureS.has_value()) << "seed " << seed;
        EXPECT_FALSE(r.tunnelUpS.has_value()) << "seed " << seed;
        std::string json = vpnsim::engine::ToJson(r);
        EXPECT_NE(json.find("\"established\":false,\"tunnel_up_s\":null,\"failed\":true,"
                            "\"time_to_failure_s\":null,\"cause\":\"not-established\""),
                  std::string::npos)
            << json;
    }
    EXPECT_GE(setupFailures, 2) << "too few seeds failed setup at 60% loss";
}

TEST(ScenarioRecord, ASurvivingTunnelIsEstablishedWithNoFailureFields)
{
    auto r = RunScenario(Params("natt", "proxy", 0.0, 1), TechNoteLine());
    EXPECT_TRUE(r.established);
    ASSERT_TRUE(r.tunnelUpS.has_value());
    EXPECT_GT(*r.tunnelUpS, 0.5); // the endpoints start at 0.5 s, IKE takes a few round trips
    EXPECT_LT(*r.tunnelUpS, 5.0);
    EXPECT_FALSE(r.failed);
    EXPECT_FALSE(r.cause.has_value());
    EXPECT_FALSE(r.timeToFailureS.has_value());
}

TEST(ScenarioRecord, AnIdleTunnelBehindPatWithoutKeepalivesLosesItsMapping)
{
    // The branch office's PAT forgets an idle UDP mapping (2 min + 30 s); without NAT-T
    // keepalives the headend's DPD then never reaches the client: the cause is the mapping.
    auto spec = ReadTopologyDotFile(std::string(VPNSIM_SOURCE_DIR)
                                    + "/examples/topologies/branch-office.dot");
    ASSERT_TRUE(spec) << spec.GetError().detail;
    for (double keepalive : {0.0, 20.0})
    {
        auto p = Params("natt", "stateful", 0.0, 1);
        p.duration = 900;
        p.traffic = "idle";
        p.natKeepalive = keepalive;
        auto r = RunScenario(p, *spec);
        if (keepalive == 0)
        {
            EXPECT_TRUE(r.failed);
            EXPECT_EQ(r.cause.value_or(""), "nat-mapping-lost");
        }
        else
        {
            EXPECT_FALSE(r.failed) << r.cause.value_or("-");
        }
    }
}

TEST(ScenarioRecord, SameParametersAndSeedGiveAnIdenticalRecord)
{
    auto p = Params("ctcp", "proxy", 0.02, 7);
    p.duration = 600;
    std::string a = vpnsim::engine::ToJson(RunScenario(p, TechNoteLine()));
    std::string b = vpnsim::engine::ToJson(RunScenario(p, TechNoteLine()));
    EXPECT_EQ(a, b);
    p.seed = 8;
    EXPECT_NE(a, vpnsim::engine::ToJson(RunScenario(p, TechNoteLine())));
}

TEST(ScenarioParameters, EveryBadValueNamesTheFlagAndTheRange)
{
    struct Case
    {
        std::function<void(ScenarioParameters&)> spoil;
        std::string expected;
    };
    std::vector<Case> cases{
        {[](auto& p)
         {
             p.encap = "gre";
         },
         "--encap=gre: allowed ctcp, natt, esp, anyconnect"},
        {[](auto& p)
         {
             p.asa = "ips";
         },
         "--asa=ips: allowed none, stateful"},
        {[](auto& p)
         {
             p.loss = 1.5;
         },
         "--loss=1.5: allowed 0 <= loss < 1"},
        {[](auto& p)
         {
             p.loss = -0.1;
         },
         "--loss=-0.1: allowed"},
        {[](auto& p)
         {
             p.lossModel = "uniform";
         },
         "--loss-model=uniform: allowed"},
        {[](auto& p)
         {
             p.loss = 0.01;
             p.lossModel = "gilbert";
             p.burst = 0.5;
         },
         "--burst=0.5: allowed 1 <= burst <= 1000"},
        {[](auto& p)
         {
             p.lossModel = "trace";
         },
         "--loss-trace: required"},
        {[](auto& p)
         {
             p.duration = 5;
         },
         "--duration=5: allowed 10 to 604800 seconds"},
        {[](auto& p)
         {
             p.seed = 0;
         },
         "--seed=0: allowed"},
        {[](auto& p)
         {
             p.peerTimeout = 1;
         },
         "--peer-timeout=1: allowed 30 to 480 seconds"},
        {[](auto& p)
         {
             p.natKeepalive = 2;
         },
         "--nat-keepalive=2: allowed 10 to 3600 seconds, or 0 (off)"},
        {[](auto& p)
         {
             p.traffic = "video";
         },
         "--traffic=video: allowed echo, voip, bulk, idle"},
        {[](auto& p)
         {
             p.trafficSize = 5000;
         },
         "--traffic-size=5000: allowed 8 to 1300 bytes"},
        {[](auto& p)
         {
             p.transform = "des";
         },
         "--transform=des: allowed"},
    };
    EXPECT_EQ(ValidateScenario(ScenarioParameters{}), "");
    for (const auto& c : cases)
    {
        ScenarioParameters p;
        c.spoil(p);
        std::string error = ValidateScenario(p);
        EXPECT_EQ(error.rfind(c.expected, 0), 0u) << "got: " << error;
    }
}

TEST(Topologies, ShippedDotFilesParseAndRun)
{
    for (const char* file : {"tech-note.dot", "branch-office.dot", "multi-hop.dot"})
    {
        std::string path = std::string(VPNSIM_SOURCE_DIR) + "/examples/topologies/" + file;
        auto spec = ReadTopologyDotFile(path);
        ASSERT_TRUE(spec) << spec.GetError().detail;
        for (const char* encap : {"natt", "ctcp"})
        {
            auto p = Params(encap, "proxy", 0.0, 1);
            p.duration = 120;
            p.topology = path;
            auto r = RunScenario(p, *spec);
            EXPECT_FALSE(r.failed) << file << " " << encap << ": " << r.cause.value_or("-");
            EXPECT_GT(r.innerReceived, 100u) << file << " " << encap;
        }
    }
}

TEST(Topologies, BranchOfficeFiveClientsShareOneHeadend)
{
    std::string path = std::string(VPNSIM_SOURCE_DIR) + "/examples/topologies/branch-office.dot";
    auto spec = ReadTopologyDotFile(path);
    ASSERT_TRUE(spec) << spec.GetError().detail;
    ASSERT_EQ(spec->WithRole("client").size(), 5u);
    for (const char* encap : {"natt", "ctcp", "anyconnect"})
    {
        auto p = Params(encap, "normalizer", 0.0, 1);
        p.duration = 600;
        p.topology = path;
        auto r = RunScenario(p, *spec);
        EXPECT_FALSE(r.failed) << encap << ": " << r.cause.value_or("-");
        EXPECT_EQ(r.parameters["clients"], "5");
        EXPECT_EQ(r.parameters["clients_failed"], "0") << encap;
        // One echo a second from t = 5 s to 600 s, from each of the five, every one answered.
        EXPECT_EQ(r.innerSent, 5u * 595) << encap;
        EXPECT_EQ(r.innerReceived, r.innerSent) << encap;
    }
}

// With several clients the record stays the first client's (vertex order), and
// clients_failed counts all: a cTCP hole at the normalizer for one client fails only that one.
TEST(Topologies, RecordIsTheFirstClientsAndClientsFailedCountsEveryone)
{
    for (const char* lossy : {"c", "a"})
    {
        std::string dot = std::string("graph g { a [role=\"client\"]; b [role=\"client\"]; "
                                      "c [role=\"client\"]; r [role=\"router\"]; "
                                      "x [role=\"asa\"]; h [role=\"headend\"]; "
                                      "a -- r; b -- r; c -- r; r -- x [delay=\"20ms\"]; x -- h; ")
                          + lossy + " -- r [loss=\"bernoulli:0.01\", loss_reverse=\"none\"]; }";
        // The lossy edge is listed twice: drop the plain one.
        std::string plain = std::string(" ") + lossy + " -- r;";
        dot.erase(dot.find(plain), plain.size());
        std::istringstream in(dot);
        auto spec = ReadTopologyDot(in, "t.dot");
        ASSERT_TRUE(spec) << spec.GetError().detail;
        auto p = Params("ctcp", "normalizer", 0.0, 1);
        p.duration = 600;
        auto r = RunScenario(p, *spec);
        EXPECT_EQ(r.parameters["clients"], "3");
        EXPECT_EQ(r.parameters["clients_failed"], "1") << "lossy " << lossy;
        EXPECT_EQ(r.failed, std::string(lossy) == "a") << "lossy " << lossy;
        if (r.failed)
        {
            EXPECT_EQ(r.cause.value_or(""), "client-dpd");
        }
    }
}

TEST(Topologies, ErrorsNameTheElement)
{
    struct Case
    {
        std::string dot;
        std::string expected;
    };
    std::vector<Case> cases{
        {"graph g { a [role=\"client\"]; b [role=\"headend\"]; a -- b [colour=\"red\"]; }",
         "unknown attribute 'colour'"},
        {"graph g { a [role=\"client\"]; b [role=\"firewall\"]; }", "vertex b: role 'firewall'"},
        {"graph g { a [role=\"client\" ; }", "t.dot:1: "},
        {"graph g {\n a [role=\"client\"];\n h [role=\"headend\"];\n a -- h -- ;\n}\n",
         "t.dot:4: "},
        {"graph g {\n a [role=\"client\"];\n h [role=\"headend\",\n    colour=\"red\"];\n}\n",
         "t.dot:4: unknown attribute 'colour'"},
        {"graph g { a [role=\"client\"]; h [role=\"headend\"]; a -- h [rate=\"fast\"]; }",
         "edge a -- h: rate 'fast'"},
        {"graph g { a [role=\"client\"]; h [role=\"headend\"]; a -- h [delay=\"10 parsecs\"]; }",
         "edge a -- h: delay '10 parsecs'"},
        {"graph g { a [role=\"client\"]; h [role=\"headend\"]; a -- h [loss=\"bernoulli:2\"]; }",
         "edge a -- h: loss model 'bernoulli:2'"},
        {"graph g { a [role=\"client\"]; h [role=\"headend\"]; x [role=\"asa\"]; "
         "y [role=\"router\"]; a -- x; x -- h; x -- y; }",
         "vertex x: an asa sits between exactly two neighbours"},
        {"graph g { a [role=\"client\"]; h [role=\"headend\"]; }",
         "vertex a is not connected to the headend"},
        {"graph g { a [role=\"client\"]; }", "needs exactly one headend and at least one client"},
        {"graph g { h [role=\"headend\"]; }", "(found 1 headends and 0 clients)"},
    };
    for (const auto& c : cases)
    {
        std::istringstream in(c.dot);
        auto spec = ReadTopologyDot(in, "t.dot");
        ASSERT_FALSE(spec) << c.dot;
        EXPECT_NE(spec.GetError().detail.find(c.expected), std::string::npos)
            << c.dot << "\n -> " << spec.GetError().detail;
        EXPECT_EQ(spec.GetError().detail.rfind("t.dot:", 0), 0u);
    }
}

} // namespace
