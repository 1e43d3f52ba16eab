#include "model/engine/ctcp-transport.h"

#include "model/wire/isakmp.h"
#include "model/wire/udp-header.h"

namespace vpnsim
{
namespace engine
{

CtcpTransport::CtcpTransport(Host& host, CtcpRole role, uint32_t localAddress,
                             uint32_t remoteAddress, CtcpConfig config)
    : m_role(role)
    , m_connection(host, role, localAddress, remoteAddress, config)
    // The inner IKE packet's IP ID comes from the host's per-packet counter; it starts anywhere.
    , m_ipId(static_cast<uint16_t>(host.Random32()))
{
    m_connection.SetCallbacks(CtcpCallbacks{[this](const CtcpPacket& p)
                                            {
                                                OnPacket(p);
                                            },
                                            [this](CtcpEvent e, const std::string& d)
                                            {
                                                OnConnectionEvent(e, d);
                                            }});
}

void
CtcpTransport::SetCallbacks(TransportCallbacks callbacks)
{
    m_callbacks = std::move(callbacks);
}

void
CtcpTransport::Start()
{
    m_connection.Open();
}

bool
CtcpTransport::IsReady() const
{
    return m_connection.IsEstablished();
}

void
CtcpTransport::SendIke(wire::ByteView isakmpMessage)
{
    if (m_connection.IsEstablished())
    {
        SendIkeNow(isakmpMessage);
        return;
    }
    if (m_role == CtcpRole::Responder)
    {
        ++m_counters.ikeDroppedNotReady; // a headend cannot open toward the client
        Report(TransportEvent::Dropped, "ctcp: IKE with no connection to send it on");
        return;
    }
    // QuickSec holds the trigger packet and re-injects it once ESTABLISHED.
    if (m_heldIke)
    {
        ++m_counters.ikeDroppedNotReady;
    }
    m_heldIke = wire::Bytes(isakmpMessage.begin(), isakmpMessage.end());
    ++m_counters.ikeHeld;
    if (m_connection.State() == CtcpState::Closed)
    {
        m_connection.Open();
    }
}

void
CtcpTransport::SendIkeNow(wire::ByteView isakmpMessage)
{
    // QuickSec: "Zero UDP checksum from IKE packets to interoperate with Cisco VPN client".
    // No addresses enter a zero checksum.
    wire::Bytes datagram = wire::BuildUdpDatagram(wire::kIkePort, wire::kIkePort, isakmpMessage,
                                                  wire::UdpChecksum::Zero, 0, 0);
    wire::CtcpTrailer trailer;
    trailer.seq16 = m_ipId++; // the inner IKE packet's IP ID
    // Wireshark reads 0x4000 on client->server IKE in Cisco captures
    // (doc/protocols.md §cTCP trailer).
    trailer.direction = m_role == CtcpRole::Initiator ? wire::kCtcpDirectionClientToServer : 0;
    trailer.protocol = wire::ctcpproto::Ike;
    if (m_connection.Send(datagram, trailer))
    {
        ++m_counters.ikeSent;
    }
}

void
CtcpTransport::SendEsp(wire::ByteView espPacket)
{
    // ESP trailer: seq16 0, dir16 0, proto 0x32.
    if (m_connection.Send(espPacket, wire::CtcpTrailer{0, 0, wire::ctcpproto::Esp}))
    {
        ++m_counters.espSent;
    }
    else
    {
        ++m_counters.espDroppedNotReady;
        Report(TransportEvent::Dropped, "ctcp: ESP with no connection to send it on");
    }
}

void
CtcpTransport::Receive(const OuterPacket& packet)
{
    m_connection.Receive(packet);
}

size_t
CtcpTransport::EspOverhead() const
{
    return wire::kTcpHeaderLength + wire::kCtcpTrailerLength;
}

std::string
CtcpTransport::Name() const
{
    return "ctcp";
}

void
CtcpTransport::OnPacket(const CtcpPacket& p)
{
    switch (p.trailer.protocol)
    {
        case wire::ctcpproto::Ike:
            // The connection checked the UDP length and ports; the ISAKMP message follows.
            ++m_counters.ikeReceived;
            if (m_callbacks.onIke)
            {
                m_callbacks.onIke(p.packet.subspan(wire::kUdpHeaderLength));
            }
            break;
        case wire::ctcpproto::Esp:
            ++m_counters.espReceived;
            if (m_callbacks.onEsp)
            {
                m_callbacks.onEsp(p.packet);
            }
            break;
        default:
            ++m_counters.unknownProtocol;
            Report(TransportEvent::Dropped, "ctcp: trailer protocol not carried (AH?)");
            break;
    }
}

void
CtcpTransport::OnConnectionEvent(CtcpEvent event, const std::string& detail)
{
    switch (event)
    {
        case CtcpEvent::Established:
            if (m_heldIke)
            {
                wire::Bytes held = std::move(*m_heldIke);
                m_heldIke.reset();
                SendIkeNow(held);
            }
            Report(TransportEvent::Ready, detail);
            break;
        case CtcpEvent::HandshakeTimeout:
            if (m_heldIke)
            {
                m_heldIke.reset();
                ++m_counters.ikeDroppedNotReady;
            }
            Report(TransportEvent::Dropped, detail);
            break;
        case CtcpEvent::ResetReceived:
        case CtcpEvent::FinReceived:
            Report(TransportEvent::Reset, detail);
            break;
        case CtcpEvent::FramingError:
            Report(TransportEvent::FramingError, detail);
            break;
        case CtcpEvent::BadChecksum:
            Report(TransportEvent::BadChecksum, detail);
            break;
    }
}

void
CtcpTransport::Report(TransportEvent event, const std::string& detail)
{
    if (m_callbacks.onEvent)
    {
        m_callbacks.onEvent(event, detail);
    }
}

} // namespace engine
} // namespace vpnsim
