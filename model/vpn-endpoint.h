/*
 * A VPN endpoint on an ns-3 node: the Cisco VPN Client or the ASA headend, carrying the node's
 * inner traffic through a tunnel interface (VirtualNetDevice) over cTCP, NAT-T, native ESP or
 * AnyConnect. All protocol behaviour is model/engine's; this class only connects it to ns-3:
 *
 * - cTCP: the engine's own TCP segments through a raw IPv4 socket (protocol 6); the node's TCP
 *   stack is kept from answering them by an endpoint on the cTCP port that swallows them;
 * - NAT-T: UDP sockets on 500 and 4500; native ESP: a raw socket for protocol 50 and UDP 500;
 * - AnyConnect: ns-3's own TCP (TcpSocketBase) to port 443, so losses are really repaired.
 *
 * Trace sources: TunnelState (up/down with the reason), InnerTx/InnerRx (the inner packets),
 * OuterTx/OuterRx (what the engine put on and took off the outer wire), Drop (a packet the
 * engine dropped, with the reason) and Dpd (liveness messages: DPD, keepalives, peer dead).
 */
#ifndef VPNSIM_VPN_ENDPOINT_H
#define VPNSIM_VPN_ENDPOINT_H

#include "model/engine/anyconnect-tunnel.h"
#include "model/engine/ipsec-tunnel.h"
#include "model/engine/tunnel-events.h"
#include "model/simulator-host.h"
#include "ns3/application.h"
#include "ns3/ipv4-address.h"
#include "ns3/socket.h"
#include "ns3/traced-callback.h"
#include "ns3/virtual-net-device.h"

#include <deque>
#include <memory>
#include <string>

namespace ns3
{

class Ipv4EndPoint;

/// One end of a remote-access VPN.
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

    /// The inner interface whose traffic the tunnel carries (set by VpnHelper).
    void SetTunnelDevice(Ptr<VirtualNetDevice> device);
    Ptr<VirtualNetDevice> GetTunnelDevice() const;

    /// Whether the tunnel is up now.
    bool IsUp() const;

    /// The last state change: state, reason ("" when up), detail.
    const vpnsim::engine::TunnelStatus& GetStatus() const;

    /// When the tunnel last went down (Seconds(-1) if it never did).
    Time GetDownTime() const;

    /// The engine's IPsec tunnel (null for AnyConnect, and before the application starts):
    /// its own counters, and its SAs (OutboundSa, InboundSa) to decrypt captures.
    const vpnsim::engine::IpsecTunnel* GetIpsecTunnel() const;

    /// The engine's AnyConnect tunnel (null for IPsec, and before the application starts).
    const vpnsim::engine::AnyConnectTunnel* GetAnyConnectTunnel() const;

    /// What the endpoint counted: the tunnel's counters, the same for every encapsulation
    /// (fields a kind does not have stay 0), and the outer packets and bytes this end put on
    /// and took off the wire (AnyConnect: stream writes and reads, TLS records included).
    struct Counters : public vpnsim::engine::TunnelCounters
    {
        uint64_t outerPacketsSent{0};
        uint64_t outerBytesSent{0};
        uint64_t outerPacketsReceived{0};
        uint64_t outerBytesReceived{0};
    };

    /// The counters so far (all 0 before the application starts).
    Counters GetCounters() const;

    /// Fixes the random streams used by this endpoint; returns how many it used.
    int64_t AssignStreams(int64_t stream);

    /// Signature of the TunnelState trace: state ("up"/"down"), reason, detail.
    typedef void (*TunnelStateCallback)(std::string state, std::string reason, std::string detail);

    /// Signature of the Drop trace: what was dropped (the inner packet, the ESP packet, the
    /// outer datagram or segment, or the stream chunk; empty if the engine never had its
    /// bytes) and why: "not-up", "esp-icv", "esp-replay", "esp-malformed", "framing", ...
    /// (vpnsim::engine::DropReason).
    typedef void (*DropCallback)(Ptr<const Packet> packet, std::string reason);

    /// Signature of the Dpd trace: "r-u-there-sent", "r-u-there-ack-received",
    /// "nat-keepalive-sent", "cstp-dpd-request-sent", "cstp-keepalive-received", "peer-dead",
    /// ... (vpnsim::engine::LivenessEvent).
    typedef void (*DpdCallback)(std::string event);

  private:
    void StartApplication() override;
    void StopApplication() override;
    void DoDispose() override;

    void CreateEngine();
    void OpenSockets();
    void OnStatus(const vpnsim::engine::TunnelStatus& status);
    vpnsim::engine::TunnelObserver MakeObserver();
    void OnDrop(vpnsim::engine::DropReason reason, vpnsim::wire::ByteView packet,
                const std::string& detail);
    void OnLiveness(vpnsim::engine::LivenessEvent event);
    void OuterSent(Ptr<const Packet> packet);
    void OuterReceived(Ptr<const Packet> packet);
    bool OnTunnelSend(Ptr<Packet> packet, const Address& source, const Address& dest,
                      uint16_t protocol);
    void SendOuter(const vpnsim::engine::OuterPacket& packet);
    void SendStream(vpnsim::wire::ByteView bytes);
    void DeliverInner(vpnsim::wire::ByteView inner);
    void ReceiveUdp(Ptr<Socket> socket);
    void ReceiveRaw(Ptr<Socket> socket);
    void ReceiveStream(Ptr<Socket> socket);
    void DrainStream(Ptr<Socket> socket, uint32_t available);
    void Accept(Ptr<Socket> socket, const Address& from);
    void Connected(Ptr<Socket> socket);
    void ConnectFailed(Ptr<Socket> socket);
    Ptr<Socket> MakeUdp(uint16_t port);
    Ptr<Socket> MakeRaw(uint16_t protocol);

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
    uint32_t m_clientToHeadendSpi{0xc0ffee01};
    uint32_t m_headendToClientSpi{0xc0ffee02};
    Time m_natKeepalive{Seconds(20)};
    Time m_idleTimeout{Minutes(30)};
    Time m_anyConnectDpd{Seconds(30)};
    Time m_anyConnectKeepalive{Seconds(20)};

    SimulatorHost m_host;
    Ptr<UniformRandomVariable> m_portRandom;
    std::unique_ptr<vpnsim::engine::IpsecTunnel> m_ipsec;
    std::unique_ptr<vpnsim::engine::AnyConnectTunnel> m_anyconnect;
    Ptr<VirtualNetDevice> m_tunnel;
    Ptr<Socket> m_udp500;
    Ptr<Socket> m_udp4500;
    Ptr<Socket> m_raw;
    Ptr<Socket> m_listen;
    Ptr<Socket> m_stream;
    std::deque<uint8_t> m_streamBacklog; ///< bytes the TCP send buffer had no room for
    Ipv4EndPoint* m_tcpGuard{nullptr};
    uint16_t m_clientPort{0};
    vpnsim::engine::TunnelStatus m_status;
    Time m_downTime{Seconds(-1)};
    Counters m_outer; ///< only the outer fields; GetCounters adds the engine's

    TracedCallback<std::string, std::string, std::string> m_stateTrace;
    TracedCallback<Ptr<const Packet>> m_innerTxTrace;
    TracedCallback<Ptr<const Packet>> m_innerRxTrace;
    TracedCallback<Ptr<const Packet>> m_outerTxTrace;
    TracedCallback<Ptr<const Packet>> m_outerRxTrace;
    TracedCallback<Ptr<const Packet>, std::string> m_dropTrace;
    TracedCallback<std::string> m_dpdTrace;
};

} // namespace ns3

#endif // VPNSIM_VPN_ENDPOINT_H
