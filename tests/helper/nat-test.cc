// A VPN client behind a NAT router (static NAT or PAT) and a headend on the public side: NAT-T
// keepalives keep the PAT mapping of an idle tunnel (RFC 3948 section 4), without them the mapping
// times out (ASA `timeout udp` + `timeout pat-xlate`, doc/protocols.md §NAT and PAT) and the
// headend's packets die at the NAT; native ESP needs the NAT's ESP pass-through. The bytes the NAT
// rewrites keep valid IPv4, UDP and TCP checksums.
#include "helper/vpn-helper.h"
#include "model/nat-device.h"
#include "model/wire/internet-checksum.h"
#include "model/wire/ipv4-datagram.h"
#include "model/wire/ipv4-translate.h"
// Single headers, not the *-module.h aggregates (not valid C++20 in ns-3 3.37).
#include "ns3/boolean.h"
#include "ns3/global-value.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4-static-routing.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/udp-echo-helper.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <functional>
#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace ns3;
namespace wire = vpnsim::wire;

namespace
{

const Ipv4Address kClient("198.19.1.2");        // private, behind the NAT
const Ipv4Address kRouterInside("198.19.1.1");  // the client's default gateway
const Ipv4Address kRouterOutside("198.18.2.1"); // the PAT address
const Ipv4Address kHeadend("198.18.2.2");
const Ipv4Address kTunnelNetwork("198.19.200.0");
const Ipv4Address kHeadendInner("198.19.200.1");
const Ipv4Address kClientInner("198.19.200.2");

bool
IsPrivate(uint32_t a)
{
    return (a >> 16) == ((198u << 8) | 19u); // 198.19.0.0/16: the inside network
}

/// One datagram seen by IPv4 on an outer interface, checked with the wire parsers.
struct Seen
{
    Time at;
    uint32_t source;
    uint32_t destination;
    uint8_t protocol;
};

/// client 198.19.1.2 - router (inside 198.19.1.1, outside 198.18.2.1) - headend 198.18.2.2.
/// Static routes only: the client's default route is the router; the headend knows nothing of
/// 198.19.0.0/16, as a host on the Internet knows nothing of a private network, so whatever it
/// sends to the client's private address goes nowhere.
struct NatLine
{
    using NatTweak = std::function<void(Ptr<NatDevice>)>;
    using VpnTweak = std::function<void(VpnHelper&)>;

    explicit NatLine(const std::string& encapsulation, const NatTweak& natTweak = {},
                     const VpnTweak& vpnTweak = {})
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true)); // real bytes: real checksums
        client = CreateObject<Node>();
        router = CreateObject<Node>();
        headend = CreateObject<Node>();
        InternetStackHelper stack;
        stack.Install(NodeContainer(client, router, headend));
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
        p2p.SetChannelAttribute("Delay", StringValue("10ms"));
        NetDeviceContainer inside = p2p.Install(router, client);
        NetDeviceContainer outside = p2p.Install(router, headend);
        Ipv4AddressHelper a;
        a.SetBase("198.19.1.0", "255.255.255.0");
        a.Assign(inside); // router .1, client .2
        a.SetBase("198.18.2.0", "255.255.255.0");
        a.Assign(outside); // router .1, headend .2
        Ipv4StaticRoutingHelper routing;
        Ptr<Ipv4> clientIp = client->GetObject<Ipv4>();
        routing.GetStaticRouting(clientIp)->SetDefaultRoute(
            kRouterInside, clientIp->GetInterfaceForDevice(inside.Get(1)));
        clientOuterIf = clientIp->GetInterfaceForDevice(inside.Get(1));
        headendOuterIf = headend->GetObject<Ipv4>()->GetInterfaceForDevice(outside.Get(1));

        nat = CreateObject<NatDevice>();
        if (natTweak)
        {
            natTweak(nat);
        }
        nat->Install(inside.Get(0), outside.Get(0));
        nat->TraceConnectWithoutContext("Drop", MakeCallback(&NatLine::OnDrop, this));
        nat->TraceConnectWithoutContext("Translate", MakeCallback(&NatLine::OnTranslate, this));
        nat->TraceConnectWithoutContext("MappingExpired", MakeCallback(&NatLine::OnExpired, this));
        client->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
            "Rx", MakeCallback(&NatLine::OnClientRx, this));
        headend->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
            "Rx", MakeCallback(&NatLine::OnHeadendRx, this));

        VpnHelper vpn;
        vpn.SetAttribute("Encapsulation", StringValue(encapsulation));
        if (vpnTweak)
        {
            vpnTweak(vpn);
        }
        // The headend is told the client's private address only: it must find the client
        // behind the NAT by itself.
        apps = vpn.Install(client, kClient, headend, kHeadend, kTunnelNetwork);
        apps.Start(Seconds(0.5));
        clientVpn = DynamicCast<VpnEndpoint>(apps.Get(0));
        headendVpn = DynamicCast<VpnEndpoint>(apps.Get(1));
    }

    ~NatLine()
    {
        Simulator::Destroy();
    }

    /// UDP echo from the client to the headend's tunnel address, `count` packets 1 s apart.
    void Echo(Time start, uint32_t count)
    {
        UdpEchoServerHelper server(9);
        server.Install(headend).Start(Seconds(0));
        UdpEchoClientHelper echo(kHeadendInner, 9);
        echo.SetAttribute("MaxPackets", UintegerValue(count));
        echo.SetAttribute("Interval", TimeValue(Seconds(1)));
        echo.SetAttribute("PacketSize", UintegerValue(200));
        ApplicationContainer c = echo.Install(client);
        c.Start(start);
        c.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&NatLine::CountEcho, this));
    }

    /// One UDP datagram from the headend's inner stack to the client's, through the tunnel.
    void HeadendSendsInner(Time at)
    {
        Simulator::Schedule(
            at,
            [this]()
            {
                Ptr<Socket> s = Socket::CreateSocket(headend, UdpSocketFactory::GetTypeId());
                s->Bind();
                s->SendTo(Create<Packet>(100), 0, InetSocketAddress(kClientInner, 7777));
                s->Close();
            });
    }

    void CountEcho(Ptr<const Packet>)
    {
        ++echoes;
    }

    void OnDrop(Ptr<const Packet>, std::string reason)
    {
        drops.emplace_back(Simulator::Now(), reason);
    }

    void OnTranslate(Ptr<const Packet> p, std::string direction)
    {
        translated[direction]++;
        // What the NAT puts back on the wire must verify in full.
        Check(p, direction);
    }

    void OnExpired(const NatDevice::Mapping& m)
    {
        expired.push_back(m);
        expiredAt.push_back(Simulator::Now());
    }

    void OnClientRx(Ptr<const Packet> p, Ptr<Ipv4>, uint32_t interface)
    {
        if (interface == clientOuterIf)
        {
            clientSeen.push_back(Check(p, "client rx"));
        }
    }

    void OnHeadendRx(Ptr<const Packet> p, Ptr<Ipv4>, uint32_t interface)
    {
        if (interface == headendOuterIf)
        {
            headendSeen.push_back(Check(p, "headend rx"));
        }
    }

    /// Parses a datagram with every checksum checked; counts failures.
    Seen Check(Ptr<const Packet> p, const std::string& where)
    {
        wire::Bytes b(p->GetSize());
        p->CopyData(b.data(), b.size());
        auto d = wire::ParseIpv4Datagram(b);
        if (!d)
        {
            ADD_FAILURE() << where << ": " << d.GetError().detail;
            return {};
        }
        const auto& h = d->header;
        if (h.protocol == wire::ipproto::Udp)
        {
            auto u = wire::ParseUdpDatagram(d->payload, h.source, h.destination);
            EXPECT_TRUE(u.Ok()) << where << ": " << (u ? "" : u.GetError().detail);
        }
        else if (h.protocol == wire::ipproto::Tcp)
        {
            auto t = wire::ParseTcpSegment(d->payload, h.source, h.destination);
            EXPECT_TRUE(t.Ok()) << where << ": " << (t ? "" : t.GetError().detail);
        }
        return Seen{Simulator::Now(), h.source, h.destination, h.protocol};
    }

    uint64_t DropsBefore(const std::string& reason, Time t) const
    {
        uint64_t n = 0;
        for (const auto& [at, r] : drops)
        {
            n += r == reason && at < t;
        }
        return n;
    }

    /// The live mapping of the client's UDP `port`, if any.
    std::optional<NatDevice::Mapping> ClientMapping(uint8_t protocol, uint16_t port) const
    {
        for (const auto& m : nat->GetMappings())
        {
            if (m.protocol == protocol && m.insideAddress == kClient && m.insidePort == port)
            {
                return m;
            }
        }
        return std::nullopt;
    }

    Ptr<Node> client;
    Ptr<Node> router;
    Ptr<Node> headend;
    uint32_t clientOuterIf{0};
    uint32_t headendOuterIf{0};
    Ptr<NatDevice> nat;
    ApplicationContainer apps;
    Ptr<VpnEndpoint> clientVpn;
    Ptr<VpnEndpoint> headendVpn;
    uint32_t echoes{0};
    std::vector<std::pair<Time, std::string>> drops;
    std::map<std::string, uint64_t> translated;
    std::vector<NatDevice::Mapping> expired;
    std::vector<Time> expiredAt;
    std::vector<Seen> clientSeen;
    std::vector<Seen> headendSeen;
};

} // namespace

// (a) RFC 3948's keepalives (20 s) refresh the PAT mapping of an idle tunnel: ten quiet
// minutes, then an echo still gets through, on the same mapping it started with.
TEST(Nat, NattKeepalivesKeepThePatMappingOfAnIdleTunnel)
{
    NatLine line("natt");
    line.Echo(Seconds(605), 1); // nothing inside the tunnel before
    Simulator::Stop(Seconds(610));
    Simulator::Run();
    EXPECT_TRUE(line.clientVpn->IsUp()) << line.clientVpn->GetStatus().detail;
    EXPECT_TRUE(line.headendVpn->IsUp()) << line.headendVpn->GetStatus().detail;
    EXPECT_EQ(line.echoes, 1u);
    EXPECT_EQ(line.nat->GetDrops(), 0u);
    auto natt = line.ClientMapping(wire::ipproto::Udp, 4500);
    ASSERT_TRUE(natt.has_value());
    EXPECT_EQ(natt->outsidePort, 4500);   // NAT-T keeps its port on a free PAT address
    EXPECT_LT(natt->created, Seconds(2)); // the mapping IKE floated to: never lost
    // IKE left UDP 500 for 4500 (RFC 3947), so only the 500 mapping timed out, 2 min 30 s
    // after its last use.
    ASSERT_EQ(line.expired.size(), 1u);
    EXPECT_EQ(line.expired[0].insidePort, 500);
    EXPECT_EQ(line.expiredAt[0], line.expired[0].lastUsed + Minutes(2) + Seconds(30));
    // The headend saw only the NAT's address, exactly once per datagram the NAT sent out.
    uint64_t fromNat = 0;
    for (const auto& s : line.headendSeen)
    {
        EXPECT_FALSE(IsPrivate(s.source));
        fromNat += s.source == kRouterOutside.Get();
    }
    EXPECT_EQ(fromNat, line.translated["outbound"]);
    EXPECT_GT(fromNat, 30u); // keepalives every 20 s for 10 minutes
    for (const auto& s : line.clientSeen)
    {
        EXPECT_EQ(s.destination, kClient.Get());
    }
}

// (b) Without keepalives the idle client's mapping times out after timeout udp + pat-xlate;
// in between, the xlate has no conn and drops what comes in ("no-connection"); after it, the
// headend's next packets (its DPD, 300 s after it last heard the client) find no translation,
// and the headend declares the client dead.
TEST(Nat, WithoutKeepalivesTheMappingExpiresAndTheHeadendIsCutOff)
{
    NatLine line("natt", {},
                 [](VpnHelper& vpn)
                 {
                     vpn.SetAttribute("NatKeepalive", TimeValue(Seconds(0)));
                 });
    line.HeadendSendsInner(Seconds(135)); // conn gone (2 min idle), xlate still there
    Simulator::Stop(Seconds(400));
    Simulator::Run();
    // Both mappings (IKE 500, NAT-T 4500) expired, 2 min 30 s after their last packet.
    ASSERT_EQ(line.expired.size(), 2u);
    Time nattExpired;
    for (size_t i = 0; i < line.expired.size(); ++i)
    {
        EXPECT_EQ(line.expiredAt[i], line.expired[i].lastUsed + Minutes(2) + Seconds(30));
        if (line.expired[i].insidePort == 4500)
        {
            nattExpired = line.expiredAt[i];
        }
    }
    ASSERT_GT(nattExpired, Seconds(150));
    ASSERT_LT(nattExpired, Seconds(155));
    EXPECT_FALSE(line.ClientMapping(wire::ipproto::Udp, 4500).has_value());
    EXPECT_EQ(line.DropsBefore(NatDevice::kNoConnection, nattExpired), 1u);
    EXPECT_EQ(line.DropsBefore(NatDevice::kNoTranslation, nattExpired), 0u);
    // DPD: R-U-THERE at 300 s and its retries all dropped, then the headend gives up.
    EXPECT_GE(line.nat->GetDrops(NatDevice::kNoTranslation), 3u);
    ASSERT_FALSE(line.drops.empty());
    EXPECT_EQ(line.drops.back().second, NatDevice::kNoTranslation);
    EXPECT_GT(line.drops.back().first, Seconds(300));
    EXPECT_FALSE(line.headendVpn->IsUp());
    ASSERT_TRUE(line.headendVpn->GetStatus().reason.has_value());
    EXPECT_EQ(*line.headendVpn->GetStatus().reason, vpnsim::engine::DownReason::HeadendDpd);
}

// (c) Native ESP has no ports for PAT to multiplex: dropped, while IKE on UDP 500 passes, so
// the tunnel "comes up" and carries nothing.
TEST(Nat, NativeEspThroughPatIsDroppedWithoutPassThrough)
{
    NatLine line("esp");
    line.Echo(Seconds(5), 10);
    Simulator::Stop(Seconds(20));
    Simulator::Run();
    EXPECT_TRUE(line.clientVpn->IsUp()); // IKE made it
    EXPECT_EQ(line.echoes, 0u);
    EXPECT_GE(line.nat->GetDrops(NatDevice::kEspNoPat), 10u);
    EXPECT_EQ(line.nat->GetDrops(), line.nat->GetDrops(NatDevice::kEspNoPat));
    const auto* ipsec = line.headendVpn->GetIpsecTunnel();
    ASSERT_NE(ipsec, nullptr);
    EXPECT_EQ(ipsec->Counters().innerReceived, 0u);
}

TEST(Nat, NativeEspThroughPatWorksWithEspPassThrough)
{
    NatLine line("esp",
                 [](Ptr<NatDevice> nat)
                 {
                     nat->SetAttribute("EspPassThrough", BooleanValue(true));
                 });
    line.Echo(Seconds(5), 10);
    Simulator::Stop(Seconds(20));
    Simulator::Run();
    EXPECT_EQ(line.echoes, 10u);
    EXPECT_EQ(line.nat->GetDrops(), 0u);
    auto esp = line.ClientMapping(wire::ipproto::Esp, 0);
    ASSERT_TRUE(esp.has_value());
    EXPECT_EQ(esp->outsideAddress, kRouterOutside);
    EXPECT_EQ(esp->connections, 1u);
    for (const auto& s : line.headendSeen)
    {
        EXPECT_EQ(s.source, kRouterOutside.Get());
    }
}

// Static NAT: addresses only, every protocol (native ESP included), no state, no timeout.
TEST(Nat, StaticNatCarriesNativeEspAndNeverExpires)
{
    const Ipv4Address published("198.18.2.100");
    NatLine line(
        "esp",
        [published](Ptr<NatDevice> nat)
        {
            nat->SetAttribute("Mode", StringValue("static"));
            nat->AddStaticMapping(kClient, published);
        },
        [](VpnHelper& vpn)
        {
            vpn.SetAttribute("NatKeepalive", TimeValue(Seconds(0)));
        });
    line.Echo(Seconds(600), 5); // after ten idle minutes
    Simulator::Stop(Seconds(610));
    Simulator::Run();
    EXPECT_EQ(line.echoes, 5u);
    EXPECT_EQ(line.nat->GetDrops(), 0u);
    EXPECT_TRUE(line.nat->GetMappings().empty());
    EXPECT_TRUE(line.expired.empty());
    for (const auto& s : line.headendSeen)
    {
        EXPECT_EQ(s.source, published.Get());
    }
}

// PAT ports: 4500 is kept for the first inside host that uses it; the next one gets the next
// free port from 1024 on, deterministically; inbound to a port nobody holds is dropped.
TEST(Nat, PatKeeps4500ForTheFirstHostAndAllocatesInOrderAfter)
{
    NatLine line("natt",
                 [](Ptr<NatDevice> nat)
                 {
                     nat->SetAttribute("UdpTimeout", TimeValue(Minutes(5)));
                 });
    // A second inside address on the client's link sends from 4500 to the headend first.
    Ptr<Ipv4> ip = line.client->GetObject<Ipv4>();
    ip->AddAddress(line.clientOuterIf,
                   Ipv4InterfaceAddress(Ipv4Address("198.19.1.3"), Ipv4Mask("255.255.255.0")));
    Ptr<Socket> other = Socket::CreateSocket(line.client, UdpSocketFactory::GetTypeId());
    other->Bind(InetSocketAddress(Ipv4Address("198.19.1.3"), 4500));
    Simulator::Schedule(Seconds(0.1),
                        [other]()
                        {
                            other->SendTo(Create<Packet>(1), 0, InetSocketAddress(kHeadend, 9999));
                        });
    Ptr<Socket> stray = Socket::CreateSocket(line.headend, UdpSocketFactory::GetTypeId());
    stray->Bind(InetSocketAddress(kHeadend, 7000));
    Simulator::Schedule(Seconds(3),
                        [stray]()
                        {
                            stray->SendTo(Create<Packet>(1), 0,
                                          InetSocketAddress(kRouterOutside, 2000));
                        });
    line.Echo(Seconds(5), 3);
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    std::map<std::pair<uint32_t, uint16_t>, uint16_t> ports;
    for (const auto& m : line.nat->GetMappings())
    {
        ports[{m.insideAddress.Get(), m.insidePort}] = m.outsidePort;
    }
    EXPECT_EQ((ports[{Ipv4Address("198.19.1.3").Get(), 4500}]), 4500);
    EXPECT_EQ((ports[{kClient.Get(), 500}]), 500);
    EXPECT_EQ((ports[{kClient.Get(), 4500}]), 1024);
    // The VPN follows the NAT's port (the headend answers where the client is seen).
    EXPECT_EQ(line.echoes, 3u);
    EXPECT_EQ(line.nat->GetDrops(NatDevice::kNoTranslation), 1u); // the stray datagram
}

// (d) The byte rewrite itself: addresses and ports replaced, the IPv4 header checksum and the
// UDP/TCP checksum (pseudo-header) verify afterwards, bit-exact to a datagram built directly.
TEST(NatTranslate, RewrittenUdpAndTcpDatagramsVerifyAndMatchDirectlyBuiltOnes)
{
    wire::Ipv4Addressing before{kClient.Get(), kHeadend.Get(), 0x1234};
    wire::Ipv4Addressing after{kRouterOutside.Get(), kHeadend.Get(), 0x1234};
    wire::Bytes payload(333);
    for (size_t i = 0; i < payload.size(); ++i)
    {
        payload[i] = static_cast<uint8_t>(i * 7);
    }

    wire::Bytes udp = wire::BuildIpv4Udp(before, 4500, 4500, payload, wire::UdpChecksum::Compute);
    ASSERT_TRUE(wire::TranslateIpv4Datagram(
        udp, wire::Ipv4Translation{.source = after.source, .sourcePort = 1024}));
    auto d = wire::ParseIpv4Datagram(udp);
    ASSERT_TRUE(d.Ok()) << d.GetError().detail;
    auto u = wire::ParseUdpDatagram(d->payload, d->header.source, d->header.destination);
    ASSERT_TRUE(u.Ok()) << u.GetError().detail;
    EXPECT_NE(u->checksum, 0);
    EXPECT_EQ(u->sourcePort, 1024);
    EXPECT_EQ(udp, wire::BuildIpv4Udp(after, 1024, 4500, payload, wire::UdpChecksum::Compute));

    // NAT-T's zero UDP checksum ("none", RFC 3948 2.1) stays zero.
    wire::Bytes zero = wire::BuildIpv4Udp(before, 4500, 4500, payload, wire::UdpChecksum::Zero);
    ASSERT_TRUE(wire::TranslateIpv4Datagram(
        zero, wire::Ipv4Translation{.source = after.source, .sourcePort = 1024}));
    EXPECT_EQ(zero, wire::BuildIpv4Udp(after, 1024, 4500, payload, wire::UdpChecksum::Zero));

    // Inbound: destination address and port.
    wire::TcpHeader th{10000, 61000, 0x01020304, 0x0a0b0c0d, wire::tcpflag::Ack, 65535, 0};
    wire::Bytes tcp = wire::BuildIpv4Tcp({kHeadend.Get(), kRouterOutside.Get(), 7}, th, payload);
    ASSERT_TRUE(wire::TranslateIpv4Datagram(
        tcp, wire::Ipv4Translation{.destination = kClient.Get(), .destinationPort = 50000}));
    auto t = wire::ParseIpv4Datagram(tcp);
    ASSERT_TRUE(t.Ok()) << t.GetError().detail;
    auto s = wire::ParseTcpSegment(t->payload, t->header.source, t->header.destination);
    ASSERT_TRUE(s.Ok()) << s.GetError().detail;
    wire::TcpHeader expected = th;
    expected.destinationPort = 50000;
    EXPECT_EQ(tcp, wire::BuildIpv4Tcp({kHeadend.Get(), kClient.Get(), 7}, expected, payload));

    // ESP (no ports): the address alone; asking for ports fails and leaves the bytes alone.
    wire::Bytes esp = wire::BuildIpv4Datagram(before, wire::ipproto::Esp, payload);
    wire::Bytes original = esp;
    EXPECT_FALSE(wire::TranslateIpv4Datagram(esp, wire::Ipv4Translation{.sourcePort = 1}));
    EXPECT_EQ(esp, original);
    ASSERT_TRUE(wire::TranslateIpv4Datagram(esp, wire::Ipv4Translation{.source = after.source}));
    EXPECT_EQ(esp, wire::BuildIpv4Datagram(after, wire::ipproto::Esp, payload));
}

TEST(NatTranslate, AWrongTransportChecksumStaysWrong)
{
    // A NAT adjusts checksums (RFC 1624); it must not launder a corrupted datagram.
    wire::Bytes udp = wire::BuildIpv4Udp({kClient.Get(), kHeadend.Get(), 1}, 500, 500,
                                         wire::Bytes(64, 0x11), wire::UdpChecksum::Compute);
    udp.back() ^= 0x40; // corrupt the payload
    ASSERT_TRUE(wire::TranslateIpv4Datagram(
        udp, wire::Ipv4Translation{.source = kRouterOutside.Get(), .sourcePort = 2000}));
    auto d = wire::ParseIpv4Datagram(udp);
    ASSERT_TRUE(d.Ok());
    auto u = wire::ParseUdpDatagram(d->payload, d->header.source, d->header.destination);
    ASSERT_FALSE(u.Ok());
    EXPECT_EQ(u.GetError().code, wire::ErrorCode::BadChecksum);
    // And a header with a bad checksum is refused.
    udp[8] ^= 1; // TTL
    EXPECT_FALSE(wire::TranslateIpv4Datagram(udp, wire::Ipv4Translation{.source = 1}));
}

TEST(NatTranslate, ChecksumAdjustMatchesRecomputing)
{
    // RFC 1624 eqn. 3 against a full recomputation, for every word position of some data and
    // values that include the one's-complement corner cases 0x0000 and 0xffff.
    wire::Bytes data(40);
    for (size_t i = 0; i < data.size(); ++i)
    {
        data[i] = static_cast<uint8_t>(0x3c + i * 29);
    }
    for (uint16_t to : {0x0000, 0xffff, 0x1234, 0xfedc})
    {
        for (size_t at = 0; at + 1 < data.size(); at += 2)
        {
            wire::Bytes changed = data;
            wire::PutU16(&changed[at], to);
            uint16_t adjusted
                = wire::ChecksumAdjust(wire::InternetChecksum(data), wire::GetU16(&data[at]), to);
            // Equal as one's-complement numbers (0x0000 and 0xffff are both zero).
            uint16_t recomputed = wire::InternetChecksum(changed);
            EXPECT_TRUE(adjusted == recomputed || (adjusted == 0 && recomputed == 0xffff)
                        || (adjusted == 0xffff && recomputed == 0))
                << "word " << at / 2 << " -> " << to << ": " << adjusted << " vs " << recomputed;
        }
    }
}
