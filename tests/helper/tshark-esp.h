/*
 * The tshark options that decrypt a simulation's ESP with the SAs its endpoints really used
 * (doc/tshark.md §esp_sa UAT: one `uat:esp_sa` record per SA, algorithm labels exact).
 */
#ifndef VPNSIM_TESTS_HELPER_TSHARK_ESP_H
#define VPNSIM_TESTS_HELPER_TSHARK_ESP_H

#include "helper/wireshark-keys.h"
#include "model/wire/esp.h"

#include <cstdio>
#include <string>
#include <vector>

namespace vpnsim
{
namespace test
{

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
        o.push_back("-o");
        o.push_back("uat:esp_sa:" + ns3::WiresharkEspSaRecord(sa));
    }
    return o;
}

} // namespace test
} // namespace vpnsim

#endif // VPNSIM_TESTS_HELPER_TSHARK_ESP_H
