/*
 * What Wireshark needs to decrypt a run's ESP and AnyConnect TLS. ESP: one record per SA in its esp_sa table (the
 * "ESP SAs" preference, a UAT file of that name in a configuration directory), and a
 * configuration directory and command that use it. Wireshark's own spelling of each algorithm
 * is required verbatim (packet-ipsec.c, esp_uat_flds); the SA is matched by SPI alone here, so
 * the same record decrypts native ESP, ESP in UDP 4500 and, where Wireshark can, ESP in cTCP.
 * TLS: the NSS key log (tls.keylog_file), one CLIENT_RANDOM line per session.
 */
#ifndef VPNSIM_WIRESHARK_KEYS_H
#define VPNSIM_WIRESHARK_KEYS_H

#include "model/wire/esp.h"

#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/// Wireshark's encryption and authentication algorithm labels for an ESP transform.
std::pair<std::string, std::string> WiresharkEspAlgorithms(vpnsim::wire::EspTransformId id);

/// One esp_sa record: "IPv4","*","*","0xSPI","<cipher>","0x<key>","<auth>","0x<key>".
std::string WiresharkEspSaRecord(const vpnsim::wire::EspSaConfig& sa);

/// Writes PREFIX-wireshark/esp_sa (one record per SA), PREFIX-wireshark/preferences (ESP
/// decryption and ICV checking on), PREFIX-tls-keys.log when there are AnyConnect sessions
/// (their key-log lines, SSLKEYLOGFILE format, each once) and PREFIX-decrypt.sh, a tshark
/// command line that reads a capture of the run with them (by default `defaultCapture`, a file
/// beside the script). Returns an error message, empty on success.
std::string WriteWiresharkDecryption(const std::string& prefix,
                                     const std::vector<vpnsim::wire::EspSaConfig>& sas,
                                     const std::vector<std::string>& tlsKeyLog,
                                     const std::string& defaultCapture);

} // namespace ns3

#endif // VPNSIM_WIRESHARK_KEYS_H
