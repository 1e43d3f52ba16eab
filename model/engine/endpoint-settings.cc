#include "model/engine/endpoint-settings.h"

#include "model/wire/ipv4-header.h"

namespace vpnsim
{
namespace engine
{

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
