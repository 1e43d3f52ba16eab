/*
 * AES-GCM with a 16-byte ICV in ESP (RFC 4106): combined encryption and integrity.
 */
#ifndef VPNSIM_WIRE_ESP_GCM_TRANSFORM_H
#define VPNSIM_WIRE_ESP_GCM_TRANSFORM_H

#include "model/wire/esp-transform.h"
#include "model/wire/keyed-cipher.h"

#include <array>

namespace vpnsim
{
namespace wire
{

/// RFC 4106: nonce = 4-byte salt || 8-byte explicit IV; AAD = SPI || Seq, or with ESN
/// SPI || Seq-high || Seq-low (section 5).
class EspGcmTransform : public EspTransform
{
  public:
    static constexpr size_t kSaltSize = 4;
    static constexpr size_t kIvSize = 8;
    static constexpr size_t kIcvSize = 16;

    /// `keyWithSalt` is the AES key (16 or 32 bytes) followed by the 4-byte salt.
    static Result<std::unique_ptr<EspTransform>> Create(ByteView keyWithSalt);

    size_t IvSize() const override;
    size_t BlockSize() const override;
    size_t IcvSize() const override;
    Status Seal(const EspAuthenticatedHeader& header, ByteView iv, ByteView plaintext,
                uint8_t* ciphertext, uint8_t* icv) override;
    Status Open(const EspAuthenticatedHeader& header, ByteView iv, ByteView ciphertext,
                ByteView icv, uint8_t* plaintext) override;

    /// GCM needs a unique, not unpredictable, IV: the sequence number itself (RFC 4106 3.1).
    void MakeIv(uint64_t sequence, uint8_t* iv) override;

  private:
    EspGcmTransform() = default;
    /// Builds the nonce and the AAD for one packet.
    size_t Prepare(const EspAuthenticatedHeader& header, ByteView iv, uint8_t* aad);

    std::array<uint8_t, kSaltSize> m_salt{};
    std::array<uint8_t, kSaltSize + kIvSize> m_nonce{};
    KeyedCipher m_encryptCtx;
    KeyedCipher m_decryptCtx;
};

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_ESP_GCM_TRANSFORM_H
