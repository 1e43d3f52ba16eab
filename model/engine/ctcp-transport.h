/*
 * IKE and ESP over a cTCP connection (doc/protocols.md §cTCP segment, §cTCP connection): ESP goes
 * in a segment as it is, IKE goes as a whole UDP 500->500 datagram with checksum 0, each followed
 * by the trailer. The first IKE packet (the trigger) is held back while the SYN is out, as QuickSec
 * does.
 */
#ifndef VPNSIM_ENGINE_CTCP_TRANSPORT_H
#define VPNSIM_ENGINE_CTCP_TRANSPORT_H

#include "model/engine/ctcp-connection.h"
#include "model/engine/transport.h"

#include <optional>

namespace vpnsim
{
namespace engine
{

/// Counters of the encapsulation layer (the connection keeps its own).
struct CtcpTransportCounters
{
    uint64_t ikeSent{0};
    uint64_t espSent{0};
    uint64_t ikeReceived{0};
    uint64_t espReceived{0};
    uint64_t ikeHeld{0};            ///< IKE packets held while the handshake ran
    uint64_t ikeDroppedNotReady{0}; ///< held IKE lost to a handshake timeout, or replaced
    uint64_t espDroppedNotReady{0}; ///< ESP offered while no connection was established
    uint64_t unknownProtocol{0};    ///< segments with trailer proto other than IKE/ESP
};

/// engine::Transport over Cisco cTCP.
class CtcpTransport : public Transport
{
  public:
    /// Initiator for the VPN client, Responder for the headend; addresses in host order.
    CtcpTransport(Host& host, CtcpRole role, uint32_t localAddress, uint32_t remoteAddress,
                  CtcpConfig config = {});

    void SetCallbacks(TransportCallbacks callbacks) override;
    /// Initiator: sends the SYN; responder: listens.
    void Start() override;
    /// True once the handshake has completed.
    bool IsReady() const override;
    /// Sends one ISAKMP message as UDP 500->500 (checksum 0) plus an IKE trailer; while the
    /// handshake runs it is held (the newest one), and without a connection an initiator
    /// starts a new handshake for it (a retransmitted IKE packet starts a new one).
    void SendIke(wire::ByteView isakmpMessage) override;
    /// Sends one ESP packet plus an ESP trailer; dropped (and counted) when not ready.
    void SendEsp(wire::ByteView espPacket) override;
    void Receive(const OuterPacket& packet) override;
    /// 20 (TCP header) + 16 (trailer) bytes (doc/protocols.md §cTCP segment).
    size_t EspOverhead() const override;
    std::string Name() const override;

    /// The underlying connection (state and counters).
    const CtcpConnection& Connection() const
    {
        return m_connection;
    }

    /// Encapsulation counters.
    const CtcpTransportCounters& Counters() const
    {
        return m_counters;
    }

  private:
    void SendIkeNow(wire::ByteView isakmpMessage);
    void OnPacket(const CtcpPacket& packet);
    void OnConnectionEvent(CtcpEvent event, const std::string& detail);
    void Report(TransportEvent event, const std::string& detail);

    CtcpRole m_role;
    CtcpConnection m_connection;
    TransportCallbacks m_callbacks;
    std::optional<wire::Bytes> m_heldIke;
    uint16_t m_ipId{0}; ///< IPv4 ID the host would give the next inner IKE packet
    CtcpTransportCounters m_counters;
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_CTCP_TRANSPORT_H
