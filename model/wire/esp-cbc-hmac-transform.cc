#include "model/wire/esp-cbc-hmac-transform.h"

#include <cstring>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

namespace vpnsim
{
namespace wire
{

namespace
{

const EVP_CIPHER*
CbcCipher(size_t bits)
{
    return bits == 256 ? EVP_aes_256_cbc() : EVP_aes_128_cbc();
}

const EVP_CIPHER*
EcbCipher(size_t bits)
{
    return bits == 256 ? EVP_aes_256_ecb() : EVP_aes_128_ecb();
}

} // namespace

Result<std::unique_ptr<EspTransform>>
EspCbcHmacTransform::Create(size_t aesKeyBits, ByteView encryptionKey, bool withHmac,
                            ByteView authenticationKey)
{
    using R = Result<std::unique_ptr<EspTransform>>;
    std::unique_ptr<EspCbcHmacTransform> t(new EspCbcHmacTransform());
    t->m_encrypt = aesKeyBits != 0;
    t->m_hmac = withHmac;
    if (t->m_encrypt)
    {
        using D = KeyedCipher::Direction;
        t->m_encryptCtx = KeyedCipher(CbcCipher(aesKeyBits), D::Encrypt, encryptionKey);
        t->m_decryptCtx = KeyedCipher(CbcCipher(aesKeyBits), D::Decrypt, encryptionKey);
        t->m_ivCtx = KeyedCipher(EcbCipher(aesKeyBits), D::Encrypt, encryptionKey);
        // The key is checked now, though an SA keys only the contexts its direction uses.
        if (!t->m_ivCtx.Make())
        {
            return R::Fail(ErrorCode::CryptoFailure, "esp: cannot set up AES-CBC");
        }
    }
    if (t->m_hmac)
    {
        EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        if (mac == nullptr)
        {
            return R::Fail(ErrorCode::CryptoFailure, "esp: OpenSSL has no HMAC");
        }
        t->m_mac.reset(EVP_MAC_CTX_new(mac));
        EVP_MAC_free(mac);
        char digest[] = "SHA1";
        OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
        if (!t->m_mac
            || EVP_MAC_init(t->m_mac.get(), authenticationKey.data(), authenticationKey.size(),
                            params)
                   != 1)
        {
            return R::Fail(ErrorCode::CryptoFailure, "esp: cannot set up HMAC-SHA1");
        }
    }
    return R(std::unique_ptr<EspTransform>(t.release()));
}

size_t
EspCbcHmacTransform::IvSize() const
{
    return m_encrypt ? kAesBlock : 0;
}

size_t
EspCbcHmacTransform::BlockSize() const
{
    // RFC 4303 2.4: the cipher's block size, and at least 4-byte alignment for the ICV.
    return m_encrypt ? kAesBlock : 4;
}

size_t
EspCbcHmacTransform::IcvSize() const
{
    return m_hmac ? kIcvSize : 0;
}

void
EspCbcHmacTransform::MakeIv(uint64_t sequence, uint8_t* iv)
{
    if (!m_encrypt)
    {
        return;
    }
    uint8_t block[kAesBlock] = {};
    for (int i = 0; i < 8; ++i)
    {
        block[8 + i] = static_cast<uint8_t>(sequence >> (56 - 8 * i));
    }
    int len = 0;
    EVP_EncryptUpdate(m_ivCtx.Get(), iv, &len, block, sizeof(block));
}

Status
EspCbcHmacTransform::Mac(const EspAuthenticatedHeader& header, ByteView iv, ByteView ciphertext,
                         uint8_t* out20)
{
    EVP_MAC_CTX* c = m_mac.get();
    // Re-initialising with no key keeps the SA's key and only resets the state.
    if (EVP_MAC_init(c, nullptr, 0, nullptr) != 1
        || EVP_MAC_update(c, header.spiAndSequence.data(), header.spiAndSequence.size()) != 1
        || EVP_MAC_update(c, iv.data(), iv.size()) != 1
        || EVP_MAC_update(c, ciphertext.data(), ciphertext.size()) != 1)
    {
        return Status::Fail(ErrorCode::CryptoFailure, "esp: HMAC update failed");
    }
    if (header.esnHigh)
    {
        // RFC 4303 2.2.1: the high 32 bits are an implicit trailer after Next Header.
        uint8_t hi[4];
        PutU32(hi, *header.esnHigh);
        if (EVP_MAC_update(c, hi, 4) != 1)
        {
            return Status::Fail(ErrorCode::CryptoFailure, "esp: HMAC update failed");
        }
    }
    size_t outLen = 0;
    if (EVP_MAC_final(c, out20, &outLen, 20) != 1 || outLen != 20)
    {
        return Status::Fail(ErrorCode::CryptoFailure, "esp: HMAC final failed");
    }
    return Success();
}

Status
EspCbcHmacTransform::Seal(const EspAuthenticatedHeader& header, ByteView iv, ByteView plaintext,
                          uint8_t* ciphertext, uint8_t* icv)
{
    if (m_encrypt)
    {
        int len = 0;
        EVP_CIPHER_CTX* c = m_encryptCtx.Get();
        if (c == nullptr || EVP_EncryptInit_ex(c, nullptr, nullptr, nullptr, iv.data()) != 1
            || EVP_EncryptUpdate(c, ciphertext, &len, plaintext.data(),
                                 static_cast<int>(plaintext.size()))
                   != 1)
        {
            return Status::Fail(ErrorCode::CryptoFailure, "esp: AES-CBC encryption failed");
        }
    }
    else if (!plaintext.empty() && ciphertext != plaintext.data())
    {
        // Guarded by emptiness: an empty view may hold a null pointer, and memmove's arguments
        // must be valid pointers even for zero bytes (C11 7.24.1).
        std::memmove(ciphertext, plaintext.data(), plaintext.size());
    }
    if (m_hmac)
    {
        uint8_t full[20];
        Status s = Mac(header, iv, ByteView(ciphertext, plaintext.size()), full);
        if (!s)
        {
            return s;
        }
        std::memcpy(icv, full, kIcvSize);
    }
    return Success();
}

Status
EspCbcHmacTransform::Open(const EspAuthenticatedHeader& header, ByteView iv, ByteView ciphertext,
                          ByteView icv, uint8_t* plaintext)
{
    if (m_hmac)
    {
        uint8_t full[20];
        Status s = Mac(header, iv, ciphertext, full);
        if (!s)
        {
            return s;
        }
        // Verified before anything is decrypted, in constant time.
        if (icv.size() != kIcvSize || CRYPTO_memcmp(full, icv.data(), kIcvSize) != 0)
        {
            return Status::Fail(ErrorCode::AuthenticationFailed, "esp: ICV does not verify");
        }
    }
    if (m_encrypt)
    {
        if (ciphertext.size() % kAesBlock != 0)
        {
            return Status::Fail(ErrorCode::BadLength,
                                "esp: AES-CBC ciphertext is not a multiple of 16 bytes");
        }
        int len = 0;
        EVP_CIPHER_CTX* c = m_decryptCtx.Get();
        if (c == nullptr || EVP_DecryptInit_ex(c, nullptr, nullptr, nullptr, iv.data()) != 1
            || EVP_DecryptUpdate(c, plaintext, &len, ciphertext.data(),
                                 static_cast<int>(ciphertext.size()))
                   != 1)
        {
            return Status::Fail(ErrorCode::CryptoFailure, "esp: AES-CBC decryption failed");
        }
    }
    else if (!ciphertext.empty() && plaintext != ciphertext.data())
    {
        std::memmove(plaintext, ciphertext.data(), ciphertext.size());
    }
    return Success();
}

} // namespace wire
} // namespace vpnsim
