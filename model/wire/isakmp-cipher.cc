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
    using D = KeyedCipher::Direction;
    IsakmpCipher c;
    c.m_encrypt = KeyedCipher(EVP_aes_128_cbc(), D::Encrypt, key);
    c.m_decrypt = KeyedCipher(EVP_aes_128_cbc(), D::Decrypt, key);
    c.m_iv = KeyedCipher(EVP_aes_128_ecb(), D::Encrypt, key);
    if (!c.m_iv.Make())
    {
        return R::Fail(ErrorCode::CryptoFailure, "ike: cannot set up AES-128-CBC");
    }
    return c;
}

size_t
IsakmpCipher::EncryptedLength(size_t chainLength)
{
    return (chainLength / kBlock + 1) * kBlock;
}

bool
IsakmpCipher::Iv(uint32_t messageId, uint8_t* iv) const
{
    uint8_t block[kBlock] = {};
    PutU32(block + 12, messageId);
    int len = 0;
    CipherContext c = m_iv.Make();
    return c && EVP_EncryptUpdate(c.get(), iv, &len, block, kBlock) == 1;
}

Bytes
IsakmpCipher::Encrypt(ByteView chain, uint32_t messageId) const
{
    size_t total = EncryptedLength(chain.size());
    Bytes plain(total, 0);
    std::copy(chain.begin(), chain.end(), plain.begin());
    plain.back() = static_cast<uint8_t>(total - chain.size());
    uint8_t iv[kBlock];
    Bytes out(total);
    int len = 0;
    CipherContext c = m_encrypt.Make();
    if (!Iv(messageId, iv) || !c || EVP_EncryptInit_ex(c.get(), nullptr, nullptr, nullptr, iv) != 1
        || EVP_EncryptUpdate(c.get(), out.data(), &len, plain.data(), static_cast<int>(total))
               != 1)
    {
        // OpenSSL fails only when out of memory; the message then goes out unreadable, as a
        // corrupted packet would.
        std::fill(out.begin(), out.end(), 0);
    }
    return out;
}

Result<Bytes>
IsakmpCipher::Decrypt(ByteView body, uint32_t messageId) const
{
    if (body.empty() || body.size() % kBlock != 0)
    {
        return Result<Bytes>::Fail(ErrorCode::BadLength,
                                   "ike: encrypted body is not a whole number of blocks");
    }
    uint8_t iv[kBlock];
    Bytes out(body.size());
    int len = 0;
    CipherContext c = m_decrypt.Make();
    if (!Iv(messageId, iv) || !c || EVP_DecryptInit_ex(c.get(), nullptr, nullptr, nullptr, iv) != 1
        || EVP_DecryptUpdate(c.get(), out.data(), &len, body.data(),
                             static_cast<int>(body.size()))
               != 1)
    {
        return Result<Bytes>::Fail(ErrorCode::CryptoFailure, "ike: decryption failed");
    }
    return out;
}

} // namespace wire
} // namespace vpnsim
