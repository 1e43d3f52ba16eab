/*
 * UDP encapsulation of IPsec (NAT-T, RFC 3948): on UDP 4500 a datagram is ESP, IKE behind a
 * 4-byte non-ESP marker, or a 1-byte NAT-keepalive.
 */
#ifndef VPNSIM_WIRE_ESP_IN_UDP_H
#define VPNSIM_WIRE_ESP_IN_UDP_H

#include "model/wire/bytes.h"
#include "model/wire/result.h"

#include <cstdint>

namespace vpnsim
{
namespace wire
{

/// The NAT-T port (RFC 3948 section 2; IKE floats here from 500, RFC 3947).
constexpr uint16_t kNattPort = 4500;

/// The NAT-keepalive payload (RFC 3948 2.3: one octet, 0xFF).
constexpr uint8_t kNatKeepalive = 0xff;

/// What a UDP 4500 payload is.
enum class NattPacketKind : uint8_t
{
    Esp,       ///< starts at the (non-zero) SPI
    Ike,       ///< after the non-ESP marker 00 00 00 00
    Keepalive, ///< the single byte 0xFF; receivers ignore it
};

/// A classified payload; `packet` is the ESP packet or the IKE message (marker removed).
struct NattPacket
{
    NattPacketKind kind;
    ByteView packet;
};

/// Demultiplexes a UDP 4500 payload as strongSwan's receiver does (doc/protocols.md §UDP 4500
/// demultiplexing): a lone 0xFF is a keepalive; fewer than 4 bytes is invalid; a zero first
/// word is the non-ESP marker; anything else is ESP (whose SPI is then non-zero by construction).
Result<NattPacket> ClassifyNattPayload(ByteView udpPayload);

/// The UDP payload carrying one IKE message on port 4500: marker + message.
Bytes NattIkePayload(ByteView isakmpMessage);

/// The UDP payload of a NAT-keepalive.
Bytes NattKeepalivePayload();

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_ESP_IN_UDP_H
