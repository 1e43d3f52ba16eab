/*
 * A network as a graph: vertices carry a role, edges a link. Read from a GraphViz DOT file with
 * Boost.Graph (read_graphviz with dynamic properties), or built in code for the default
 * tech-note line. The ns-3 side (nodes, links, addressing, routing, middleboxes, endpoints) is
 * ScenarioBuilder's; this file only knows the graph.
 *
 * DOT attributes (anything else is refused, naming the attribute):
 *   vertex  role      client | headend | asa | nat | router | server | switch (required)
 *           nat_mode  pat | static                                          (nat only; pat)
 *   edge    rate      ns-3 DataRate, e.g. "10Mbps"                           (100Mbps)
 *           delay     ns-3 Time, e.g. "20ms"                                 (1ms)
 *           jitter    extra delay per packet, uniform up to this, e.g. "5ms" (0ms)
 *           loss      loss spec for both directions (LossyLinkHelper)        (none)
 *           loss_reverse  loss spec for the second-to-first direction        (= loss)
 *           internet  "true" marks the lossy Internet hop: vpnsim-run's --loss applies there
 *
 * A switch joins clients and their one gateway on an Ethernet LAN (helper/switched-lan-helper.h);
 * its edges carry a rate and a delay only.
 */
#ifndef VPNSIM_TOPOLOGY_SPEC_H
#define VPNSIM_TOPOLOGY_SPEC_H

#include "model/wire/result.h"

#include <istream>
#include <ns3/nstime.h>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

struct TopologyVertex
{
    std::string name;
    std::string role;
    std::string natMode{"pat"};
};

struct TopologyEdge
{
    size_t first{0}; ///< vertex index
    size_t second{0};
    std::string rate{"100Mbps"};
    std::string delay{"1ms"};
    std::string jitter{"0ms"};
    std::string loss{"none"};        ///< first -> second
    std::string lossReverse{"none"}; ///< second -> first
    bool internet{false};
};

struct TopologySpec
{
    std::vector<TopologyVertex> vertices;
    std::vector<TopologyEdge> edges;

    /// Indices of the vertices with `role`.
    std::vector<size_t> WithRole(const std::string& role) const;
    /// The edges at `vertex`: (edge index, the neighbour at its other end).
    std::vector<std::pair<size_t, size_t>> Incident(size_t vertex) const;
    /// Hop counts from `from` to every vertex (SIZE_MAX where unreachable).
    std::vector<size_t> HopsFrom(size_t from) const;
};

/// "20ms", "100us", "1s": a link delay, or nullopt if malformed or above an hour.
std::optional<Time> ParseDelay(const std::string& text);

/// The tech-note scenario: client - Internet (20 ms, 10 Mbit/s, marked internet) - ASA -
/// headend - LAN server.
TopologySpec TechNoteLine();

/// Parses DOT text; `origin` (a file name) prefixes every error.
vpnsim::wire::Result<TopologySpec> ReadTopologyDot(std::istream& dot, const std::string& origin);

/// Largest DOT file read: ten times what a fleet of a thousand clients needs, and small
/// enough for Boost's parser to refuse a bad one within seconds.
constexpr size_t kMaxTopologyBytes = 1 << 20;

/// Reads a DOT file: a regular file of at most kMaxTopologyBytes.
vpnsim::wire::Result<TopologySpec> ReadTopologyDotFile(const std::string& path);

/// Checks roles, attribute values and shape (one headend, one or more clients, connected; an
/// ASA or NAT between exactly two neighbours). The error names the vertex or edge.
vpnsim::wire::Status ValidateTopology(const TopologySpec& spec, const std::string& origin);

} // namespace ns3

#endif // VPNSIM_TOPOLOGY_SPEC_H
