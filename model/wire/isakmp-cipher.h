/*
 * Encryption of IKEv1 message bodies (RFC 2409 Appendix B) with AES-128-CBC under a static
 * phase-1 key.
 *
 * vpnsim's IKE has no Diffie-Hellman, so the key is configured, not negotiated; the IV of each
 * message is the AES encryption of its message ID instead of RFC 2409's hash chain. What stays
 * faithful is what the wire and the middleboxes see: encrypted bodies padded to the 16-byte
 * block, of the real length, that peers decrypt to read DPD sequence numbers.
 */
#ifndef VPNSIM_WIRE_ISAKMP_CIPHER_H
#define VPNSIM_WIRE_ISAKMP_CIPHER_H

#include "model/wire/bytes.h"
#include "model/wire/keyed-cipher.h"
#include "model/wire/result.h"

#include <cstdint>

namespace vpnsim
{
namespace wire
{

/// AES-128-CBC over ISAKMP payload chains.
class IsakmpCipher
{
  public:
    static constexpr size_t kBlock = 16;

    /// `key` must be 16 bytes.
    static Result<IsakmpCipher> Create(ByteView key);

    /// Length of the encrypted body for a chain of `chainLength` bytes: padded to the block,
    /// with at least one byte of padding whose last byte counts the padding (RFC 2409 App. B).
    static size_t EncryptedLength(size_t chainLength);

    /// Encrypts a payload chain.
    Bytes Encrypt(ByteView chain, uint32_t messageId) const;

    /// Decrypts a body; the result still ends with the padding. Fails if the length is not a
    /// whole number of blocks.
    Result<Bytes> Decrypt(ByteView body, uint32_t messageId) const;

  private:
    IsakmpCipher() = default;
    bool Iv(uint32_t messageId, uint8_t* iv) const;

    // Keys only: a context per message, as IKE messages are rare (see keyed-cipher.h).
    KeyedCipher m_encrypt;
    KeyedCipher m_decrypt;
    KeyedCipher m_iv;
};

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_ISAKMP_CIPHER_H
