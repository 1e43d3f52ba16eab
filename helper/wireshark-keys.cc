#include "helper/wireshark-keys.h"

#include "model/wire/ctcp.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

namespace ns3
{

using vpnsim::wire::EspTransformId;

std::pair<std::string, std::string>
WiresharkEspAlgorithms(EspTransformId id)
{
    const std::string sha1 = "HMAC-SHA-1-96 [RFC2404]";
    switch (id)
    {
        case EspTransformId::NullHmacSha1_96:
            return {"NULL", sha1};
        case EspTransformId::AesCbc128HmacSha1_96:
        case EspTransformId::AesCbc256HmacSha1_96:
            return {"AES-CBC [RFC3602]", sha1};
        case EspTransformId::AesGcm128Icv16:
        case EspTransformId::AesGcm256Icv16:
            return {"AES-GCM with 16 octet ICV [RFC4106]", "NULL"};
        case EspTransformId::AesCbc128NoAuth:
            return {"AES-CBC [RFC3602]", "NULL"};
    }
    return {"NULL", "NULL"};
}

std::string
WiresharkEspSaRecord(const vpnsim::wire::EspSaConfig& sa)
{
    auto [encryption, authentication] = WiresharkEspAlgorithms(sa.transform);
    auto key = [](const vpnsim::wire::Bytes& k)
    {
        return k.empty() ? std::string() : "0x" + vpnsim::wire::ToHex(k);
    };
    char spi[16];
    std::snprintf(spi, sizeof(spi), "0x%08x", sa.spi);
    return "\"IPv4\",\"*\",\"*\",\"" + std::string(spi) + "\",\"" + encryption + "\",\""
           + key(sa.encryptionKey) + "\",\"" + authentication + "\",\""
           + key(sa.authenticationKey) + "\"";
}

std::string
WriteWiresharkDecryption(const std::string& prefix,
                         const std::vector<vpnsim::wire::EspSaConfig>& sas,
                         const std::vector<std::string>& tlsKeyLog,
                         const std::string& defaultCapture)
{
    namespace fs = std::filesystem;
    fs::path config = prefix + "-wireshark";
    std::error_code error;
    fs::create_directories(config, error);
    if (error)
    {
        return config.string() + ": " + error.message();
    }
    std::ofstream table(config / "esp_sa");
    std::set<uint32_t> written;
    for (const auto& sa : sas)
    {
        if (written.insert(sa.spi).second)
        {
            table << WiresharkEspSaRecord(sa) << "\n";
        }
    }
    std::ofstream preferences(config / "preferences");
    preferences << "# ESP decryption with the run's SAs (esp_sa beside this file)\n"
                << "esp.enable_encryption_decode: TRUE\n"
                << "esp.enable_authentication_check: TRUE\n";
    fs::path keyLog = prefix + "-tls-keys.log";
    bool tls = !tlsKeyLog.empty();
    if (tls)
    {
        std::ofstream keys(keyLog);
        std::set<std::string> logged;
        for (const auto& line : tlsKeyLog)
        {
            if (!line.empty() && logged.insert(line).second)
            {
                keys << line << "\n";
            }
        }
        if (!keys)
        {
            return keyLog.string() + ": cannot be written";
        }
    }
    fs::path script = prefix + "-decrypt.sh";
    std::ofstream sh(script);
    // Paths relative to the script, so the files can be moved together.
    std::string configName = config.filename().string();
    sh << "#!/bin/sh\n"
       << "# Decodes a capture of this run with its ESP SAs decrypted: tshark with the\n"
       << "# Wireshark configuration in " << configName << "/ (esp_sa: one record per SA)"
       << (tls ? ",\n# and its AnyConnect TLS with the key log " + keyLog.filename().string() : "")
       << ".\n"
       << "#   " << script.filename().string() << " [CAPTURE.pcap] [more tshark options]\n"
       << "# Wireshark 4.0 cannot decrypt ESP carried in cTCP (its tcpencap dissector cuts the\n"
       << "# trailer off the packet but not off its length); IKE and the framing still decode.\n"
       << "here=$(dirname \"$0\")\n"
       << "capture=\"$here/" << defaultCapture << "\"\n"
       << "case \"$1\" in *.pcap) capture=$1; shift ;; esac\n"
       << "WIRESHARK_CONFIG_DIR=\"$here/" << configName << "\" exec tshark -n "
       << "-d tcp.port==" << vpnsim::wire::kCtcpDefaultPort << ",tcpencap "
       << (tls ? "-o \"tls.keylog_file:$here/" + keyLog.filename().string()
                     + "\" --disable-heuristic http_tls "
               : "")
       << "-r \"$capture\" \"$@\"\n";
    sh.close();
    fs::permissions(script, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add, error);
    if (!table || !preferences || !sh || error)
    {
        return script.string() + ": cannot be written";
    }
    return "";
}

} // namespace ns3
