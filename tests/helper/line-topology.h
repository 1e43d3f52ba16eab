// A line of three nodes for scenario tests: client - middle - headend over point-to-point
// links, with the VPN installed on the ends. Tests put a router, an ASA or a NAT on the middle
// node and loss models on its links.
#ifndef VPNSIM_TESTS_HELPER_LINE_TOPOLOGY_H
#define VPNSIM_TESTS_HELPER_LINE_TOPOLOGY_H

#include "helper/vpn-helper.h"
#include "tests/support/three-node-line.h"
// Single headers, not the *-module.h aggregates: some ns-3 3.37 headers those pull in
// (singleton.h) are not valid C++20, which the rest of vpnsim uses.
#include "ns3/boolean.h"
#include "ns3/bulk-send-helper.h"
#include "ns3/double.h"
#include "ns3/error-model.h"
#include "ns3/global-value.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/packet-sink-helper.h"
#include "ns3/packet-sink.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/udp-echo-helper.h"
#include "ns3/uinteger.h"

#include <string>

namespace ns3
{
namespace test
{

/// client(198.18.1.1) - middle - headend(198.18.2.2), 10 Mbit/s, 10 ms per link, with the VPN
/// installed on the ends and optional random loss on the client's link.
struct Line : ThreeNodeLine
{
    explicit Line(const std::string& encapsulation, double lossClientSide = 0.0)
        : ThreeNodeLine("10Mbps", "10ms")
    {
        if (lossClientSide > 0)
        {
            for (uint32_t i = 0; i < 2; ++i)
            {
                Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
                em->SetAttribute("ErrorRate", DoubleValue(lossClientSide));
                em->SetAttribute("ErrorUnit", StringValue("ERROR_UNIT_PACKET"));
                em->AssignStreams(100 + i);
                left.Get(i)->SetAttribute("ReceiveErrorModel", PointerValue(em));
            }
        }
        VpnHelper vpn;
        vpn.SetAttribute("Encapsulation", StringValue(encapsulation));
        apps = vpn.Install(nodes.Get(0), leftInterfaces.GetAddress(0), nodes.Get(2),
                           rightInterfaces.GetAddress(1));
        apps.Start(Seconds(0.5));
        client = DynamicCast<VpnEndpoint>(apps.Get(0));
        headend = DynamicCast<VpnEndpoint>(apps.Get(1));
    }

    ~Line()
    {
        Simulator::Destroy();
    }

    /// UDP echo from the client to the headend's tunnel address, `count` packets of `size`
    /// bytes `interval` apart from t = 5 s.
    void Echo(uint32_t count, uint32_t size = 200, Time interval = Seconds(1))
    {
        UdpEchoServerHelper server(9);
        server.Install(nodes.Get(2)).Start(Seconds(0));
        UdpEchoClientHelper echo(VpnHelper::TunnelAddress(Ipv4Address("10.8.0.0"), true), 9);
        echo.SetAttribute("MaxPackets", UintegerValue(count));
        echo.SetAttribute("Interval", TimeValue(interval));
        echo.SetAttribute("PacketSize", UintegerValue(size));
        ApplicationContainer c = echo.Install(nodes.Get(0));
        c.Start(Seconds(5));
        c.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&Line::CountEcho, this));
    }

    void CountEcho(Ptr<const Packet>)
    {
        ++echoes;
    }

    ApplicationContainer apps;
    Ptr<VpnEndpoint> client;
    Ptr<VpnEndpoint> headend;
    uint32_t echoes{0};
};

} // namespace test
} // namespace ns3

#endif // VPNSIM_TESTS_HELPER_LINE_TOPOLOGY_H
