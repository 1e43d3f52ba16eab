/*
 * AES-CBC (RFC 3602) or NULL encryption (RFC 2410), with HMAC-SHA1-96 (RFC 2404) or no
 * integrity: the transforms of the legacy Cisco VPN Client and the ASA's IKEv1 tunnels.
 */
#ifndef VPNSIM_WIRE_ESP_CBC_HMAC_TRANSFORM_H
#define VPNSIM_WIRE_ESP_CBC_HMAC_TRANSFORM_H

#include "model/wire/esp-transform.h"
#include "model/wire/keyed-cipher.h"
#include "model/wire/openssl-context.h"

namespace vpnsim
{
namespace wire
{

/// Encrypt-then-MAC ESP transform: the ICV covers SPI, Seq, IV and ciphertext.
class EspCbcHmacTransform : public EspTransform
{
  public:
    /// HMAC-SHA1-96 keeps the first 12 of SHA-1's 20 bytes (RFC 2404 section 2).
    static constexpr size_t kIcvSize = 12;
    static constexpr size_t kHmacKeySize = 20;
    static constexpr size_t kAesBlock = 16;

    /// `aesKeyBits` is 0 for NULL encryption; `withHmac` false only for known-answer tests.
    static Result<std::unique_ptr<EspTransform>> Create(size_t aesKeyBits, ByteView encryptionKey,
                                                        bool withHmac, ByteView authenticationKey);

    size_t IvSize() const override;
    size_t BlockSize() const override;
    size_t IcvSize() const override;
    Status Seal(const EspAuthenticatedHeader& header, ByteView iv, ByteView plaintext,
                uint8_t* ciphertext, uint8_t* icv) override;
    Status Open(const EspAuthenticatedHeader& header, ByteView iv, ByteView ciphertext,
                ByteView icv, uint8_t* plaintext) override;

    /// CBC needs unpredictable IVs: the IV is the AES encryption, under the SA's key, of the
    /// sequence number (NIST SP 800-38A Appendix C, "encrypt a nonce"). NULL encryption: none.
    void MakeIv(uint64_t sequence, uint8_t* iv) override;

  private:
    EspCbcHmacTransform() = default;
    Status Mac(const EspAuthenticatedHeader& header, ByteView iv, ByteView ciphertext,
               uint8_t* out20);

    bool m_encrypt{false};
    bool m_hmac{false};
    KeyedCipher m_encryptCtx;
    KeyedCipher m_decryptCtx;
    KeyedCipher m_ivCtx;
    MacContext m_mac;
};

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_ESP_CBC_HMAC_TRANSFORM_H
