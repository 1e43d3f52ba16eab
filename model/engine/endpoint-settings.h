/*
 * Every parameter of one VPN endpoint, flat, as a driver holds them (ns-3 attributes, runner
 * flags), and their conversion into the configuration of each tunnel the endpoint makes. The
 * defaults are Cisco's (the VPN Client's profile, the ASA's group-policy and isakmp keepalive).
 */
#ifndef VPNSIM_ENGINE_ENDPOINT_SETTINGS_H
#define VPNSIM_ENGINE_ENDPOINT_SETTINGS_H

#include "model/engine/anyconnect-tunnel.h"
#include "model/engine/endpoint-config.h"
#include "model/engine/host.h"
#include "model/engine/ipsec-tunnel.h"
#include "model/wire/esp-transform.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace vpnsim
{
namespace engine
{

/// Which end.
enum class EndpointRole : uint8_t
{
    Client,  ///< the Cisco VPN Client (or AnyConnect client): one peer, the headend
    Headend, ///< the ASA: any number of clients, each with its own tunnel
};

/// How the tunnels cross the network.
enum class Encapsulation : uint8_t
{
    Ctcp,       ///< IPsec over Cisco's TCP encapsulation
    Natt,       ///< IPsec over UDP 4500 (RFC 3948)
    Esp,        ///< IPsec as IP protocol 50, IKE on UDP 500
    AnyConnect, ///< CSTP on a real TCP (TLS) stream
};

/// "client", "headend"; "ctcp", "natt", "esp", "anyconnect".
const char* ToString(EndpointRole role);
const char* ToString(Encapsulation encapsulation);

/// Where the Cisco VPN Client draws its cTCP source port from, a random unprivileged port
/// (doc/protocols.md §cTCP segment).
constexpr uint16_t kClientPortLowest = parameter::kClientPort.LowAs<uint16_t>();
constexpr uint16_t kClientPortHighest = parameter::kClientPort.HighAs<uint16_t>();

/// One endpoint's parameters; defaults and ranges are the parameter table's
/// (endpoint-config.h).
struct EndpointSettings
{
    EndpointRole role{EndpointRole::Client};
    Encapsulation encapsulation{Encapsulation::Ctcp};
    uint32_t localAddress{0};  ///< this end's outer IPv4 address, host order
    uint32_t remoteAddress{0}; ///< a client's headend; a headend's is unused
    wire::EspTransformId transform{wire::EspTransformId::AesCbc128HmacSha1_96};
    uint16_t ctcpPort{parameter::kCtcpPort.DefaultAs<uint16_t>()}; ///< the headend's cTCP port
    uint16_t anyConnectPort{parameter::kAnyConnectPort.DefaultAs<uint16_t>()}; ///< its TLS port
    /// A client's first cTCP source port; 0 draws it (kClientPortLowest..kClientPortHighest).
    /// Further tunnels of the same client take the next ports.
    uint16_t clientPort{parameter::kClientPort.DefaultAs<uint16_t>()};
    /// A client's tunnels, each from its own source port and SPI block (a headend has one per
    /// client that arrives).
    uint32_t tunnels{parameter::kTunnels.DefaultAs<uint32_t>()};
    Nanos peerTimeout{parameter::kPeerTimeout.DefaultDuration()};
    Nanos clientDpdIdle{parameter::kClientDpdIdle.DefaultDuration()};
    Nanos clientDpdRetry{parameter::kClientDpdRetry.DefaultDuration()};
    Nanos headendDpdThreshold{parameter::kAsaDpdThreshold.DefaultDuration()};
    Nanos headendDpdRetry{parameter::kAsaDpdRetry.DefaultDuration()};
    uint32_t headendDpdRetries{parameter::kAsaDpdRetries.DefaultAs<uint32_t>()};
    uint8_t keySeed{parameter::kKeySeed.DefaultAs<uint8_t>()};
    uint32_t clientToHeadendSpi{parameter::kClientToHeadendSpi.DefaultAs<uint32_t>()};
    uint32_t headendToClientSpi{parameter::kHeadendToClientSpi.DefaultAs<uint32_t>()};
    Nanos natKeepalive{parameter::kNatKeepalive.DefaultDuration()};
    Nanos idleTimeout{parameter::kIdleTimeout.DefaultDuration()};
    Nanos ikeLifetime{parameter::kIkeLifetime.DefaultDuration()};
    Nanos ipsecLifetime{parameter::kIpsecLifetime.DefaultDuration()};
    uint64_t ipsecLifetimeKb{parameter::kIpsecLifetimeKb.DefaultAs<uint64_t>()}; ///< 0: unlimited
    Nanos anyConnectDpd{parameter::kAnyConnectDpd.DefaultDuration()};
    Nanos anyConnectKeepalive{parameter::kAnyConnectKeepalive.DefaultDuration()};
    /// The AnyConnect connection's TCP segment size, for a driver whose TCP must be told it
    /// (0: from the outer interface's MTU); the engine itself does not use it.
    uint32_t anyConnectSegmentSize{parameter::kAnyConnectSegmentSize.DefaultAs<uint32_t>()};
};

/// Sets the field of `settings` that the table's entry `spec` stands for: a duration for a
/// Seconds entry, a whole number for the others. False (and nothing set) if no field stands
/// for it or the value is of the other kind. The range is the caller's to check (the entry's
/// Allows, an attribute's checker).
bool SetParameter(EndpointSettings& settings, const ParameterSpec& spec, Nanos value);
bool SetParameter(EndpointSettings& settings, const ParameterSpec& spec, uint64_t value);

/// The field of `settings` that `spec` stands for, if it is a duration (Seconds entries).
std::optional<Nanos> GetDuration(const EndpointSettings& settings, const ParameterSpec& spec);

/// The field of `settings` that `spec` stands for, if it is a whole number.
std::optional<uint64_t> GetNumber(const EndpointSettings& settings, const ParameterSpec& spec);

/// Whether the settings make working tunnels; the message names the field and what is allowed.
std::optional<std::string> Validate(const EndpointSettings& settings);

/// The IPsec tunnel of SPI block `block` (ShiftSpis) toward `remote` from cTCP port
/// `clientPort`: a client's `block`-th tunnel, or a headend's `block`-th client.
IpsecTunnelConfig ToIpsecConfig(const EndpointSettings& settings, uint32_t block, uint32_t remote,
                                uint16_t clientPort);

/// The AnyConnect tunnel.
AnyConnectConfig ToAnyConnectConfig(const EndpointSettings& settings);

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_ENDPOINT_SETTINGS_H
