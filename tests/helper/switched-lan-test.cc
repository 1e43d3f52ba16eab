// A branch office's switched LAN: one subnet and one gateway interface for every host, the
// TTL a switch leaves (untouched), unicast frames only to the port they are for, and no ARP
// broadcasts from the hosts.
#include "helper/switched-lan-helper.h"
// Single headers, not the *-module.h aggregates (not valid C++20 in ns-3 3.37).
#include "ns3/csma-net-device.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/udp-socket-factory.h"

#include <gtest/gtest.h>
#include <vector>

using namespace ns3;

namespace
{

TEST(SwitchedLan, MaskHasRoomForEveryHost)
{
    EXPECT_EQ(MaskFor(2), Ipv4Mask("255.255.255.252"));
    EXPECT_EQ(MaskFor(3), Ipv4Mask("255.255.255.248"));
    EXPECT_EQ(MaskFor(254), Ipv4Mask("255.255.255.0"));
    EXPECT_EQ(MaskFor(255), Ipv4Mask("255.255.254.0"));
    EXPECT_EQ(MaskFor(3001), Ipv4Mask("255.255.240.0"));
}

struct Lan
{
    Lan(uint32_t hosts)
    {
        nodes.Create(hosts + 2); // gateway, hosts, switch
        InternetStackHelper stack;
        std::vector<SwitchPort> ports;
        for (uint32_t i = 0; i <= hosts; ++i)
        {
            stack.Install(nodes.Get(i));
            ports.push_back({nodes.Get(i), "100Mbps", MicroSeconds(5)});
        }
        lan = InstallSwitchedLan(nodes.Get(hosts + 1), ports, Ipv4Address("198.19.0.0"),
                                 MaskFor(ports.size()), "fifo", 1);
        for (uint32_t i = 0; i < lan.devices.GetN(); ++i)
        {
            lan.devices.Get(i)->TraceConnectWithoutContext(
                "MacRx", MakeBoundCallback(&Lan::Frame, &framesIn, i));
        }
        nodes.Get(0)->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
            "Rx", MakeCallback(&Lan::AtGateway, this));
        // Something listens, so the gateway answers nothing (no ICMP port unreachable).
        sink = Socket::CreateSocket(nodes.Get(0), UdpSocketFactory::GetTypeId());
        sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9));
    }

    static void Frame(std::vector<uint32_t>* counts, uint32_t port, Ptr<const Packet>)
    {
        counts->resize(std::max<size_t>(counts->size(), port + 1));
        ++(*counts)[port];
    }

    void AtGateway(Ptr<const Packet> packet, Ptr<Ipv4>, uint32_t)
    {
        Ipv4Header ip;
        packet->PeekHeader(ip);
        ttls.push_back(ip.GetTtl());
    }

    /// Host `host` (1-based) sends one UDP datagram to the gateway's LAN address at `t`.
    void SendToGateway(uint32_t host, double t)
    {
        Ptr<Socket> s = Socket::CreateSocket(nodes.Get(host), UdpSocketFactory::GetTypeId());
        Ipv4Address to = lan.interfaces.GetAddress(0);
        Simulator::Schedule(Seconds(t), [s, to]() {
            s->SendTo(Create<Packet>(100), 0, InetSocketAddress(to, 9));
        });
    }

    NodeContainer nodes;
    SwitchedLan lan;
    Ptr<Socket> sink;
    std::vector<uint32_t> framesIn;
    std::vector<uint8_t> ttls;
};

TEST(SwitchedLan, HostsShareOneSubnetBehindOneGatewayInterface)
{
    Lan lan(20);
    Ptr<Ipv4> gateway = lan.nodes.Get(0)->GetObject<Ipv4>();
    EXPECT_EQ(gateway->GetNInterfaces(), 2u); // loopback and the LAN, for all 20 hosts
    EXPECT_EQ(lan.lan.interfaces.GetAddress(0), Ipv4Address("198.19.0.1"));
    EXPECT_EQ(lan.lan.interfaces.GetAddress(20), Ipv4Address("198.19.0.21"));
    for (uint32_t i = 0; i < lan.lan.interfaces.GetN(); ++i)
    {
        Ptr<Ipv4> ip = lan.lan.interfaces.Get(i).first;
        EXPECT_EQ(ip->GetAddress(lan.lan.interfaces.Get(i).second, 0).GetMask(),
                  Ipv4Mask("255.255.255.224"));
    }
    Simulator::Destroy();
}

TEST(SwitchedLan, FramesReachOnlyTheirPortAndKeepTheirTtl)
{
    Lan lan(20);
    for (uint32_t h = 1; h <= 20; ++h)
    {
        lan.SendToGateway(h, 1.0 + 0.01 * h);
    }
    Simulator::Stop(Seconds(2));
    Simulator::Run();
    // Every datagram arrived, with the TTL the host sent (a switch does not route).
    ASSERT_EQ(lan.ttls.size(), 20u);
    for (uint8_t ttl : lan.ttls)
    {
        EXPECT_EQ(ttl, 64);
    }
    // The gateway got the 20 datagrams; each host got only the gateway's announcement (one
    // broadcast at start): no host saw another's frames, and no host broadcast an ARP request.
    lan.framesIn.resize(21);
    EXPECT_EQ(lan.framesIn[0], 20u);
    for (uint32_t h = 1; h <= 20; ++h)
    {
        EXPECT_EQ(lan.framesIn[h], 1u) << "host " << h;
    }
    Simulator::Destroy();
}

} // namespace
