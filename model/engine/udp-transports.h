/*
 * The two UDP/IP transports of IPsec, the fixes the tech note points to:
 *
 * - NattTransport: NAT-T (RFC 3948). ESP straight after a UDP 4500 header, IKE behind the
 *   non-ESP marker, NAT-keepalives ignored on receive. IKE starts on UDP 500 and floats to
 *   4500 from the first encrypted Main Mode message (RFC 3947 section 4).
 * - EspTransport: native ESP as IP protocol 50, IKE on UDP 500.
 *
 * Both are plain datagrams: a lost packet is just lost, nothing in the path waits for it.
 */
#ifndef VPNSIM_ENGINE_UDP_TRANSPORTS_H
#define VPNSIM_ENGINE_UDP_TRANSPORTS_H

#include "model/engine/transport.h"
#include "model/wire/isakmp.h"

#include <cstdint>
#include <optional>

namespace vpnsim
{
namespace engine
{

/// Counters shared by the datagram transports.
struct DatagramTransportCounters
{
    uint64_t ikeSent{0};
    uint64_t espSent{0};
    uint64_t keepalivesSent{0};
    uint64_t ikeReceived{0};
    uint64_t espReceived{0};
    uint64_t keepalivesReceived{0};
    uint64_t dropped{0}; ///< malformed or unexpected outer packets
};

/// Common part: addresses, callbacks, counters, UDP sending, following a peer behind a NAT.
class DatagramTransport : public Transport
{
  public:
    DatagramTransport(Host& host, uint32_t localAddress, uint32_t remoteAddress);
    void SetCallbacks(TransportCallbacks callbacks) override;
    void Start() override;
    bool IsReady() const override;
    void PeerConfirmed() override;

    /// Follow the peer to the address and UDP ports it is seen at, as a headend must for a
    /// client behind NAT: the client knows only its private address and ports, and the NAT
    /// rewrites them (RFC 3947/3948: the peer is the source of the packets received). While a
    /// packet is being handled, answers (IKE replies, DPD acks) go back to its source, as any
    /// responder answers a request; a packet that is then accepted (PeerConfirmed) makes its
    /// source the peer for everything later: the address, and the remote port for the local
    /// port it came in on (500 for IKE, 4500 for NAT-T). Unauthenticated packets (a
    /// NAT-keepalive, ESP that fails its ICV) never move the peer.
    void FollowPeer(bool follow);

    /// The peer's address (host order) and the remote ports used toward local 500 and 4500.
    uint32_t RemoteAddress() const
    {
        return m_remote;
    }

    uint16_t RemotePort(uint16_t localPort) const;

    /// The peer's address and its port for this end's current IKE port.
    std::optional<PeerAddress> IkePeer() const override;

    const DatagramTransportCounters& Counters() const
    {
        return m_counters;
    }

  protected:
    /// The local port IKE is sent from now.
    virtual uint16_t IkeLocalPort() const = 0;
    /// Sends from local `sourcePort` to the peer's port for it (`destinationPort` unless a
    /// NAT moved it, see FollowPeer).
    void SendUdp(uint16_t sourcePort, uint16_t destinationPort, wire::ByteView payload);
    /// Where a datagram goes now: the source of the packet being handled, or the peer.
    uint32_t Destination() const;
    void Drop(const std::string& detail);

    /// The source of the packet being handled.
    struct Source
    {
        OuterProtocol protocol;
        uint32_t address;
        uint16_t port;
        uint16_t localPort;
    };

    /// Marks the packet being handled, for answers and PeerConfirmed (derived Receive).
    class Handling
    {
      public:
        Handling(DatagramTransport& transport, const OuterPacket& packet);
        ~Handling();
        Handling(const Handling&) = delete;
        Handling& operator=(const Handling&) = delete;

      private:
        DatagramTransport& m_transport;
        std::optional<Source> m_outer; ///< the packet being handled around this one, if any
    };

    Host& m_host;
    uint32_t m_local;
    uint32_t m_remote;
    TransportCallbacks m_callbacks;
    DatagramTransportCounters m_counters;

  private:
    bool m_follow{false};
    std::optional<Source> m_handling;
    uint16_t m_remoteIkePort;  ///< the peer's port for our 500
    uint16_t m_remoteNattPort; ///< the peer's port for our 4500
};

/// IPsec over UDP 4500 (NAT-T).
class NattTransport : public DatagramTransport
{
  public:
    static constexpr uint16_t kIkePort = wire::kIkePort;

    NattTransport(Host& host, uint32_t localAddress, uint32_t remoteAddress);
    void SendIke(wire::ByteView isakmpMessage) override;
    void SendEsp(wire::ByteView espPacket) override;
    void Receive(const OuterPacket& packet) override;
    /// 8 bytes of UDP header.
    size_t EspOverhead() const override;
    std::string Name() const override;
    void OnIkeEncrypted() override;

    /// Sends one NAT-keepalive (0xFF) on 4500.
    void SendKeepalive();

    /// Whether IKE has moved to 4500.
    bool Floated() const
    {
        return m_floated;
    }

  private:
    uint16_t IkeLocalPort() const override;

    bool m_floated{false};
};

/// Native ESP (IP protocol 50) with IKE on UDP 500.
class EspTransport : public DatagramTransport
{
  public:
    EspTransport(Host& host, uint32_t localAddress, uint32_t remoteAddress);
    void SendIke(wire::ByteView isakmpMessage) override;
    void SendEsp(wire::ByteView espPacket) override;
    void Receive(const OuterPacket& packet) override;
    /// Nothing beyond ESP itself.
    size_t EspOverhead() const override;
    std::string Name() const override;

  private:
    uint16_t IkeLocalPort() const override;
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_UDP_TRANSPORTS_H
