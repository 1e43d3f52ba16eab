// KeyedCipher: contexts made on demand must encrypt exactly as a context keyed up front.
#include "model/wire/keyed-cipher.h"

#include <gtest/gtest.h>

namespace vpnsim
{
namespace wire
{
namespace
{

// FIPS-197 Appendix C.1: AES-128 with key 000102..0f encrypts 00112233..ff to 69c4e0d8..5a.
const Bytes kKey = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
const Bytes kPlain = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                      0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
const Bytes kCipher = {0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
                       0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a};

Bytes
Crypt(EVP_CIPHER_CTX* c, const Bytes& in)
{
    Bytes out(in.size());
    int len = 0;
    EXPECT_EQ(EVP_CipherUpdate(c, out.data(), &len, in.data(), static_cast<int>(in.size())), 1);
    return out;
}

TEST(KeyedCipher, EncryptsTheFipsVectorWhenMadeAndWhenKept)
{
    KeyedCipher e(EVP_aes_128_ecb(), KeyedCipher::Direction::Encrypt, kKey);
    EXPECT_EQ(Crypt(e.Make().get(), kPlain), kCipher);
    EXPECT_EQ(Crypt(e.Get(), kPlain), kCipher);
}

TEST(KeyedCipher, DecryptsInTheDirectionItWasGiven)
{
    KeyedCipher d(EVP_aes_128_ecb(), KeyedCipher::Direction::Decrypt, kKey);
    EXPECT_EQ(Crypt(d.Get(), kCipher), kPlain);
}

TEST(KeyedCipher, KeepsOneContextOnceMade)
{
    KeyedCipher e(EVP_aes_128_ecb(), KeyedCipher::Direction::Encrypt, kKey);
    EVP_CIPHER_CTX* first = e.Get();
    EXPECT_NE(first, nullptr);
    EXPECT_EQ(e.Get(), first);
    EXPECT_NE(e.Make().get(), first);
}

TEST(KeyedCipher, AMovedCipherStillEncryptsAndTheSourceHasNoKey)
{
    KeyedCipher source(EVP_aes_128_ecb(), KeyedCipher::Direction::Encrypt, kKey);
    KeyedCipher moved(std::move(source));
    EXPECT_EQ(Crypt(moved.Get(), kPlain), kCipher);
    // The source's key was wiped to zeros: it now encrypts under the all-zero key.
    EXPECT_NE(Crypt(source.Make().get(), kPlain), kCipher); // NOLINT(bugprone-use-after-move)
}

TEST(KeyedCipher, WithoutACipherMakesNothing)
{
    KeyedCipher none;
    EXPECT_EQ(none.Get(), nullptr);
}

} // namespace
} // namespace wire
} // namespace vpnsim
