/*
 * The Security Association payload of IKEv1 and what it nests: one proposal (RFC 2408
 * section 3.5) of transforms (section 3.6), each a list of basic attributes (section 3.3), in
 * the IPsec domain of interpretation (RFC 2407). Main Mode offers IKE transforms with the
 * attributes of RFC 2409 Appendix A; Quick Mode offers ESP transforms with those of RFC 2407
 * section 4.5, and names in its proposal the SPI its sender will receive on.
 */
#ifndef VPNSIM_WIRE_ISAKMP_SA_H
#define VPNSIM_WIRE_ISAKMP_SA_H

#include "model/wire/bytes.h"
#include "model/wire/isakmp.h"
#include "model/wire/result.h"

#include <cstdint>
#include <vector>

namespace vpnsim
{
namespace wire
{

/// The situation of every vpnsim SA: SIT_IDENTITY_ONLY (RFC 2407 section 4.2).
constexpr uint32_t kSituationIdentityOnly = 1;

/// IPsec protocol IDs in a proposal (RFC 2407 section 4.4.1).
namespace ipsecprotocol
{
constexpr uint8_t Isakmp = 1;
constexpr uint8_t Esp = 3;
} // namespace ipsecprotocol

/// Transform IDs.
namespace isakmptransform
{
constexpr uint8_t KeyIke = 1;  ///< KEY_IKE, in a PROTO_ISAKMP proposal (RFC 2407 section 4.4.2)
constexpr uint8_t Esp3des = 3; ///< ESP_3DES (RFC 2407 section 4.4.4)
constexpr uint8_t EspAes = 12; ///< ESP_AES, AES-CBC (RFC 3602 section 5.2)
} // namespace isakmptransform

/// Attribute classes of an IKE (phase 1) transform (RFC 2409 Appendix A).
namespace ikeattr
{
constexpr uint16_t EncryptionAlgorithm = 1;
constexpr uint16_t HashAlgorithm = 2;
constexpr uint16_t AuthenticationMethod = 3;
constexpr uint16_t GroupDescription = 4;
constexpr uint16_t LifeType = 11;
constexpr uint16_t LifeDuration = 12;
constexpr uint16_t KeyLength = 14;
} // namespace ikeattr

/// Values of IKE transform attributes.
namespace ikevalue
{
constexpr uint16_t Des3Cbc = 5; ///< encryption 3DES-CBC (RFC 2409 Appendix A)
constexpr uint16_t AesCbc = 7;  ///< encryption AES-CBC (RFC 3602 section 5.1)
constexpr uint16_t Md5 = 1;     ///< hash (RFC 2409 Appendix A)
constexpr uint16_t Sha = 2;     ///< hash (RFC 2409 Appendix A)
/// Pre-shared key followed by extended authentication of the initiator, as the Cisco VPN
/// Client offers it (draft-beaulieu-ike-xauth-02; a private-use value of RFC 2409 Appendix A).
constexpr uint16_t XauthInitPreShared = 65001;
constexpr uint16_t Modp1024 = 2; ///< group 2, the 1024-bit MODP group (RFC 2409 section 6.2)
constexpr uint16_t Seconds = 1;  ///< life type (RFC 2409 Appendix A)
} // namespace ikevalue

/// Attribute classes of an IPsec (Quick Mode) transform (RFC 2407 section 4.5).
namespace ipsecattr
{
constexpr uint16_t SaLifeType = 1;
constexpr uint16_t SaLifeDuration = 2;
constexpr uint16_t EncapsulationMode = 4;
constexpr uint16_t AuthenticationAlgorithm = 5;
constexpr uint16_t KeyLength = 6;
} // namespace ipsecattr

/// Values of IPsec transform attributes.
namespace ipsecvalue
{
constexpr uint16_t Seconds = 1;               ///< SA life type (RFC 2407 section 4.5)
constexpr uint16_t Tunnel = 1;                ///< encapsulation mode (RFC 2407 section 4.5)
constexpr uint16_t UdpEncapsulatedTunnel = 3; ///< encapsulation mode (RFC 3947 section 5.1)
constexpr uint16_t HmacSha = 2;               ///< authentication algorithm (RFC 2407 section 4.5)
} // namespace ipsecvalue

/// A basic (type/value) attribute: the AF bit set, a two-byte value (RFC 2408 section 3.3).
struct IsakmpAttribute
{
    uint16_t type{0};
    uint16_t value{0};
};

/// A transform payload's content (RFC 2408 section 3.6).
struct IsakmpTransform
{
    uint8_t number{1};
    uint8_t id{0};
    std::vector<IsakmpAttribute> attributes;
};

/// A proposal payload's content (RFC 2408 section 3.5).
struct IsakmpProposal
{
    uint8_t number{1};
    uint8_t protocol{ipsecprotocol::Isakmp};
    Bytes spi; ///< empty in Main Mode; 4 bytes for ESP
    std::vector<IsakmpTransform> transforms;
};

/// A transform payload body: number, ID, two reserved bytes, then the basic attributes.
Bytes BuildTransformBody(const IsakmpTransform& transform);

/// A SA payload body (RFC 2408 section 3.4): IPsec DOI, SIT_IDENTITY_ONLY, then `proposal`
/// as one proposal payload with its transform payloads.
Bytes BuildSaBody(const IsakmpProposal& proposal);

/// Parses a SA payload body built as BuildSaBody does: the IPsec DOI with SIT_IDENTITY_ONLY,
/// the first proposal, and each of its transforms with basic attributes only.
Result<IsakmpProposal> ParseSaBody(ByteView saBody);

/// The SPI of the first proposal of a Quick Mode SA payload body (RFC 2408 sections 3.4 and
/// 3.5: DOI, situation, then the proposals), which must be ESP with a 4-byte SPI. In IKEv1 each
/// side offers the SPI it will receive on, and the peer sends with it (RFC 2409 section 5.5).
Result<uint32_t> ParseEspProposalSpi(ByteView saBody);

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_ISAKMP_SA_H
