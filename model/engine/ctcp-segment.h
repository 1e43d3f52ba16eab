/*
 * The bytes of one cTCP segment: a 20-byte TCP header without options, then (on data segments)
 * one encapsulated packet and the 16-byte cTCP trailer (reference §1.2).
 *
 * Engine-local codec: model/wire/tcp-header.h, internet-checksum.h and ctcp.h were not in the
 * tree when the cTCP connection was written. Everything byte-level for cTCP is kept in this one
 * file so that switching to the wire codecs later touches nothing else.
 */
#ifndef VPNSIM_ENGINE_CTCP_SEGMENT_H
#define VPNSIM_ENGINE_CTCP_SEGMENT_H

#include "model/wire/bytes.h"
#include "model/wire/result.h"

#include <cstdint>

namespace vpnsim
{
namespace engine
{

/// TCP control bits (RFC 793 §3.1).
namespace tcpflag
{
constexpr uint8_t Fin = 0x01;
constexpr uint8_t Syn = 0x02;
constexpr uint8_t Rst = 0x04;
constexpr uint8_t Psh = 0x08;
constexpr uint8_t Ack = 0x10;
} // namespace tcpflag

/// TCP header length without options: cTCP never sends options (reference §1.2, data offset 5).
constexpr size_t kTcpHeaderLength = 20;

/// Length of the cTCP trailer at the end of every data segment (reference §1.2,
/// QuickSec SSH_ENGINE_TCP_ENCAPS_TRAILER_LEN).
constexpr size_t kCtcpTrailerLength = 16;

/// Trailer `proto` values (reference §1.2): IKE-in-UDP, ESP, AH.
namespace ctcpproto
{
constexpr uint8_t Ike = 0x11;
constexpr uint8_t Esp = 0x32;
constexpr uint8_t Ah = 0x33;
} // namespace ctcpproto

/// Trailer `dir16` for client->server IKE as Wireshark reads Cisco captures (reference §1.2).
constexpr uint16_t kCtcpDirectionClientToServer = 0x4000;

/// The fields of a TCP header that cTCP uses.
struct TcpSegmentHeader
{
    uint16_t sourcePort{0};
    uint16_t destinationPort{0};
    uint32_t sequence{0};
    uint32_t acknowledgment{0};
    uint8_t flags{0};
    uint16_t window{0};
};

/// A parsed TCP segment: header fields and a view of the payload inside the input.
struct TcpSegment
{
    TcpSegmentHeader header;
    wire::ByteView payload;
};

/// The variable fields of a cTCP trailer (the rest is constant, reference §1.2).
struct CtcpTrailer
{
    uint16_t seq16{0};     ///< inner IPv4 ID for IKE, 0 for ESP
    uint16_t direction{0}; ///< 0x4000 client->server IKE, else 0
    uint8_t protocol{0};   ///< ctcpproto::Ike, Esp or Ah
};

/// Builds a whole TCP segment (header + payload) with a correct checksum over the RFC 793
/// pseudo-header of `sourceAddress` -> `destinationAddress` (host order).
wire::Bytes BuildTcpSegment (const TcpSegmentHeader& header, wire::ByteView payload,
                             uint32_t sourceAddress, uint32_t destinationAddress);

/// Parses a TCP segment and verifies its checksum. Options, if present, are skipped.
wire::Result<TcpSegment> ParseTcpSegment (wire::ByteView segment, uint32_t sourceAddress,
                                          uint32_t destinationAddress);

/// Appends the 16-byte trailer `00000000 seq16 dir16 21456c6910 proto 0100` (reference §1.2).
void AppendCtcpTrailer (wire::Bytes& out, const CtcpTrailer& trailer);

/// Reads the trailer from the last 16 bytes of `payload`. Like Wireshark's heuristic
/// (reference §1.3) it requires zero bytes 0-3, zero low 12 bits of bytes 6-7, a known proto
/// and the constant bytes, so that the end of an arbitrary byte run is not taken for one.
wire::Result<CtcpTrailer> ParseCtcpTrailer (wire::ByteView payload);

/// True if `bytes` contains the constant part of a trailer (`21 45 6c 69 10 {11|32|33} 01 00`)
/// anywhere: the sign of a second packet coalesced into the same segment.
bool ContainsCtcpTrailerMagic (wire::ByteView bytes);

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_CTCP_SEGMENT_H
