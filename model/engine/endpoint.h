/*
 * One VPN endpoint without I/O: the Cisco VPN Client, or the ASA headend serving any number of
 * clients, each through a tunnel of its own (an IpsecTunnel over cTCP, NAT-T or native ESP, or
 * an AnyConnectTunnel). It is what both drivers run: the ns-3 VpnEndpoint over simulated
 * sockets and the runner over real ones. A driver hands it outer packets (datagrams, or whole
 * IPv4 datagrams from a raw socket), stream bytes, inner packets and time; it answers through
 * the driver's EndpointHost with outer packets, stream bytes, inner packets, timers and events.
 *
 * What it decides, so that no driver does:
 * - which tunnel an outer packet belongs to: a client's packets from its headend (the raw
 *   filter, RawDemux), a headend's by HeadendDemux (cTCP by address and port, IKE by
 *   initiator cookie, ESP by SPI, NAT-keepalives by their 4500 source);
 * - when a packet starts a new client at a headend, and that client's SPIs and keys: its
 *   n-th client receives on ClientToHeadendSpi + n * 256 (SPI block n, ShiftSpis), offered
 *   in Quick Mode; each end sends with what the other offered (RFC 2409 section 5.5);
 * - where an inner packet goes (InnerRoutes);
 * - where a peer is seen: a datagram tunnel's by its transport (which follows a NAT and
 *   floats to 4500), a cTCP connection's by its address and TCP source port;
 * - a client's cTCP source port, drawn as the Cisco client draws it.
 */
#ifndef VPNSIM_ENGINE_ENDPOINT_H
#define VPNSIM_ENGINE_ENDPOINT_H

#include "model/engine/endpoint-settings.h"
#include "model/engine/headend-demux.h"
#include "model/engine/host.h"
#include "model/engine/inner-routes.h"
#include "model/engine/raw-demux.h"
#include "model/engine/tunnel.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vpnsim
{
namespace engine
{

class AnyConnectTunnel;
class IpsecTunnel;

/// What an endpoint counted for one tunnel: the tunnel's own counters and the outer packets
/// and bytes put on and taken off the wire for it (AnyConnect: stream writes and reads).
struct EndpointCounters : public TunnelCounters
{
    uint64_t outerPacketsSent{0};
    uint64_t outerBytesSent{0};
    uint64_t outerPacketsReceived{0};
    uint64_t outerBytesReceived{0};

    /// Adds every field of `other` (a headend's total over its clients).
    EndpointCounters& operator+=(const EndpointCounters& other);
};

/// The driver of an Endpoint. Host carries time, timers, randomness, outer packets and inner
/// deliveries for all the endpoint's tunnels; what needs to name a tunnel is here.
class EndpointHost : public Host
{
  public:
    /// Bytes for the stream that carries `tunnel` (AnyConnect: each client has its own).
    virtual void SendTunnelStream(TunnelId tunnel, wire::ByteView bytes) = 0;

    /// `tunnel` went up or down.
    virtual void TunnelStatusChanged(TunnelId tunnel, const TunnelStatus& status) = 0;

    /// `tunnel` dropped a packet.
    virtual void TunnelDropped(TunnelId tunnel, DropReason reason, wire::ByteView packet,
                               const std::string& detail) = 0;

    /// `tunnel` sent or received a liveness message, or gave its peer up.
    virtual void TunnelLiveness(TunnelId tunnel, LivenessEvent event) = 0;

    /// An outer packet (or stream chunk) is about to go to `tunnel`.
    virtual void OuterReceived(TunnelId tunnel, wire::ByteView packet) = 0;

    /// A packet that belongs to no tunnel (a headend's "no-client", "malformed", inner packets
    /// with "no-route"); raw-socket traffic that is not VPN traffic at all is only counted.
    virtual void Unclaimed(const std::string& reason, wire::ByteView packet) = 0;

  private:
    /// An endpoint's streams are per tunnel (SendTunnelStream).
    void SendStream(wire::ByteView) final
    {
    }
};

/// A uniform draw in [lowest, highest] from a random stream apart from Host::Random32, so
/// that drawing a port does not move what the tunnels draw.
using PortDraw = std::function<uint16_t(uint16_t lowest, uint16_t highest)>;

/// One tunnel of the endpoint and what the endpoint knows of it.
class EndpointTunnel : public Host
{
  public:
    EndpointTunnel(class Endpoint& owner, TunnelId id);
    ~EndpointTunnel() override;
    EndpointTunnel(const EndpointTunnel&) = delete;
    EndpointTunnel& operator=(const EndpointTunnel&) = delete;

    TunnelId Id() const
    {
        return m_id;
    }

    bool IsUp() const
    {
        return m_status.state == TunnelState::Up;
    }

    const TunnelStatus& Status() const
    {
        return m_status;
    }

    /// When the tunnel last went down, if it did.
    std::optional<Nanos> DownAt() const
    {
        return m_downAt;
    }

    /// The tunnel's counters and the outer ones.
    EndpointCounters Counters() const;

    /// Where the peer is seen (for a client behind a NAT: the NAT's address and the port it
    /// gave the client; NAT-T: its IKE port, 4500 once floated).
    PeerAddress Peer() const;

    /// The inner address routed to this tunnel (0 until it has one).
    uint32_t InnerAddress() const;

    /// The engine tunnel (null before it is made), and each kind's view of it.
    const Tunnel* Get() const
    {
        return m_tunnel.get();
    }

    const IpsecTunnel* Ipsec() const;
    const AnyConnectTunnel* AnyConnect() const;

    // Host: the tunnel's way out, through the endpoint.
    Nanos Now() const override;
    void SendOuter(const OuterPacket& packet) override;
    void SendStream(wire::ByteView bytes) override;
    void DeliverInner(wire::ByteView innerPacket) override;
    TimerId StartTimer(Nanos at, std::function<void()> callback) override;
    void CancelTimer(TimerId id) override;
    uint32_t Random32() override;

  private:
    friend class Endpoint;

    void Make(std::unique_ptr<Tunnel> tunnel);
    void Received(const OuterPacket& packet);

    Endpoint& m_owner;
    TunnelId m_id;
    TunnelStatus m_status;
    std::optional<Nanos> m_downAt;
    EndpointCounters m_outer; ///< only the outer fields; Counters() adds the tunnel's
    PeerAddress m_peer;
    // Last, so that it goes first: its destructor cancels timers through this Host.
    std::unique_ptr<Tunnel> m_tunnel;
};

/// A VPN endpoint and its tunnels.
class Endpoint
{
  public:
    /// `settings` must pass Validate (endpoint-settings.h). The client's source ports are
    /// drawn here, so that a driver can open its sockets before Start.
    Endpoint(EndpointHost& host, EndpointSettings settings, const PortDraw& drawPort);
    ~Endpoint();
    Endpoint(const Endpoint&) = delete;
    Endpoint& operator=(const Endpoint&) = delete;

    const EndpointSettings& Settings() const
    {
        return m_settings;
    }

    /// The local TCP port of a client's `tunnel`-th cTCP connection (a headend: its cTCP port).
    uint16_t CtcpLocalPort(TunnelId tunnel = 0) const;

    /// Headend: a client it may serve (inner-routes.h). Before that client's first packet.
    void ExpectClient(uint32_t inner, uint32_t offeredSpi, uint32_t outer);

    /// Headend: how many clients ExpectClient told it of.
    size_t ExpectedClients() const
    {
        return m_routes.Expected();
    }

    /// Headend: its address on the tunnel network, and the network's mask (host order).
    void SetTunnelNetwork(uint32_t local, uint32_t mask);

    /// Client: makes its tunnels; IPsec ones start (IKE). AnyConnect waits for StreamOpened.
    void Start();

    /// Headend (AnyConnect): a client's stream was accepted from `peer`; returns its tunnel.
    TunnelId Accept(PeerAddress peer);

    /// The stream of `tunnel` is open: its AnyConnect tunnel starts.
    void StreamOpened(TunnelId tunnel);

    /// The stream of `tunnel` could not be opened, or closed under it: the tunnel is down.
    void StreamClosed(TunnelId tunnel, const std::string& detail);

    /// A datagram from a UDP socket (500 or 4500), or an already-parsed raw one.
    void ReceiveOuter(const OuterPacket& packet);

    /// A UDP payload that arrived on local port `localPort`; false (and not taken) if the
    /// encapsulation has no use for that port (IKE 500; NAT-T also 4500).
    bool ReceiveUdp(uint32_t source, uint16_t sourcePort, uint16_t localPort,
                    wire::ByteView payload);

    /// A datagram from a raw IPv4 socket, IPv4 header first: the raw filter decides whether
    /// it is the endpoint's (the verdict says why not).
    RawVerdict ReceiveRaw(wire::ByteView datagram);

    /// The same for a raw socket that hands up the header already parsed.
    RawVerdict ReceiveRaw(const wire::Ipv4Header& header, wire::ByteView payload);

    /// Bytes of the stream that carries `tunnel`.
    void ReceiveStream(TunnelId tunnel, wire::ByteView chunk);

    /// An inner IPv4 packet to send: a client's through its tunnel (with several: the one
    /// whose inner address is its source), a headend's to the client it is addressed to.
    void SendInner(wire::ByteView innerPacket);

    /// An inner packet through one given tunnel.
    void SendInner(TunnelId tunnel, wire::ByteView innerPacket);

    /// Client with several tunnels: `tunnel` sends from `inner`.
    void ClaimInnerAddress(TunnelId tunnel, uint32_t inner);

    /// The tunnels so far: a client's from Start, a headend's in order of arrival.
    size_t TunnelCount() const
    {
        return m_tunnels.size();
    }

    const EndpointTunnel& GetTunnel(TunnelId tunnel) const;

    /// The tunnel an inner address is routed to.
    std::optional<TunnelId> FindTunnel(uint32_t innerAddress) const;

    /// Every tunnel's counters added up.
    EndpointCounters TotalCounters() const;

    /// What belonged to no tunnel, by reason.
    const std::map<std::string, uint64_t>& Unclaimed() const
    {
        return m_unclaimed;
    }

  private:
    friend class EndpointTunnel;

    EndpointTunnel& NewTunnel();
    void StartIpsec(EndpointTunnel& tunnel, uint32_t block, uint32_t remote, uint16_t port);
    void Dispatch(const OuterPacket& packet);
    void Claim(const std::string& reason, wire::ByteView packet);
    void Status(EndpointTunnel& tunnel, const TunnelStatus& status);
    void Deliver(EndpointTunnel& tunnel, wire::ByteView inner);
    bool Ended(TunnelId tunnel) const;
    bool UsesRaw() const;

    EndpointHost& m_host;
    EndpointSettings m_settings;
    bool m_client;
    std::vector<uint16_t> m_clientPorts;
    RawDemuxConfig m_raw;
    HeadendDemux m_demux;
    InnerRoutes m_routes;
    std::map<std::string, uint64_t> m_unclaimed;
    // Last, so that the tunnels go while everything they report to is still there.
    std::vector<std::unique_ptr<EndpointTunnel>> m_tunnels;
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_ENDPOINT_H
