/*
 * ESP cryptographic transforms (RFC 4303 section 3.2), one strategy object per algorithm
 * suite, all through OpenSSL 3 EVP.
 *
 * A transform only seals and opens; ESP framing (SPI, sequence number, padding) is esp.h's.
 * Contexts are created once per SA and re-initialised per packet, so encoding a packet does
 * not allocate.
 */
#ifndef VPNSIM_WIRE_ESP_TRANSFORM_H
#define VPNSIM_WIRE_ESP_TRANSFORM_H

#include "model/wire/bytes.h"
#include "model/wire/result.h"

#include <cstdint>
#include <memory>
#include <optional>

namespace vpnsim
{
namespace wire
{

/// The transforms vpnsim implements.
enum class EspTransformId : uint8_t
{
    NullHmacSha1_96,      ///< NULL encryption (RFC 2410) + HMAC-SHA1-96 (RFC 2404)
    AesCbc128HmacSha1_96, ///< AES-128-CBC (RFC 3602) + HMAC-SHA1-96
    AesCbc256HmacSha1_96, ///< AES-256-CBC (RFC 3602) + HMAC-SHA1-96
    AesGcm128Icv16,       ///< AES-128-GCM with a 16-byte ICV (RFC 4106)
    AesGcm256Icv16,       ///< AES-256-GCM with a 16-byte ICV (RFC 4106)
    AesCbc128NoAuth,      ///< AES-128-CBC alone: only for the RFC 3602 known-answer cases
};

/// Short name, e.g. "aes-gcm-128".
const char* ToString(EspTransformId id);

/// Parses a short name; fails naming the allowed values.
Result<EspTransformId> ParseEspTransformId(const std::string& name);

/// The bytes an ICV covers besides the ciphertext: SPI || Seq (low 32), plus ESN high bits.
struct EspAuthenticatedHeader
{
    ByteView spiAndSequence;           ///< the 8 bytes on the wire
    std::optional<uint32_t> esnHigh{}; ///< RFC 4303 2.2.1: never sent, but authenticated
};

/// Seals and opens the payload of one ESP packet.
class EspTransform
{
  public:
    virtual ~EspTransform() = default;

    /// Bytes of explicit IV sent after the sequence number.
    virtual size_t IvSize() const = 0;

    /// Alignment of payload + padding + pad length + next header (RFC 4303 2.4).
    virtual size_t BlockSize() const = 0;

    /// Bytes of ICV at the end of the packet.
    virtual size_t IcvSize() const = 0;

    /// Encrypts `plaintext` (already padded) into `ciphertext` (same length) and writes the ICV.
    virtual Status Seal(const EspAuthenticatedHeader& header, ByteView iv, ByteView plaintext,
                        uint8_t* ciphertext, uint8_t* icv)
        = 0;

    /// Verifies `icv` in constant time, then (only if it verifies) decrypts into `plaintext`.
    virtual Status Open(const EspAuthenticatedHeader& header, ByteView iv, ByteView ciphertext,
                        ByteView icv, uint8_t* plaintext)
        = 0;

    /// Computes an IV for a packet from the SA's 64-bit sequence number: unique per SA and
    /// deterministic, so a simulation run is reproducible (see each transform for why it is valid).
    virtual void MakeIv(uint64_t sequence, uint8_t* iv) = 0;
};

/// Creates a transform, checking key lengths (errors name the key and the lengths allowed).
/// AES-GCM keys are the AES key followed by the 4-byte salt (RFC 4106 section 8.1).
Result<std::unique_ptr<EspTransform>> MakeEspTransform(EspTransformId id, ByteView encryptionKey,
                                                       ByteView authenticationKey);

/// Encryption key length (salt included) and authentication key length a transform needs.
struct EspKeyLengths
{
    size_t encryption;
    size_t authentication;
};

EspKeyLengths KeyLengths(EspTransformId id);

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_ESP_TRANSFORM_H
