// The queue discipline on a scenario's link devices: FIFO of the ASA's 1024 packets unless
// another is chosen, none when asked, never ns-3's default FqCoDel behind the user's back.
#include "helper/lossy-link-helper.h"
#include "helper/queue-disc-choice.h"
#include "helper/scenario.h"
// Single headers, not the *-module.h aggregates (not valid C++20 in ns-3 3.37).
#include "ns3/internet-stack-helper.h"
#include "ns3/node-container.h"
#include "ns3/queue-disc.h"
#include "ns3/simulator.h"
#include "ns3/traffic-control-layer.h"

#include <gtest/gtest.h>
#include <string>

using namespace ns3;

namespace
{

/// The root queue disc's type on each end of a fresh link addressed with `choice` ("" none).
std::pair<std::string, std::string>
RootQueueDiscs(const std::string& choice, QueueSize* fifoLimit = nullptr)
{
    NodeContainer nodes;
    nodes.Create(2);
    InternetStackHelper().Install(nodes);
    NetDeviceContainer link = LossyLinkHelper().Install(nodes.Get(0), nodes.Get(1));
    Ipv4AddressHelper addresses("198.18.0.0", "255.255.255.252");
    Ipv4InterfaceContainer interfaces
        = AssignWithQueueDisc(addresses, Ipv4Mask("255.255.255.252"), link, choice);
    EXPECT_EQ(interfaces.GetAddress(0), Ipv4Address("198.18.0.1"));
    EXPECT_EQ(interfaces.GetAddress(1), Ipv4Address("198.18.0.2"));
    std::string types[2];
    for (uint32_t i = 0; i < 2; ++i)
    {
        Ptr<QueueDisc> root = nodes.Get(i)->GetObject<TrafficControlLayer>()->GetRootQueueDiscOnDevice(
            link.Get(i));
        types[i] = root ? root->GetInstanceTypeId().GetName() : "";
        if (root && fifoLimit)
        {
            *fifoLimit = root->GetMaxSize();
        }
    }
    Simulator::Destroy();
    return {types[0], types[1]};
}

TEST(QueueDiscChoice, FifoOfTheAsaQueueLimitByDefault)
{
    QueueSize limit;
    auto [a, b] = RootQueueDiscs(ScenarioParameters().queueDisc, &limit);
    EXPECT_EQ(a, "ns3::FifoQueueDisc");
    EXPECT_EQ(b, "ns3::FifoQueueDisc");
    EXPECT_EQ(limit, QueueSize("1024p"));
}

TEST(QueueDiscChoice, NoneLeavesOnlyTheDeviceQueue)
{
    auto [a, b] = RootQueueDiscs("none");
    EXPECT_EQ(a, "");
    EXPECT_EQ(b, "");
}

TEST(QueueDiscChoice, AnAqmWhenChosen)
{
    EXPECT_EQ(RootQueueDiscs("fq-codel").first, "ns3::FqCoDelQueueDisc");
    EXPECT_EQ(RootQueueDiscs("codel").first, "ns3::CoDelQueueDisc");
    EXPECT_EQ(RootQueueDiscs("pie").second, "ns3::PieQueueDisc");
}

TEST(QueueDiscChoice, AnUnknownNameIsRefusedNamingTheFlag)
{
    ScenarioParameters p;
    p.queueDisc = "wfq";
    EXPECT_EQ(ValidateScenario(p), "--queue-disc=wfq: allowed fifo, none, fq-codel, codel, pie, "
                                   "red, pfifo-fast");
}

// The choice reaches the simulation: a bulk transfer through the tunnel queues at the
// bottleneck, and a different discipline there gives a different run.
TEST(QueueDiscChoice, TheChoiceChangesAQueueingRun)
{
    ScenarioParameters p;
    p.traffic = "bulk";
    p.duration = 10;
    p.asa = "stateful";
    auto fifo = RunScenario(p, TechNoteLine());
    p.queueDisc = "fq-codel";
    auto fq = RunScenario(p, TechNoteLine());
    EXPECT_EQ(fq.parameters.at("queue_disc"), "fq-codel");
    EXPECT_EQ(fifo.parameters.count("queue_disc"), 0u);
    EXPECT_NE(fifo.innerSent, fq.innerSent);
}

} // namespace
