/*
 * Which IPv4 datagrams from a raw socket a tunnel gets, and as what OuterPacket. Both drivers
 * open raw sockets (IP protocol 6 for cTCP, 50 for native ESP) that hand up whole datagrams,
 * IPv4 header included, and see more than the tunnel's own traffic: this is the one place that
 * decides, so that the simulation and the real-socket runner accept the same packets.
 *
 * The rule: a well-formed, unfragmented IPv4 datagram of the transport's protocol, addressed to
 * this end, from the configured peer; cTCP only to its local port (the raw socket sees every
 * TCP segment to this address). A headend takes them from any address: its clients arrive
 * from NATs it cannot know beforehand, and HeadendDemux tells them apart.
 */
#ifndef VPNSIM_ENGINE_RAW_DEMUX_H
#define VPNSIM_ENGINE_RAW_DEMUX_H

#include "model/engine/host.h"
#include "model/wire/bytes.h"
#include "model/wire/ipv4-header.h"

#include <cstdint>

namespace vpnsim
{
namespace engine
{

/// What a raw socket's datagram is to the tunnel.
enum class RawVerdict : uint8_t
{
    Accept,           ///< hand `packet` to the tunnel
    Malformed,        ///< not a well-formed IPv4 datagram (header, length, checksum)
    Fragment,         ///< a fragment: vpnsim never fragments, and nothing reassembles here
    OtherProtocol,    ///< not the transport's IP protocol
    OtherDestination, ///< not addressed to this end
    OtherPeer,        ///< not from the configured peer
    OtherPort,        ///< cTCP: a TCP segment to another port (or too short to have one)
};

/// Short names for counters: "malformed", "fragment", "other-protocol", ...
const char* ToString(RawVerdict verdict);

/// The driver's view of its raw socket.
struct RawDemuxConfig
{
    uint8_t protocol{6};      ///< 6 (cTCP) or 50 (native ESP)
    bool headend{false};      ///< the headend takes any source
    uint32_t local{0};        ///< this end's address, host order; 0 takes any destination
    uint32_t remote{0};       ///< the configured peer, host order
    uint16_t tcpLocalPort{0}; ///< cTCP: this end's port; 0 takes any
};

/// The verdict, and the packet when accepted (its payload views `datagram`).
struct RawDemuxResult
{
    RawVerdict verdict{RawVerdict::Malformed};
    OuterPacket packet{OuterProtocol::Tcp, 0, 0, 0, 0, {}};
};

/// Classifies one datagram as a raw IPv4 socket delivered it (IPv4 header first).
RawDemuxResult DemuxRawIpv4(wire::ByteView datagram, const RawDemuxConfig& config);

/// The same for a datagram whose header a socket has already parsed (`payload` follows it).
RawDemuxResult DemuxRawIpv4(const wire::Ipv4Header& header, wire::ByteView payload,
                            const RawDemuxConfig& config);

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_RAW_DEMUX_H
