// Three nodes, client - ASA - headend, with an IPsec-over-TCP (cTCP) tunnel between the ends and
// an ASA doing stateful inspection in the middle; ten UDP echoes ride the tunnel. Built only
// against the installed vpnsim package (find_package(vpnsim)), as a user's program would be.
//
// Prints the tunnel's state and the echoes answered; exits 0 when all ten came back.
#include "helper/vpn-helper.h"
#include "model/asa-firewall.h"

// Single headers, not the *-module.h aggregates (some are not valid C++20 in ns-3 3.37).
#include "ns3/boolean.h"
#include "ns3/global-value.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/udp-echo-helper.h"
#include "ns3/uinteger.h"

#include <iostream>

using namespace ns3;

namespace
{
uint32_t g_echoes = 0;

void
EchoAnswered(Ptr<const Packet>)
{
    ++g_echoes;
}
} // namespace

int
main()
{
    // vpnsim's packets are real bytes that the endpoints check: ns-3 must compute checksums.
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    NodeContainer nodes; // client, ASA, headend
    nodes.Create(3);
    InternetStackHelper().Install(nodes);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("10ms"));
    NetDeviceContainer outside = p2p.Install(nodes.Get(0), nodes.Get(1));
    NetDeviceContainer inside = p2p.Install(nodes.Get(1), nodes.Get(2));
    Ipv4AddressHelper addresses;
    addresses.SetBase("198.18.1.0", "255.255.255.0");
    Ipv4InterfaceContainer clientSide = addresses.Assign(outside);
    addresses.SetBase("198.18.2.0", "255.255.255.0");
    Ipv4InterfaceContainer headendSide = addresses.Assign(inside);
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    Ptr<AsaFirewall> asa = CreateObject<AsaFirewall>();
    asa->SetAttribute("Mode", StringValue("stateful"));
    asa->Install(outside.Get(1), inside.Get(0));

    VpnHelper vpn;
    vpn.SetAttribute("Encapsulation", StringValue("ctcp"));
    ApplicationContainer ends = vpn.Install(nodes.Get(0), clientSide.GetAddress(0), nodes.Get(2),
                                            headendSide.GetAddress(1));
    ends.Start(Seconds(0.5));

    UdpEchoServerHelper server(9);
    server.Install(nodes.Get(2)).Start(Seconds(0));
    UdpEchoClientHelper echo(VpnHelper::TunnelAddress(Ipv4Address("10.8.0.0"), true), 9);
    echo.SetAttribute("MaxPackets", UintegerValue(10));
    echo.SetAttribute("Interval", TimeValue(Seconds(1)));
    ApplicationContainer client = echo.Install(nodes.Get(0));
    client.Start(Seconds(5));
    client.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&EchoAnswered));

    Simulator::Stop(Seconds(20));
    Simulator::Run();
    Ptr<VpnEndpoint> end = DynamicCast<VpnEndpoint>(ends.Get(0));
    bool up = end->IsUp();
    std::cout << "cTCP tunnel through the ASA: " << (up ? "up" : "down") << ", " << g_echoes
              << " of 10 echoes answered" << std::endl;
    Simulator::Destroy();
    return up && g_echoes == 10 ? 0 : 1;
}
