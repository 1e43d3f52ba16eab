/*
 * Every parameter of one VPN endpoint, flat, as a driver holds them (ns-3 attributes, runner
 * flags), and their conversion into the configuration of each tunnel the endpoint makes. The
 * defaults are Cisco's (the VPN Client's profile, the ASA's group-policy and isakmp keepalive).
 */
#ifndef VPNSIM_ENGINE_ENDPOINT_SETTINGS_H
#define VPNSIM_ENGINE_ENDPOINT_SETTINGS_H

#include "model/engine/anyconnect-tunnel.h"
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
constexpr uint16_t kClientPortLowest = 1024;
constexpr uint16_t kClientPortHighest = 65535;

/// One endpoint's parameters.
struct EndpointSettings
{
    EndpointRole role{EndpointRole::Client};
    Encapsulation encapsulation{Encapsulation::Ctcp};
    uint32_t localAddress{0};  ///< this end's outer IPv4 address, host order
    uint32_t remoteAddress{0}; ///< a client's headend; a headend's is unused
    wire::EspTransformId transform{wire::EspTransformId::AesCbc128HmacSha1_96};
    uint16_t ctcpPort{10000};     ///< the headend's cTCP port
    uint16_t anyConnectPort{443}; ///< the headend's TLS port
    /// A client's first cTCP source port; 0 draws it (kClientPortLowest..kClientPortHighest).
    /// Further tunnels of the same client take the next ports.
    uint16_t clientPort{0};
    /// A client's tunnels, each from its own source port and SPI block (a headend has one per
    /// client that arrives).
    uint32_t tunnels{1};
    Nanos peerTimeout{std::chrono::seconds(90)};
    Nanos clientDpdIdle{std::chrono::seconds(10)};
    Nanos clientDpdRetry{std::chrono::seconds(5)};
    Nanos headendDpdThreshold{std::chrono::seconds(300)};
    Nanos headendDpdRetry{std::chrono::seconds(2)};
    uint32_t headendDpdRetries{3};
    uint8_t keySeed{0x42};
    uint32_t clientToHeadendSpi{kDefaultClientToHeadendSpi};
    uint32_t headendToClientSpi{kDefaultHeadendToClientSpi};
    Nanos natKeepalive{std::chrono::seconds(20)};
    Nanos idleTimeout{std::chrono::minutes(30)};
    Nanos anyConnectDpd{std::chrono::seconds(30)};
    Nanos anyConnectKeepalive{std::chrono::seconds(20)};
};

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
