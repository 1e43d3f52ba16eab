/*
 * One tunnel of a VpnEndpoint: the client's only one, or one of the tunnels of a headend that
 * serves many clients. It holds the engine tunnel (IpsecTunnel or AnyConnectTunnel), is the
 * engine's Host for it, and keeps that tunnel's status and counters.
 *
 * Time, timers and randomness are the endpoint's (one SimulatorClock, so one random stream per
 * endpoint however many clients it has); outer packets and inner packets go through the
 * endpoint, which owns the sockets and the tunnel interface. An AnyConnect session also owns
 * its TCP connection (the client's, or the one the headend accepted from that client).
 */
#ifndef VPNSIM_VPN_SESSION_H
#define VPNSIM_VPN_SESSION_H

#include "model/engine/anyconnect-tunnel.h"
#include "model/engine/ipsec-tunnel.h"
#include "model/engine/tunnel-events.h"
#include "model/simulator-clock.h"
#include "ns3/ipv4-address.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/socket.h"

#include <deque>
#include <memory>

namespace ns3
{

class VpnEndpoint;

/// What an endpoint counted for one tunnel: the tunnel's counters, the same for every
/// encapsulation (fields a kind does not have stay 0), and the outer packets and bytes put on
/// and taken off the wire for it (AnyConnect: stream writes and reads, TLS records included).
struct VpnCounters : public vpnsim::engine::TunnelCounters
{
    uint64_t outerPacketsSent{0};
    uint64_t outerBytesSent{0};
    uint64_t outerPacketsReceived{0};
    uint64_t outerBytesReceived{0};

    /// Adds every field of `other` (a headend's total over its clients).
    VpnCounters& operator+=(const VpnCounters& other);
};

/// One engine tunnel of an endpoint, and the engine Host it runs on.
class VpnSession : public vpnsim::engine::Host
{
  public:
    /// `index` is the endpoint's number for this tunnel (0 for a client's; a headend's clients
    /// in the order they arrived).
    VpnSession(VpnEndpoint& owner, SimulatorClock& clock, uint32_t index);
    ~VpnSession() override;
    VpnSession(const VpnSession&) = delete;
    VpnSession& operator=(const VpnSession&) = delete;

    /// Creates the IPsec tunnel and starts it (the client starts IKE; a headend waits).
    void StartIpsec(vpnsim::engine::IpsecRole role, const vpnsim::engine::IpsecTunnelConfig& c);

    /// Creates the AnyConnect tunnel; it starts once the stream is open (StreamOpened).
    void CreateAnyConnect(vpnsim::engine::AnyConnectRole role,
                          const vpnsim::engine::AnyConnectConfig& c);

    /// The TCP connection carrying this AnyConnect tunnel is open: CSTP starts on it.
    void StreamOpened(Ptr<Socket> stream);

    /// The TCP connection could not be opened: the tunnel is down.
    void StreamFailed(const std::string& detail);

    /// One packet from the outer wire for this tunnel (`packet` is what the OuterRx trace and
    /// the counters see); its source becomes the peer's observed address and port.
    void Receive(const vpnsim::engine::OuterPacket& outer, Ptr<const Packet> packet);

    /// Sends one inner packet through the tunnel.
    void SendInner(vpnsim::wire::ByteView inner);

    /// Cancels nothing (timers are the endpoint's) but closes the stream, if any.
    void Close();

    uint32_t GetIndex() const
    {
        return m_index;
    }

    bool IsUp() const
    {
        return m_status.state == vpnsim::engine::TunnelState::Up;
    }

    const vpnsim::engine::TunnelStatus& GetStatus() const
    {
        return m_status;
    }

    /// When the tunnel went down (Seconds(-1) if it never did).
    Time GetDownTime() const
    {
        return m_downTime;
    }

    const vpnsim::engine::IpsecTunnel* GetIpsecTunnel() const
    {
        return m_ipsec.get();
    }

    const vpnsim::engine::AnyConnectTunnel* GetAnyConnectTunnel() const
    {
        return m_anyconnect.get();
    }

    /// The engine's counters and the outer ones.
    VpnCounters GetCounters() const;

    /// Where the peer is seen (for a client behind a NAT: the NAT's address, and the port it
    /// gave the client). NAT-T and native ESP: where its last authenticated packet came from
    /// (the engine follows the peer; the port is its IKE port, 4500 once floated, else 500);
    /// cTCP: the connection's remote end; AnyConnect: the accepted connection's.
    Ipv4Address GetPeerAddress() const;
    uint16_t GetPeerPort() const;

    /// Records where the peer is seen (AnyConnect: at accept; a client: its headend).
    void SetPeer(Ipv4Address address, uint16_t port);

    /// The inner address the headend routes to this tunnel (Any until it has one).
    Ipv4Address GetInnerAddress() const
    {
        return m_inner;
    }

    void SetInnerAddress(Ipv4Address inner)
    {
        m_inner = inner;
    }

    // vpnsim::engine::Host
    vpnsim::engine::Nanos Now() const override;
    void SendOuter(const vpnsim::engine::OuterPacket& packet) override;
    void SendStream(vpnsim::wire::ByteView bytes) override;
    void DeliverInner(vpnsim::wire::ByteView innerPacket) override;
    vpnsim::engine::TimerId StartTimer(vpnsim::engine::Nanos at,
                                       std::function<void()> callback) override;
    void CancelTimer(vpnsim::engine::TimerId id) override;
    uint32_t Random32() override;

    /// Counts (and traces, through the endpoint) one packet this tunnel put on the wire.
    void OuterSent(Ptr<const Packet> packet);

  private:
    void OnStatus(const vpnsim::engine::TunnelStatus& status);
    vpnsim::engine::TunnelObserver MakeObserver();
    void OuterReceived(Ptr<const Packet> packet);
    void ReceiveStream(Ptr<Socket> socket);
    void DrainStream(Ptr<Socket> socket, uint32_t available);

    VpnEndpoint& m_owner;
    SimulatorClock& m_clock;
    uint32_t m_index;
    Ptr<Socket> m_stream;
    std::deque<uint8_t> m_streamBacklog; ///< bytes the TCP send buffer had no room for
    vpnsim::engine::TunnelStatus m_status;
    Time m_downTime{Seconds(-1)};
    VpnCounters m_outer; ///< only the outer fields; GetCounters adds the engine's
    Ipv4Address m_peerAddress;
    uint16_t m_peerPort{0};
    Ipv4Address m_inner{Ipv4Address::GetAny()};
    // Last, so that they go first: their destructors cancel timers through this Host.
    std::unique_ptr<vpnsim::engine::IpsecTunnel> m_ipsec;
    std::unique_ptr<vpnsim::engine::AnyConnectTunnel> m_anyconnect;
};

} // namespace ns3

#endif // VPNSIM_VPN_SESSION_H
