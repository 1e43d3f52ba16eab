/*
 * The Internet checksum (RFC 1071) and the IPv4 pseudo-header sum that TCP (RFC 793 3.1) and
 * UDP (RFC 768) put in front of their own bytes.
 */
#ifndef VPNSIM_WIRE_INTERNET_CHECKSUM_H
#define VPNSIM_WIRE_INTERNET_CHECKSUM_H

#include "model/wire/bytes.h"

#include <cstdint>

namespace vpnsim
{
namespace wire
{

/// Adds `data` to a running 32-bit one's-complement sum (16-bit big-endian words, an odd last
/// byte padded with zero). `data` must start on an even offset of the checksummed whole.
uint32_t ChecksumAdd(uint32_t sum, ByteView data);

/// Folds the carries and inverts: the value that goes in the checksum field.
uint16_t ChecksumFinish(uint32_t sum);

/// Sum of the IPv4 pseudo-header: source, destination (host order), protocol, L4 length.
uint32_t PseudoHeaderSum(uint32_t source, uint32_t destination, uint8_t protocol, size_t length);

/// The checksum of `data` alone (IPv4 header, ICMP).
uint16_t InternetChecksum(ByteView data);

/// The checksum of a TCP segment or UDP datagram with its pseudo-header. Computed over bytes
/// whose checksum field is zero, it is the value to write; over bytes carrying a correct
/// checksum, it is 0.
uint16_t TransportChecksum(uint32_t source, uint32_t destination, uint8_t protocol, ByteView l4);

/// The checksum field after one 16-bit word of the checksummed data (or of the pseudo-header)
/// changed from `oldWord` to `newWord`, without reading the data: RFC 1624 eqn. 3,
/// HC' = ~(~HC + ~m + m'), the incremental update NATs use (RFC 3022 section 4.2). A checksum
/// that was right stays right, and one that was wrong stays wrong.
uint16_t ChecksumAdjust(uint16_t checksum, uint16_t oldWord, uint16_t newWord);

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_INTERNET_CHECKSUM_H
