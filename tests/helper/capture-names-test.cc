// Captures are named by what each device is: the reader of a run's pcaps finds the client's,
// the ASA's two sides and the headend's without counting nodes.
#include "helper/capture-names.h"
#include "helper/topology-spec.h"

#include <gtest/gtest.h>
#include <set>
#include <sstream>
#include <string>

using namespace ns3;

namespace
{

std::set<std::string>
AllNames(const TopologySpec& topology)
{
    std::set<std::string> all;
    for (const auto& edge : CaptureNames(topology))
    {
        all.insert(edge[0]);
        all.insert(edge[1]);
    }
    return all;
}

} // namespace

TEST(CaptureNames, TheTechNoteLineHasAClientBothSidesOfTheAsaAndTheHeadend)
{
    TopologySpec line = TechNoteLine();
    auto names = CaptureNames(line);
    ASSERT_EQ(names.size(), line.edges.size());
    EXPECT_EQ(AllNames(line), (std::set<std::string>{"client-1", "asa-outside", "asa-inside",
                                                      "headend", "headend-to-server",
                                                      "server-to-headend"}));
    // The client's link: the client's device and the ASA's outside.
    for (size_t i = 0; i < line.edges.size(); ++i)
    {
        const auto& e = line.edges[i];
        if (line.vertices[e.first].role == "client")
        {
            EXPECT_EQ(names[i][0], "client-1");
            EXPECT_EQ(names[i][1], "asa-outside");
        }
    }
}

TEST(CaptureNames, SeveralOfARoleAreNumberedAndANatHasTwoSides)
{
    // Numbered in the spec's vertex order, which the DOT reader gives (here isp before lan).
    std::string text = "graph g { a [role=\"client\"]; b [role=\"client\"]; lan [role=\"router\"];"
                       " nat [role=\"nat\"]; isp [role=\"router\"]; asa [role=\"asa\"];"
                       " h [role=\"headend\"]; a -- lan; b -- lan; lan -- nat; nat -- isp;"
                       " isp -- asa [internet=\"true\"]; asa -- h; }";
    std::istringstream in(text);
    auto topology = ReadTopologyDot(in, "test");
    ASSERT_TRUE(topology) << topology.GetError().detail;
    EXPECT_EQ(AllNames(*topology),
              (std::set<std::string>{"client-1", "client-2", "router-2-to-client-1",
                                     "router-2-to-client-2", "router-2-to-nat", "nat-inside",
                                     "nat-outside", "router-1-to-nat", "router-1-to-asa",
                                     "asa-outside", "asa-inside", "headend"}));
    // The NAT's inside is its LAN (the clients' side), its outside the Internet's.
    auto names = CaptureNames(*topology);
    for (size_t i = 0; i < topology->edges.size(); ++i)
    {
        const auto& e = topology->edges[i];
        const std::string& a = topology->vertices[e.first].name;
        const std::string& b = topology->vertices[e.second].name;
        if (a == "lan" && b == "nat")
        {
            EXPECT_EQ(names[i][1], "nat-inside");
        }
        if (a == "nat" && b == "isp")
        {
            EXPECT_EQ(names[i][0], "nat-outside");
        }
    }
}
