#include "model/engine/endpoint-settings.h"

#include <map>
#include <type_traits>
#include <variant>

#include "model/wire/ipv4-header.h"

namespace vpnsim
{
namespace engine
{

namespace
{

/// A field of the settings, by its type.
using SettingsField = std::variant<Nanos EndpointSettings::*, uint8_t EndpointSettings::*,
                                   uint16_t EndpointSettings::*, uint32_t EndpointSettings::*,
                                   uint64_t EndpointSettings::*>;

/// Which field each entry of the parameter table sets.
const SettingsField*
FieldOf(const ParameterSpec& spec)
{
    using namespace parameter;
    using S = EndpointSettings;
    static const std::map<const ParameterSpec*, SettingsField> kFields{
        {&kPeerTimeout, &S::peerTimeout},
        {&kClientDpdIdle, &S::clientDpdIdle},
        {&kClientDpdRetry, &S::clientDpdRetry},
        {&kAsaDpdThreshold, &S::headendDpdThreshold},
        {&kAsaDpdRetry, &S::headendDpdRetry},
        {&kAsaDpdRetries, &S::headendDpdRetries},
        {&kNatKeepalive, &S::natKeepalive},
        {&kIdleTimeout, &S::idleTimeout},
        {&kIkeLifetime, &S::ikeLifetime},
        {&kIpsecLifetime, &S::ipsecLifetime},
        {&kIpsecLifetimeKb, &S::ipsecLifetimeKb},
        {&kAnyConnectDpd, &S::anyConnectDpd},
        {&kAnyConnectKeepalive, &S::anyConnectKeepalive},
        {&kAnyConnectSegmentSize, &S::anyConnectSegmentSize},
        {&kKeySeed, &S::keySeed},
        {&kClientToHeadendSpi, &S::clientToHeadendSpi},
        {&kHeadendToClientSpi, &S::headendToClientSpi},
        {&kCtcpPort, &S::ctcpPort},
        {&kAnyConnectPort, &S::anyConnectPort},
        {&kClientPort, &S::clientPort},
        {&kTunnels, &S::tunnels},
    };
    auto it = kFields.find(&spec);
    return it == kFields.end() ? nullptr : &it->second;
}

} // namespace

bool
SetParameter(EndpointSettings& settings, const ParameterSpec& spec, Nanos value)
{
    const SettingsField* field = FieldOf(spec);
    const auto* duration = field ? std::get_if<Nanos EndpointSettings::*>(field) : nullptr;
    if (duration == nullptr)
    {
        return false;
    }
    settings.**duration = value;
    return true;
}

bool
SetParameter(EndpointSettings& settings, const ParameterSpec& spec, uint64_t value)
{
    const SettingsField* field = FieldOf(spec);
    if (field == nullptr || std::holds_alternative<Nanos EndpointSettings::*>(*field))
    {
        return false;
    }
    std::visit(
        [&](auto member)
        {
            using T = std::remove_reference_t<decltype(settings.*member)>;
            if constexpr (std::is_integral_v<T>)
            {
                settings.*member = static_cast<T>(value);
            }
        },
        *field);
    return true;
}

std::optional<Nanos>
GetDuration(const EndpointSettings& settings, const ParameterSpec& spec)
{
    const SettingsField* field = FieldOf(spec);
    const auto* duration = field ? std::get_if<Nanos EndpointSettings::*>(field) : nullptr;
    return duration ? std::optional<Nanos>(settings.**duration) : std::nullopt;
}

std::optional<uint64_t>
GetNumber(const EndpointSettings& settings, const ParameterSpec& spec)
{
    const SettingsField* field = FieldOf(spec);
    if (field == nullptr || std::holds_alternative<Nanos EndpointSettings::*>(*field))
    {
        return std::nullopt;
    }
    return std::visit(
        [&](auto member) -> std::optional<uint64_t>
        {
            using T = std::remove_cvref_t<decltype(settings.*member)>;
            if constexpr (std::is_integral_v<T>)
            {
                return static_cast<uint64_t>(settings.*member);
            }
            return std::nullopt;
        },
        *field);
}

const char*
ToString(EndpointRole role)
{
    return role == EndpointRole::Client ? "client" : "headend";
}

const char*
ToString(Encapsulation encapsulation)
{
    switch (encapsulation)
    {
        case Encapsulation::Ctcp:
            return "ctcp";
        case Encapsulation::Natt:
            return "natt";
        case Encapsulation::Esp:
            return "esp";
        case Encapsulation::AnyConnect:
            return "anyconnect";
    }
    return "?";
}

IpsecTunnelConfig
ToIpsecConfig(const EndpointSettings& s, uint32_t block, uint32_t remote, uint16_t clientPort)
{
    IpsecTunnelConfig c;
    c.encapsulation = s.encapsulation == Encapsulation::Ctcp   ? IpsecEncapsulation::Ctcp
                      : s.encapsulation == Encapsulation::Natt ? IpsecEncapsulation::Natt
                                                               : IpsecEncapsulation::Esp;
    c.localAddress = s.localAddress;
    c.remoteAddress = remote;
    c.transform = s.transform;
    c.ctcp.serverPort = s.ctcpPort;
    c.ctcp.clientPort = clientPort;
    c.clientDpd.peerTimeout = s.peerTimeout;
    c.clientDpd.idle = s.clientDpdIdle;
    c.clientDpd.retry = s.clientDpdRetry;
    c.headendDpd.threshold = s.headendDpdThreshold;
    c.headendDpd.retry = s.headendDpdRetry;
    c.headendDpd.retries = s.headendDpdRetries;
    c.keySeed = s.keySeed;
    c.clientToHeadendSpi = s.clientToHeadendSpi;
    c.headendToClientSpi = s.headendToClientSpi;
    c.natKeepalive = s.natKeepalive;
    c.idleTimeout = s.idleTimeout;
    c.lifetimes.ike = s.ikeLifetime;
    c.lifetimes.ipsec = s.ipsecLifetime;
    c.lifetimes.ipsecKb = s.ipsecLifetimeKb;
    ShiftSpis(c, block);
    return c;
}

AnyConnectConfig
ToAnyConnectConfig(const EndpointSettings& s)
{
    AnyConnectConfig c;
    c.dpd = s.anyConnectDpd;
    c.keepalive = s.anyConnectKeepalive;
    c.idleTimeout = s.idleTimeout;
    c.client.host = wire::Ipv4ToString(s.remoteAddress);
    return c;
}

std::optional<std::string>
Validate(const EndpointSettings& s)
{
    if (s.localAddress == 0)
    {
        return "local address: a non-zero IPv4 address is needed";
    }
    if (s.role == EndpointRole::Client && s.remoteAddress == 0)
    {
        return "remote address: a client needs its headend's non-zero IPv4 address";
    }
    // Each tunnel of a client takes the next source port and the next SPI block.
    if (auto refusal = parameter::kTunnels.Check(uint64_t{s.tunnels}))
    {
        return *refusal;
    }
    if (s.role == EndpointRole::Headend && s.tunnels != 1)
    {
        return "tunnels: a headend has 1 (one per client that arrives)";
    }
    if (s.tunnels > 1 && s.encapsulation != Encapsulation::Ctcp)
    {
        return "tunnels: more than 1 only with ctcp (each tunnel has a TCP source port of its "
               "own; IKE and NAT-T have one UDP port each per host)";
    }
    if (s.clientPort != 0 && uint32_t{s.clientPort} + s.tunnels - 1 > kClientPortHighest)
    {
        return "client port: the tunnels' ports must stay within 1.."
               + std::to_string(kClientPortHighest);
    }
    if (s.encapsulation == Encapsulation::AnyConnect)
    {
        return std::nullopt;
    }
    // A headend's tunnels answer where each client is seen; its own address stands in here.
    uint32_t remote = s.role == EndpointRole::Client ? s.remoteAddress : s.localAddress;
    return IpsecTunnel::Validate(ToIpsecConfig(s, s.tunnels - 1, remote, s.clientPort));
}

} // namespace engine
} // namespace vpnsim
