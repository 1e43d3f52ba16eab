// Lossy links between sites: loss specs are parsed and refused with the field and range named,
// and each direction of a link gets its own model.
#include "helper/lossy-link-helper.h"
// Single headers, not the *-module.h aggregates (not valid C++20 in ns-3 3.37).
#include "ns3/mac48-address.h"
#include "ns3/node-container.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"

#include <gtest/gtest.h>
#include <string>
#include <utility>
#include <vector>

using namespace ns3;

namespace
{

TEST(LossSpec, BadSpecsNameTheFieldAndTheRange)
{
    for (const auto& [spec, expected] : std::vector<std::pair<std::string, std::string>>{
             {"bernoulli:1.5", "[0, 1]"},
             {"bernoulli:", "[0, 1]"},
             {"gilbert:loss=0.5", "either loss and burst"},
             {"gilbert:p=2,r=0.5", "field 'p' must be in [0, 1]"},
             {"gilbert:p=0.1,r=x", "field 'r' is not a number"},
             {"gilbert:q=1", "unknown field 'q'"},
             {"gilbert:loss=0.1,burst=0.5", "meanBurstLength"},
             {"trace:/nonexistent/drops.txt", "/nonexistent/drops.txt"},
             {"uniform:0.1", "kind must be none, bernoulli"}})
    {
        auto model = MakeLossModel(spec, 1);
        ASSERT_FALSE(model) << spec;
        EXPECT_NE(model.GetError().detail.find(expected), std::string::npos)
            << spec << " -> " << model.GetError().detail;
        EXPECT_NE(model.GetError().detail.find(spec), std::string::npos);
    }
    LossyLinkHelper link;
    EXPECT_FALSE(link.SetLoss("bernoulli:0.1", "bernoulli:7"));
}

TEST(LossSpec, GoodSpecsBuildModels)
{
    EXPECT_TRUE(MakeLossModel("none", 1));
    EXPECT_EQ(*MakeLossModel("none", 1), nullptr);
    for (const char* spec : {"bernoulli:0", "bernoulli:0.01", "gilbert:loss=0.01,burst=3",
                             "gilbert:p=0.01,r=0.3", "gilbert:p=0.01,r=0.3,k=0.001,h=0.8"})
    {
        auto model = MakeLossModel(spec, 1);
        ASSERT_TRUE(model) << spec << ": " << model.GetError().detail;
        EXPECT_NE(*model, nullptr) << spec;
    }
}

/// Counts what one device of a link received and lost.
struct Counter
{
    void Received(Ptr<const Packet>)
    {
        ++received;
    }

    void Lost(Ptr<const Packet>)
    {
        ++lost;
    }

    uint32_t received{0};
    uint32_t lost{0};
};

TEST(LossyLink, EachDirectionHasItsOwnLoss)
{
    NodeContainer nodes;
    nodes.Create(2);
    LossyLinkHelper helper;
    helper.SetDataRate("100Mbps");
    ASSERT_TRUE(helper.SetLoss("gilbert:loss=0.05,burst=4", "none"));
    helper.SetFirstStream(7);
    NetDeviceContainer devices = helper.Install(nodes.Get(0), nodes.Get(1));
    std::vector<Counter> counters(2);
    for (uint32_t i = 0; i < 2; ++i)
    {
        devices.Get(i)->TraceConnectWithoutContext("MacRx",
                                                   MakeCallback(&Counter::Received, &counters[i]));
        devices.Get(i)->TraceConnectWithoutContext("PhyRxDrop",
                                                   MakeCallback(&Counter::Lost, &counters[i]));
    }
    const uint32_t n = 20000;
    for (uint32_t k = 0; k < n; ++k)
    {
        Simulator::Schedule(MicroSeconds(200 * k),
                            [&devices, k]()
                            {
                                devices.Get(k % 2)->Send(Create<Packet>(100),
                                                         devices.Get(1 - k % 2)->GetAddress(),
                                                         0x0800);
                            });
    }
    Simulator::Run();
    Simulator::Destroy();
    // Forward (0 -> 1): lost on arrival at device 1, about 5%; backward: nothing lost.
    EXPECT_EQ(counters[1].received + counters[1].lost, n / 2);
    EXPECT_NEAR(counters[1].lost / double(n / 2), 0.05, 0.02);
    EXPECT_EQ(counters[0].lost, 0u);
    EXPECT_EQ(counters[0].received, n / 2);
}

/// Arrival times at one device.
struct Arrivals
{
    void Received(Ptr<const Packet> packet)
    {
        times.push_back(Simulator::Now());
        sizes.push_back(packet->GetSize());
    }

    std::vector<Time> times;
    std::vector<uint32_t> sizes;
};

TEST(LossyLink, JitterVariesTheDelayWithinItsBoundAndKeepsTheOrder)
{
    NodeContainer nodes;
    nodes.Create(2);
    LossyLinkHelper helper;
    helper.SetDataRate("1Gbps");
    helper.SetDelay(MilliSeconds(10));
    helper.SetJitter(MilliSeconds(5));
    helper.SetFirstStream(3);
    NetDeviceContainer devices = helper.Install(nodes.Get(0), nodes.Get(1));
    Arrivals arrivals;
    devices.Get(1)->TraceConnectWithoutContext("MacRx",
                                               MakeCallback(&Arrivals::Received, &arrivals));
    const uint32_t n = 1000;
    for (uint32_t k = 0; k < n; ++k)
    {
        // 1 ms apart, each a distinct size so that the arrival order can be checked.
        Simulator::Schedule(MilliSeconds(k),
                            [&devices, k]()
                            {
                                devices.Get(0)->Send(Create<Packet>(100 + k),
                                                     devices.Get(1)->GetAddress(), 0x0800);
                            });
    }
    Simulator::Run();
    Simulator::Destroy();
    ASSERT_EQ(arrivals.times.size(), n);
    Time shortest = Seconds(1);
    Time longest;
    for (uint32_t k = 0; k < n; ++k)
    {
        EXPECT_EQ(arrivals.sizes[k], 102 + k) << "packet " << k << " overtaken"; // + PPP header
        Time delay = arrivals.times[k] - MilliSeconds(k);
        shortest = std::min(shortest, delay);
        longest = std::max(longest, delay);
    }
    // 10 ms of propagation, under a microsecond of transmission, up to 5 ms of jitter (plus
    // whatever waiting behind a later-drawn predecessor adds, at most another 4 ms).
    EXPECT_GE(shortest, MilliSeconds(10));
    EXPECT_LT(shortest, MicroSeconds(10500));
    EXPECT_GT(longest, MilliSeconds(14));
    EXPECT_LT(longest, MicroSeconds(19100));
}

} // namespace
