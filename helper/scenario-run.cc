// Building one scenario's simulation: topology, switched LANs, middleboxes, VPN endpoints,
// routes and inner traffic, in that order.
#include "helper/scenario-run.h"

#include "helper/capture-names.h"
#include "helper/lossy-link-helper.h"
#include "helper/queue-disc-choice.h"
#include "helper/switched-lan-helper.h"
#include "helper/vpn-helper.h"

#include <algorithm>
#include <ns3/csma-helper.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-address-helper.h>
#include <ns3/ipv4-global-routing-helper.h>
#include <ns3/ipv4-static-routing-helper.h>
#include <ns3/point-to-point-helper.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

namespace ns3::scenario
{

void
ScenarioRun::BuildTopology()
{
    const size_t n = m_topology.vertices.size();
    m_nodes.Create(n);
    // A switch forwards frames and needs no IP stack. A host on a switch needs only IPv4 and a
    // default route to its gateway: left out of global routing, it costs the route computation
    // nothing, and its node stays small (no IPv6, no link-state router).
    std::vector<bool> onSwitch(n, false);
    for (const TopologyEdge& e : m_topology.edges)
    {
        onSwitch[e.first] = onSwitch[e.first] || m_topology.vertices[e.second].role == "switch";
        onSwitch[e.second] = onSwitch[e.second] || m_topology.vertices[e.first].role == "switch";
    }
    InternetStackHelper stack;
    InternetStackHelper lanHostStack;
    lanHostStack.SetIpv6StackInstall(false);
    lanHostStack.SetRoutingHelper(Ipv4StaticRoutingHelper());
    for (size_t v = 0; v < n; ++v)
    {
        if (m_topology.vertices[v].role == "switch")
        {
            continue;
        }
        bool lanHost = onSwitch[v] && m_topology.vertices[v].role == "client";
        (lanHost ? lanHostStack : stack).Install(m_nodes.Get(v));
    }

    // Links, addressed as /30s from 198.18.0.0 (RFC 2544 benchmarking space).
    const Ipv4Mask linkMask("255.255.255.252");
    Ipv4AddressHelper addresses("198.18.0.0", linkMask);
    m_losses.resize(m_topology.edges.size());
    m_links.resize(m_topology.edges.size());
    m_interfaces.resize(m_topology.edges.size());
    for (size_t i = 0; i < m_topology.edges.size(); ++i)
    {
        const TopologyEdge& e = m_topology.edges[i];
        if (m_topology.vertices[e.first].role == "switch"
            || m_topology.vertices[e.second].role == "switch")
        {
            continue; // BuildSwitchedLans
        }
        LossyLinkHelper link;
        link.SetDataRate(e.rate);
        link.SetDelay(*ParseDelay(e.delay));
        Time jitter = *ParseDelay(e.jitter);
        link.SetJitter(e.internet && jitter.IsZero() ? Seconds(m_p.jitter) : jitter);
        link.SetFirstStream(1000 + 10 * static_cast<int64_t>(i));
        std::string forward = e.loss;
        std::string backward = e.lossReverse;
        if (e.internet && forward == "none" && backward == "none")
        {
            forward = backward = InternetLossSpec(m_p);
        }
        auto status = link.SetLoss(forward, backward);
        NS_ABORT_MSG_IF(!status, status.GetError().detail);
        m_links[i] = link.Install(m_nodes.Get(e.first), m_nodes.Get(e.second));
        m_interfaces[i] = AssignWithQueueDisc(addresses, linkMask, m_links[i], m_p.queueDisc);
        addresses.NewNetwork();
        if (e.internet)
        {
            // The receiving device on the headend side of the hop sees the upstream losses.
            int upstreamReceiver = m_hopsToClient[e.first] < m_hopsToClient[e.second] ? 1 : 0;
            m_links[i]
                .Get(upstreamReceiver)
                ->TraceConnectWithoutContext("PhyRxDrop",
                                             MakeCallback(&LossWatcher::Lost, &m_losses[i]));
        }
    }
    BuildSwitchedLans();
    if (!m_p.pcap.empty())
    {
        PointToPointHelper pcap;
        auto names = CaptureNames(m_topology);
        for (size_t i = 0; i < m_links.size(); ++i)
        {
            bool lan = m_topology.vertices[m_topology.edges[i].first].role == "switch"
                       || m_topology.vertices[m_topology.edges[i].second].role == "switch";
            for (uint32_t side = 0; side < 2; ++side)
            {
                std::string file = m_p.pcap + "-" + names[i][side] + ".pcap";
                if (lan)
                {
                    CsmaHelper().EnablePcap(file, m_links[i].Get(side), false, true);
                }
                else
                {
                    pcap.EnablePcap(file, m_links[i].Get(side), false, true);
                }
            }
        }
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
}

/// Each switch vertex: its gateway (its one neighbour that is not a client) and its clients
/// on one subnet from 198.19.0.0 (the upper half of RFC 2544 space), each client with a
/// default route to the gateway.
void
ScenarioRun::BuildSwitchedLans()
{
    uint32_t next = Ipv4Address("198.19.0.0").Get();
    for (size_t s : m_topology.WithRole("switch"))
    {
        auto incident = m_topology.Incident(s);
        std::stable_partition(incident.begin(), incident.end(),
                              [this](const std::pair<size_t, size_t>& edge)
                              {
                                  return m_topology.vertices[edge.second].role != "client";
                              });
        std::vector<SwitchPort> ports;
        for (auto [i, host] : incident)
        {
            const TopologyEdge& e = m_topology.edges[i];
            ports.push_back({m_nodes.Get(host), e.rate, *ParseDelay(e.delay)});
        }
        Ipv4Mask mask = MaskFor(ports.size());
        uint32_t size = ~mask.Get() + 1;
        next = (next + size - 1) / size * size;
        SwitchedLan lan = InstallSwitchedLan(m_nodes.Get(s), ports, Ipv4Address(next), mask,
                                             m_p.queueDisc, 5000 + 10000 * static_cast<int64_t>(s));
        next += size;
        for (size_t k = 0; k < incident.size(); ++k)
        {
            auto [i, host] = incident[k];
            bool hostFirst = m_topology.edges[i].first == host;
            Ptr<NetDevice> port = lan.switchPorts.Get(k);
            m_links[i] = hostFirst ? NetDeviceContainer(lan.devices.Get(k), port)
                                   : NetDeviceContainer(port, lan.devices.Get(k));
            // The switch has no address: its end of the edge repeats the host's, so that the
            // edge's two ends stay indexable like a routed link's.
            m_interfaces[i].Add(lan.interfaces.Get(k));
            m_interfaces[i].Add(lan.interfaces.Get(k));
            if (k > 0)
            {
                Ptr<Ipv4> ip = m_nodes.Get(host)->GetObject<Ipv4>();
                Ipv4StaticRoutingHelper().GetStaticRouting(ip)->SetDefaultRoute(
                    lan.interfaces.GetAddress(0), lan.interfaces.Get(k).second);
            }
        }
    }
}

/// The device and address of `vertex` on the link toward its neighbour nearest to (or
/// farthest from) `hops`' origin.
std::pair<Ptr<NetDevice>, Ipv4Address>
ScenarioRun::SideOf(size_t vertex, const std::vector<size_t>& hops, bool nearest) const
{
    std::optional<std::pair<Ptr<NetDevice>, Ipv4Address>> best;
    size_t bestHops = 0;
    for (auto [i, neighbour] : m_topology.Incident(vertex))
    {
        int me = m_topology.edges[i].first == vertex ? 0 : 1;
        if (!best || (nearest ? hops[neighbour] < bestHops : hops[neighbour] > bestHops))
        {
            best = std::make_pair(m_links[i].Get(me), m_interfaces[i].GetAddress(me));
            bestHops = hops[neighbour];
        }
    }
    return *best;
}

void
ScenarioRun::InstallMiddleboxes()
{
    for (size_t v = 0; v < m_topology.vertices.size(); ++v)
    {
        const auto& role = m_topology.vertices[v].role;
        if (role == "asa" && m_p.asa != "none")
        {
            Ptr<AsaFirewall> asa = CreateObject<AsaFirewall>();
            asa->SetAttribute("Mode", StringValue(m_p.asa));
            asa->Install(SideOf(v, m_hopsToHeadend, false).first,
                         SideOf(v, m_hopsToHeadend, true).first);
            m_asas.push_back(asa);
        }
        if (role == "nat")
        {
            Ptr<NatDevice> nat = CreateObject<NatDevice>();
            nat->SetAttribute("Mode", StringValue(m_topology.vertices[v].natMode));
            nat->Install(SideOf(v, m_hopsToHeadend, false).first,
                         SideOf(v, m_hopsToHeadend, true).first);
            m_nats.push_back(nat);
        }
    }
}

/// Where the headend sees `client`: the outside of the outermost NAT on its way to the
/// headend, or any address if there is none.
Ipv4Address
ScenarioRun::SeenAt(size_t client) const
{
    std::optional<size_t> outerNat;
    for (size_t v = client; v != m_headendIndex;)
    {
        for (auto [i, neighbour] : m_topology.Incident(v))
        {
            if (m_hopsToHeadend[neighbour] + 1 == m_hopsToHeadend[v])
            {
                v = neighbour;
                break;
            }
        }
        if (m_topology.vertices[v].role == "nat")
        {
            outerNat = v; // the last one on the way is the outermost
        }
    }
    return outerNat ? SideOf(*outerNat, m_hopsToHeadend, true).second : Ipv4Address::GetAny();
}

void
ScenarioRun::InstallEndpoints()
{
    VpnHelper vpn;
    vpn.SetAttribute("Encapsulation", StringValue(m_p.encap));
    vpn.SetAttribute("Transform", StringValue(m_p.transform));
    for (const ScenarioEndpointField& f : ScenarioEndpointFields())
    {
        if (f.spec->unit == vpnsim::engine::ParameterUnit::Seconds)
        {
            vpn.SetAttribute(std::string(f.spec->attribute), TimeValue(Seconds(m_p.*f.seconds)));
        }
        else
        {
            vpn.SetAttribute(std::string(f.spec->attribute),
                             UintegerValue(static_cast<uint64_t>(m_p.*f.seconds)));
        }
    }
    vpn.SetAttribute("KeySeed", UintegerValue(m_p.keySeed));
    // One headend for every client vertex; each client is seen at the outermost NAT on its
    // way to the headend, if any (the headend takes that address as where to expect it).
    Ipv4Address headendOuter = SideOf(m_headendIndex, m_hopsToClient, true).second;
    m_headend = vpn.InstallHeadend(m_nodes.Get(m_headendIndex), headendOuter, kTunnelNetwork,
                                   kTunnelMask);
    // Users do not connect in the same instant: client k comes up k ms after the first (at
    // most 4 s for all, so IKE is done before the traffic starts). In lockstep, thousands of
    // clients' packets would meet in one burst at the gateway that no real LAN sees.
    const Time step = std::min(MilliSeconds(1), Seconds(4) / double(m_clientVertices.size()));
    for (size_t c : m_clientVertices)
    {
        m_clients.push_back(vpn.InstallClient(
            m_nodes.Get(c), SideOf(c, m_hopsToHeadend, true).second, m_headend, SeenAt(c)));
        m_clients.back()->SetStartTime(Seconds(0.5) + step * double(m_clients.size() - 1));
    }
    m_headend->SetStartTime(Seconds(0.5));
    // Streams: the first client, the headend, then the other clients, so that what the first
    // client and the headend draw does not depend on how many other clients the topology has.
    int64_t stream = 100;
    std::vector<Ptr<VpnEndpoint>> streamOrder{m_clients.front(), m_headend};
    streamOrder.insert(streamOrder.end(), m_clients.begin() + 1, m_clients.end());
    for (const auto& end : streamOrder)
    {
        stream += end->AssignStreams(stream);
    }
    m_clientEnds.resize(m_clients.size());
    for (size_t k = 0; k < m_clients.size(); ++k)
    {
        m_clients[k]->TraceConnectWithoutContext(
            "TunnelState", MakeCallback(&EndWatcher::State, &m_clientEnds[k]));
    }
    m_headend->TraceConnectWithoutContext("TunnelState",
                                          MakeCallback(&EndWatcher::State, &m_headendEnd));
    m_headend->TraceConnectWithoutContext("ClientState",
                                          MakeCallback(&SessionWatcher::State, &m_headendSessions));
}

/// Every node between the LAN server and the headend sends the tunnel network back to the
/// headend.
void
ScenarioRun::RouteTunnelNetworkToHeadend()
{
    Ipv4StaticRoutingHelper staticRouting;
    std::vector<bool> isClient(m_topology.vertices.size(), false);
    for (size_t c : m_clientVertices)
    {
        isClient[c] = true;
    }
    for (size_t v = 0; v < m_topology.vertices.size(); ++v)
    {
        if (v == m_headendIndex || isClient[v])
        {
            continue;
        }
        for (auto [i, neighbour] : m_topology.Incident(v))
        {
            int me = m_topology.edges[i].first == v ? 0 : 1;
            if (m_hopsToHeadend[neighbour] + 1 == m_hopsToHeadend[v]
                && m_hopsToClient[v] > m_hopsToClient[m_headendIndex])
            {
                Ptr<Ipv4> ip = m_nodes.Get(v)->GetObject<Ipv4>();
                staticRouting.GetStaticRouting(ip)->AddNetworkRouteTo(
                    kTunnelNetwork, kTunnelMask, m_interfaces[i].GetAddress(1 - me),
                    ip->GetInterfaceForDevice(m_links[i].Get(me)));
                break;
            }
        }
    }
}

void
ScenarioRun::InstallTraffic()
{
    // Inner traffic goes to the LAN server behind the headend if there is one (the headend
    // routes between the tunnel and its LAN), else to the headend's own tunnel address.
    Ptr<Node> target = m_nodes.Get(m_headendIndex);
    Ipv4Address targetAddress = VpnHelper::TunnelAddress(kTunnelNetwork, true);
    auto servers = m_topology.WithRole("server");
    if (!servers.empty())
    {
        size_t server = servers[0];
        target = m_nodes.Get(server);
        targetAddress = SideOf(server, m_hopsToHeadend, true).second;
        Ipv4StaticRoutingHelper staticRouting;
        for (size_t c : m_clientVertices)
        {
            Ptr<Ipv4> clientIp = m_nodes.Get(c)->GetObject<Ipv4>();
            uint32_t tunnelInterface = clientIp->GetNInterfaces() - 1; // added last by VpnHelper
            staticRouting.GetStaticRouting(clientIp)->AddHostRouteTo(targetAddress,
                                                                     tunnelInterface);
        }
        RouteTunnelNetworkToHeadend();
    }
    // One flow per client, all to the same target (its listeners installed once), their
    // starts spread evenly over one interval (the first client's at the usual time).
    for (size_t k = 0; k < m_clients.size(); ++k)
    {
        Time offset = Seconds(m_p.trafficInterval * double(k) / double(m_clients.size()));
        m_traffic.push_back(std::make_unique<InnerTraffic>(
            m_p.traffic, m_nodes.Get(m_clientVertices[k]),
            VpnHelper::ClientTunnelAddress(kTunnelNetwork, static_cast<uint32_t>(k)), target,
            targetAddress, Seconds(kTrafficStartS) + offset, Seconds(m_p.duration), m_p.trafficSize,
            Seconds(m_p.trafficInterval), k > 0));
    }
}

} // namespace ns3::scenario
