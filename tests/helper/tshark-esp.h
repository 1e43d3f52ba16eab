/*
 * The tshark options that decrypt a simulation's ESP with the SAs its endpoints really used
 * (doc/tshark.md §esp_sa UAT: one `uat:esp_sa` record per SA, algorithm labels exact).
 */
#ifndef VPNSIM_TESTS_HELPER_TSHARK_ESP_H
#define VPNSIM_TESTS_HELPER_TSHARK_ESP_H

#include "model/wire/esp.h"

#include <cstdio>
#include <string>
#include <vector>

namespace vpnsim
{
namespace test
{

/// Wireshark's encryption and authentication labels for a transform.
inline std::pair<std::string, std::string>
TsharkEspAlgorithms(wire::EspTransformId id)
{
    const std::string sha1 = "HMAC-SHA-1-96 [RFC2404]";
    switch (id)
    {
        case wire::EspTransformId::NullHmacSha1_96:
            return {"NULL", sha1};
        case wire::EspTransformId::AesCbc128HmacSha1_96:
        case wire::EspTransformId::AesCbc256HmacSha1_96:
            return {"AES-CBC [RFC3602]", sha1};
        case wire::EspTransformId::AesGcm128Icv16:
        case wire::EspTransformId::AesGcm256Icv16:
            return {"AES-GCM with 16 octet ICV [RFC4106]", "NULL"};
        case wire::EspTransformId::AesCbc128NoAuth:
            return {"AES-CBC [RFC3602]", "NULL"};
    }
    return {"NULL", "NULL"};
}

/// "0x%08x", as tshark prints an SPI.
inline std::string
TsharkSpi(uint32_t spi)
{
    char s[16];
    std::snprintf(s, sizeof(s), "0x%08x", spi);
    return s;
}

/// `-o` options turning on decryption and the ICV check, with one SA record per SA (any
/// address: the SPI tells them apart).
inline std::vector<std::string>
TsharkEspOptions(const std::vector<wire::EspSaConfig>& sas)
{
    std::vector<std::string> o
        = {"-o", "esp.enable_encryption_decode:TRUE", "-o", "esp.enable_authentication_check:TRUE"};
    for (const auto& sa : sas)
    {
        auto [encryption, authentication] = TsharkEspAlgorithms(sa.transform);
        auto key = [](const wire::Bytes& k)
        {
            return k.empty() ? std::string() : "0x" + wire::ToHex(k);
        };
        o.push_back("-o");
        o.push_back("uat:esp_sa:\"IPv4\",\"*\",\"*\",\"" + TsharkSpi(sa.spi) + "\",\"" + encryption
                    + "\",\"" + key(sa.encryptionKey) + "\",\"" + authentication + "\",\""
                    + key(sa.authenticationKey) + "\"");
    }
    return o;
}

} // namespace test
} // namespace vpnsim

#endif // VPNSIM_TESTS_HELPER_TSHARK_ESP_H
