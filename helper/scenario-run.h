/*
 * The inside of RunScenario (helper/scenario.h), not installed: ScenarioRun builds one
 * scenario's simulation in stages (helper/scenario-run.cc) and after the run turns what the
 * watchers below saw into the record (helper/scenario-record.cc).
 */
#ifndef VPNSIM_SCENARIO_RUN_H
#define VPNSIM_SCENARIO_RUN_H

#include "helper/inner-traffic.h"
#include "helper/scenario.h"
#include "helper/topology-spec.h"
#include "model/asa-firewall.h"
#include "model/engine/run-record.h"
#include "model/nat-device.h"
#include "model/vpn-endpoint.h"

#include <cstdint>
#include <map>
#include <memory>
#include <ns3/ipv4-address.h>
#include <ns3/ipv4-interface-container.h>
#include <ns3/net-device-container.h>
#include <ns3/node-container.h>
#include <ns3/packet.h>
#include <ns3/simulator.h>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ns3::scenario
{

inline const Ipv4Address kTunnelNetwork("10.8.0.0");
/// Room for 65,533 clients of the one headend.
inline const Ipv4Mask kTunnelMask("255.255.0.0");
/// Inner traffic starts once IKE (Main Mode + Quick Mode, well under a second) is done.
inline constexpr double kTrafficStartS = 5;

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

} // namespace ns3::scenario

#endif // VPNSIM_SCENARIO_RUN_H
