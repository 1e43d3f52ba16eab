/*
 * A VPN endpoint on an ns-3 node: the Cisco VPN Client, or the ASA headend serving any number
 * of clients, carrying the node's inner traffic through a tunnel interface (VirtualNetDevice)
 * over cTCP, NAT-T, native ESP or AnyConnect. The endpoint itself, its tunnels and every
 * protocol decision are vpnsim::engine::Endpoint's (model/engine/endpoint.h); this class only
 * connects it to ns-3:
 *
 * - cTCP: the engine's own TCP segments through a raw IPv4 socket (protocol 6); the node's TCP
 *   stack is kept from answering them by an endpoint on the cTCP port that swallows them;
 * - NAT-T: UDP sockets on 500 and 4500; native ESP: a raw socket for protocol 50 and UDP 500;
 * - AnyConnect: ns-3's own TCP (TcpSocketBase) to port 443, so losses are really repaired; a
 *   headend accepts one connection per client.
 *
 * A headend has one set of sockets and one tunnel interface for all its clients. VpnHelper
 * tells it each client it may serve (AddClient), so that inner packets find their client's
 * tunnel (model/engine/inner-routes.h).
 *
 * Native ESP through a PAT: ESP has no ports, so the PAT tells ESP flows apart by address
 * only (NatDevice's pass-through keeps one inside host per outside peer, "esp-peer-in-use"):
 * behind one PAT only one native-ESP client at a time reaches a given headend.
 *
 * Trace sources: TunnelState (up/down with the reason; at a headend, any client's tunnel),
 * ClientState (the same with the client's number, for a headend's clients), InnerTx/InnerRx
 * (the inner packets), OuterTx/OuterRx (what the engine put on and took off the outer wire),
 * Drop (a packet the engine dropped, with the reason; at a headend also packets that belong
 * to no client, "no-client", and inner packets for no client, "no-route") and Dpd (liveness
 * messages: DPD, keepalives, peer dead).
 */
#ifndef VPNSIM_VPN_ENDPOINT_H
#define VPNSIM_VPN_ENDPOINT_H

#include "model/engine/endpoint.h"
#include "model/simulator-clock.h"
#include "ns3/application.h"
#include "ns3/ipv4-address.h"
#include "ns3/random-variable-stream.h"
#include "ns3/socket.h"
#include "ns3/traced-callback.h"
#include "ns3/virtual-net-device.h"

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace ns3
{

class Ipv4EndPoint;

/// One end of a remote-access VPN: a client, or a headend and all its clients' tunnels.
class VpnEndpoint : public Application
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

    /// Signature of the TunnelState trace: state ("up"/"down"), reason, detail.
    typedef void (*TunnelStateCallback)(std::string state, std::string reason, std::string detail);

    /// Signature of the ClientState trace: the client's number (GetClient), then as
    /// TunnelState.
    typedef void (*ClientStateCallback)(uint32_t client, std::string state, std::string reason,
                                        std::string detail);

    /// Signature of the Drop trace: what was dropped (the inner packet, the ESP packet, the
    /// outer datagram or segment, or the stream chunk; empty if the engine never had its
    /// bytes) and why: "not-up", "esp-icv", "esp-replay", "esp-malformed", "framing", ...
    /// (vpnsim::engine::DropReason), or at a headend "no-client", "no-route", ...
    typedef void (*DropCallback)(Ptr<const Packet> packet, std::string reason);

    /// Signature of the Dpd trace: "r-u-there-sent", "r-u-there-ack-received",
    /// "nat-keepalive-sent", "cstp-dpd-request-sent", "cstp-keepalive-received", "peer-dead",
    /// ... (vpnsim::engine::LivenessEvent).
    typedef void (*DpdCallback)(std::string event);

  private:
    class EngineHost;

    /// One AnyConnect TCP connection and the bytes its send buffer had no room for yet.
    struct Stream
    {
        Ptr<Socket> socket;
        std::deque<uint8_t> backlog;
    };

    void StartApplication() override;
    void StopApplication() override;
    void DoDispose() override;

    vpnsim::engine::EndpointSettings Settings() const;
    void OpenSockets();
    bool OnTunnelSend(Ptr<Packet> packet, const Address& source, const Address& dest,
                      uint16_t protocol);
    void ReceiveUdp(Ptr<Socket> socket);
    void ReceiveRaw(Ptr<Socket> socket);
    void Accept(Ptr<Socket> socket, const Address& from);
    void Connected(Ptr<Socket> socket);
    void ConnectFailed(Ptr<Socket> socket);
    void OpenStream(vpnsim::engine::TunnelId tunnel, Ptr<Socket> socket);
    void ReceiveStream(Ptr<Socket> socket);
    void DrainStream(Ptr<Socket> socket, uint32_t available);
    Ptr<Socket> MakeUdp(uint16_t port);
    Ptr<Socket> MakeRaw(uint16_t protocol);
    /// An AnyConnect TCP socket with the segment size of the AnyConnectSegmentSize attribute.
    Ptr<Socket> MakeStream();

    // Attributes.
    Role m_role{CLIENT};
    Encapsulation m_encapsulation{CTCP};
    Ipv4Address m_local;
    Ipv4Address m_remote;
    std::string m_transform{"aes-cbc-128-hmac-sha1-96"};
    uint16_t m_ctcpPort{10000};
    uint16_t m_anyConnectPort{443};
    Time m_peerTimeout{Seconds(90)};
    Time m_clientDpdIdle{Seconds(10)};
    Time m_clientDpdRetry{Seconds(5)};
    Time m_asaThreshold{Seconds(300)};
    Time m_asaRetry{Seconds(2)};
    uint32_t m_asaRetries{3};
    uint8_t m_keySeed{0x42};
    uint32_t m_clientToHeadendSpi{vpnsim::engine::kDefaultClientToHeadendSpi};
    uint32_t m_headendToClientSpi{vpnsim::engine::kDefaultHeadendToClientSpi};
    Time m_natKeepalive{Seconds(20)};
    Time m_idleTimeout{Minutes(30)};
    Time m_anyConnectDpd{Seconds(30)};
    Time m_anyConnectKeepalive{Seconds(20)};
    uint32_t m_anyConnectSegmentSize{0}; ///< 0: from the outer interface's MTU

    SimulatorClock m_clock;
    Ptr<UniformRandomVariable> m_portRandom;
    Ptr<VirtualNetDevice> m_tunnel;
    Ptr<Socket> m_udp500;
    Ptr<Socket> m_udp4500;
    Ptr<Socket> m_raw;
    Ptr<Socket> m_listen;
    Ptr<Socket> m_connecting; ///< the client's AnyConnect connection until it is open
    Ipv4EndPoint* m_tcpGuard{nullptr};
    std::map<Ptr<Socket>, vpnsim::engine::TunnelId> m_streamTunnel;
    std::map<vpnsim::engine::TunnelId, Stream> m_streams;
    /// Clients told of before the engine endpoint exists (it is built at start).
    std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> m_expected;
    // Last, so that the tunnels go before the clock their timers live on.
    std::unique_ptr<EngineHost> m_host;
    std::unique_ptr<vpnsim::engine::Endpoint> m_endpoint;

    TracedCallback<std::string, std::string, std::string> m_stateTrace;
    TracedCallback<uint32_t, std::string, std::string, std::string> m_clientStateTrace;
    TracedCallback<Ptr<const Packet>> m_innerTxTrace;
    TracedCallback<Ptr<const Packet>> m_innerRxTrace;
    TracedCallback<Ptr<const Packet>> m_outerTxTrace;
    TracedCallback<Ptr<const Packet>> m_outerRxTrace;
    TracedCallback<Ptr<const Packet>, std::string> m_dropTrace;
    TracedCallback<std::string> m_dpdTrace;
};

} // namespace ns3

#endif // VPNSIM_VPN_ENDPOINT_H
