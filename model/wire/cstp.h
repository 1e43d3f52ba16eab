/*
 * AnyConnect CSTP packets as openconnect implements them (doc/protocols.md §CSTP framing):
 *
 *   'S' 'T' 'F' 0x01 | length (payload only, 16 bits) | type | 0x00 | payload
 *
 * Each packet goes in the TLS byte stream with this 8-byte header. The DTLS channel, whose
 * header is the type byte alone (doc/protocols.md §CSTP over DTLS), is not modelled: every
 * packet of a vpnsim AnyConnect tunnel rides TLS over TCP, the path whose loss behaviour matters.
 */
#ifndef VPNSIM_WIRE_CSTP_H
#define VPNSIM_WIRE_CSTP_H

#include "model/wire/bytes.h"
#include "model/wire/result.h"

#include <cstdint>
#include <string>

namespace vpnsim
{
namespace wire
{

/// CSTP packet types (openconnect AC_PKT_*).
enum class CstpType : uint8_t
{
    Data = 0x00,
    DpdRequest = 0x03, ///< AC_PKT_DPD_OUT
    DpdResponse = 0x04,
    Disconnect = 0x05,
    Keepalive = 0x07,
    Compressed = 0x08,
    Terminate = 0x09, ///< AC_PKT_TERM_SERVER
};

/// Short name of a CSTP type for logs.
const char* ToString(CstpType type);

/// CSTP header length: magic(4) length(2) type(1) zero(1).
constexpr size_t kCstpHeaderLength = 8;

/// Builds one CSTP packet (header + payload).
Bytes BuildCstpPacket(CstpType type, ByteView payload);

/// The payload of the client's DISCONNECT: 0xb0 followed by the reason text (openconnect).
Bytes CstpDisconnectPayload(const std::string& reason);

/// A parsed CSTP packet; `payload` points into the input.
struct CstpPacket
{
    CstpType type;
    ByteView payload;
};

/// Parses exactly one CSTP packet: magic "STF\x01", byte 7 zero, a known type, and the length
/// field equal to the bytes after the header (openconnect checks len == 8 + payload length).
Result<CstpPacket> ParseCstpPacket(ByteView packet);

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_CSTP_H
