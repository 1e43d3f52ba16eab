/*
 * The runner's own inner traffic for unattended runs: numbered UDP probes from the client's
 * inner address to the peer's echo port (7), answered by a peer started with --echo. A probe
 * is an ordinary inner IPv4/UDP packet, so it travels the tunnel exactly as a ping or an iperf
 * packet from the TUN would; its payload says which probe it is and when it left.
 */
#ifndef VPNSIM_RUNNER_PROBE_H
#define VPNSIM_RUNNER_PROBE_H

#include "model/wire/bytes.h"

#include <cstdint>
#include <optional>

namespace vpnsim
{
namespace runner
{

/// UDP echo (RFC 862) port: probes go to it, answers come from it.
constexpr uint16_t kEchoPort = 7;
/// Source port of probes.
constexpr uint16_t kProbePort = 50007;
/// Smallest probe: IPv4 (20) + UDP (8) + magic, sequence and timestamp (24).
constexpr size_t kMinimumProbeSize = 52;

/// What a probe carries.
struct Probe
{
    uint32_t source{0}; ///< inner IPv4 addresses, host order
    uint32_t destination{0};
    uint16_t sourcePort{0};
    uint16_t destinationPort{0};
    uint64_t sequence{0};
    int64_t sentNs{0}; ///< sender's monotonic clock at sending
    size_t length{0};  ///< the inner IPv4 packet's length
};

/// Builds a probe of `length` bytes (IPv4 total length, at least kMinimumProbeSize).
wire::Bytes BuildProbe(uint32_t source, uint32_t destination, uint64_t sequence, int64_t sentNs,
                       size_t length, uint16_t ipId);

/// The answer to a probe: addresses and ports swapped, the payload as it came.
wire::Bytes BuildEcho(const Probe& probe, wire::ByteView original, uint16_t ipId);

/// Recognises a probe or an echo (by its magic); nothing for any other packet.
std::optional<Probe> ParseProbe(wire::ByteView innerPacket);

} // namespace runner
} // namespace vpnsim

#endif // VPNSIM_RUNNER_PROBE_H
