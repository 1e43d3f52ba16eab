/*
 * TCP segments (RFC 793 section 3.1): the 20-byte header, options skipped on receive, and the
 * checksum over the IPv4 pseudo-header. vpnsim builds whole segments itself only for cTCP,
 * whose "TCP" is a header in front of each IPsec packet (doc/protocols.md §cTCP segment).
 */
#ifndef VPNSIM_WIRE_TCP_HEADER_H
#define VPNSIM_WIRE_TCP_HEADER_H

#include "model/wire/bytes.h"
#include "model/wire/result.h"

#include <cstdint>
#include <optional>

namespace vpnsim
{
namespace wire
{

/// TCP control bits (RFC 793 3.1, RFC 3168 for ECE/CWR).
namespace tcpflag
{
constexpr uint8_t Fin = 0x01;
constexpr uint8_t Syn = 0x02;
constexpr uint8_t Rst = 0x04;
constexpr uint8_t Psh = 0x08;
constexpr uint8_t Ack = 0x10;
constexpr uint8_t Urg = 0x20;
constexpr uint8_t Ece = 0x40;
constexpr uint8_t Cwr = 0x80;
} // namespace tcpflag

/// TCP header without options.
constexpr size_t kTcpHeaderLength = 20;

/// IANA protocol number of TCP.
constexpr uint8_t kIpProtocolTcp = 6;

/// The header fields (options are neither built nor kept).
struct TcpHeader
{
    uint16_t sourcePort{0};
    uint16_t destinationPort{0};
    uint32_t sequence{0};
    uint32_t acknowledgment{0};
    uint8_t flags{0};
    uint16_t window{0};
    uint16_t urgentPointer{0};
};

/// A parsed segment: header and a view of the payload inside the input.
struct TcpSegment
{
    TcpHeader header;
    size_t headerLength{kTcpHeaderLength}; ///< including options
    uint16_t checksum{0};                  ///< as received
    ByteView payload;
    /// The window scale option (RFC 7323 section 2), if present: middleboxes that track the
    /// receiver's window need it to find the window's right edge.
    std::optional<uint8_t> windowScale;
};

/// Builds header (data offset 5, no options) + payload with the checksum over the
/// pseudo-header of `source` -> `destination` (IPv4, host order).
Bytes BuildTcpSegment(const TcpHeader& header, ByteView payload, uint32_t source,
                      uint32_t destination);

/// Parses a segment and verifies its checksum against the pseudo-header.
Result<TcpSegment> ParseTcpSegment(ByteView segment, uint32_t source, uint32_t destination);

/// Parses a segment without checking the checksum (middleboxes that only read).
Result<TcpSegment> ParseTcpSegmentUnchecked(ByteView segment);

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_TCP_HEADER_H
