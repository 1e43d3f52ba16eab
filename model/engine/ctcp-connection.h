/*
 * Cisco "IPsec over TCP" (cTCP): the fake TCP connection that carries IKE and ESP on TCP 10000.
 *
 * Behaviour is QuickSec's Cisco-compatible state machine (doc/protocols.md §cTCP connection): a
 * real 3-way handshake, then one encapsulated packet plus the 16-byte trailer per segment, flags
 * ACK only, seq advancing by the payload length, ack = the highest seq+len seen from the peer
 * (jumping over holes), ACKs only piggy-backed on outgoing data, and no retransmission, no reaction
 * to duplicate ACKs, no window. This is the whole reason the tunnel dies behind an in-order device:
 * a lost segment leaves a hole that this end never fills.
 */
#ifndef VPNSIM_ENGINE_CTCP_CONNECTION_H
#define VPNSIM_ENGINE_CTCP_CONNECTION_H

#include "model/engine/host.h"
#include "model/wire/bytes.h"
#include "model/wire/ctcp.h"
#include "model/wire/tcp-header.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace vpnsim
{
namespace engine
{

/// Which end of the connection: the VPN client opens, the headend listens.
enum class CtcpRole : uint8_t
{
    Initiator,
    Responder,
};

/// Connection state (RFC 793 names for the states QuickSec uses).
enum class CtcpState : uint8_t
{
    Closed,      ///< initiator with no connection (before Open, after RST/timeout)
    Listen,      ///< responder waiting for a SYN
    SynSent,     ///< initiator: SYN out, waiting for SYN-ACK
    SynReceived, ///< responder: SYN-ACK out, waiting for the final ACK
    Established, ///< data may flow
};

/// Short name of a state for logs and traces.
const char* ToString(CtcpState state);

/// Tunables; every default is the Cisco/QuickSec value
/// (doc/protocols.md §cTCP segment, §cTCP connection).
struct CtcpConfig
{
    /// Headend port: TCP 10000 (doc/protocols.md §cTCP configuration).
    uint16_t serverPort{wire::kCtcpDefaultPort};
    /// Client source port; 0 picks a random one in 1024-65535 as the client does.
    uint16_t clientPort{0};
    /// Handshake timeout; no SYN retransmission (QuickSec INITIAL_TIMEOUT 3 s).
    Nanos handshakeTimeout{std::chrono::seconds(3)};
    /// Advertised window, constant: cTCP has no flow control.
    uint16_t window{65535};
};

/// What happened to the connection, for the layer above.
enum class CtcpEvent : uint8_t
{
    Established,      ///< handshake done
    HandshakeTimeout, ///< no SYN-ACK (or final ACK) within the handshake timeout; removed
    ResetReceived,    ///< the peer sent RST; removed
    FinReceived,      ///< the peer sent FIN; answered with RST and removed
    FramingError,     ///< a data segment was not exactly one packet plus trailer; dropped
    BadChecksum,      ///< a segment failed its TCP checksum; dropped
};

/// Short name of an event for logs and traces.
const char* ToString(CtcpEvent event);

/// Counters for the run record.
struct CtcpCounters
{
    uint64_t segmentsSent{0};         ///< every segment built, control ones included
    uint64_t segmentsReceived{0};     ///< every segment with a good checksum
    uint64_t bytesSent{0};            ///< TCP payload bytes sent (packet + trailer)
    uint64_t bytesReceived{0};        ///< TCP payload bytes received
    uint64_t holesJumped{0};          ///< data segments whose seq was beyond the expected ack
    uint64_t duplicateAcksIgnored{0}; ///< zero-length segments repeating the last ack
    uint64_t keepalivesIgnored{0};    ///< other zero-length segments in ESTABLISHED
    uint64_t framingErrors{0};        ///< segments that were not one packet plus trailer
    uint64_t badChecksums{0};         ///< segments dropped for a bad TCP checksum
    uint64_t resetsSent{0};
    uint64_t resetsReceived{0};
    uint64_t handshakeTimeouts{0};
};

/// One encapsulated packet received, with its trailer.
struct CtcpPacket
{
    wire::CtcpTrailer trailer;
    wire::ByteView packet; ///< ESP from the SPI, or the UDP datagram carrying IKE
};

/// Calls from the connection to the layer above.
struct CtcpCallbacks
{
    std::function<void(const CtcpPacket& packet)> onPacket;
    std::function<void(CtcpEvent event, const std::string& detail)> onEvent;
};

/// Cisco cTCP, one connection, either role (doc/protocols.md §cTCP connection).
class CtcpConnection
{
  public:
    /// `localAddress`/`remoteAddress` are IPv4 (host order) for the checksum pseudo-header. A
    /// responder learns the peer's port (and address, if `remoteAddress` is 0) from its SYN.
    CtcpConnection(Host& host, CtcpRole role, uint32_t localAddress, uint32_t remoteAddress,
                   CtcpConfig config = {});
    ~CtcpConnection();
    CtcpConnection(const CtcpConnection&) = delete;
    CtcpConnection& operator=(const CtcpConnection&) = delete;

    /// Sets the upward callbacks.
    void SetCallbacks(CtcpCallbacks callbacks);

    /// Initiator: sends a SYN (random ISN) unless a handshake is under way or done.
    /// Responder: starts listening.
    void Open();

    /// Sends one encapsulated packet plus trailer in one ACK segment. Returns false (nothing
    /// sent) unless ESTABLISHED.
    bool Send(wire::ByteView packet, const wire::CtcpTrailer& trailer);

    /// Handles one TCP segment from the host (OuterProtocol::Tcp).
    void Receive(const OuterPacket& packet);

    /// Closes by sending RST (QuickSec closes with RST) and removes the connection.
    void Close();

    /// Current state.
    CtcpState State() const
    {
        return m_state;
    }

    /// True when data can be sent.
    bool IsEstablished() const
    {
        return m_state == CtcpState::Established;
    }

    /// Counters so far.
    const CtcpCounters& Counters() const
    {
        return m_counters;
    }

    /// Next sequence number this end will send (snd_nxt).
    uint32_t SendNext() const
    {
        return m_sendNext;
    }

    /// Ack this end puts on its next segment (highest seq+len seen from the peer).
    uint32_t ReceiveNext() const
    {
        return m_receiveNext;
    }

    /// This end's TCP port.
    uint16_t LocalPort() const
    {
        return m_localPort;
    }

    /// The peer's TCP port (0 before a responder has seen a SYN).
    uint16_t RemotePort() const
    {
        return m_remotePort;
    }

    /// The configuration in use.
    const CtcpConfig& Config() const
    {
        return m_config;
    }

  private:
    /// Builds and sends one segment to the peer; `window` defaults to the configured one.
    void SendSegment(uint32_t seq, uint32_t ack, uint8_t flags, wire::ByteView payload,
                     std::optional<uint16_t> window = std::nullopt);
    void SendReset(uint32_t seq, uint32_t ack, uint8_t flags);
    void AnswerWithoutConnection(const wire::TcpSegment& s, const OuterPacket& packet);
    void OnHandshakeTimeout();
    void StartHandshakeTimer();
    void CancelHandshakeTimer();
    void Remove();
    void Emit(CtcpEvent event, const std::string& detail);
    void ReceiveSynSent(const wire::TcpSegment& s);
    void ReceiveListen(const wire::TcpSegment& s);
    void ReceiveSyn(const wire::TcpSegment& s);
    void ReceiveSynReceived(const wire::TcpSegment& s);
    void ReceiveEstablished(const wire::TcpSegment& s);
    void ReceiveData(const wire::TcpSegment& s);
    void Deliver(wire::ByteView payload);

    Host& m_host;
    CtcpRole m_role;
    uint32_t m_localAddress;
    uint32_t m_remoteAddress;
    CtcpConfig m_config;
    CtcpCallbacks m_callbacks;
    CtcpState m_state{CtcpState::Closed};
    uint16_t m_localPort{0};
    uint16_t m_remotePort{0};
    uint32_t m_isn{0};         ///< own initial sequence number
    uint32_t m_sendNext{0};    ///< QuickSec conn->seq
    uint32_t m_receiveNext{0}; ///< QuickSec conn->ack
    std::optional<uint32_t> m_lastAckReceived;
    std::optional<TimerId> m_handshakeTimer;
    CtcpCounters m_counters;
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_CTCP_CONNECTION_H
