/*
 * Cisco IPsec over TCP ("cTCP", TCP port 10000): the framing of one segment.
 *
 * Cisco published no specification; the layout is the one Wireshark's tcpencap dissector and
 * INSIDE Secure's Cisco-compatible QuickSec agree on (doc/protocols.md §cTCP trailer):
 *
 *   TCP header (20, no options) | one ESP packet, or IKE as a UDP 500->500 datagram | trailer
 *   trailer (16): 00000000 | seq16 | dir16 | 21 45 6c 69 10 | proto | 01 00
 *
 * There is no length field: a receiver takes the last 16 bytes of each segment as the trailer,
 * which is why a device that re-segments the byte stream breaks cTCP even without loss.
 */
#ifndef VPNSIM_WIRE_CTCP_H
#define VPNSIM_WIRE_CTCP_H

#include "model/wire/bytes.h"
#include "model/wire/result.h"

#include <cstdint>

namespace vpnsim
{
namespace wire
{

/// Default cTCP port on the headend (ASA `crypto ikev1 ipsec-over-tcp`, IOS `crypto ctcp`).
constexpr uint16_t kCtcpDefaultPort = 10000;

/// Trailer length (QuickSec SSH_ENGINE_TCP_ENCAPS_TRAILER_LEN).
constexpr size_t kCtcpTrailerLength = 16;

/// Bytes cTCP adds to an ESP packet beyond native ESP: TCP header + trailer.
constexpr size_t kCtcpOverhead = 20 + kCtcpTrailerLength;

/// Trailer `proto` values: the IP protocol of what the segment carries.
namespace ctcpproto
{
constexpr uint8_t Ike = 0x11; ///< IKE in a UDP datagram (UDP = 17)
constexpr uint8_t Esp = 0x32; ///< ESP (50)
constexpr uint8_t Ah = 0x33;  ///< AH (51), QuickSec only: Wireshark's heuristic does not know it
} // namespace ctcpproto

/// Trailer `dir16` for client->server IKE as Wireshark reads Cisco captures; QuickSec writes 0
/// in both directions and interoperated, so receivers ignore the field.
constexpr uint16_t kCtcpDirectionClientToServer = 0x4000;

/// The variable fields of a trailer.
struct CtcpTrailer
{
    uint16_t seq16{0};     ///< IPv4 ID of the inner IKE packet; 0 for ESP
    uint16_t direction{0}; ///< kCtcpDirectionClientToServer or 0
    uint8_t protocol{0};   ///< ctcpproto::Ike, Esp or Ah
};

/// Appends the 16-byte trailer.
void AppendCtcpTrailer(Bytes& out, const CtcpTrailer& trailer);

/// Reads the trailer in the last 16 bytes of `payload`. Stricter than Wireshark's heuristic
/// (doc/protocols.md §cTCP recognition): the constant bytes must match as well, so that the
/// tail of some other byte run is not mistaken for a trailer.
Result<CtcpTrailer> ParseCtcpTrailer(ByteView payload);

/// True if the constant part of a trailer (21 45 6c 69 10 proto 01 00) occurs anywhere in
/// `bytes`: the sign that a second packet was coalesced into the same segment.
bool ContainsCtcpTrailerMagic(ByteView bytes);

/// Builds the TCP payload carrying one ESP packet.
Bytes BuildCtcpEspPayload(ByteView espPacket);

/// Builds the TCP payload carrying one ISAKMP message: UDP 500->500 with checksum 0 (QuickSec:
/// "Zero UDP checksum from IKE packets to interoperate with Cisco VPN client"), then the trailer
/// with the inner IPv4 ID and the direction.
Bytes BuildCtcpIkePayload(ByteView isakmpMessage, uint16_t ipId, bool clientToServer);

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_CTCP_H
