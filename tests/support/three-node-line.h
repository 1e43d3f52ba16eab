// The smallest routed network the model and scenario tests need: a(198.18.1.1) - middle -
// b(198.18.2.2) over point-to-point links, each node with an Internet stack, global routing
// populated, and real checksums on (vpnsim's packets carry real bytes). Tests put endpoints on
// the ends and a router, ASA or NAT on the middle node.
#ifndef VPNSIM_TESTS_SUPPORT_THREE_NODE_LINE_H
#define VPNSIM_TESTS_SUPPORT_THREE_NODE_LINE_H

// Single headers, not the *-module.h aggregates (not valid C++20 in ns-3 3.37).
#include "ns3/boolean.h"
#include "ns3/global-value.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/string.h"

#include <string>

namespace ns3
{
namespace test
{

struct ThreeNodeLine
{
    ThreeNodeLine(const std::string& rate, const std::string& delay)
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        nodes.Create(3);
        InternetStackHelper stack;
        stack.Install(nodes);
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue(rate));
        p2p.SetChannelAttribute("Delay", StringValue(delay));
        left = p2p.Install(nodes.Get(0), nodes.Get(1));
        right = p2p.Install(nodes.Get(1), nodes.Get(2));
        Ipv4AddressHelper a;
        a.SetBase("198.18.1.0", "255.255.255.0");
        leftInterfaces = a.Assign(left);
        a.SetBase("198.18.2.0", "255.255.255.0");
        rightInterfaces = a.Assign(right);
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    }

    NodeContainer nodes;
    NetDeviceContainer left;  ///< a's device, then the middle node's
    NetDeviceContainer right; ///< the middle node's device, then b's
    Ipv4InterfaceContainer leftInterfaces;
    Ipv4InterfaceContainer rightInterfaces;
};

} // namespace test
} // namespace ns3

#endif // VPNSIM_TESTS_SUPPORT_THREE_NODE_LINE_H
