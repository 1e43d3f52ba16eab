/*
 * What the ASA firewall and its inspection modes say about one connection: the interface a
 * datagram entered on, and the connection's counters.
 */
#ifndef VPNSIM_MODEL_ASA_FLOW_COUNTERS_H
#define VPNSIM_MODEL_ASA_FLOW_COUNTERS_H

#include <cstdint>
#include <map>
#include <string>

namespace ns3
{

/// The interface a datagram entered the ASA on.
enum class AsaSide
{
    Outside = 0,
    Inside = 1,
};

/// Counters for one connection, as `show conn detail` and `show asp drop` would give them.
struct AsaFlowCounters
{
    uint64_t packetsForwarded{0};
    uint64_t segmentsQueued{0};
    uint64_t bytesHeld{0}; ///< in the out-of-order queue (or the proxy's buffers) right now
    std::map<std::string, uint64_t> drops;
};

} // namespace ns3

#endif // VPNSIM_MODEL_ASA_FLOW_COUNTERS_H
