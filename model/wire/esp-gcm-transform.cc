#include "model/wire/esp-gcm-transform.h"

#include <cstring>

namespace vpnsim
{
namespace wire
{

Result<std::unique_ptr<EspTransform>>
EspGcmTransform::Create(ByteView keyWithSalt)
{
    using R = Result<std::unique_ptr<EspTransform>>;
    size_t keyLen = keyWithSalt.size() - kSaltSize;
    const EVP_CIPHER* cipher = keyLen == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
    std::unique_ptr<EspGcmTransform> t(new EspGcmTransform());
    std::memcpy(t->m_salt.data(), keyWithSalt.data() + keyLen, kSaltSize);
    ByteView key = keyWithSalt.first(keyLen);
    t->m_encryptCtx = KeyedCipher(cipher, KeyedCipher::Direction::Encrypt, key);
    t->m_decryptCtx = KeyedCipher(cipher, KeyedCipher::Direction::Decrypt, key);
    // The key is checked now, though an SA keys only the context its direction uses.
    if (!t->m_encryptCtx.Make())
    {
        return R::Fail(ErrorCode::CryptoFailure, "esp: cannot set up AES-GCM");
    }
    return R(std::unique_ptr<EspTransform>(t.release()));
}

size_t
EspGcmTransform::IvSize() const
{
    return kIvSize;
}

size_t
EspGcmTransform::BlockSize() const
{
    // A stream mode: only the 4-byte alignment of RFC 4303 2.4 applies (RFC 4106 3.2).
    return 4;
}

size_t
EspGcmTransform::IcvSize() const
{
    return kIcvSize;
}

void
EspGcmTransform::MakeIv(uint64_t sequence, uint8_t* iv)
{
    for (int i = 0; i < 8; ++i)
    {
        iv[i] = static_cast<uint8_t>(sequence >> (56 - 8 * i));
    }
}

size_t
EspGcmTransform::Prepare(const EspAuthenticatedHeader& header, ByteView iv, uint8_t* aad)
{
    std::memcpy(m_nonce.data(), m_salt.data(), kSaltSize);
    std::memcpy(m_nonce.data() + kSaltSize, iv.data(), kIvSize);
    const uint8_t* h = header.spiAndSequence.data();
    if (!header.esnHigh)
    {
        std::memcpy(aad, h, 8);
        return 8;
    }
    std::memcpy(aad, h, 4);
    PutU32(aad + 4, *header.esnHigh);
    std::memcpy(aad + 8, h + 4, 4);
    return 12;
}

Status
EspGcmTransform::Seal(const EspAuthenticatedHeader& header, ByteView iv, ByteView plaintext,
                      uint8_t* ciphertext, uint8_t* icv)
{
    uint8_t aad[12];
    size_t aadLen = Prepare(header, iv, aad);
    EVP_CIPHER_CTX* c = m_encryptCtx.Get();
    int len = 0;
    if (c == nullptr || EVP_EncryptInit_ex(c, nullptr, nullptr, nullptr, m_nonce.data()) != 1
        || EVP_EncryptUpdate(c, nullptr, &len, aad, static_cast<int>(aadLen)) != 1
        || EVP_EncryptUpdate(c, ciphertext, &len, plaintext.data(),
                             static_cast<int>(plaintext.size()))
               != 1
        || EVP_EncryptFinal_ex(c, ciphertext + len, &len) != 1
        || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, kIcvSize, icv) != 1)
    {
        return Status::Fail(ErrorCode::CryptoFailure, "esp: AES-GCM encryption failed");
    }
    return Success();
}

Status
EspGcmTransform::Open(const EspAuthenticatedHeader& header, ByteView iv, ByteView ciphertext,
                      ByteView icv, uint8_t* plaintext)
{
    if (icv.size() != kIcvSize)
    {
        return Status::Fail(ErrorCode::BadLength, "esp: AES-GCM ICV must be 16 bytes");
    }
    uint8_t aad[12];
    size_t aadLen = Prepare(header, iv, aad);
    uint8_t tag[kIcvSize];
    std::memcpy(tag, icv.data(), kIcvSize);
    EVP_CIPHER_CTX* c = m_decryptCtx.Get();
    int len = 0;
    if (c == nullptr || EVP_DecryptInit_ex(c, nullptr, nullptr, nullptr, m_nonce.data()) != 1
        || EVP_DecryptUpdate(c, nullptr, &len, aad, static_cast<int>(aadLen)) != 1
        || EVP_DecryptUpdate(c, plaintext, &len, ciphertext.data(),
                             static_cast<int>(ciphertext.size()))
               != 1
        || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, kIcvSize, tag) != 1)
    {
        return Status::Fail(ErrorCode::CryptoFailure, "esp: AES-GCM decryption failed");
    }
    // The tag is checked in Final; until it passes the plaintext is not released.
    if (EVP_DecryptFinal_ex(c, plaintext + len, &len) != 1)
    {
        std::memset(plaintext, 0, ciphertext.size());
        return Status::Fail(ErrorCode::AuthenticationFailed, "esp: AES-GCM tag does not verify");
    }
    return Success();
}

} // namespace wire
} // namespace vpnsim
