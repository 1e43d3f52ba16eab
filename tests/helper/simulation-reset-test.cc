// ResetSimulationState: each piece of process-wide state a run can leave behind is what a fresh
// process has after the call. The batch identity test (vpnsim-run --batch against separate
// processes) shows that no record depends on the order of runs; this shows that the reset
// itself does what it says, for state that today's scenarios happen to set again each run.
#include "helper/simulation-reset.h"
// Single headers, not the *-module.h aggregates (not valid C++20 in ns-3 3.37).
#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/global-value.h"
#include "ns3/ipv4-address-generator.h"
#include "ns3/names.h"
#include "ns3/node-container.h"
#include "ns3/node-list.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/type-id.h"

#include <gtest/gtest.h>
#include <string>

using namespace ns3;

namespace
{

/// The default a new TcpSocketBase would get for Timestamp, as text.
std::string
TimestampDefault()
{
    TypeId tid = TypeId::LookupByName("ns3::TcpSocketBase");
    TypeId::AttributeInformation info;
    EXPECT_TRUE(tid.LookupAttributeByName("Timestamp", &info));
    return info.initialValue->SerializeToString(info.checker);
}

bool
ChecksumEnabled()
{
    BooleanValue v;
    GlobalValue::GetValueByName("ChecksumEnabled", v);
    return v.Get();
}

TEST(SimulationReset, AttributeDefaultsReturnToCompiledIn)
{
    std::string fresh = TimestampDefault();
    Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(fresh != "true"));
    ASSERT_NE(TimestampDefault(), fresh);
    ResetSimulationState();
    EXPECT_EQ(TimestampDefault(), fresh);
}

TEST(SimulationReset, GlobalValuesReturnToCompiledIn)
{
    bool fresh = ChecksumEnabled();
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(!fresh));
    RngSeedManager::SetSeed(12345);
    RngSeedManager::SetRun(77);
    ResetSimulationState();
    EXPECT_EQ(ChecksumEnabled(), fresh);
    EXPECT_EQ(RngSeedManager::GetSeed(), 1U);
    EXPECT_EQ(RngSeedManager::GetRun(), 1U);
}

TEST(SimulationReset, NodesAndNamesStartAgain)
{
    NodeContainer nodes;
    nodes.Create(3);
    Names::Add("left-behind", nodes.Get(0));
    ResetSimulationState();
    EXPECT_EQ(NodeList::GetNNodes(), 0U);
    EXPECT_EQ(Names::Find<Node>("left-behind"), nullptr);
    NodeContainer again;
    again.Create(1);
    EXPECT_EQ(again.Get(0)->GetId(), 0U); // ids restart, so traces and streams line up again
    ResetSimulationState();
}

TEST(SimulationReset, AddressesAreHandedOutAgain)
{
    Ipv4Mask mask("255.255.255.0");
    Ipv4AddressGenerator::Init(Ipv4Address("198.18.7.0"), mask, Ipv4Address("0.0.0.1"));
    Ipv4Address first = Ipv4AddressGenerator::NextAddress(mask);
    ResetSimulationState();
    Ipv4AddressGenerator::Init(Ipv4Address("198.18.7.0"), mask, Ipv4Address("0.0.0.1"));
    // Without a reset the generator refuses the same address twice (a duplicate is fatal).
    EXPECT_EQ(Ipv4AddressGenerator::NextAddress(mask), first);
    ResetSimulationState();
}

} // namespace
