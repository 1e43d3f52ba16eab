// RAND_METHOD is OpenSSL's deprecated but working hook for replacing the default random source
// (OpenSSL 3.0 still routes RAND_bytes_ex and RAND_priv_bytes_ex through a method that is set).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "model/engine/tls-random.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace vpnsim
{
namespace engine
{

namespace
{

EVP_CIPHER_CTX*
Stream()
{
    static EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    return ctx;
}

int
Bytes(unsigned char* out, int n)
{
    static const unsigned char kZeros[256] = {};
    while (n > 0)
    {
        int chunk = n < 256 ? n : 256;
        int written = 0;
        if (EVP_EncryptUpdate(Stream(), out, &written, kZeros, chunk) != 1 || written != chunk)
        {
            return 0;
        }
        out += chunk;
        n -= chunk;
    }
    return 1;
}

int
Seed(const void*, int)
{
    return 1;
}

int
Add(const void*, int, double)
{
    return 1;
}

int
Status()
{
    return 1;
}

const RAND_METHOD kSeeded = {Seed, Bytes, nullptr, Add, Bytes, Status};

} // namespace

void
UseSeededTlsRandom(uint64_t seed)
{
    unsigned char material[8 + 10];
    for (int i = 0; i < 8; ++i)
    {
        material[i] = static_cast<unsigned char>(seed >> (56 - 8 * i));
    }
    const char label[10] = {'v', 'p', 'n', 's', 'i', 'm', '-', 't', 'l', 's'};
    for (int i = 0; i < 10; ++i)
    {
        material[8 + i] = static_cast<unsigned char>(label[i]);
    }
    unsigned char key[SHA256_DIGEST_LENGTH];
    SHA256(material, sizeof(material), key);
    const unsigned char iv[16] = {};
    if (EVP_EncryptInit_ex(Stream(), EVP_aes_256_ctr(), nullptr, key, iv) != 1
        || RAND_set_rand_method(&kSeeded) != 1)
    {
        throw std::runtime_error("the seeded TLS random source could not be set up");
    }
}

void
UseSystemTlsRandom()
{
    RAND_set_rand_method(RAND_OpenSSL());
}

} // namespace engine
} // namespace vpnsim
