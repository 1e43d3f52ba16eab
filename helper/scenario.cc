#include "helper/scenario.h"

#include "helper/inner-traffic.h"
#include "helper/lossy-link-helper.h"
#include "helper/vpn-helper.h"
#include "model/asa-firewall.h"
#include "model/engine/tunnel-state.h"
#include "model/nat-device.h"
#include "model/trace-error-model.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <ns3/boolean.h>
#include <ns3/config.h>
#include <ns3/enum.h>
#include <ns3/global-value.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-address-helper.h>
#include <ns3/ipv4-global-routing-helper.h>
#include <ns3/ipv4-static-routing-helper.h>
#include <ns3/point-to-point-helper.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <set>
#include <sstream>

namespace ns3
{

namespace
{

const Ipv4Address kTunnelNetwork("10.8.0.0");
/// Room for 65,533 clients of the one headend.
const Ipv4Mask kTunnelMask("255.255.0.0");
/// Inner traffic starts once IKE (Main Mode + Quick Mode, well under a second) is done.
constexpr double kTrafficStartS = 5;

/// The shortest text that reads back as the same double (stable across runs and machines).
std::string
Number(double value)
{
    char buffer[64];
    auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
    return std::string(buffer, result.ptr);
}

std::string
Range(const std::string& flag, const std::string& value, const std::string& allowed)
{
    return "--" + flag + "=" + value + ": allowed " + allowed;
}

/// Records the first up and first down of one tunnel end.
struct EndWatcher
{
    void State(std::string state, std::string reason, std::string detail)
    {
        double now = Simulator::Now().GetSeconds();
        if (state == "up" && !up)
        {
            up = now;
        }
        if (state == "down" && !down)
        {
            down = now;
            downReason = reason.empty() ? "disconnect" : reason;
            downDetail = detail;
        }
    }

    std::optional<double> up;
    std::optional<double> down;
    std::string downReason;
    std::string downDetail;
};

/// The first up and first down of each of the headend's tunnels (its ClientState trace).
struct SessionWatcher
{
    void State(uint32_t client, std::string state, std::string reason, std::string detail)
    {
        ends[client].State(state, reason, detail);
    }

    std::map<uint32_t, EndWatcher> ends;
};

/// One client's tunnel seen from both ends: client (0) and headend (1, null if the headend
/// never had a tunnel for it).
struct TunnelOutcome
{
    const EndWatcher* ends[2]{nullptr, nullptr};
    std::optional<double> up; ///< both ends up
    int first{-1};            ///< the end that went down first
};

/// The first packet lost on the Internet hop in the client-to-headend direction.
struct LossWatcher
{
    void Lost(Ptr<const Packet>)
    {
        if (!first)
        {
            first = Simulator::Now().GetSeconds();
        }
    }

    std::optional<double> first;
};

} // namespace

std::string
InternetLossSpec(const ScenarioParameters& p)
{
    if (p.lossModel == "trace")
    {
        return "trace:" + p.lossTrace;
    }
    if (p.loss == 0)
    {
        return "none";
    }
    if (p.lossModel == "gilbert")
    {
        return "gilbert:loss=" + Number(p.loss) + ",burst=" + Number(p.burst);
    }
    return "bernoulli:" + Number(p.loss);
}

std::string
ValidateScenario(const ScenarioParameters& p)
{
    static const std::set<std::string> kEncaps{"ctcp", "natt", "esp", "anyconnect"};
    static const std::set<std::string> kAsaModes{"none",       "stateful", "normalizer",
                                                 "ips-strict", "proxy",    "bypass"};
    static const std::set<std::string> kLossModels{"bernoulli", "gilbert", "trace"};
    if (!kEncaps.count(p.encap))
    {
        return Range("encap", p.encap, "ctcp, natt, esp, anyconnect");
    }
    if (!kAsaModes.count(p.asa))
    {
        return Range("asa", p.asa, "none, stateful, normalizer, ips-strict, proxy, bypass");
    }
    if (!(p.loss >= 0 && p.loss < 1))
    {
        return Range("loss", Number(p.loss), "0 <= loss < 1 (a fraction: 0.01 is 1%)");
    }
    if (!kLossModels.count(p.lossModel))
    {
        return Range("loss-model", p.lossModel, "bernoulli, gilbert, trace");
    }
    if (p.lossModel == "gilbert" && p.loss > 0)
    {
        if (!(p.burst >= 1 && p.burst <= 1000))
        {
            return Range("burst", Number(p.burst), "1 <= burst <= 1000 (packets)");
        }
        auto model = MakeLossModel(InternetLossSpec(p), 0);
        if (!model)
        {
            return "--loss=" + Number(p.loss) + " --burst=" + Number(p.burst) + ": "
                   + model.GetError().detail;
        }
    }
    if (p.lossModel == "trace")
    {
        if (p.lossTrace.empty())
        {
            return "--loss-trace: required with --loss-model=trace (a drop list file)";
        }
        auto model = MakeLossModel(InternetLossSpec(p), 0);
        if (!model)
        {
            return "--loss-trace=" + p.lossTrace + ": " + model.GetError().detail;
        }
    }
    if (!(p.jitter >= 0 && p.jitter <= 1))
    {
        return Range("jitter", Number(p.jitter), "0 to 1 seconds");
    }
    if (!(p.duration >= 10 && p.duration <= 7 * 86400))
    {
        return Range("duration", Number(p.duration), "10 to 604800 seconds");
    }
    if (p.seed < 1)
    {
        return Range("seed", std::to_string(p.seed), "1 to 2^64-1");
    }
    if (p.transform != "aes-cbc-128-hmac-sha1-96" && p.transform != "aes-cbc-256-hmac-sha1-96"
        && p.transform != "aes-gcm-128" && p.transform != "aes-gcm-256"
        && p.transform != "null-hmac-sha1-96")
    {
        return Range("transform", p.transform,
                     "aes-cbc-128-hmac-sha1-96, aes-cbc-256-hmac-sha1-96, aes-gcm-128, "
                     "aes-gcm-256, null-hmac-sha1-96");
    }
    struct Timer
    {
        const char* flag;
        double value;
        double low;
        double high;
        bool zeroAllowed;
    };
    for (const Timer& t : {Timer{"peer-timeout", p.peerTimeout, 10, 3600, false},
                           Timer{"dpd-idle", p.dpdIdle, 1, 3600, false},
                           Timer{"dpd-retry", p.dpdRetry, 1, 3600, false},
                           Timer{"asa-dpd-threshold", p.asaDpdThreshold, 10, 3600, false},
                           Timer{"asa-dpd-retry", p.asaDpdRetry, 2, 10, false},
                           Timer{"nat-keepalive", p.natKeepalive, 5, 3600, true},
                           Timer{"anyconnect-dpd", p.anyConnectDpd, 5, 3600, false},
                           Timer{"anyconnect-keepalive", p.anyConnectKeepalive, 1, 3600, true},
                           Timer{"idle-timeout", p.idleTimeout, 60, 7 * 86400, false},
                           Timer{"traffic-interval", p.trafficInterval, 0.001, 3600, false}})
    {
        bool ok = (t.value >= t.low && t.value <= t.high) || (t.zeroAllowed && t.value == 0);
        if (!ok)
        {
            return Range(t.flag, Number(t.value),
                         Number(t.low) + " to " + Number(t.high) + " seconds"
                             + (t.zeroAllowed ? " (0 turns it off)" : ""));
        }
    }
    if (!IsTrafficProfile(p.traffic))
    {
        return Range("traffic", p.traffic, kTrafficProfiles);
    }
    if (p.trafficSize < 8 || p.trafficSize > 1300)
    {
        return Range("traffic-size", std::to_string(p.trafficSize),
                     "8 to 1300 bytes (the tunnel MTU is 1380)");
    }
    return "";
}

vpnsim::engine::RunRecord
RunScenario(const ScenarioParameters& p, const TopologySpec& topology, ScenarioTimeline* timeline)
{
    std::string invalid = ValidateScenario(p);
    NS_ABORT_MSG_IF(!invalid.empty(), invalid);
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(p.seed);
    // Real bytes on the wire: real checksums (NATs and tshark check them).
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    // TCP without RFC 7323 timestamps, as Windows (the usual AnyConnect client) sends by
    // default. With them, ns-3 3.37 takes RTT samples from the stale TSecr of duplicate ACKs,
    // so one lost fast retransmission backs the RTO off to its 60 s ceiling and the stalled
    // stream outlives AnyConnect's DPD: a simulator artefact, not the behaviour under study.
    Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(false));

    const size_t n = topology.vertices.size();
    NodeContainer nodes;
    nodes.Create(n);
    InternetStackHelper stack;
    stack.Install(nodes);

    // Links, addressed as /30s from 198.18.0.0 (RFC 2544 benchmarking space).
    Ipv4AddressHelper addresses("198.18.0.0", "255.255.255.252");
    std::vector<NetDeviceContainer> links;
    std::vector<Ipv4InterfaceContainer> interfaces;
    std::vector<LossWatcher> losses(topology.edges.size());
    auto clientIndex = topology.WithRole("client").at(0);
    auto headendIndex = topology.WithRole("headend").at(0);
    auto hopsToHeadend = topology.HopsFrom(headendIndex);
    auto hopsToClient = topology.HopsFrom(clientIndex);
    for (size_t i = 0; i < topology.edges.size(); ++i)
    {
        const TopologyEdge& e = topology.edges[i];
        LossyLinkHelper link;
        link.SetDataRate(e.rate);
        link.SetDelay(*ParseDelay(e.delay));
        Time jitter = *ParseDelay(e.jitter);
        link.SetJitter(e.internet && jitter.IsZero() ? Seconds(p.jitter) : jitter);
        link.SetFirstStream(1000 + 10 * static_cast<int64_t>(i));
        std::string forward = e.loss;
        std::string backward = e.lossReverse;
        if (e.internet && forward == "none" && backward == "none")
        {
            forward = backward = InternetLossSpec(p);
        }
        auto status = link.SetLoss(forward, backward);
        NS_ABORT_MSG_IF(!status, status.GetError().detail);
        links.push_back(link.Install(nodes.Get(e.first), nodes.Get(e.second)));
        interfaces.push_back(addresses.Assign(links.back()));
        addresses.NewNetwork();
        if (e.internet)
        {
            // The receiving device on the headend side of the hop sees the upstream losses.
            int upstreamReceiver = hopsToClient[e.first] < hopsToClient[e.second] ? 1 : 0;
            links.back()
                .Get(upstreamReceiver)
                ->TraceConnectWithoutContext("PhyRxDrop",
                                             MakeCallback(&LossWatcher::Lost, &losses[i]));
        }
        if (!p.pcap.empty())
        {
            PointToPointHelper pcap;
            pcap.EnablePcap(p.pcap, links.back(), false);
        }
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    // The device and address of `vertex` on the link toward its neighbour nearest to (or
    // farthest from) `hops`' origin.
    auto sideOf = [&](size_t vertex, const std::vector<size_t>& hops, bool nearest)
    {
        std::optional<std::pair<Ptr<NetDevice>, Ipv4Address>> best;
        size_t bestHops = 0;
        for (auto [i, neighbour] : topology.Incident(vertex))
        {
            int me = topology.edges[i].first == vertex ? 0 : 1;
            if (!best || (nearest ? hops[neighbour] < bestHops : hops[neighbour] > bestHops))
            {
                best = std::make_pair(links[i].Get(me), interfaces[i].GetAddress(me));
                bestHops = hops[neighbour];
            }
        }
        return *best;
    };

    std::vector<Ptr<AsaFirewall>> asas;
    std::vector<Ptr<NatDevice>> nats;
    for (size_t v = 0; v < n; ++v)
    {
        const auto& role = topology.vertices[v].role;
        if (role == "asa" && p.asa != "none")
        {
            Ptr<AsaFirewall> asa = CreateObject<AsaFirewall>();
            asa->SetAttribute("Mode", StringValue(p.asa));
            asa->Install(sideOf(v, hopsToHeadend, false).first,
                         sideOf(v, hopsToHeadend, true).first);
            asas.push_back(asa);
        }
        if (role == "nat")
        {
            Ptr<NatDevice> nat = CreateObject<NatDevice>();
            nat->SetAttribute("Mode", StringValue(topology.vertices[v].natMode));
            nat->Install(sideOf(v, hopsToHeadend, false).first,
                         sideOf(v, hopsToHeadend, true).first);
            nats.push_back(nat);
        }
    }

    VpnHelper vpn;
    vpn.SetAttribute("Encapsulation", StringValue(p.encap));
    vpn.SetAttribute("Transform", StringValue(p.transform));
    vpn.SetAttribute("PeerTimeout", TimeValue(Seconds(p.peerTimeout)));
    vpn.SetAttribute("ClientDpdIdle", TimeValue(Seconds(p.dpdIdle)));
    vpn.SetAttribute("ClientDpdRetry", TimeValue(Seconds(p.dpdRetry)));
    vpn.SetAttribute("AsaDpdThreshold", TimeValue(Seconds(p.asaDpdThreshold)));
    vpn.SetAttribute("AsaDpdRetry", TimeValue(Seconds(p.asaDpdRetry)));
    vpn.SetAttribute("NatKeepalive", TimeValue(Seconds(p.natKeepalive)));
    vpn.SetAttribute("AnyConnectDpd", TimeValue(Seconds(p.anyConnectDpd)));
    vpn.SetAttribute("AnyConnectKeepalive", TimeValue(Seconds(p.anyConnectKeepalive)));
    vpn.SetAttribute("IdleTimeout", TimeValue(Seconds(p.idleTimeout)));
    // One headend for every client vertex; each client is seen at the outermost NAT on its
    // way to the headend, if any (the headend takes that address as where to expect it).
    const std::vector<size_t> clientVertices = topology.WithRole("client");
    std::vector<bool> isClient(n, false);
    for (size_t c : clientVertices)
    {
        isClient[c] = true;
    }
    Ipv4Address headendOuter = sideOf(headendIndex, hopsToClient, true).second;
    Ptr<VpnEndpoint> headend
        = vpn.InstallHeadend(nodes.Get(headendIndex), headendOuter, kTunnelNetwork, kTunnelMask);
    std::vector<Ptr<VpnEndpoint>> clients;
    for (size_t c : clientVertices)
    {
        std::optional<size_t> outerNat;
        for (size_t v = c; v != headendIndex;)
        {
            for (auto [i, neighbour] : topology.Incident(v))
            {
                if (hopsToHeadend[neighbour] + 1 == hopsToHeadend[v])
                {
                    v = neighbour;
                    break;
                }
            }
            if (topology.vertices[v].role == "nat")
            {
                outerNat = v; // the last one on the way is the outermost
            }
        }
        Ipv4Address seenAt
            = outerNat ? sideOf(*outerNat, hopsToHeadend, true).second : Ipv4Address::GetAny();
        clients.push_back(vpn.InstallClient(nodes.Get(c), sideOf(c, hopsToHeadend, true).second,
                                            headend, seenAt));
        clients.back()->SetStartTime(Seconds(0.5));
    }
    headend->SetStartTime(Seconds(0.5));
    // Streams: the first client, the headend, then the other clients (so that a one-client
    // run draws exactly what it drew before the headend served many).
    int64_t stream = 100;
    std::vector<Ptr<VpnEndpoint>> streamOrder{clients.front(), headend};
    streamOrder.insert(streamOrder.end(), clients.begin() + 1, clients.end());
    for (const auto& end : streamOrder)
    {
        stream += end->AssignStreams(stream);
    }
    std::vector<EndWatcher> clientEnds(clients.size());
    for (size_t k = 0; k < clients.size(); ++k)
    {
        clients[k]->TraceConnectWithoutContext("TunnelState",
                                               MakeCallback(&EndWatcher::State, &clientEnds[k]));
    }
    EndWatcher headendEnd; // any of the headend's tunnels
    headend->TraceConnectWithoutContext("TunnelState",
                                        MakeCallback(&EndWatcher::State, &headendEnd));
    SessionWatcher headendSessions; // each of them
    headend->TraceConnectWithoutContext("ClientState",
                                        MakeCallback(&SessionWatcher::State, &headendSessions));

    // Inner traffic goes to the LAN server behind the headend if there is one (the headend
    // routes between the tunnel and its LAN), else to the headend's own tunnel address.
    Ipv4StaticRoutingHelper staticRouting;
    Ptr<Node> target = nodes.Get(headendIndex);
    Ipv4Address targetAddress = VpnHelper::TunnelAddress(kTunnelNetwork, true);
    auto servers = topology.WithRole("server");
    if (!servers.empty())
    {
        size_t server = servers[0];
        target = nodes.Get(server);
        targetAddress = sideOf(server, hopsToHeadend, true).second;
        for (size_t c : clientVertices)
        {
            Ptr<Ipv4> clientIp = nodes.Get(c)->GetObject<Ipv4>();
            uint32_t tunnelInterface = clientIp->GetNInterfaces() - 1; // added last by VpnHelper
            staticRouting.GetStaticRouting(clientIp)->AddHostRouteTo(targetAddress,
                                                                     tunnelInterface);
        }
        // Every node between the server and the headend sends the tunnel network back to it.
        for (size_t v = 0; v < n; ++v)
        {
            if (v == headendIndex || isClient[v])
            {
                continue;
            }
            for (auto [i, neighbour] : topology.Incident(v))
            {
                int me = topology.edges[i].first == v ? 0 : 1;
                if (hopsToHeadend[neighbour] + 1 == hopsToHeadend[v]
                    && hopsToClient[v] > hopsToClient[headendIndex])
                {
                    Ptr<Ipv4> ip = nodes.Get(v)->GetObject<Ipv4>();
                    staticRouting.GetStaticRouting(ip)->AddNetworkRouteTo(
                        kTunnelNetwork, kTunnelMask, interfaces[i].GetAddress(1 - me),
                        ip->GetInterfaceForDevice(links[i].Get(me)));
                    break;
                }
            }
        }
    }
    // One flow per client, all to the same target (its listeners installed once).
    std::vector<std::unique_ptr<InnerTraffic>> traffic;
    for (size_t k = 0; k < clients.size(); ++k)
    {
        traffic.push_back(std::make_unique<InnerTraffic>(
            p.traffic, nodes.Get(clientVertices[k]),
            VpnHelper::ClientTunnelAddress(kTunnelNetwork, static_cast<uint32_t>(k)), target,
            targetAddress, Seconds(kTrafficStartS), Seconds(p.duration), p.trafficSize,
            Seconds(p.trafficInterval), k > 0));
    }

    Simulator::Stop(Seconds(p.duration));
    Simulator::Run();

    vpnsim::engine::RunRecord r;
    r.encap = p.encap;
    r.asa = p.asa;
    r.lossModel = p.lossModel;
    r.loss = p.loss;
    r.seed = p.seed;
    r.durationS = p.duration;
    // Each client's tunnel from both ends: its client, and the headend's tunnel for it (with
    // one client, every tunnel the headend has is that client's; with several, the one that
    // routes to its inner address).
    auto outcomeOf = [&](size_t k)
    {
        TunnelOutcome o;
        o.ends[0] = &clientEnds[k];
        if (clients.size() == 1)
        {
            o.ends[1] = &headendEnd;
        }
        else if (auto session = headend->FindClient(
                     VpnHelper::ClientTunnelAddress(kTunnelNetwork, static_cast<uint32_t>(k))))
        {
            auto it = headendSessions.ends.find(*session);
            o.ends[1] = it == headendSessions.ends.end() ? nullptr : &it->second;
        }
        if (o.ends[0]->up && o.ends[1] && o.ends[1]->up)
        {
            o.up = std::max(*o.ends[0]->up, *o.ends[1]->up);
        }
        for (int i = 0; i < 2; ++i)
        {
            const EndWatcher* e = o.ends[i];
            if (e && e->down && (o.first < 0 || *e->down < *o.ends[o.first]->down))
            {
                o.first = i;
            }
        }
        return o;
    };
    // The record is the first client's (vertex order), as when there was only one.
    TunnelOutcome outcome = outcomeOf(0);
    std::optional<double> up = outcome.up;
    int first = outcome.first;
    const EndWatcher* const* ends = outcome.ends;
    size_t clientsFailed = 0;
    for (size_t k = 0; k < clients.size(); ++k)
    {
        TunnelOutcome o = outcomeOf(k);
        clientsFailed += o.first >= 0 || !o.up;
    }
    uint64_t natMappingDrops = 0;
    for (const auto& nat : nats)
    {
        natMappingDrops += nat->GetDrops("no-translation") + nat->GetDrops("no-connection");
    }
    if (first >= 0 || !up)
    {
        r.failed = true;
        if (first >= 0)
        {
            r.timeToFailureS = *ends[first]->down - up.value_or(0.0);
            r.cause = ends[first]->downReason;
            bool dpd = *r.cause == "client-dpd" || *r.cause == "headend-dpd";
            if (dpd && natMappingDrops > 0)
            {
                r.cause = "nat-mapping-lost";
            }
        }
        else
        {
            r.cause = "ike-failure"; // never came up within the session
        }
    }
    double trafficTime = std::max(p.duration - kTrafficStartS, 1.0);
    uint64_t bytesReceived = 0;
    for (const auto& flow : traffic)
    {
        r.innerSent += flow->PacketsSent();
        r.innerReceived += flow->PacketsReceived();
        bytesReceived += flow->BytesReceived();
    }
    r.innerGoodputBps = bytesReceived * 8.0 / trafficTime;
    r.innerLoss = r.innerSent == 0 || p.traffic == "bulk"
                      ? 0.0
                      : 1.0 - double(std::min(r.innerReceived, r.innerSent)) / r.innerSent;
    std::vector<const VpnSession*> tunnels;
    for (const auto& client : clients)
    {
        tunnels.push_back(&client->GetClient(0));
    }
    for (uint32_t i = 0; i < headend->GetClientCount(); ++i)
    {
        tunnels.push_back(&headend->GetClient(i));
    }
    for (const VpnSession* tunnel : tunnels)
    {
        if (const auto* ipsec = tunnel->GetIpsecTunnel())
        {
            r.framingErrors += ipsec->Counters().framingErrors;
        }
    }
    for (const auto& asa : asas)
    {
        r.asaBytesHeld += asa->GetPeakBytesHeld();
        r.asaDrops += asa->GetTotalDrops();
        for (const auto& [reason, count] : asa->GetCounters().drops)
        {
            r.asaDropsByReason[reason] += count;
        }
    }
    r.parameters = {{"transform", p.transform},
                    {"peer_timeout_s", Number(p.peerTimeout)},
                    {"dpd_idle_s", Number(p.dpdIdle)},
                    {"dpd_retry_s", Number(p.dpdRetry)},
                    {"asa_dpd_threshold_s", Number(p.asaDpdThreshold)},
                    {"asa_dpd_retry_s", Number(p.asaDpdRetry)},
                    {"nat_keepalive_s", Number(p.natKeepalive)},
                    {"anyconnect_dpd_s", Number(p.anyConnectDpd)},
                    {"anyconnect_keepalive_s", Number(p.anyConnectKeepalive)},
                    {"idle_timeout_s", Number(p.idleTimeout)},
                    {"jitter_s", Number(p.jitter)},
                    {"traffic", p.traffic},
                    {"traffic_interval_s", Number(p.trafficInterval)},
                    {"traffic_size_bytes", std::to_string(p.trafficSize)},
                    {"topology", p.topology.empty() ? "tech-note-line" : p.topology}};
    if (p.lossModel == "gilbert")
    {
        r.parameters["burst_packets"] = Number(p.burst);
    }
    if (p.lossModel == "trace")
    {
        r.parameters["loss_trace"] = p.lossTrace;
    }
    if (clients.size() > 1)
    {
        // Only with several clients, so that a one-client record is what it always was.
        r.parameters["clients"] = std::to_string(clients.size());
        r.parameters["clients_failed"] = std::to_string(clientsFailed);
    }
    if (timeline)
    {
        timeline->events = Simulator::GetEventCount();
        timeline->tunnelUpS = up;
        for (const auto& l : losses)
        {
            if (l.first
                && (!timeline->firstUpstreamLossS || *l.first < *timeline->firstUpstreamLossS))
            {
                timeline->firstUpstreamLossS = l.first;
            }
        }
        if (first >= 0)
        {
            timeline->firstDownS = ends[first]->down;
            timeline->firstDownSide = first == 0 ? "client" : "headend";
        }
    }
    Simulator::Destroy();
    return r;
}

} // namespace ns3
