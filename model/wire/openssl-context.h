/*
 * Owning handles for the OpenSSL objects the ESP transforms keep per SA.
 */
#ifndef VPNSIM_WIRE_OPENSSL_CONTEXT_H
#define VPNSIM_WIRE_OPENSSL_CONTEXT_H

#include <memory>
#include <openssl/evp.h>

namespace vpnsim
{
namespace wire
{

struct CipherContextFree
{
    void operator()(EVP_CIPHER_CTX* c) const
    {
        EVP_CIPHER_CTX_free(c);
    }
};

struct MacContextFree
{
    void operator()(EVP_MAC_CTX* c) const
    {
        EVP_MAC_CTX_free(c);
    }
};

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;
using MacContext = std::unique_ptr<EVP_MAC_CTX, MacContextFree>;

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_OPENSSL_CONTEXT_H
