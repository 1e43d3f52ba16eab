/*
 * A VPN endpoint on an ns-3 node: the Cisco VPN Client, or the ASA headend serving any number
 * of clients, carrying the node's inner traffic through a tunnel interface (VirtualNetDevice)
 * over cTCP, NAT-T, native ESP or AnyConnect. The endpoint itself, its tunnels and every
 * protocol decision are vpnsim::engine::Endpoint's (model/engine/endpoint.h); this class only
 * connects it to ns-3: its attributes (the engine's parameter table, model/engine/endpoint-config.h),
 * its sockets (model/vpn-sockets.h), its trace sources (model/vpn-endpoint-traces.h) and the
 * engine's view of the node (model/vpn-engine-host.h).
 *
 * A headend has one set of sockets and one tunnel interface for all its clients. VpnHelper
 * tells it each client it may serve (AddClient), so that inner packets find their client's
 * tunnel (model/engine/inner-routes.h).
 *
 * Native ESP through a PAT: ESP has no ports, so the PAT tells ESP flows apart by address
 * only (NatDevice's pass-through keeps one inside host per outside peer, "esp-peer-in-use"):
 * behind one PAT only one native-ESP client at a time reaches a given headend.
 */
#ifndef VPNSIM_VPN_ENDPOINT_H
#define VPNSIM_VPN_ENDPOINT_H

#include "model/engine/endpoint.h"
#include "model/simulator-clock.h"
#include "model/vpn-endpoint-traces.h"
#include "ns3/application.h"
#include "ns3/ipv4-address.h"
#include "ns3/random-variable-stream.h"
#include "ns3/virtual-net-device.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace ns3
{

class VpnSockets;

/// One end of a remote-access VPN: a client, or a headend and all its clients' tunnels.
class VpnEndpoint : public Application, public VpnEndpointTraces
{
  public:
    /// Which end.
    enum Role
    {
        CLIENT,
        HEADEND,
    };

    /// How the tunnel crosses the network.
    enum Encapsulation
    {
        CTCP,
        NATT,
        ESP,
        ANYCONNECT,
    };

    static TypeId GetTypeId();
    VpnEndpoint();
    ~VpnEndpoint() override;

    /// The inner interface whose traffic the tunnels carry (set by VpnHelper).
    void SetTunnelDevice(Ptr<VirtualNetDevice> device);
    Ptr<VirtualNetDevice> GetTunnelDevice() const;

    /// Headend: one client it may serve, its inner address, the SPI it offers in Quick Mode
    /// (IPsec; 0 if unknown) and the outer address the headend is expected to see it at (its
    /// own, or its NAT's; Any if unknown). Call before the simulation reaches the client's
    /// first packet.
    void AddClient(Ipv4Address innerAddress, uint32_t offeredSpi, Ipv4Address expectedOuter);

    /// Headend: how many clients AddClient told it of.
    uint32_t GetConfiguredClients() const;

    /// What the endpoint counted; a headend's are the sum over its clients.
    using Counters = vpnsim::engine::EndpointCounters;

    // The first tunnel: the client's, or the headend's first client's. A headend with no
    // client yet is down with no reason, and has no engine tunnel.

    /// Whether the (first) tunnel is up now.
    bool IsUp() const;

    /// The (first) tunnel's last state change: state, reason ("" when up), detail.
    const vpnsim::engine::TunnelStatus& GetStatus() const;

    /// When the (first) tunnel last went down (Seconds(-1) if it never did).
    Time GetDownTime() const;

    /// The (first) engine IPsec tunnel (null for AnyConnect, and before there is one): its own
    /// counters, and its SAs (OutboundSa, InboundSa) to decrypt captures.
    const vpnsim::engine::IpsecTunnel* GetIpsecTunnel() const;

    /// The (first) engine AnyConnect tunnel (null for IPsec, and before there is one).
    const vpnsim::engine::AnyConnectTunnel* GetAnyConnectTunnel() const;

    /// The counters so far (all 0 before there is a tunnel); a headend's summed over clients.
    Counters GetCounters() const;

    /// Headend: how many clients it has a tunnel for (a client: 1 once started).
    uint32_t GetClientCount() const;

    /// One tunnel of the endpoint: a headend's `index`-th client (in order of arrival), or
    /// the client's own (index 0). Valid until the application is disposed.
    const vpnsim::engine::EndpointTunnel& GetClient(uint32_t index) const;

    /// Headend: the client whose inner address is `innerAddress`, if one has it.
    std::optional<uint32_t> FindClient(Ipv4Address innerAddress) const;

    /// Headend: packets that belonged to no client ("no-client", "other-port", "malformed")
    /// and inner packets with no client to go to ("no-route").
    const std::map<std::string, uint64_t>& GetUnclaimed() const;

    /// Fixes the random streams used by this endpoint; returns how many it used.
    int64_t AssignStreams(int64_t stream);

  private:
    class EngineHost;

    void StartApplication() override;
    void StopApplication() override;
    void DoDispose() override;

    /// The engine's settings: the table's parameters and the other attributes.
    vpnsim::engine::EndpointSettings Settings() const;
    bool OnTunnelSend(Ptr<Packet> packet, const Address& source, const Address& dest,
                      uint16_t protocol);

    // Attributes; the engine's parameters (the table's) are kept in m_parameters.
    Role m_role{CLIENT};
    Encapsulation m_encapsulation{CTCP};
    Ipv4Address m_local;
    Ipv4Address m_remote;
    std::string m_transform{"aes-cbc-128-hmac-sha1-96"};
    vpnsim::engine::EndpointSettings m_parameters;

    SimulatorClock m_clock;
    Ptr<UniformRandomVariable> m_portRandom;
    Ptr<VirtualNetDevice> m_tunnel;
    /// Clients told of before the engine endpoint exists (it is built at start).
    std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> m_expected;
    // Last, so that the tunnels go before the clock their timers live on, and the sockets
    // before the endpoint they deliver to.
    std::unique_ptr<EngineHost> m_host;
    std::unique_ptr<vpnsim::engine::Endpoint> m_endpoint;
    std::unique_ptr<VpnSockets> m_sockets;
};

} // namespace ns3

#endif // VPNSIM_VPN_ENDPOINT_H
