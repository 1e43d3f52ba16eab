// The endpoint (model/engine/endpoint.h) with a fake clock and a fake network: a headend and
// its clients back to back, no ns-3 and no sockets. What the drivers used to decide each on
// their own is specified here once: which tunnel a packet belongs to, new clients and their
// SPIs, inner routing, where a peer is seen, the client's source ports.
#include "model/engine/endpoint.h"
#include "model/engine/ipsec-tunnel.h"
#include "model/wire/esp-in-udp.h"
#include "model/wire/ipv4-datagram.h"
#include "tests/engine/fake-clock.h"

#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <random>
#include <set>

namespace vpnsim
{
namespace
{

using engine::Encapsulation;
using engine::Endpoint;
using engine::EndpointRole;
using engine::EndpointSettings;
using engine::Nanos;
using engine::OuterPacket;
using engine::TunnelId;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr uint32_t kHeadend = 0xc6120202;     // 198.18.2.2
constexpr uint32_t kTunnelNet = 0xc6130000;   // 198.19.0.0/24
constexpr uint32_t kTunnelMask = 0xffffff00;
constexpr uint32_t kHeadendInner = kTunnelNet + 1;

class Net;

/// One endpoint on the fake network: the EndpointHost a driver would be.
class Node : public engine::EndpointHost
{
  public:
    Node(Net& net, uint32_t address, uint64_t seed)
        : m_net(net)
        , address(address)
        , m_random(seed)
    {
    }

    engine::Nanos Now() const override;
    void SendOuter(const OuterPacket& p) override;
    engine::TimerId StartTimer(Nanos at, std::function<void()> cb) override;
    void CancelTimer(engine::TimerId id) override;

    uint32_t Random32() override
    {
        return static_cast<uint32_t>(m_random());
    }

    void DeliverInner(wire::ByteView inner) override
    {
        delivered.emplace_back(inner.begin(), inner.end());
    }

    void SendTunnelStream(TunnelId, wire::ByteView) override {}

    void TunnelStatusChanged(TunnelId tunnel, const engine::TunnelStatus& s) override
    {
        states.emplace_back(tunnel, s.state);
    }

    void TunnelDropped(TunnelId, engine::DropReason, wire::ByteView, const std::string&) override
    {
    }

    void TunnelLiveness(TunnelId, engine::LivenessEvent) override {}

    void OuterReceived(TunnelId tunnel, wire::ByteView) override
    {
        ++received[tunnel];
    }

    void Unclaimed(const std::string& reason, wire::ByteView) override
    {
        unclaimed.push_back(reason);
    }

    void Make(EndpointSettings s, uint16_t drawn = 40000)
    {
        s.localAddress = address;
        endpoint = std::make_unique<Endpoint>(*this, s,
                                              [this, drawn](uint16_t lowest, uint16_t highest)
                                              {
                                                  draws.emplace_back(lowest, highest);
                                                  return drawn;
                                              });
    }

    Net& m_net;
    uint32_t address;
    std::unique_ptr<Endpoint> endpoint;
    std::vector<wire::Bytes> delivered;
    std::vector<std::pair<TunnelId, engine::TunnelState>> states;
    std::map<TunnelId, uint64_t> received;
    std::vector<std::string> unclaimed;
    std::vector<std::pair<uint16_t, uint16_t>> draws;

  private:
    std::mt19937_64 m_random;
};

/// The network: every outer packet reaches the node with its destination address after 5 ms,
/// unless `drop` says otherwise; raw-socket traffic (cTCP, ESP) arrives as whole datagrams.
class Net
{
  public:
    Node& Add(uint32_t address)
    {
        nodes.push_back(std::make_unique<Node>(*this, address, 100 + nodes.size()));
        return *nodes.back();
    }

    void Transmit(const OuterPacket& p)
    {
        if (drop && drop(p))
        {
            return;
        }
        wire::Bytes bytes(p.payload.begin(), p.payload.end());
        OuterPacket header = p;
        if (p.protocol != engine::OuterProtocol::Udp)
        {
            uint8_t proto = p.protocol == engine::OuterProtocol::Tcp ? 6 : 50;
            bytes = wire::BuildIpv4Datagram({p.sourceAddress, p.destinationAddress, 0}, proto,
                                            p.payload);
        }
        clock.Schedule(clock.Now() + milliseconds(5),
                       [this, header, bytes]() mutable
                       {
                           for (auto& n : nodes)
                           {
                               if (n->address != header.destinationAddress || !n->endpoint)
                               {
                                   continue;
                               }
                               if (header.protocol == engine::OuterProtocol::Udp)
                               {
                                   header.payload = bytes;
                                   n->endpoint->ReceiveOuter(header);
                               }
                               else
                               {
                                   n->endpoint->ReceiveRaw(bytes);
                               }
                           }
                       });
    }

    void RunUntil(Nanos until)
    {
        clock.RunUntil(until);
    }

    test::FakeClock clock;
    std::vector<std::unique_ptr<Node>> nodes;
    std::function<bool(const OuterPacket&)> drop;
};

engine::Nanos
Node::Now() const
{
    return m_net.clock.Now();
}

void
Node::SendOuter(const OuterPacket& p)
{
    m_net.Transmit(p);
}

engine::TimerId
Node::StartTimer(Nanos at, std::function<void()> cb)
{
    return m_net.clock.Schedule(at, std::move(cb));
}

void
Node::CancelTimer(engine::TimerId id)
{
    m_net.clock.Cancel(id);
}

EndpointSettings
Settings(EndpointRole role, Encapsulation encapsulation)
{
    EndpointSettings s;
    s.role = role;
    s.encapsulation = encapsulation;
    s.remoteAddress = role == EndpointRole::Client ? kHeadend : 0;
    return s;
}

wire::Bytes
Inner(uint32_t from, uint32_t to, uint16_t sequence)
{
    return wire::BuildIcmpEchoRequest({from, to, sequence}, 1, sequence, 32);
}

/// A headend and `n` clients at 198.18.1.2, .3, ..., each its own Endpoint, as VpnHelper
/// pairs them: client i receives on SPI block i and its inner address is 198.19.0.(2 + i).
struct Fleet
{
    Fleet(Encapsulation encapsulation, uint32_t n)
        : headend(net.Add(kHeadend))
    {
        headend.Make(Settings(EndpointRole::Headend, encapsulation));
        headend.endpoint->SetTunnelNetwork(kHeadendInner, kTunnelMask);
        for (uint32_t i = 0; i < n; ++i)
        {
            Node& c = net.Add(0xc6120102 + i);
            EndpointSettings s = Settings(EndpointRole::Client, encapsulation);
            s.clientToHeadendSpi += i << 8;
            s.headendToClientSpi += i << 8;
            c.Make(s, static_cast<uint16_t>(20000 + i));
            headend.endpoint->ExpectClient(kTunnelNet + 2 + i, s.headendToClientSpi, c.address);
            clients.push_back(&c);
        }
    }

    void StartAll()
    {
        for (Node* c : clients)
        {
            c->endpoint->Start();
        }
        net.RunUntil(seconds(5));
    }

    Net net;
    Node& headend;
    std::vector<Node*> clients;
};

class EndpointFleet : public testing::TestWithParam<Encapsulation>
{
};

TEST_P(EndpointFleet, HeadendMakesOneTunnelPerClientWithItsOwnSpiAndRoutesInnerPacketsToIt)
{
    Fleet f(GetParam(), 3);
    f.StartAll();

    const Endpoint& h = *f.headend.endpoint;
    ASSERT_EQ(h.TunnelCount(), 3u);
    std::set<uint32_t> spis;
    for (uint32_t i = 0; i < 3; ++i)
    {
        ASSERT_TRUE(f.clients[i]->endpoint->GetTunnel(0).IsUp()) << i;
        auto t = h.FindTunnel(kTunnelNet + 2 + i);
        ASSERT_TRUE(t.has_value()) << "client " << i << " claimed its address when up";
        const auto& tunnel = h.GetTunnel(*t);
        EXPECT_TRUE(tunnel.IsUp());
        EXPECT_EQ(tunnel.Peer().address, f.clients[i]->address);
        // The headend receives on its own SPI block per client, and sends with the client's.
        const auto* ipsec = tunnel.Ipsec();
        ASSERT_NE(ipsec, nullptr);
        EXPECT_EQ(ipsec->InboundSa().spi, engine::kDefaultClientToHeadendSpi + (*t << 8));
        EXPECT_EQ(ipsec->OutboundSa().spi,
                  f.clients[i]->endpoint->GetTunnel(0).Ipsec()->InboundSa().spi);
        spis.insert(ipsec->InboundSa().spi);
    }
    EXPECT_EQ(spis.size(), 3u);

    // An inner packet to client 1's address reaches client 1 and nobody else.
    f.headend.endpoint->SendInner(Inner(kHeadendInner, kTunnelNet + 3, 7));
    f.net.RunUntil(seconds(6));
    EXPECT_EQ(f.clients[0]->delivered.size(), 0u);
    EXPECT_EQ(f.clients[1]->delivered.size(), 1u);
    EXPECT_EQ(f.clients[2]->delivered.size(), 0u);

    // One with no client has no route.
    f.headend.endpoint->SendInner(Inner(kHeadendInner, kTunnelNet + 99, 8));
    EXPECT_EQ(f.headend.unclaimed, std::vector<std::string>{"no-route"});
    EXPECT_EQ(h.Unclaimed().at("no-route"), 1u);
    EXPECT_EQ(h.TotalCounters().innerSent, 1u);
}

INSTANTIATE_TEST_SUITE_P(Ipsec, EndpointFleet,
                         testing::Values(Encapsulation::Ctcp, Encapsulation::Natt,
                                         Encapsulation::Esp));

TEST(EndpointHeadend, ASegmentFromAnUnknownConnectionThatIsNoSynBelongsToNoClient)
{
    Fleet f(Encapsulation::Ctcp, 1);
    f.StartAll();
    // A bare ACK from a port nobody connected from.
    wire::TcpHeader tcp;
    tcp.sourcePort = 5555;
    tcp.destinationPort = 10000;
    tcp.flags = wire::tcpflag::Ack;
    wire::Bytes d = wire::BuildIpv4Tcp({0xc6120102, kHeadend, 1}, tcp, wire::Bytes(4, 0));
    EXPECT_EQ(f.headend.endpoint->ReceiveRaw(d), engine::RawVerdict::Accept);
    EXPECT_EQ(f.headend.unclaimed, std::vector<std::string>{"no-client"});
    // A segment to another port is not VPN traffic: counted, never reported as a drop.
    tcp.destinationPort = 22;
    d = wire::BuildIpv4Tcp({0xc6120102, kHeadend, 2}, tcp, wire::Bytes(4, 0));
    EXPECT_EQ(f.headend.endpoint->ReceiveRaw(d), engine::RawVerdict::OtherPort);
    EXPECT_EQ(f.headend.unclaimed.size(), 1u);
    EXPECT_EQ(f.headend.endpoint->TunnelCount(), 1u);
}

TEST(EndpointHeadend, LearnsAClientsInnerAddressFromWhatItsTunnelCarries)
{
    // Nothing told of the client: its first inner packet's source becomes its route.
    Net net;
    Node& h = net.Add(kHeadend);
    h.Make(Settings(EndpointRole::Headend, Encapsulation::Natt));
    h.endpoint->SetTunnelNetwork(kHeadendInner, kTunnelMask);
    Node& c = net.Add(0xc6120102);
    c.Make(Settings(EndpointRole::Client, Encapsulation::Natt));
    c.endpoint->Start();
    net.RunUntil(seconds(5));
    ASSERT_TRUE(h.endpoint->GetTunnel(0).IsUp());
    EXPECT_FALSE(h.endpoint->FindTunnel(kTunnelNet + 9).has_value());

    // Not a host of the tunnel network (its broadcast address): not learned.
    c.endpoint->SendInner(Inner(kTunnelNet + 255, kHeadendInner, 1));
    net.RunUntil(seconds(6));
    EXPECT_FALSE(h.endpoint->FindTunnel(kTunnelNet + 255).has_value());
    c.endpoint->SendInner(Inner(kTunnelNet + 9, kHeadendInner, 2));
    net.RunUntil(seconds(7));
    EXPECT_EQ(h.endpoint->FindTunnel(kTunnelNet + 9), std::optional<TunnelId>(0));
    EXPECT_EQ(h.endpoint->GetTunnel(0).InnerAddress(), kTunnelNet + 9);
    EXPECT_EQ(h.delivered.size(), 2u);

    // NAT-T's IKE has floated: the client is seen at its 4500.
    EXPECT_EQ(h.endpoint->GetTunnel(0).Peer().port, wire::kNattPort);
}

TEST(EndpointClient, DrawsItsSourcePortOnceAndGivesEachTunnelTheNextOne)
{
    Net net;
    Node& h = net.Add(kHeadend);
    h.Make(Settings(EndpointRole::Headend, Encapsulation::Ctcp));
    h.endpoint->SetTunnelNetwork(kHeadendInner, kTunnelMask);
    Node& c = net.Add(0xc6120102);
    EndpointSettings s = Settings(EndpointRole::Client, Encapsulation::Ctcp);
    s.tunnels = 4;
    c.Make(s, 65534);
    ASSERT_EQ(c.draws.size(), 1u);
    EXPECT_EQ(c.draws[0], std::make_pair(uint16_t{1024}, uint16_t{65535}));
    EXPECT_EQ(c.endpoint->CtcpLocalPort(0), 65534);
    EXPECT_EQ(c.endpoint->CtcpLocalPort(1), 65535);
    EXPECT_EQ(c.endpoint->CtcpLocalPort(2), 1024); // wraps within the range
    EXPECT_EQ(c.endpoint->CtcpLocalPort(3), 1025);

    // Each tunnel is its own connection and its own client at the headend; each sends from
    // an inner address of its own, and the headend routes each back by it.
    c.endpoint->Start();
    net.RunUntil(seconds(5));
    ASSERT_EQ(h.endpoint->TunnelCount(), 4u);
    std::set<uint16_t> ports;
    for (TunnelId t = 0; t < 4; ++t)
    {
        EXPECT_TRUE(c.endpoint->GetTunnel(t).IsUp()) << t;
        EXPECT_TRUE(h.endpoint->GetTunnel(t).IsUp()) << t;
        ports.insert(h.endpoint->GetTunnel(t).Peer().port);
        c.endpoint->ClaimInnerAddress(t, kTunnelNet + 10 + t);
        c.endpoint->SendInner(Inner(kTunnelNet + 10 + t, kHeadendInner, uint16_t(t)));
    }
    EXPECT_EQ(ports, (std::set<uint16_t>{65534, 65535, 1024, 1025}));
    net.RunUntil(seconds(6));
    for (TunnelId t = 0; t < 4; ++t)
    {
        auto route = h.endpoint->FindTunnel(kTunnelNet + 10 + t);
        ASSERT_TRUE(route.has_value());
        EXPECT_EQ(h.endpoint->GetTunnel(*route).Peer().port, c.endpoint->CtcpLocalPort(t));
        EXPECT_EQ(c.endpoint->GetTunnel(t).Counters().innerSent, 1u);
        h.endpoint->SendInner(Inner(kHeadendInner, kTunnelNet + 10 + t, uint16_t(t)));
    }
    net.RunUntil(seconds(7));
    EXPECT_EQ(c.delivered.size(), 4u);
    for (TunnelId t = 0; t < 4; ++t)
    {
        EXPECT_EQ(c.endpoint->GetTunnel(t).Counters().innerReceived, 1u) << t;
    }
}

TEST(EndpointClient, AFixedPortIsNotDrawn)
{
    Net net;
    Node& c = net.Add(0xc6120102);
    EndpointSettings s = Settings(EndpointRole::Client, Encapsulation::Ctcp);
    s.clientPort = 3333;
    c.Make(s);
    EXPECT_TRUE(c.draws.empty());
    EXPECT_EQ(c.endpoint->CtcpLocalPort(), 3333);
}

TEST(EndpointClient, EspBeforeTheTunnelIsUpIsCountedAsSuchNotAsMalformed)
{
    Net net;
    Node& c = net.Add(0xc6120102);
    c.Make(Settings(EndpointRole::Client, Encapsulation::Natt));
    c.endpoint->Start(); // IKE goes out to a headend that is not there
    wire::Bytes esp = wire::FromHex("c0ffee0200000001000102030405060708090a0b0c0d0e0f");
    c.endpoint->ReceiveOuter(
        OuterPacket{engine::OuterProtocol::Udp, kHeadend, c.address, 4500, 4500, esp});
    auto k = c.endpoint->GetTunnel(0).Counters();
    EXPECT_EQ(k.espReceivedNotUp, 1u);
    EXPECT_EQ(k.espMalformed, 0u);
    EXPECT_EQ(k.outerPacketsReceived, 1u);
    EXPECT_EQ(c.received[0], 1u);
}

TEST(EndpointSettings, EveryTableEntrySetsAFieldThatStartsAtTheTablesDefault)
{
    // The drivers set the settings through the table alone (VpnEndpoint's attributes): an
    // entry without a field, or a field whose default is not the table's, would be lost.
    for (const engine::ParameterSpec* spec : engine::EndpointParameters())
    {
        EndpointSettings s;
        if (spec->unit == engine::ParameterUnit::Seconds)
        {
            ASSERT_EQ(engine::GetDuration(s, *spec), spec->DefaultDuration()) << spec->flag;
            Nanos high
                = std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(spec->high));
            EXPECT_TRUE(engine::SetParameter(s, *spec, high)) << spec->flag;
            EXPECT_EQ(engine::GetDuration(s, *spec), high) << spec->flag;
            EXPECT_FALSE(engine::SetParameter(s, *spec, uint64_t{1})) << spec->flag;
            EXPECT_FALSE(engine::GetNumber(s, *spec).has_value()) << spec->flag;
            continue;
        }
        ASSERT_EQ(engine::GetNumber(s, *spec), spec->DefaultAs<uint64_t>()) << spec->flag;
        EXPECT_TRUE(engine::SetParameter(s, *spec, spec->HighAs<uint64_t>())) << spec->flag;
        EXPECT_EQ(engine::GetNumber(s, *spec), spec->HighAs<uint64_t>()) << spec->flag;
        EXPECT_FALSE(engine::SetParameter(s, *spec, Nanos(1))) << spec->flag;
        EXPECT_FALSE(engine::GetDuration(s, *spec).has_value()) << spec->flag;
    }
    // Each entry its own field: setting one leaves every other at its default.
    EndpointSettings s;
    engine::SetParameter(s, engine::parameter::kAsaDpdRetry, Nanos(std::chrono::seconds(7)));
    EXPECT_EQ(s.headendDpdRetry, seconds(7));
    EXPECT_EQ(s.headendDpdThreshold, engine::parameter::kAsaDpdThreshold.DefaultDuration());
    EXPECT_EQ(s.clientDpdRetry, engine::parameter::kClientDpdRetry.DefaultDuration());
}

TEST(EndpointSettings, RefusesTunnelCountsItCannotCarry)
{
    EndpointSettings s = Settings(EndpointRole::Client, Encapsulation::Ctcp);
    s.localAddress = 0xc6120102;
    EXPECT_FALSE(engine::Validate(s).has_value());
    s.tunnels = 0;
    EXPECT_NE(engine::Validate(s).value_or("").find("tunnels=0: allowed 1 to 1024"),
              std::string::npos);
    s.tunnels = 1025;
    EXPECT_NE(engine::Validate(s).value_or("").find("tunnels=1025: allowed 1 to 1024"),
              std::string::npos);
    s.tunnels = 1024;
    EXPECT_FALSE(engine::Validate(s).has_value());
    s.tunnels = 2;
    s.encapsulation = Encapsulation::Natt;
    EXPECT_NE(engine::Validate(s).value_or("").find("only with ctcp"), std::string::npos);
    s.encapsulation = Encapsulation::Ctcp;
    s.clientPort = 65535;
    EXPECT_NE(engine::Validate(s).value_or("").find("client port"), std::string::npos);
    s = Settings(EndpointRole::Client, Encapsulation::Ctcp);
    EXPECT_NE(engine::Validate(s).value_or("").find("local address"), std::string::npos);
}

} // namespace
} // namespace vpnsim
