/*
 * One parameter set and seed turned into a running simulation and a result record: the
 * topology (default: the tech-note line), lossy links, the ASA, NATs, the VPN endpoints and
 * the inner traffic, with every parameter validated first. vpnsim-run is a command line around
 * this; tests and examples use it directly.
 *
 * Defaults are Cisco's (doc/protocols.md §Cisco timers and defaults, §ASA timeouts): client DPD
 * peer timeout 90 s, ASA DPD threshold 300 s and retry 2 s, NAT-T keepalive 20 s, vpn-idle-timeout
 * 30 min; the ASA inspects the flow as a full TCP proxy.
 *
 * Every client vertex gets a VPN client of the one headend (tunnel addresses .2, .3, ... in
 * vertex order) and its own inner traffic to the same target. The record keeps its one-client
 * meaning: failed, time_to_failure_s and cause are the first client's (vertex order), while
 * the inner counts and goodput, framing errors and middlebox counters are summed over all.
 * With more than one client, parameters also carry "clients" (how many) and "clients_failed"
 * (how many of their tunnels went down or never came up); one-client records carry neither.
 */
#ifndef VPNSIM_SCENARIO_H
#define VPNSIM_SCENARIO_H

#include "helper/topology-spec.h"
#include "model/engine/endpoint-config.h"
#include "model/engine/run-record.h"

#include <cstdint>
#include <ns3/nstime.h>
#include <optional>
#include <span>
#include <string>

namespace ns3
{

struct ScenarioParameters
{
    std::string encap{"ctcp"};
    std::string asa{"proxy"};
    double loss{0};
    std::string lossModel{"bernoulli"};
    double burst{3};       ///< mean burst length (packets) for the gilbert model
    std::string lossTrace; ///< file for the trace model
    double jitter{0};      ///< seconds of extra delay (uniform) on the Internet hop
    double duration{1800}; ///< seconds of simulated session
    uint64_t seed{1};
    std::string transform{"aes-cbc-128-hmac-sha1-96"};
    // The endpoint's timers, in seconds, and the IPsec SA volume lifetime in kilobytes
    // (model/engine/endpoint-config.h: ranges and defaults).
    double peerTimeout{vpnsim::engine::parameter::kPeerTimeout.defaultValue};
    double dpdIdle{vpnsim::engine::parameter::kClientDpdIdle.defaultValue};
    double dpdRetry{vpnsim::engine::parameter::kClientDpdRetry.defaultValue};
    double asaDpdThreshold{vpnsim::engine::parameter::kAsaDpdThreshold.defaultValue};
    double asaDpdRetry{vpnsim::engine::parameter::kAsaDpdRetry.defaultValue};
    double natKeepalive{vpnsim::engine::parameter::kNatKeepalive.defaultValue};
    double anyConnectDpd{vpnsim::engine::parameter::kAnyConnectDpd.defaultValue};
    double anyConnectKeepalive{vpnsim::engine::parameter::kAnyConnectKeepalive.defaultValue};
    double idleTimeout{vpnsim::engine::parameter::kIdleTimeout.defaultValue};
    double ikeLifetime{vpnsim::engine::parameter::kIkeLifetime.defaultValue};
    double ipsecLifetime{vpnsim::engine::parameter::kIpsecLifetime.defaultValue};
    double ipsecLifetimeKb{vpnsim::engine::parameter::kIpsecLifetimeKb.defaultValue}; ///< KB
    std::string traffic{"echo"};
    double trafficInterval{1};
    uint32_t trafficSize{200};
    std::string topology; ///< DOT file; empty for the tech-note line
    std::string pcap;     ///< pcap file prefix; empty for none
    /// Seed of the static ESP and IKE keys (VpnEndpoint::KeySeed).
    uint8_t keySeed{static_cast<uint8_t>(vpnsim::engine::parameter::kKeySeed.defaultValue)};
    /// Root queue disc on every link device (helper/queue-disc-choice.h): FIFO by default, as
    /// ASA and access-router interfaces queue.
    std::string queueDisc{"fifo"};
};

/// An endpoint parameter that is a vpnsim-run flag, and where ScenarioParameters keeps it.
struct ScenarioEndpointField
{
    const vpnsim::engine::ParameterSpec* spec;
    double ScenarioParameters::*seconds; ///< kilobytes for a Kilobytes parameter
};

/// Every endpoint timer and SA lifetime offered as a vpnsim-run flag (kSimulationFlag), in
/// table order (the key seed, the one other, has a flag of its own).
std::span<const ScenarioEndpointField> ScenarioEndpointFields();

/// The ranges of vpnsim-run's own numeric flags, those that are not the endpoint's: loss,
/// burst, jitter, duration, traffic-interval, traffic-size.
std::span<const vpnsim::engine::ParameterSpec* const> ScenarioParameterSpecs();

/// Checks every parameter; the message names the flag (as vpnsim-run spells it), the value and
/// the allowed range. Empty when all are valid.
std::string ValidateScenario(const ScenarioParameters& p);

/// Checks that every parameter of the Internet hop and the ASA reaches the topology (an edge
/// marked internet that takes --loss and --jitter, an asa vertex for --asa), so that the record
/// claims nothing that was not applied. `origin` names the topology in the message.
std::string ValidateScenarioOnTopology(const ScenarioParameters& p, const TopologySpec& topology,
                                       const std::string& origin);

/// The loss spec (LossyLinkHelper syntax) the parameters put on the Internet hop.
std::string InternetLossSpec(const ScenarioParameters& p);

/// What happened, beyond the record, for tests that check the model's own timeline.
struct ScenarioTimeline
{
    std::optional<double> tunnelUpS;          ///< both ends up
    std::optional<double> firstUpstreamLossS; ///< first packet lost client -> ASA side
    std::optional<double> firstDownS;         ///< either end down
    std::string firstDownSide;                ///< "client" or "headend"
    uint64_t events{0};                       ///< simulator events executed
};

/// Builds and runs one scenario. Call ValidateScenario first; bad parameters abort here.
/// With a pcap prefix it writes one capture per device, named by role (CaptureNames), and
/// what Wireshark needs to decrypt them (WriteWiresharkDecryption).
vpnsim::engine::RunRecord RunScenario(const ScenarioParameters& p, const TopologySpec& topology,
                                      ScenarioTimeline* timeline = nullptr);

} // namespace ns3

#endif // VPNSIM_SCENARIO_H
