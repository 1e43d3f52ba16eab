/*
 * Address and port translation of whole IPv4 datagrams, the byte work of a NAT (RFC 3022
 * section 4.2): new addresses in the IPv4 header, new ports in the TCP or UDP header, and
 * checksums adjusted so that the datagram is as valid after translation as it was before.
 */
#ifndef VPNSIM_WIRE_IPV4_TRANSLATE_H
#define VPNSIM_WIRE_IPV4_TRANSLATE_H

#include "model/wire/bytes.h"
#include "model/wire/result.h"

#include <cstdint>
#include <optional>

namespace vpnsim
{
namespace wire
{

/// The fields a NAT rewrites; unset ones are kept. Addresses in host order.
struct Ipv4Translation
{
    std::optional<uint32_t> source{};
    std::optional<uint32_t> destination{};
    std::optional<uint16_t> sourcePort{};      ///< TCP and UDP only
    std::optional<uint16_t> destinationPort{}; ///< TCP and UDP only
};

/// What a NAT reads to pick a translation: addresses, protocol and, for TCP and UDP in an
/// unfragmented (or first-fragment) datagram, the ports.
struct Ipv4FlowKey
{
    uint8_t protocol{0};
    uint32_t source{0};
    uint32_t destination{0};
    std::optional<uint16_t> sourcePort;
    std::optional<uint16_t> destinationPort;
    bool fragment{false}; ///< more fragments follow, or this is not the first one
};

/// Parses the IPv4 header (its checksum must verify) and the ports of TCP and UDP.
Result<Ipv4FlowKey> ReadIpv4FlowKey(ByteView datagram);

/// Rewrites `datagram` in place. The IPv4 header checksum is recomputed (the header was checked
/// on parse); the TCP or UDP checksum is adjusted incrementally (RFC 1624) for the changed
/// pseudo-header addresses and ports, so the transport checksum still verifies exactly when it
/// verified before. A UDP checksum of zero means "none" (RFC 768; NAT-T SHOULD send zero,
/// RFC 3948 section 2.1) and stays zero. Fails on a header that does not parse, on ports for a
/// protocol that has none or a fragment that does not carry them, and on a truncated TCP/UDP
/// header; the datagram is then unchanged.
Status TranslateIpv4Datagram(Bytes& datagram, const Ipv4Translation& translation);

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_IPV4_TRANSLATE_H
