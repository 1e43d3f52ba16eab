#include "model/wire/keyed-cipher.h"

#include <algorithm>
#include <openssl/crypto.h>

namespace vpnsim
{
namespace wire
{

KeyedCipher::KeyedCipher(const EVP_CIPHER* cipher, Direction direction, ByteView key)
    : m_cipher(cipher),
      m_direction(direction)
{
    std::copy_n(key.begin(), std::min(key.size(), m_key.size()), m_key.begin());
}

KeyedCipher::KeyedCipher(KeyedCipher&& other) noexcept
    : m_cipher(other.m_cipher),
      m_direction(other.m_direction),
      m_key(other.m_key),
      m_context(std::move(other.m_context))
{
    other.Wipe();
}

KeyedCipher&
KeyedCipher::operator=(KeyedCipher&& other) noexcept
{
    if (this != &other)
    {
        m_cipher = other.m_cipher;
        m_direction = other.m_direction;
        m_key = other.m_key;
        m_context = std::move(other.m_context);
        other.Wipe();
    }
    return *this;
}

KeyedCipher::~KeyedCipher()
{
    Wipe();
}

void
KeyedCipher::Wipe()
{
    OPENSSL_cleanse(m_key.data(), m_key.size());
}

CipherContext
KeyedCipher::Make() const
{
    CipherContext c(EVP_CIPHER_CTX_new());
    if (!c || m_cipher == nullptr)
    {
        return nullptr;
    }
    int ok = m_direction == Direction::Encrypt
                 ? EVP_EncryptInit_ex(c.get(), m_cipher, nullptr, m_key.data(), nullptr)
                 : EVP_DecryptInit_ex(c.get(), m_cipher, nullptr, m_key.data(), nullptr);
    if (ok != 1)
    {
        return nullptr;
    }
    // ESP and IKE pad for themselves (RFC 4303 2.4, RFC 2409 Appendix B): no PKCS#7 padding.
    EVP_CIPHER_CTX_set_padding(c.get(), 0);
    return c;
}

EVP_CIPHER_CTX*
KeyedCipher::Get()
{
    if (!m_context)
    {
        m_context = Make();
    }
    return m_context.get();
}

} // namespace wire
} // namespace vpnsim
