/*
 * UDP datagrams (RFC 768), with the checksum either computed or zero: RFC 3948 2.1 says the
 * IPv4 UDP checksum of NAT-T SHOULD be sent as zero, and receivers MUST NOT depend on it.
 */
#ifndef VPNSIM_WIRE_UDP_HEADER_H
#define VPNSIM_WIRE_UDP_HEADER_H

#include "model/wire/bytes.h"
#include "model/wire/result.h"

#include <cstdint>

namespace vpnsim
{
namespace wire
{

constexpr size_t kUdpHeaderLength = 8;

/// Whether a UDP datagram carries a computed checksum or zero ("not present").
enum class UdpChecksum : uint8_t
{
    Compute,
    Zero,
};

/// A parsed UDP datagram.
struct UdpDatagram
{
    uint16_t sourcePort{0};
    uint16_t destinationPort{0};
    uint16_t checksum{0}; ///< as received; 0 means none was sent
    ByteView payload;
};

/// Builds header + payload; the checksum uses the pseudo-header of `source` -> `destination`.
Bytes BuildUdpDatagram(uint16_t sourcePort, uint16_t destinationPort, ByteView payload,
                       UdpChecksum mode, uint32_t source, uint32_t destination);

/// Parses a datagram: the length field must match the bytes; a non-zero checksum must verify.
Result<UdpDatagram> ParseUdpDatagram(ByteView datagram, uint32_t source, uint32_t destination);

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_UDP_HEADER_H
