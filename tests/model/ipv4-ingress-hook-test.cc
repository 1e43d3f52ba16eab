// Ipv4IngressHook on a router: what arrives on a hooked device reaches the handler and only
// the handler; Continue hands it to IPv4 exactly once; other devices are untouched.
#include "model/ipv4-ingress-hook.h"
#include "tests/support/three-node-line.h"
// Single headers, not the *-module.h aggregates (not valid C++20 in ns-3 3.37).
#include <gtest/gtest.h>
#include <map>
#include <ns3/boolean.h>
#include <ns3/global-value.h>
#include <ns3/inet-socket-address.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-address-helper.h>
#include <ns3/ipv4-global-routing-helper.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/point-to-point-helper.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <ns3/udp-echo-helper.h>
#include <ns3/uinteger.h>

using namespace ns3;

namespace
{

/// a(198.18.1.1) - router - b(198.18.2.2); a sends UDP echoes to b.
struct Triangle : ns3::test::ThreeNodeLine
{
    Triangle()
        : ThreeNodeLine("10Mbps", "1ms")
    {
        router = nodes.Get(1);
        router->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
            "Rx", MakeCallback(&Triangle::OnRouterRx, this));
    }

    ~Triangle()
    {
        Simulator::Destroy();
    }

    void Echo(uint32_t count)
    {
        UdpEchoServerHelper server(9);
        ApplicationContainer s = server.Install(nodes.Get(2));
        s.Start(Seconds(0));
        s.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&Triangle::OnServerRx, this));
        UdpEchoClientHelper echo(Ipv4Address("198.18.2.2"), 9);
        echo.SetAttribute("MaxPackets", UintegerValue(count));
        echo.SetAttribute("Interval", TimeValue(Seconds(0.1)));
        echo.SetAttribute("PacketSize", UintegerValue(100));
        ApplicationContainer c = echo.Install(nodes.Get(0));
        c.Start(Seconds(1));
        c.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&Triangle::OnClientRx, this));
        Simulator::Stop(Seconds(1 + 0.1 * count + 1));
        Simulator::Run();
    }

    void OnRouterRx(Ptr<const Packet>, Ptr<Ipv4>, uint32_t interface)
    {
        ++routerRx[interface];
    }

    void OnServerRx(Ptr<const Packet>)
    {
        ++serverRx;
    }

    void OnClientRx(Ptr<const Packet>)
    {
        ++clientRx;
    }

    uint32_t RouterInterface(Ptr<NetDevice> d) const
    {
        return router->GetObject<Ipv4>()->GetInterfaceForDevice(d);
    }

    Ptr<Node> router;
    std::map<uint32_t, uint32_t> routerRx;
    uint32_t serverRx{0};
    uint32_t clientRx{0};
};

} // namespace

TEST(Ipv4IngressHook, HookedDatagramsReachOnlyTheHandlerAndContinueOnce)
{
    Triangle t;
    Ptr<Ipv4IngressHook> hook = Ipv4IngressHook::Get(t.router);
    uint32_t handled = 0;
    Ptr<NetDevice> in = t.left.Get(1);
    hook->Hook(in, Callback<void, Ptr<NetDevice>, Ptr<const Packet>>(
                       [&handled, hook](Ptr<NetDevice> d, Ptr<const Packet> p)
                       {
                           ++handled;
                           hook->Continue(d, p);
                       }));
    t.Echo(10);
    EXPECT_EQ(handled, 10u);
    EXPECT_EQ(t.serverRx, 10u); // not 20: IPv4 did not get the hooked datagrams on its own
    EXPECT_EQ(t.clientRx, 10u);
    EXPECT_EQ(t.routerRx[t.RouterInterface(in)], 10u);             // once, via Continue
    EXPECT_EQ(t.routerRx[t.RouterInterface(t.right.Get(0))], 10u); // replies, untouched
}

TEST(Ipv4IngressHook, AHandlerThatDropsStopsTheDirection)
{
    Triangle t;
    uint32_t handled = 0;
    Ipv4IngressHook::Get(t.router)->Hook(t.left.Get(1),
                                         Callback<void, Ptr<NetDevice>, Ptr<const Packet>>(
                                             [&handled](Ptr<NetDevice>, Ptr<const Packet>)
                                             {
                                                 ++handled;
                                             }));
    t.Echo(5);
    EXPECT_EQ(handled, 5u);
    EXPECT_EQ(t.serverRx, 0u);
    EXPECT_EQ(t.routerRx[t.RouterInterface(t.left.Get(1))], 0u);
}

TEST(Ipv4IngressHook, BothDevicesOfARouterThroughTheNodesOneHook)
{
    Triangle t;
    Ptr<Ipv4IngressHook> hook = Ipv4IngressHook::Get(t.router);
    EXPECT_EQ(Ipv4IngressHook::Get(t.router), hook); // one per node, shared
    std::map<uint32_t, uint32_t> handled;
    for (Ptr<NetDevice> d : {t.left.Get(1), t.right.Get(0)})
    {
        hook->Hook(d, Callback<void, Ptr<NetDevice>, Ptr<const Packet>>(
                          [&handled, hook](Ptr<NetDevice> dev, Ptr<const Packet> p)
                          {
                              ++handled[dev->GetIfIndex()];
                              hook->Continue(dev, p);
                          }));
    }
    t.Echo(7);
    EXPECT_EQ(handled[t.left.Get(1)->GetIfIndex()], 7u);
    EXPECT_EQ(handled[t.right.Get(0)->GetIfIndex()], 7u);
    EXPECT_EQ(t.serverRx, 7u);
    EXPECT_EQ(t.clientRx, 7u);
}
