// The segment rules below are QuickSec's Cisco-compatible ones: doc/protocols.md §cTCP connection.
#include "model/engine/ctcp-connection.h"

#include "model/wire/isakmp.h"
#include "model/wire/udp-header.h"

namespace vpnsim
{
namespace engine
{

namespace
{

/// Serial-number comparison mod 2^32 (RFC 1982 style): true if a is after b.
bool
SeqAfter(uint32_t a, uint32_t b)
{
    return static_cast<int32_t>(a - b) > 0;
}

/// ESP needs at least SPI and sequence number (RFC 4303 §2).
constexpr size_t kEspMinimumLength = 8;

} // namespace

const char*
ToString(CtcpState state)
{
    switch (state)
    {
        case CtcpState::Closed:
            return "closed";
        case CtcpState::Listen:
            return "listen";
        case CtcpState::SynSent:
            return "syn-sent";
        case CtcpState::SynReceived:
            return "syn-received";
        case CtcpState::Established:
            return "established";
    }
    return "?";
}

const char*
ToString(CtcpEvent event)
{
    switch (event)
    {
        case CtcpEvent::Established:
            return "established";
        case CtcpEvent::HandshakeTimeout:
            return "handshake-timeout";
        case CtcpEvent::ResetReceived:
            return "reset-received";
        case CtcpEvent::FinReceived:
            return "fin-received";
        case CtcpEvent::FramingError:
            return "framing-error";
        case CtcpEvent::BadChecksum:
            return "bad-checksum";
    }
    return "?";
}

CtcpConnection::CtcpConnection(Host& host, CtcpRole role, uint32_t localAddress,
                               uint32_t remoteAddress, CtcpConfig config)
    : m_host(host)
    , m_role(role)
    , m_localAddress(localAddress)
    , m_remoteAddress(remoteAddress)
    , m_config(config)
{
}

CtcpConnection::~CtcpConnection()
{
    CancelHandshakeTimer();
}

void
CtcpConnection::SetCallbacks(CtcpCallbacks callbacks)
{
    m_callbacks = std::move(callbacks);
}

void
CtcpConnection::Open()
{
    if (m_role == CtcpRole::Responder)
    {
        if (m_state == CtcpState::Closed)
        {
            m_localPort = m_config.serverPort;
            m_state = CtcpState::Listen;
        }
        return;
    }
    if (m_state != CtcpState::Closed)
    {
        return;
    }
    if (m_localPort == 0)
    {
        // The client's source port is random in 1024-65535 (doc/protocols.md §cTCP segment). It is
        // kept for later handshakes so that a NAT/PAT mapping and the headend's entry stay the
        // same.
        m_localPort = m_config.clientPort != 0
                          ? m_config.clientPort
                          : static_cast<uint16_t>(1024 + m_host.Random32() % (65536 - 1024));
    }
    m_remotePort = m_config.serverPort;
    m_isn = m_host.Random32(); // QuickSec: seq = ssh_rand()
    m_sendNext = m_isn + 1;
    m_receiveNext = 0;
    m_lastAckReceived.reset();
    SendSegment(m_isn, 0, wire::tcpflag::Syn, {});
    m_state = CtcpState::SynSent;
    StartHandshakeTimer();
}

bool
CtcpConnection::Send(wire::ByteView packet, const wire::CtcpTrailer& trailer)
{
    if (m_state != CtcpState::Established)
    {
        return false;
    }
    wire::Bytes payload(packet.begin(), packet.end());
    wire::AppendCtcpTrailer(payload, trailer);
    // Flags ACK only (no PSH); the ack is piggy-backed here and nowhere else (QuickSec).
    SendSegment(m_sendNext, m_receiveNext, wire::tcpflag::Ack, payload);
    m_sendNext += static_cast<uint32_t>(payload.size()); // trailer included (QuickSec)
    return true;
}

void
CtcpConnection::Close()
{
    if (m_state == CtcpState::Closed || m_state == CtcpState::Listen)
    {
        return;
    }
    SendReset(m_sendNext, m_receiveNext, wire::tcpflag::Rst | wire::tcpflag::Ack);
    Remove();
}

void
CtcpConnection::Receive(const OuterPacket& packet)
{
    if (packet.protocol != OuterProtocol::Tcp)
    {
        return;
    }
    auto parsed
        = wire::ParseTcpSegment(packet.payload, packet.sourceAddress, packet.destinationAddress);
    if (!parsed)
    {
        if (parsed.GetError().code == wire::ErrorCode::BadChecksum)
        {
            ++m_counters.badChecksums;
            Emit(CtcpEvent::BadChecksum, "ctcp: bad TCP checksum");
        }
        return;
    }
    const wire::TcpSegment& s = parsed.Value();
    if (m_state == CtcpState::Closed || s.header.destinationPort != m_localPort)
    {
        return; // not for this connection (or a client with no connection): nothing to answer
    }
    ++m_counters.segmentsReceived;
    m_counters.bytesReceived += s.payload.size();

    uint8_t f = s.header.flags;
    bool isSyn = (f & wire::tcpflag::Syn) && !(f & wire::tcpflag::Ack);
    bool sameTuple = s.header.sourcePort == m_remotePort
                     && (m_remoteAddress == 0 || packet.sourceAddress == m_remoteAddress);
    if (m_role == CtcpRole::Responder && isSyn)
    {
        // A SYN always starts a new connection: the initiator never retransmits its SYN, a new
        // trigger starts a new handshake (QuickSec), so the old entry is stale.
        m_remoteAddress = packet.sourceAddress;
        if (m_localAddress == 0)
        {
            m_localAddress = packet.destinationAddress;
        }
        ReceiveSyn(s);
        return;
    }
    if (m_state == CtcpState::Listen || !sameTuple)
    {
        if (m_role == CtcpRole::Responder)
        {
            AnswerWithoutConnection(s, packet);
        }
        return;
    }
    switch (m_state)
    {
        case CtcpState::SynSent:
            ReceiveSynSent(s);
            break;
        case CtcpState::SynReceived:
            ReceiveSynReceived(s);
            break;
        case CtcpState::Established:
            ReceiveEstablished(s);
            break;
        default:
            break;
    }
}

void
CtcpConnection::ReceiveSyn(const wire::TcpSegment& s)
{
    CancelHandshakeTimer();
    m_remotePort = s.header.sourcePort;
    m_isn = m_host.Random32();
    m_sendNext = m_isn + 1;
    m_receiveNext = s.header.sequence + 1; // ack = peer seq + 1
    m_lastAckReceived.reset();
    SendSegment(m_isn, m_receiveNext, wire::tcpflag::Syn | wire::tcpflag::Ack, {});
    m_state = CtcpState::SynReceived;
    StartHandshakeTimer();
}

void
CtcpConnection::ReceiveSynSent(const wire::TcpSegment& s)
{
    uint8_t f = s.header.flags;
    bool ackOk = (f & wire::tcpflag::Ack) && s.header.acknowledgment == m_sendNext;
    if ((f & wire::tcpflag::Rst) && ackOk)
    {
        ++m_counters.resetsReceived;
        Remove();
        Emit(CtcpEvent::ResetReceived, "ctcp: connection refused (RST in SYN-SENT)");
        return;
    }
    if ((f & wire::tcpflag::Syn) && ackOk && !(f & wire::tcpflag::Rst))
    {
        // QuickSec checks ack == conn->seq, then sends a pure ACK and re-injects the held
        // trigger packet (QuickSec).
        m_receiveNext = s.header.sequence + 1;
        m_lastAckReceived = s.header.acknowledgment;
        SendSegment(m_sendNext, m_receiveNext, wire::tcpflag::Ack, {});
        CancelHandshakeTimer();
        m_state = CtcpState::Established;
        Emit(CtcpEvent::Established, "ctcp: SYN-ACK received");
    }
    // anything else is dropped: the handshake timer decides
}

void
CtcpConnection::ReceiveSynReceived(const wire::TcpSegment& s)
{
    uint8_t f = s.header.flags;
    if (f & wire::tcpflag::Rst)
    {
        ++m_counters.resetsReceived;
        Remove();
        Emit(CtcpEvent::ResetReceived, "ctcp: RST in SYN-RECEIVED");
        return;
    }
    if ((f & wire::tcpflag::Ack) && s.header.acknowledgment == m_sendNext)
    {
        // The final ACK: ack == own ISN + 1. If it was lost, the first data segment
        // carries the same ack and completes the handshake as well.
        CancelHandshakeTimer();
        m_state = CtcpState::Established;
        Emit(CtcpEvent::Established, "ctcp: final ACK received");
        m_lastAckReceived = s.header.acknowledgment;
        // Only a data (or FIN) segment has more to process; the bare final ACK is no keepalive.
        if (m_state == CtcpState::Established && (!s.payload.empty() || (f & wire::tcpflag::Fin)))
        {
            ReceiveEstablished(s);
        }
    }
}

void
CtcpConnection::ReceiveEstablished(const wire::TcpSegment& s)
{
    uint8_t f = s.header.flags;
    if (f & wire::tcpflag::Rst)
    {
        ++m_counters.resetsReceived;
        Remove();
        Emit(CtcpEvent::ResetReceived, "ctcp: RST received, connection removed");
        return;
    }
    if (f & wire::tcpflag::Fin)
    {
        // FIN is answered with RST, seq = the peer's ack, and the connection removed (QuickSec).
        SendReset(s.header.acknowledgment, 0, wire::tcpflag::Rst);
        Remove();
        Emit(CtcpEvent::FinReceived, "ctcp: FIN received, answered with RST");
        return;
    }
    if (f & wire::tcpflag::Syn)
    {
        return; // a SYN-ACK repeated by a middlebox or the peer: nothing to do
    }
    if (s.payload.empty())
    {
        // Zero-length segments are neither answered nor ACKed (QuickSec: "keepalive, drop"). One
        // that repeats the last ack while data is outstanding is what a real TCP would take as a
        // duplicate ACK; cTCP ignores it too (QuickSec; TAC 113578).
        bool duplicate = (f & wire::tcpflag::Ack) && m_lastAckReceived
                         && s.header.acknowledgment == *m_lastAckReceived
                         && SeqAfter(m_sendNext, s.header.acknowledgment);
        ++(duplicate ? m_counters.duplicateAcksIgnored : m_counters.keepalivesIgnored);
        if (f & wire::tcpflag::Ack)
        {
            m_lastAckReceived = s.header.acknowledgment;
        }
        return;
    }
    if (f & wire::tcpflag::Ack)
    {
        m_lastAckReceived = s.header.acknowledgment;
    }
    ReceiveData(s);
}

void
CtcpConnection::ReceiveData(const wire::TcpSegment& s)
{
    uint32_t seq = s.header.sequence;
    uint32_t end = seq + static_cast<uint32_t>(s.payload.size());
    // QuickSec's receive rule: in order, ack advances by the length; otherwise ack jumps
    // to seq+len if that is beyond it. Holes are never waited for, and nothing is sent back.
    if (seq == m_receiveNext)
    {
        m_receiveNext = end;
    }
    else if (SeqAfter(end, m_receiveNext))
    {
        if (SeqAfter(seq, m_receiveNext))
        {
            ++m_counters.holesJumped;
        }
        m_receiveNext = end;
    }
    Deliver(s.payload);
}

void
CtcpConnection::Deliver(wire::ByteView payload)
{
    // Exactly one trailer per segment, at its end, as Cisco's receiver parses: a segment a proxy
    // split or coalesced cannot be framed (doc/protocols.md §cTCP connection). Cisco would drop
    // it (or fail the ICV); the model names it so that the run record says why the tunnel died.
    auto trailer = wire::ParseCtcpTrailer(payload);
    if (!trailer)
    {
        ++m_counters.framingErrors;
        Emit(CtcpEvent::FramingError, "ctcp: segment does not end in a trailer (split?)");
        return;
    }
    wire::ByteView inner = payload.first(payload.size() - wire::kCtcpTrailerLength);
    std::string problem;
    if (wire::ContainsCtcpTrailerMagic(inner))
    {
        problem = "ctcp: a second trailer inside the segment (coalesced)";
    }
    else if (trailer->protocol == wire::ctcpproto::Ike
             && (inner.size() < wire::kUdpHeaderLength || wire::GetU16(&inner[4]) != inner.size()
                 || wire::GetU16(&inner[0]) != wire::kIkePort
                 || wire::GetU16(&inner[2]) != wire::kIkePort))
    {
        problem = "ctcp: IKE datagram length or ports disagree with the segment";
    }
    else if (trailer->protocol != wire::ctcpproto::Ike && inner.size() < kEspMinimumLength)
    {
        problem = "ctcp: ESP shorter than SPI and sequence number";
    }
    if (!problem.empty())
    {
        ++m_counters.framingErrors;
        Emit(CtcpEvent::FramingError, problem);
        return;
    }
    if (m_callbacks.onPacket)
    {
        m_callbacks.onPacket(CtcpPacket{trailer.Value(), inner});
    }
}

void
CtcpConnection::AnswerWithoutConnection(const wire::TcpSegment& s, const OuterPacket& packet)
{
    uint8_t f = s.header.flags;
    if (f & wire::tcpflag::Rst)
    {
        return; // never answer a RST (RFC 793 §3.4)
    }
    // RFC 793 §3.4 reset generation, always as RST+ACK, as QuickSec answers a segment to a
    // listening port with no connection.
    uint32_t seq = (f & wire::tcpflag::Ack) ? s.header.acknowledgment : 0;
    uint32_t ack = s.header.sequence + static_cast<uint32_t>(s.payload.size())
                   + ((f & wire::tcpflag::Syn) ? 1 : 0) + ((f & wire::tcpflag::Fin) ? 1 : 0);
    wire::TcpHeader h{
        m_localPort, s.header.sourcePort, seq, ack, wire::tcpflag::Rst | wire::tcpflag::Ack, 0};
    ++m_counters.resetsSent;
    ++m_counters.segmentsSent;
    // The answer goes back to whoever sent the segment, which may not be the connected peer.
    wire::Bytes bytes
        = wire::BuildTcpSegment(h, {}, packet.destinationAddress, packet.sourceAddress);
    m_host.SendOuter(OuterPacket{OuterProtocol::Tcp, packet.destinationAddress,
                                 packet.sourceAddress, h.sourcePort, h.destinationPort, bytes});
}

void
CtcpConnection::SendSegment(uint32_t seq, uint32_t ack, uint8_t flags, wire::ByteView payload,
                            std::optional<uint16_t> window)
{
    wire::TcpHeader h{m_localPort, m_remotePort, seq, ack, flags, window.value_or(m_config.window)};
    wire::Bytes bytes = wire::BuildTcpSegment(h, payload, m_localAddress, m_remoteAddress);
    ++m_counters.segmentsSent;
    m_counters.bytesSent += payload.size();
    // Ports are filled in for hosts that demultiplex on them; the segment carries them anyway.
    m_host.SendOuter(OuterPacket{OuterProtocol::Tcp, m_localAddress, m_remoteAddress, m_localPort,
                                 m_remotePort, bytes});
}

void
CtcpConnection::SendReset(uint32_t seq, uint32_t ack, uint8_t flags)
{
    ++m_counters.resetsSent;
    SendSegment(seq, ack, flags, {}, 0); // a RST advertises no window
}

void
CtcpConnection::StartHandshakeTimer()
{
    CancelHandshakeTimer();
    m_handshakeTimer = m_host.StartTimer(m_host.Now() + m_config.handshakeTimeout,
                                         [this]
                                         {
                                             OnHandshakeTimeout();
                                         });
}

void
CtcpConnection::CancelHandshakeTimer()
{
    if (m_handshakeTimer)
    {
        m_host.CancelTimer(*m_handshakeTimer);
        m_handshakeTimer.reset();
    }
}

void
CtcpConnection::OnHandshakeTimeout()
{
    m_handshakeTimer.reset();
    ++m_counters.handshakeTimeouts;
    // The entry is removed; the encapsulation layer does not retransmit the SYN (QuickSec).
    Remove();
    Emit(CtcpEvent::HandshakeTimeout, "ctcp: no handshake within the timeout");
}

void
CtcpConnection::Remove()
{
    CancelHandshakeTimer();
    m_lastAckReceived.reset();
    if (m_role == CtcpRole::Responder)
    {
        m_state = CtcpState::Listen;
        m_remotePort = 0;
    }
    else
    {
        m_state = CtcpState::Closed;
    }
}

void
CtcpConnection::Emit(CtcpEvent event, const std::string& detail)
{
    if (m_callbacks.onEvent)
    {
        m_callbacks.onEvent(event, detail);
    }
}

} // namespace engine
} // namespace vpnsim
