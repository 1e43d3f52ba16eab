/*
 * An AES key and the OpenSSL cipher it is for, turned into a cipher context only when one is
 * needed.
 *
 * An OpenSSL cipher context costs about 0.7 KiB. An SA is used in one direction only, so an
 * inbound SA never encrypts and an outbound SA never decrypts; and IKE messages are rare
 * enough that a context per message is cheaper than keeping three per tunnel. Fleets of
 * thousands of tunnels are what this saves memory for.
 */
#ifndef VPNSIM_WIRE_KEYED_CIPHER_H
#define VPNSIM_WIRE_KEYED_CIPHER_H

#include "model/wire/bytes.h"
#include "model/wire/openssl-context.h"

#include <array>
#include <cstdint>

namespace vpnsim
{
namespace wire
{

class KeyedCipher
{
  public:
    enum class Direction : uint8_t
    {
        Encrypt,
        Decrypt,
    };

    KeyedCipher() = default;

    /// `cipher` is one of OpenSSL's built-in AES ciphers; `key` is at most 32 bytes.
    KeyedCipher(const EVP_CIPHER* cipher, Direction direction, ByteView key);

    KeyedCipher(KeyedCipher&&) noexcept;
    KeyedCipher& operator=(KeyedCipher&&) noexcept;
    KeyedCipher(const KeyedCipher&) = delete;
    KeyedCipher& operator=(const KeyedCipher&) = delete;

    /// Wipes the key.
    ~KeyedCipher();

    /// The context, created and keyed on first use and kept; null if OpenSSL fails.
    EVP_CIPHER_CTX* Get();

    /// A new keyed context that the caller owns; null if OpenSSL fails.
    CipherContext Make() const;

  private:
    void Wipe();

    const EVP_CIPHER* m_cipher{nullptr};
    Direction m_direction{Direction::Encrypt};
    std::array<uint8_t, 32> m_key{};
    CipherContext m_context;
};

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_KEYED_CIPHER_H
