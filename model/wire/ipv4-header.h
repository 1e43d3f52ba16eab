/*
 * IPv4 headers (RFC 791): the outer header of every simulated packet and the inner header of
 * tunnelled ones.
 */
#ifndef VPNSIM_WIRE_IPV4_HEADER_H
#define VPNSIM_WIRE_IPV4_HEADER_H

#include "model/wire/bytes.h"
#include "model/wire/result.h"

#include <cstdint>
#include <string>

namespace vpnsim
{
namespace wire
{

/// IANA protocol numbers vpnsim carries.
namespace ipproto
{
constexpr uint8_t Icmp = 1;
constexpr uint8_t Ipv4 = 4;
constexpr uint8_t Tcp = 6;
constexpr uint8_t Udp = 17;
constexpr uint8_t Esp = 50;
constexpr uint8_t Ah = 51;
} // namespace ipproto

/// Header without options (20 bytes) as vpnsim builds it.
constexpr size_t kIpv4HeaderLength = 20;

/// The fields of an IPv4 header. Addresses are in host order.
struct Ipv4Header
{
    uint8_t tos{0};
    uint16_t totalLength{0}; ///< filled by Serialize from the payload length
    uint16_t identification{0};
    /// DF is set by default: IPsec gateways send their outer packets with DF (path MTU
    /// discovery), and vpnsim never fragments.
    bool dontFragment{true};
    bool moreFragments{false};
    uint16_t fragmentOffset{0}; ///< in 8-byte units
    uint8_t ttl{64};            ///< Linux's default, as on the real-socket testbed
    uint8_t protocol{0};
    uint16_t checksum{0}; ///< as received; Serialize computes it
    uint32_t source{0};
    uint32_t destination{0};
    size_t headerLength{kIpv4HeaderLength}; ///< as received, options included
};

/// Appends a 20-byte header for a payload of `payloadLength` bytes, with its checksum.
void SerializeIpv4Header(const Ipv4Header& header, size_t payloadLength, Bytes& out);

/// Parses and checks a header: version 4, IHL >= 5, total length within the bytes, checksum.
Result<Ipv4Header> ParseIpv4Header(ByteView datagram);

/// The same without the checksum: for readers that only route by the addresses (an inner
/// packet from a stack that leaves checksums to the hardware, as ns-3 does by default).
Result<Ipv4Header> ParseIpv4HeaderUnchecked(ByteView datagram);

/// Dotted-quad text of a host-order address.
std::string Ipv4ToString(uint32_t address);

/// Parses dotted-quad text; fails naming the text.
Result<uint32_t> ParseIpv4Address(const std::string& text);

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_IPV4_HEADER_H
