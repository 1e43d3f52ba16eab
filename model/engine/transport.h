/*
 * How IPsec packets (IKE messages and ESP packets) reach the peer: the stage between the
 * tunnel's SAs and the host's sockets. One implementation per encapsulation: cTCP (Cisco IPsec
 * over TCP, TCP 10000), NAT-T (ESP-in-UDP 4500, RFC 3948) and native ESP (IP protocol 50, IKE
 * on UDP 500). AnyConnect carries inner packets itself and is a tunnel of its own kind.
 */
#ifndef VPNSIM_ENGINE_TRANSPORT_H
#define VPNSIM_ENGINE_TRANSPORT_H

#include "model/engine/host.h"
#include "model/wire/bytes.h"

#include <functional>
#include <optional>
#include <string>

namespace vpnsim
{
namespace engine
{

/// Why a transport gave up or dropped something; the tunnel reports it with its own reason.
enum class TransportEvent : uint8_t
{
    Ready,             ///< can carry IKE and ESP now (cTCP: handshake done; UDP/ESP: at once)
    FramingError,      ///< a received segment was not exactly one packet plus trailer (cTCP)
    Reset,             ///< the peer reset the connection (cTCP RST)
    Dropped,           ///< an unrecognised or malformed outer packet, or one it could not send
    BadChecksum,       ///< a received segment failed its TCP checksum (cTCP)
    KeepaliveReceived, ///< a NAT-keepalive arrived (NAT-T); it never counts as the peer heard
};

/// Where a peer is seen: an IPv4 address (host order) and a port.
struct PeerAddress
{
    uint32_t address{0};
    uint16_t port{0};
};

/// The upward interface a transport calls.
struct TransportCallbacks
{
    std::function<void(wire::ByteView isakmpMessage)> onIke;
    std::function<void(wire::ByteView espPacket)> onEsp;
    std::function<void(TransportEvent event, const std::string& detail)> onEvent;
};

/// Carries IKE and ESP between two peers over one encapsulation.
class Transport
{
  public:
    virtual ~Transport() = default;

    /// Sets the upward callbacks (before Start).
    virtual void SetCallbacks(TransportCallbacks callbacks) = 0;

    /// Begins: an initiator opens (cTCP sends SYN); a responder waits for the peer.
    virtual void Start() = 0;

    /// True once IKE and ESP can be sent.
    virtual bool IsReady() const = 0;

    /// Sends one ISAKMP message (without any marker or UDP header: the transport adds those).
    virtual void SendIke(wire::ByteView isakmpMessage) = 0;

    /// Sends one ESP packet (starting at the SPI).
    virtual void SendEsp(wire::ByteView espPacket) = 0;

    /// Handles one packet the host received from the outer wire.
    virtual void Receive(const OuterPacket& packet) = 0;

    /// Bytes this encapsulation adds to an ESP packet, outer IPv4 header excluded.
    virtual size_t EspOverhead() const = 0;

    /// Short name for records and logs: "ctcp", "natt", "esp".
    virtual std::string Name() const = 0;

    /// IKE has moved to encrypted messages (Main Mode 5 on). NAT-T floats to UDP 4500 here
    /// (RFC 3947 section 4); other transports do nothing.
    virtual void OnIkeEncrypted() {}

    /// The packet being handled by Receive (this is only called from within it) has been
    /// accepted: an ESP packet that authenticated, an IKE message the exchange took, an
    /// Informational that decrypted. A transport that follows its peer (see
    /// DatagramTransport::FollowPeer) now sends to where that packet came from; others do
    /// nothing.
    virtual void PeerConfirmed() {}

    /// Where a datagram transport sends IKE now: the peer's address and the port it answers
    /// IKE from (4500 once NAT-T has floated, else 500); none for a connection (cTCP).
    virtual std::optional<PeerAddress> IkePeer() const
    {
        return std::nullopt;
    }
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_TRANSPORT_H
