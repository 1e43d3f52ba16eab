/*
 * ISAKMP messages (RFC 2408 section 3) as IKEv1 (RFC 2409) uses them: the 28-byte header and a
 * chain of generic payloads, or, when the E flag is set, an encrypted body.
 *
 * vpnsim's IKE does no Diffie-Hellman; what matters on the wire is the shape of each message
 * (which payloads, how long, whether encrypted), because those bytes ride the same transport
 * as ESP and die with it.
 */
#ifndef VPNSIM_WIRE_ISAKMP_H
#define VPNSIM_WIRE_ISAKMP_H

#include "model/wire/bytes.h"
#include "model/wire/result.h"

#include <array>
#include <cstdint>
#include <vector>

namespace vpnsim
{
namespace wire
{

/// The UDP port of ISAKMP (RFC 2408 section 2.5.1). IKE inside cTCP keeps a UDP header with
/// it as both ports (doc/protocols.md §cTCP segment); NAT-T floats IKE from it to kNattPort
/// (RFC 3947 section 4).
constexpr uint16_t kIkePort = 500;

constexpr size_t kIsakmpHeaderLength = 28;
constexpr size_t kIsakmpPayloadHeaderLength = 4;
/// Version byte: major 1, minor 0 (IKEv1).
constexpr uint8_t kIsakmpVersion1 = 0x10;

/// Exchange types (RFC 2408 3.1, RFC 2409 section 5).
namespace isakmpexchange
{
constexpr uint8_t IdentityProtection = 2; ///< IKEv1 Main Mode
constexpr uint8_t Aggressive = 4;
constexpr uint8_t Informational = 5;
constexpr uint8_t QuickMode = 32;
} // namespace isakmpexchange

/// Payload types (RFC 2408 3.1; NAT-D/NAT-OA from RFC 3947).
namespace isakmppayload
{
constexpr uint8_t None = 0;
constexpr uint8_t Sa = 1;
constexpr uint8_t Proposal = 2;
constexpr uint8_t Transform = 3;
constexpr uint8_t KeyExchange = 4;
constexpr uint8_t Identification = 5;
constexpr uint8_t Certificate = 6;
constexpr uint8_t Hash = 8;
constexpr uint8_t Signature = 9;
constexpr uint8_t Nonce = 10;
constexpr uint8_t Notification = 11;
constexpr uint8_t Delete = 12;
constexpr uint8_t VendorId = 13;
constexpr uint8_t NatD = 20;
constexpr uint8_t NatOa = 21;
} // namespace isakmppayload

/// Header flags (RFC 2408 3.1).
namespace isakmpflag
{
constexpr uint8_t Encryption = 0x01;
constexpr uint8_t Commit = 0x02;
constexpr uint8_t AuthenticationOnly = 0x04;
} // namespace isakmpflag

using IsakmpCookie = std::array<uint8_t, 8>;

/// The fixed header.
struct IsakmpHeader
{
    IsakmpCookie initiatorCookie{};
    IsakmpCookie responderCookie{};
    uint8_t nextPayload{0}; ///< type of the first payload
    uint8_t version{kIsakmpVersion1};
    uint8_t exchangeType{0};
    uint8_t flags{0};
    uint32_t messageId{0};
    uint32_t length{0}; ///< whole message, header included
};

/// One payload to build: its type and its body (after the 4-byte generic header).
struct IsakmpPayload
{
    uint8_t type;
    Bytes body;
};

/// One payload found while parsing; `body` points into the input.
struct IsakmpPayloadView
{
    uint8_t type;
    ByteView body;
};

/// A parsed message: the header and either the payload chain or the encrypted body.
struct IsakmpMessage
{
    IsakmpHeader header;
    std::vector<IsakmpPayloadView> payloads; ///< empty when encrypted
    ByteView encryptedBody;                  ///< when the E flag is set
};

/// The payload chain's bytes (generic headers chained, lengths filled).
Bytes BuildIsakmpPayloadChain(const std::vector<IsakmpPayload>& payloads);

/// A cleartext message: header (next payload, length filled) + chain.
Bytes BuildIsakmpMessage(IsakmpHeader header, const std::vector<IsakmpPayload>& payloads);

/// An encrypted message: header with the E flag, `firstPayload` as next payload, then
/// `ciphertext` (see isakmp-cipher.h).
Bytes BuildEncryptedIsakmpMessage(IsakmpHeader header, uint8_t firstPayload, ByteView ciphertext);

/// Parses the header alone.
Result<IsakmpHeader> ParseIsakmpHeader(ByteView message);

/// Parses a message: the header length must equal the bytes; a cleartext chain is walked with
/// every payload length checked (>= 4, within the message), and must end exactly at the end.
Result<IsakmpMessage> ParseIsakmpMessage(ByteView message);

/// Walks a payload chain starting with type `first` (a decrypted body, or a cleartext one).
/// Bytes after the last payload (encryption padding) are allowed when `allowTrailing`.
Result<std::vector<IsakmpPayloadView>> ParseIsakmpPayloadChain(uint8_t first, ByteView chain,
                                                               bool allowTrailing);

/// Identification types (RFC 2407 section 4.6.2.1).
namespace isakmpid
{
constexpr uint8_t Ipv4Addr = 1;       ///< ID_IPV4_ADDR: four bytes
constexpr uint8_t Ipv4AddrSubnet = 4; ///< ID_IPV4_ADDR_SUBNET: address then mask
} // namespace isakmpid

/// An Identification payload body in the IPsec DOI (RFC 2407 section 4.6.2): ID type, IP
/// protocol, port, then the identification data.
Bytes BuildIdentificationBody(uint8_t type, uint8_t protocol, uint16_t port, ByteView data);

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_ISAKMP_H
