/*
 * Every parameter of a VPN endpoint, stated once: its name on each interface, its unit, its
 * default and its allowed range. The ns-3 attributes of VpnEndpoint, vpnsim-run's and the
 * runner's flags and the engine's own checks all take their ranges from this table;
 * `vpnsim-run --ranges-json` prints it, and the sweep tool's flag table is tested against that.
 *
 * Defaults are Cisco's where Cisco has one, and so are the ranges where Cisco documents its
 * limits (each entry's `source`); elsewhere the range is the model's.
 */
#ifndef VPNSIM_ENGINE_ENDPOINT_CONFIG_H
#define VPNSIM_ENGINE_ENDPOINT_CONFIG_H

#include "model/engine/host.h"
#include "model/wire/ctcp.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace vpnsim
{
namespace engine
{

/// What a parameter's number measures.
enum class ParameterUnit : uint8_t
{
    Seconds,
    Count,
    Bytes,
    Port,
    Identifier, ///< an SPI or a seed: any whole number in range, no unit
    Fraction,   ///< a probability
    Packets,    ///< a mean number of packets (need not be whole)
    Kilobytes,  ///< a traffic volume in kilobytes (1024 bytes), as Cisco's lifetimes count it
};

/// The interfaces a parameter is offered on (bits of ParameterSpec::interfaces).
enum ParameterInterface : uint8_t
{
    kAttribute = 1,      ///< an ns-3 attribute of VpnEndpoint
    kSimulationFlag = 2, ///< a vpnsim-run flag (and so a sweep-file key)
    kRunnerFlag = 4,     ///< a vpnsim-runner flag
};

/// One parameter: where it is set, what it measures, its default and what it allows.
struct ParameterSpec
{
    std::string_view flag;      ///< command-line name (vpnsim-run, sweeps, the runner)
    std::string_view attribute; ///< VpnEndpoint attribute name; empty if none
    ParameterUnit unit;
    double defaultValue;
    double low;  ///< smallest allowed value (besides 0, see zeroMeans)
    double high; ///< largest allowed value
    /// Non-empty: 0 is allowed too and means this ("off", "random", ...).
    std::string_view zeroMeans;
    uint8_t interfaces;      ///< ParameterInterface bits
    std::string_view help;   ///< one line, for --help texts and attribute documentation
    std::string_view source; ///< where the default and the range come from
    bool highOpen{false};    ///< true: `high` itself is not allowed

    /// Whole numbers only (counts, bytes, ports, identifiers).
    bool Integral() const;
    bool Allows(double value) const;
    /// What is allowed, e.g. "10 to 3600 seconds, or 0 (off)".
    std::string AllowedText() const;
    /// The refusal of `value` as `text` spelled it: "flag=text: allowed ...".
    std::string Refusal(std::string_view text) const;
    /// The refusal of `value`, spelled as the shortest text that reads back as it.
    std::string Refusal(double value) const;
    /// The refusal of a duration, or nothing when it is allowed.
    std::optional<std::string> Check(Nanos value) const;
    /// The refusal of a whole number, or nothing when it is allowed.
    std::optional<std::string> Check(uint64_t value) const;
    /// The default as a duration (Seconds parameters).
    constexpr Nanos DefaultDuration() const;
    /// The default as a field's type (whole-number parameters).
    template<typename T>
    constexpr T DefaultAs() const
    {
        return static_cast<T>(defaultValue);
    }
    /// The highest value as a field's type.
    template<typename T>
    constexpr T HighAs() const
    {
        return static_cast<T>(high);
    }
    /// The lowest value as a field's type.
    template<typename T>
    constexpr T LowAs() const
    {
        return static_cast<T>(low);
    }
};

/// A number of seconds as a duration (whole nanoseconds, the fraction cut off).
constexpr Nanos
SecondsToNanos(double seconds)
{
    return std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(seconds));
}

constexpr Nanos
ParameterSpec::DefaultDuration() const
{
    return SecondsToNanos(defaultValue);
}

/// The shortest decimal text that reads back as the same double.
std::string NumberText(double value);

namespace parameter
{

// Cisco VPN Client DPD (doc/protocols.md §Cisco VPN Client DPD).
inline constexpr ParameterSpec kPeerTimeout{
    "peer-timeout",
    "PeerTimeout",
    ParameterUnit::Seconds,
    90,
    30,
    480,
    "",
    kAttribute | kSimulationFlag | kRunnerFlag,
    "client DPD: the peer is dead when nothing was heard from it for this long",
    "Cisco VPN Client User Guide, Adjusting the Peer Response Timeout Value: 90 s by default, "
    "30 s minimum, 480 s maximum"};
inline constexpr ParameterSpec kClientDpdIdle{
    "dpd-idle",
    "ClientDpdIdle",
    ParameterUnit::Seconds,
    10,
    1,
    3600,
    "",
    kAttribute | kSimulationFlag,
    "client DPD: silence after sending before the first R-U-THERE",
    "about 10 s in third-party accounts of the Cisco VPN Client; no documented range"};
inline constexpr ParameterSpec kClientDpdRetry{
    "dpd-retry",
    "ClientDpdRetry",
    ParameterUnit::Seconds,
    5,
    1,
    3600,
    "",
    kAttribute | kSimulationFlag,
    "client DPD: R-U-THERE repeat interval",
    "Cisco VPN Client User Guide: R-U-THERE every 5 s until the peer response timeout; fixed "
    "there"};

// ASA IKEv1 keepalive (doc/protocols.md §ASA IKE keepalive).
inline constexpr ParameterSpec kAsaDpdThreshold{
    "asa-dpd-threshold",
    "AsaDpdThreshold",
    ParameterUnit::Seconds,
    300,
    10,
    3600,
    "",
    kAttribute | kSimulationFlag | kRunnerFlag,
    "headend DPD: silence from the peer before an R-U-THERE",
    "Cisco ASA command reference, isakmp keepalive: threshold 10 to 3600 s, 300 s for remote "
    "access"};
inline constexpr ParameterSpec kAsaDpdRetry{
    "asa-dpd-retry",
    "AsaDpdRetry",
    ParameterUnit::Seconds,
    2,
    2,
    10,
    "",
    kAttribute | kSimulationFlag | kRunnerFlag,
    "headend DPD: R-U-THERE retry interval",
    "Cisco ASA command reference, isakmp keepalive: retry 2 to 10 s, 2 s by default"};
inline constexpr ParameterSpec kAsaDpdRetries{
    "asa-dpd-retries",
    "AsaDpdRetries",
    ParameterUnit::Count,
    3,
    1,
    10,
    "",
    kAttribute,
    "headend DPD: unanswered R-U-THEREs before the peer is dead",
    "about 3 in third-party accounts of the ASA, which does not let it be configured"};

// NAT traversal (doc/protocols.md §NAT-keepalive) and the headend's idle timer
// (doc/protocols.md §ASA timeouts).
inline constexpr ParameterSpec kNatKeepalive{
    "nat-keepalive",
    "NatKeepalive",
    ParameterUnit::Seconds,
    20,
    10,
    3600,
    "off",
    kAttribute | kSimulationFlag | kRunnerFlag,
    "NAT-T keepalive interval",
    "Cisco ASA crypto isakmp nat-traversal: 10 to 3600 s, 20 s by default (RFC 3948 section "
    "4: 20 s); 0 stops keepalives, to show what they prevent"};
inline constexpr ParameterSpec kIdleTimeout{
    "idle-timeout",
    "IdleTimeout",
    ParameterUnit::Seconds,
    1800,
    60,
    7 * 86400,
    "none",
    kAttribute | kSimulationFlag | kRunnerFlag,
    "headend vpn-idle-timeout: no inner traffic for this long ends the tunnel",
    "Cisco ASA group-policy vpn-idle-timeout: 30 min by default, whole minutes from 1, or "
    "none; the longest session simulated is 7 days, beyond which it cannot fire"};

// SA lifetimes (doc/protocols.md §SA lifetimes and rekeying): the client rekeys before each
// ends; an SA that ends without a successor ends the tunnel.
inline constexpr ParameterSpec kIkeLifetime{
    "ike-lifetime",
    "IkeLifetime",
    ParameterUnit::Seconds,
    86400,
    120,
    2147483647,
    "",
    kAttribute | kSimulationFlag | kRunnerFlag,
    "IKE (phase 1) SA lifetime: the client runs a new Main Mode before it ends",
    "Cisco ASA crypto ikev1 policy lifetime: 120 to 2147483647 s, 86400 s (one day) by "
    "default"};
inline constexpr ParameterSpec kIpsecLifetime{
    "ipsec-lifetime",
    "IpsecLifetime",
    ParameterUnit::Seconds,
    28800,
    120,
    2147483647,
    "",
    kAttribute | kSimulationFlag | kRunnerFlag,
    "IPsec (phase 2) SA lifetime: the client runs a new Quick Mode before it ends",
    "Cisco ASA crypto ipsec security-association lifetime seconds: 120 to 2147483647 s, "
    "28800 s (eight hours) by default"};
inline constexpr ParameterSpec kIpsecLifetimeKb{
    "ipsec-lifetime-kb",
    "IpsecLifetimeKb",
    ParameterUnit::Kilobytes,
    4608000,
    10,
    2147483647,
    "unlimited",
    kAttribute | kSimulationFlag | kRunnerFlag,
    "IPsec SA traffic-volume lifetime: the client runs a new Quick Mode when 90 % of it is used",
    "Cisco ASA crypto ipsec security-association lifetime kilobytes: 10 to 2147483647 KB, "
    "4608000 KB by default, or unlimited"};

// AnyConnect liveness (doc/protocols.md §CSTP DPD and keepalive).
inline constexpr ParameterSpec kAnyConnectDpd{
    "anyconnect-dpd",
    "AnyConnectDpd",
    ParameterUnit::Seconds,
    30,
    5,
    3600,
    "",
    kAttribute | kSimulationFlag | kRunnerFlag,
    "AnyConnect DPD interval",
    "Cisco ASA anyconnect dpd-interval: 5 to 3600 s; 30 s by default (secondary source)"};
inline constexpr ParameterSpec kAnyConnectKeepalive{
    "anyconnect-keepalive",
    "AnyConnectKeepalive",
    ParameterUnit::Seconds,
    20,
    1,
    3600,
    "off",
    kAttribute | kSimulationFlag | kRunnerFlag,
    "AnyConnect keepalive interval",
    "anyconnect ssl keepalive: commonly 20 s (not confirmed); the range is the model's"};
inline constexpr ParameterSpec kAnyConnectSegmentSize{
    "anyconnect-segment-size",
    "AnyConnectSegmentSize",
    ParameterUnit::Bytes,
    0,
    1,
    65495,
    "the outer interface's MTU less the IPv4 and TCP headers",
    kAttribute,
    "TCP segment size of the AnyConnect connection (bytes)",
    "65495: the largest IPv4 datagram less the IPv4 and TCP headers"};

// Keys, SPIs and ports (doc/protocols.md §cTCP configuration).
inline constexpr ParameterSpec kKeySeed{
    "key-seed",
    "KeySeed",
    ParameterUnit::Identifier,
    0x42,
    0,
    255,
    "",
    kAttribute | kSimulationFlag,
    "seed of the static ESP and IKE keys (both ends must agree)",
    "the model's static keys"};
inline constexpr ParameterSpec kClientToHeadendSpi{
    "client-to-headend-spi",
    "ClientToHeadendSpi",
    ParameterUnit::Identifier,
    0xc0ffee01,
    256,
    4294967295.0,
    "",
    kAttribute,
    "SPI of the client-to-headend ESP SA",
    "RFC 4303 section 2.1: SPIs 1 to 255 are reserved, 0 is never sent"};
inline constexpr ParameterSpec kHeadendToClientSpi{
    "headend-to-client-spi",
    "HeadendToClientSpi",
    ParameterUnit::Identifier,
    0xc0ffee02,
    256,
    4294967295.0,
    "",
    kAttribute,
    "SPI of the headend-to-client ESP SA",
    "RFC 4303 section 2.1: SPIs 1 to 255 are reserved, 0 is never sent"};
inline constexpr ParameterSpec kCtcpPort{
    "ctcp-port",
    "CtcpPort",
    ParameterUnit::Port,
    wire::kCtcpDefaultPort,
    1,
    65535,
    "",
    kAttribute | kRunnerFlag,
    "headend cTCP port",
    "Cisco ASA crypto isakmp ipsec-over-tcp: port 10000 by default"};
inline constexpr ParameterSpec kAnyConnectPort{"anyconnect-port",
                                               "AnyConnectPort",
                                               ParameterUnit::Port,
                                               443,
                                               1,
                                               65535,
                                               "",
                                               kAttribute | kRunnerFlag,
                                               "headend TLS port for AnyConnect",
                                               "HTTPS, 443"};
inline constexpr ParameterSpec kClientPort{"client-port",
                                           "",
                                           ParameterUnit::Port,
                                           0,
                                           1024,
                                           65535,
                                           "random from the seed",
                                           kRunnerFlag,
                                           "cTCP client source port",
                                           "the Cisco client draws it from 1024 to 65535"};
inline constexpr ParameterSpec kTunnels{
    "tunnels",
    "",
    ParameterUnit::Count,
    1,
    1,
    1024,
    "",
    kRunnerFlag,
    "client: cTCP tunnels from one process, each from the next source port (--client-port + i) "
    "and inner address (--inner-local + i); a headend has 1",
    "the model's: one process drives up to 1024 client tunnels"};

} // namespace parameter

/// Every entry of the table above, in that order.
std::span<const ParameterSpec* const> EndpointParameters();

/// The entry with this command-line name, if any.
const ParameterSpec* FindEndpointParameter(std::string_view flag);

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_ENDPOINT_CONFIG_H
