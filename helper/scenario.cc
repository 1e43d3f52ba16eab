#include "helper/scenario.h"

#include "helper/capture-names.h"
#include "helper/inner-traffic.h"
#include "helper/lossy-link-helper.h"
#include "helper/queue-disc-choice.h"
#include "helper/switched-lan-helper.h"
#include "helper/vpn-helper.h"
#include "helper/wireshark-keys.h"
#include "model/asa-firewall.h"
#include "model/engine/tls-random.h"
#include "model/engine/tunnel-state.h"
#include "model/nat-device.h"
#include "model/trace-error-model.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <ns3/boolean.h>
#include <ns3/config.h>
#include <ns3/csma-helper.h>
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
#include <ns3/uinteger.h>
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

using vpnsim::engine::NumberText;

std::string
KeySeedText(uint8_t seed)
{
    char text[8];
    std::snprintf(text, sizeof(text), "0x%02x", seed);
    return text;
}

std::string
Range(const std::string& flag, const std::string& value, const std::string& allowed)
{
    return "--" + flag + "=" + value + ": allowed " + allowed;
}

using vpnsim::engine::kSimulationFlag;
using vpnsim::engine::ParameterSpec;
using vpnsim::engine::ParameterUnit;

// The scenario's own numeric parameters (the endpoint's are the engine's table).
constexpr ParameterSpec kLoss{"loss",
                              "",
                              ParameterUnit::Fraction,
                              0,
                              0,
                              1,
                              "",
                              kSimulationFlag,
                              "mean loss fraction on the client-ASA Internet link, both ways",
                              "a probability; 1 would cut the link",
                              true};
constexpr ParameterSpec kBurst{"burst",
                               "",
                               ParameterUnit::Packets,
                               3,
                               1,
                               1000,
                               "",
                               kSimulationFlag,
                               "mean loss burst length in packets (gilbert)",
                               "the model's"};
constexpr ParameterSpec kJitter{
    "jitter",
    "",
    ParameterUnit::Seconds,
    0,
    0,
    1,
    "",
    kSimulationFlag,
    "extra delay per packet on the Internet link, uniform up to this (s)",
    "the model's"};
constexpr ParameterSpec kDuration{"duration",
                                  "",
                                  ParameterUnit::Seconds,
                                  1800,
                                  10,
                                  7 * 86400,
                                  "",
                                  kSimulationFlag,
                                  "session length (s)",
                                  "the model's: up to a week"};
constexpr ParameterSpec kTrafficInterval{
    "traffic-interval",  "",           ParameterUnit::Seconds, 1, 0.001, 3600, "", kSimulationFlag,
    "echo interval (s)", "the model's"};
constexpr ParameterSpec kTrafficSize{"traffic-size",
                                     "",
                                     ParameterUnit::Bytes,
                                     200,
                                     8,
                                     1300,
                                     "",
                                     kSimulationFlag,
                                     "echo payload bytes",
                                     "up to what the 1380-byte tunnel MTU carries"};
constexpr std::array<const ParameterSpec*, 6> kScenarioSpecs{
    &kLoss, &kBurst, &kJitter, &kDuration, &kTrafficInterval, &kTrafficSize};

/// Where each endpoint parameter that is a vpnsim-run flag lives.
const std::vector<ScenarioEndpointField>&
EndpointFieldTable()
{
    using namespace vpnsim::engine::parameter;
    static const std::map<std::string_view, double ScenarioParameters::*> kFields{
        {kPeerTimeout.flag, &ScenarioParameters::peerTimeout},
        {kClientDpdIdle.flag, &ScenarioParameters::dpdIdle},
        {kClientDpdRetry.flag, &ScenarioParameters::dpdRetry},
        {kAsaDpdThreshold.flag, &ScenarioParameters::asaDpdThreshold},
        {kAsaDpdRetry.flag, &ScenarioParameters::asaDpdRetry},
        {kNatKeepalive.flag, &ScenarioParameters::natKeepalive},
        {kAnyConnectDpd.flag, &ScenarioParameters::anyConnectDpd},
        {kAnyConnectKeepalive.flag, &ScenarioParameters::anyConnectKeepalive},
        {kIdleTimeout.flag, &ScenarioParameters::idleTimeout},
        {kIkeLifetime.flag, &ScenarioParameters::ikeLifetime},
        {kIpsecLifetime.flag, &ScenarioParameters::ipsecLifetime},
        {kIpsecLifetimeKb.flag, &ScenarioParameters::ipsecLifetimeKb},
    };
    static const std::vector<ScenarioEndpointField> kTable = []
    {
        std::vector<ScenarioEndpointField> table;
        for (const ParameterSpec* spec : vpnsim::engine::EndpointParameters())
        {
            if ((spec->interfaces & kSimulationFlag)
                && (spec->unit == ParameterUnit::Seconds || spec->unit == ParameterUnit::Kilobytes))
            {
                // A flag in the engine's table without a field here is a programming error.
                NS_ABORT_MSG_IF(!kFields.count(spec->flag),
                                "ScenarioParameters has no field for --" << spec->flag);
                table.push_back({spec, kFields.at(spec->flag)});
            }
        }
        NS_ABORT_MSG_IF(table.size() != kFields.size(),
                        "ScenarioParameters has a field for a parameter that is not a flag");
        return table;
    }();
    return kTable;
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

std::span<const ScenarioEndpointField>
ScenarioEndpointFields()
{
    return EndpointFieldTable();
}

std::span<const ParameterSpec* const>
ScenarioParameterSpecs()
{
    return kScenarioSpecs;
}

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
        return "gilbert:loss=" + NumberText(p.loss) + ",burst=" + NumberText(p.burst);
    }
    return "bernoulli:" + NumberText(p.loss);
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
    if (!kLoss.Allows(p.loss))
    {
        return Range("loss", NumberText(p.loss),
                     "0 <= loss < 1 (a fraction: 0.01 is 1%), not subnormal (below 2.2e-308)");
    }
    if (!kLossModels.count(p.lossModel))
    {
        return Range("loss-model", p.lossModel, "bernoulli, gilbert, trace");
    }
    if (p.lossModel == "gilbert" && p.loss > 0 && !kBurst.Allows(p.burst))
    {
        return Range("burst", NumberText(p.burst), "1 <= burst <= 1000 (packets)");
    }
    if (p.lossModel != "trace")
    {
        // What RunScenario will build, built here first so that it cannot fail there.
        auto model = MakeLossModel(InternetLossSpec(p), 0);
        if (!model)
        {
            return "--loss=" + NumberText(p.loss)
                   + (p.lossModel == "gilbert" ? " --burst=" + NumberText(p.burst) : "") + ": "
                   + model.GetError().detail;
        }
    }
    if (p.lossModel == "trace")
    {
        if (p.loss != 0)
        {
            return Range("loss", NumberText(p.loss),
                         "0 with --loss-model=trace (the trace says which packets are lost)");
        }
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
    for (const auto& [spec, value] :
         {std::pair{&kJitter, p.jitter}, std::pair{&kDuration, p.duration}})
    {
        if (!spec->Allows(value))
        {
            return "--" + spec->Refusal(value);
        }
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
    for (const ScenarioEndpointField& f : EndpointFieldTable())
    {
        if (!f.spec->Allows(p.*f.seconds))
        {
            return "--" + f.spec->Refusal(p.*f.seconds);
        }
    }
    if (!kTrafficInterval.Allows(p.trafficInterval))
    {
        return "--" + kTrafficInterval.Refusal(p.trafficInterval);
    }
    if (!IsTrafficProfile(p.traffic))
    {
        return Range("traffic", p.traffic, kTrafficProfiles);
    }
    if (!IsQueueDisc(p.queueDisc))
    {
        return Range("queue-disc", p.queueDisc, kQueueDiscs);
    }
    if (!kTrafficSize.Allows(p.trafficSize))
    {
        return "--" + kTrafficSize.Refusal(p.trafficSize) + " (the tunnel MTU is 1380)";
    }
    return "";
}

std::string
ValidateScenarioOnTopology(const ScenarioParameters& p, const TopologySpec& topology,
                           const std::string& origin)
{
    // Each Internet-hop parameter applies to the edges marked internet that do not set their
    // own value; a record must not report one that no link received.
    bool lossApplies = false;
    bool jitterApplies = false;
    for (const TopologyEdge& e : topology.edges)
    {
        lossApplies |= e.internet && e.loss == "none" && e.lossReverse == "none";
        jitterApplies |= e.internet && ParseDelay(e.jitter).value_or(Seconds(1)).IsZero();
    }
    const std::string where = origin + " has no edge marked internet=true";
    if (!lossApplies && p.lossModel == "trace")
    {
        return "--loss-model=trace: " + where
               + " without a loss of its own, so the trace would not apply; allowed there: "
                 "bernoulli with --loss=0";
    }
    if (!lossApplies && p.loss != 0)
    {
        return Range("loss", NumberText(p.loss),
                     "0 only: " + where + " without a loss of its own, so no link would get it");
    }
    if (!jitterApplies && p.jitter != 0)
    {
        return Range("jitter", NumberText(p.jitter),
                     "0 only: " + where + " without a jitter of its own, so no link would get it");
    }
    if (p.asa != "none" && topology.WithRole("asa").empty())
    {
        return Range("asa", p.asa, "none only: " + origin + " has no vertex with role=asa");
    }
    return "";
}

namespace
{

/// Real bytes on the wire and the run's random streams, before anything is built.
void
ConfigureSimulator(const ScenarioParameters& p)
{
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(p.seed);
    // Real bytes on the wire: real checksums (NATs and tshark check them).
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    // TCP without RFC 7323 timestamps, as Windows (the usual AnyConnect client) sends by
    // default. With them, ns-3 3.37 takes RTT samples from the stale TSecr of duplicate ACKs,
    // so one lost fast retransmission backs the RTO off to its 60 s ceiling and the stalled
    // stream outlives AnyConnect's DPD: a simulator artefact, not the behaviour under study.
    Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(false));
}

/**
 * One scenario's simulation, built in the stages a reader looks for: the topology (nodes,
 * lossy links, addresses), the middleboxes on its asa and nat vertices, the VPN endpoints, the
 * inner traffic, and after the run the record. Each stage reads what the earlier ones built,
 * so they run in that order, once; the watchers the endpoints trace into live here, which is
 * why the object stays where it was made.
 */
class ScenarioRun
{
  public:
    ScenarioRun(const ScenarioParameters& p, const TopologySpec& topology)
        : m_p(p)
        , m_topology(topology)
        , m_clientIndex(topology.WithRole("client").at(0))
        , m_headendIndex(topology.WithRole("headend").at(0))
        , m_hopsToHeadend(topology.HopsFrom(m_headendIndex))
        , m_hopsToClient(topology.HopsFrom(m_clientIndex))
        , m_clientVertices(topology.WithRole("client"))
    {
    }

    ScenarioRun(const ScenarioRun&) = delete;
    ScenarioRun& operator=(const ScenarioRun&) = delete;

    void BuildTopology();
    void BuildSwitchedLans();
    void InstallMiddleboxes();
    void InstallEndpoints();
    void InstallTraffic();
    vpnsim::engine::RunRecord Record(ScenarioTimeline* timeline) const;
    /// With --pcap: the SA keys and the tshark command beside the captures.
    void WriteDecryption() const;

  private:
    std::pair<Ptr<NetDevice>, Ipv4Address> SideOf(size_t vertex, const std::vector<size_t>& hops,
                                                  bool nearest) const;
    Ipv4Address SeenAt(size_t client) const;
    void RouteTunnelNetworkToHeadend();
    TunnelOutcome OutcomeOf(size_t k) const;
    void RecordOutcome(vpnsim::engine::RunRecord& r, const TunnelOutcome& outcome) const;
    void RecordTraffic(vpnsim::engine::RunRecord& r) const;
    void RecordCounters(vpnsim::engine::RunRecord& r) const;
    /// Every tunnel of the run: each client's, then the headend's in the order its clients came.
    std::vector<const vpnsim::engine::EndpointTunnel*> AllTunnels() const;
    void RecordParameters(vpnsim::engine::RunRecord& r) const;
    void RecordTimeline(ScenarioTimeline& timeline, const TunnelOutcome& outcome) const;

    const ScenarioParameters& m_p;
    const TopologySpec& m_topology;
    const size_t m_clientIndex;
    const size_t m_headendIndex;
    const std::vector<size_t> m_hopsToHeadend;
    const std::vector<size_t> m_hopsToClient;
    const std::vector<size_t> m_clientVertices;

    // topology
    NodeContainer m_nodes;
    std::vector<NetDeviceContainer> m_links;
    std::vector<Ipv4InterfaceContainer> m_interfaces;
    std::vector<LossWatcher> m_losses;
    // middleboxes
    std::vector<Ptr<AsaFirewall>> m_asas;
    std::vector<Ptr<NatDevice>> m_nats;
    // endpoints
    Ptr<VpnEndpoint> m_headend;
    std::vector<Ptr<VpnEndpoint>> m_clients;
    std::vector<EndWatcher> m_clientEnds;
    EndWatcher m_headendEnd;          ///< any of the headend's tunnels
    SessionWatcher m_headendSessions; ///< each of them
    // traffic
    std::vector<std::unique_ptr<InnerTraffic>> m_traffic;
};

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
    for (const ScenarioEndpointField& f : EndpointFieldTable())
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

/// Client `k`'s tunnel from both ends: its client, and the headend's tunnel for it (with one
/// client, every tunnel the headend has is that client's; with several, the one that routes to
/// its inner address).
TunnelOutcome
ScenarioRun::OutcomeOf(size_t k) const
{
    TunnelOutcome o;
    o.ends[0] = &m_clientEnds[k];
    if (m_clients.size() == 1)
    {
        o.ends[1] = &m_headendEnd;
    }
    else if (auto session = m_headend->FindClient(
                 VpnHelper::ClientTunnelAddress(kTunnelNetwork, static_cast<uint32_t>(k))))
    {
        auto it = m_headendSessions.ends.find(*session);
        o.ends[1] = it == m_headendSessions.ends.end() ? nullptr : &it->second;
    }
    for (int i = 0; i < 2; ++i)
    {
        const EndWatcher* e = o.ends[i];
        if (e && e->down && (o.first < 0 || *e->down < *o.ends[o.first]->down))
        {
            o.first = i;
        }
    }
    // Up once both ends are; an end that went down before the other came up means the tunnel
    // was never established.
    if (o.ends[0]->up && o.ends[1] && o.ends[1]->up)
    {
        double both = std::max(*o.ends[0]->up, *o.ends[1]->up);
        if (o.first < 0 || *o.ends[o.first]->down >= both)
        {
            o.up = both;
        }
    }
    return o;
}

/// Whether the first client's tunnel failed, when and why.
void
ScenarioRun::RecordOutcome(vpnsim::engine::RunRecord& r, const TunnelOutcome& outcome) const
{
    const std::optional<double>& up = outcome.up;
    const int first = outcome.first;
    const EndWatcher* const* ends = outcome.ends;
    uint64_t natMappingDrops = 0;
    for (const auto& nat : m_nats)
    {
        natMappingDrops += nat->GetDrops("no-translation") + nat->GetDrops("no-connection");
    }
    r.established = up.has_value();
    r.tunnelUpS = up;
    if (!up)
    {
        // A setup failure: nothing to count a time to failure from, whatever either end did.
        r.failed = true;
        r.cause = "not-established";
    }
    else if (first >= 0)
    {
        r.failed = true;
        r.timeToFailureS = *ends[first]->down - *up;
        r.cause = ends[first]->downReason;
        bool dpd = *r.cause == "client-dpd" || *r.cause == "headend-dpd";
        if (dpd && natMappingDrops > 0)
        {
            r.cause = "nat-mapping-lost";
        }
    }
}

/// The inner flows, summed over all clients.
void
ScenarioRun::RecordTraffic(vpnsim::engine::RunRecord& r) const
{
    double trafficTime = std::max(m_p.duration - kTrafficStartS, 1.0);
    uint64_t bytesReceived = 0;
    for (const auto& flow : m_traffic)
    {
        r.innerSent += flow->PacketsSent();
        r.innerReceived += flow->PacketsReceived();
        bytesReceived += flow->BytesReceived();
    }
    r.innerGoodputBps = bytesReceived * 8.0 / trafficTime;
    r.innerLoss = r.innerSent == 0 || m_p.traffic == "bulk"
                      ? 0.0
                      : 1.0 - double(std::min(r.innerReceived, r.innerSent)) / r.innerSent;
}

std::vector<const vpnsim::engine::EndpointTunnel*>
ScenarioRun::AllTunnels() const
{
    std::vector<const vpnsim::engine::EndpointTunnel*> tunnels;
    for (const auto& client : m_clients)
    {
        tunnels.push_back(&client->GetClient(0));
    }
    for (uint32_t i = 0; i < m_headend->GetClientCount(); ++i)
    {
        tunnels.push_back(&m_headend->GetClient(i));
    }
    return tunnels;
}

/// Framing errors of every tunnel, the first client's rekeys, and what each ASA held and
/// dropped.
void
ScenarioRun::RecordCounters(vpnsim::engine::RunRecord& r) const
{
    if (const auto* ipsec = m_clients.front()->GetClient(0).Ipsec())
    {
        r.ikeRekeys = ipsec->Counters().ikeRekeys;
        r.ipsecRekeys = ipsec->Counters().ipsecRekeys;
    }
    for (const vpnsim::engine::EndpointTunnel* tunnel : AllTunnels())
    {
        if (const auto* ipsec = tunnel->Ipsec())
        {
            r.framingErrors += ipsec->Counters().framingErrors;
        }
    }
    for (const auto& asa : m_asas)
    {
        r.asaBytesHeld += asa->GetPeakBytesHeld();
        r.asaDrops += asa->GetTotalDrops();
        for (const auto& [reason, count] : asa->GetCounters().drops)
        {
            r.asaDropsByReason[reason] += count;
        }
    }
}

void
ScenarioRun::RecordParameters(vpnsim::engine::RunRecord& r) const
{
    const ScenarioParameters& p = m_p;
    r.encap = p.encap;
    r.asa = p.asa;
    r.lossModel = p.lossModel;
    r.loss = p.loss;
    r.seed = p.seed;
    r.durationS = p.duration;
    r.parameters = {{"transform", p.transform},
                    {"peer_timeout_s", NumberText(p.peerTimeout)},
                    {"dpd_idle_s", NumberText(p.dpdIdle)},
                    {"dpd_retry_s", NumberText(p.dpdRetry)},
                    {"asa_dpd_threshold_s", NumberText(p.asaDpdThreshold)},
                    {"asa_dpd_retry_s", NumberText(p.asaDpdRetry)},
                    {"nat_keepalive_s", NumberText(p.natKeepalive)},
                    {"anyconnect_dpd_s", NumberText(p.anyConnectDpd)},
                    {"anyconnect_keepalive_s", NumberText(p.anyConnectKeepalive)},
                    {"idle_timeout_s", NumberText(p.idleTimeout)},
                    {"ike_lifetime_s", NumberText(p.ikeLifetime)},
                    {"ipsec_lifetime_s", NumberText(p.ipsecLifetime)},
                    {"ipsec_lifetime_kb", NumberText(p.ipsecLifetimeKb)},
                    {"jitter_s", NumberText(p.jitter)},
                    {"traffic", p.traffic},
                    {"traffic_interval_s", NumberText(p.trafficInterval)},
                    {"traffic_size_bytes", std::to_string(p.trafficSize)},
                    {"topology", p.topology.empty() ? "tech-note-line" : p.topology},
                    {"key_seed", KeySeedText(p.keySeed)}};
    if (p.lossModel == "gilbert")
    {
        r.parameters["burst_packets"] = NumberText(p.burst);
    }
    if (p.lossModel == "trace")
    {
        r.parameters["loss_trace"] = p.lossTrace;
    }
    if (p.queueDisc != ScenarioParameters().queueDisc)
    {
        // Only when chosen: a record names the parameters that differ from the defaults a
        // reader assumes, so records of sweeps that never set it compare byte for byte.
        r.parameters["queue_disc"] = p.queueDisc;
    }
    if (m_clients.size() > 1)
    {
        // Only with several clients: a one-client record has no other tunnels to count.
        size_t clientsFailed = 0;
        for (size_t k = 0; k < m_clients.size(); ++k)
        {
            TunnelOutcome o = OutcomeOf(k);
            clientsFailed += o.first >= 0 || !o.up;
        }
        r.parameters["clients"] = std::to_string(m_clients.size());
        r.parameters["clients_failed"] = std::to_string(clientsFailed);
    }
}

void
ScenarioRun::RecordTimeline(ScenarioTimeline& timeline, const TunnelOutcome& outcome) const
{
    timeline.events = Simulator::GetEventCount();
    timeline.tunnelUpS = outcome.up;
    for (const auto& l : m_losses)
    {
        if (l.first && (!timeline.firstUpstreamLossS || *l.first < *timeline.firstUpstreamLossS))
        {
            timeline.firstUpstreamLossS = l.first;
        }
    }
    if (outcome.first >= 0)
    {
        timeline.firstDownS = outcome.ends[outcome.first]->down;
        timeline.firstDownSide = outcome.first == 0 ? "client" : "headend";
    }
}

/// What Wireshark needs to decrypt the captures: every SA of every tunnel, and the command.
void
ScenarioRun::WriteDecryption() const
{
    std::vector<vpnsim::wire::EspSaConfig> sas;
    std::vector<std::string> tlsKeyLog;
    for (const vpnsim::engine::EndpointTunnel* tunnel : AllTunnels())
    {
        if (const auto* ipsec = tunnel->Ipsec())
        {
            // Every SA it had, so that packets after a rekey decrypt too (the configured pair
            // if it never came up).
            const auto& installed = ipsec->InstalledSas();
            if (installed.empty())
            {
                sas.push_back(ipsec->OutboundSa());
                sas.push_back(ipsec->InboundSa());
            }
            sas.insert(sas.end(), installed.begin(), installed.end());
        }
        if (const auto* anyConnect = tunnel->AnyConnect())
        {
            tlsKeyLog.push_back(anyConnect->KeyLogLine());
        }
    }
    // The capture the command reads unless told otherwise: where the loss is, outside the
    // ASA, or the first client's own if there is no ASA.
    std::string name = "client-1";
    for (const auto& edge : CaptureNames(m_topology))
    {
        for (const auto& side : edge)
        {
            name = side == "asa-outside" ? side : name;
        }
    }
    std::string file = std::filesystem::path(m_p.pcap).filename().string() + "-" + name + ".pcap";
    std::string error = WriteWiresharkDecryption(m_p.pcap, sas, tlsKeyLog, file);
    NS_ABORT_MSG_IF(!error.empty(), "--pcap=" << m_p.pcap << ": " << error);
}

vpnsim::engine::RunRecord
ScenarioRun::Record(ScenarioTimeline* timeline) const
{
    vpnsim::engine::RunRecord r;
    RecordParameters(r);
    // The record is the first client's (vertex order): its fields keep their one-tunnel meaning.
    TunnelOutcome outcome = OutcomeOf(0);
    RecordOutcome(r, outcome);
    RecordTraffic(r);
    RecordCounters(r);
    if (timeline)
    {
        RecordTimeline(*timeline, outcome);
    }
    return r;
}

} // namespace

vpnsim::engine::RunRecord
RunScenario(const ScenarioParameters& p, const TopologySpec& topology, ScenarioTimeline* timeline)
{
    std::string invalid = ValidateScenario(p);
    NS_ABORT_MSG_IF(!invalid.empty(), invalid);
    ConfigureSimulator(p);
    // AnyConnect's TLS bytes follow the seed too, so that a run's pcaps repeat bit for bit.
    vpnsim::engine::UseSeededTlsRandom(p.seed);
    ScenarioRun run(p, topology);
    run.BuildTopology();
    run.InstallMiddleboxes();
    run.InstallEndpoints();
    run.InstallTraffic();
    Simulator::Stop(Seconds(p.duration));
    Simulator::Run();
    vpnsim::engine::RunRecord r = run.Record(timeline);
    if (!p.pcap.empty())
    {
        run.WriteDecryption();
    }
    Simulator::Destroy();
    return r;
}

} // namespace ns3
