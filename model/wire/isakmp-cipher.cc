#include "model/wire/isakmp-cipher.h"

#include <algorithm>
#include <string>

namespace vpnsim
{
namespace wire
{

Result<IsakmpCipher>
IsakmpCipher::Create(ByteView key)
{
    using R = Result<IsakmpCipher>;
    if (key.size() != 16)
    {
        return R::Fail(ErrorCode::BadValue,
                       "ike key is " + std::to_string(key.size()) + " bytes, must be 16 (AES-128)");
    }
    IsakmpCipher c;
    c.m_encrypt.reset(EVP_CIPHER_CTX_new());
    c.m_decrypt.reset(EVP_CIPHER_CTX_new());
    c.m_ivCtx.reset(EVP_CIPHER_CTX_new());
    if (!c.m_encrypt || !c.m_decrypt || !c.m_ivCtx
        || EVP_EncryptInit_ex(c.m_encrypt.get(), EVP_aes_128_cbc(), nullptr, key.data(), nullptr)
               != 1
        || EVP_DecryptInit_ex(c.m_decrypt.get(), EVP_aes_128_cbc(), nullptr, key.data(), nullptr)
               != 1
        || EVP_EncryptInit_ex(c.m_ivCtx.get(), EVP_aes_128_ecb(), nullptr, key.data(), nullptr)
               != 1)
    {
        return R::Fail(ErrorCode::CryptoFailure, "ike: cannot set up AES-128-CBC");
    }
    EVP_CIPHER_CTX_set_padding(c.m_encrypt.get(), 0);
    EVP_CIPHER_CTX_set_padding(c.m_decrypt.get(), 0);
    EVP_CIPHER_CTX_set_padding(c.m_ivCtx.get(), 0);
    return c;
}

size_t
IsakmpCipher::EncryptedLength(size_t chainLength)
{
    return (chainLength / kBlock + 1) * kBlock;
}

void
IsakmpCipher::Iv(uint32_t messageId, uint8_t* iv)
{
    uint8_t block[kBlock] = {};
    PutU32(block + 12, messageId);
    int len = 0;
    EVP_EncryptUpdate(m_ivCtx.get(), iv, &len, block, kBlock);
}

Bytes
IsakmpCipher::Encrypt(ByteView chain, uint32_t messageId)
{
    size_t total = EncryptedLength(chain.size());
    Bytes plain(total, 0);
    std::copy(chain.begin(), chain.end(), plain.begin());
    plain.back() = static_cast<uint8_t>(total - chain.size());
    uint8_t iv[kBlock];
    Iv(messageId, iv);
    Bytes out(total);
    int len = 0;
    EVP_EncryptInit_ex(m_encrypt.get(), nullptr, nullptr, nullptr, iv);
    EVP_EncryptUpdate(m_encrypt.get(), out.data(), &len, plain.data(), static_cast<int>(total));
    return out;
}

Result<Bytes>
IsakmpCipher::Decrypt(ByteView body, uint32_t messageId)
{
    if (body.empty() || body.size() % kBlock != 0)
    {
        return Result<Bytes>::Fail(ErrorCode::BadLength,
                                   "ike: encrypted body is not a whole number of blocks");
    }
    uint8_t iv[kBlock];
    Iv(messageId, iv);
    Bytes out(body.size());
    int len = 0;
    if (EVP_DecryptInit_ex(m_decrypt.get(), nullptr, nullptr, nullptr, iv) != 1
        || EVP_DecryptUpdate(m_decrypt.get(), out.data(), &len, body.data(),
                             static_cast<int>(body.size()))
               != 1)
    {
        return Result<Bytes>::Fail(ErrorCode::CryptoFailure, "ike: decryption failed");
    }
    return out;
}

} // namespace wire
} // namespace vpnsim
