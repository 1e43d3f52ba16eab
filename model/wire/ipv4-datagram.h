/*
 * Whole IPv4 datagrams: an IPv4 header in front of a transport payload, as they appear on the
 * simulated wire, in pcaps, and on the testbed.
 */
#ifndef VPNSIM_WIRE_IPV4_DATAGRAM_H
#define VPNSIM_WIRE_IPV4_DATAGRAM_H

#include "model/wire/bytes.h"
#include "model/wire/ipv4-header.h"
#include "model/wire/result.h"
#include "model/wire/tcp-header.h"
#include "model/wire/udp-header.h"

#include <cstdint>

namespace vpnsim
{
namespace wire
{

/// Addresses and IP ID of one datagram (host order).
struct Ipv4Addressing
{
    uint32_t source{0};
    uint32_t destination{0};
    uint16_t identification{0};
};

/// IPv4 header + `payload` for protocol `protocol` (native ESP is protocol 50).
Bytes BuildIpv4Datagram(const Ipv4Addressing& a, uint8_t protocol, ByteView payload);

/// IPv4 + UDP + payload.
Bytes BuildIpv4Udp(const Ipv4Addressing& a, uint16_t sourcePort, uint16_t destinationPort,
                   ByteView payload, UdpChecksum mode);

/// IPv4 + TCP segment built from `header` + payload.
Bytes BuildIpv4Tcp(const Ipv4Addressing& a, const TcpHeader& header, ByteView payload);

/// An ICMP echo request (type 8) with identifier, sequence and `dataLength` bytes of data,
/// inside IPv4: the inner packet of the wire tests and the demo.
Bytes BuildIcmpEchoRequest(const Ipv4Addressing& a, uint16_t identifier, uint16_t sequence,
                           size_t dataLength);

/// A parsed datagram: header and a view of the payload (bytes after the header, up to the
/// total length).
struct Ipv4Datagram
{
    Ipv4Header header;
    ByteView payload;
};

/// Parses the IPv4 header and bounds the payload by the total length.
Result<Ipv4Datagram> ParseIpv4Datagram(ByteView datagram);

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_IPV4_DATAGRAM_H
