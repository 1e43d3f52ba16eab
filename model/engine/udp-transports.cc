#include "model/engine/udp-transports.h"

#include "model/wire/esp-in-udp.h"

namespace vpnsim
{
namespace engine
{

DatagramTransport::DatagramTransport(Host& host, uint32_t localAddress, uint32_t remoteAddress)
    : m_host(host)
    , m_local(localAddress)
    , m_remote(remoteAddress)
    , m_remoteIkePort(NattTransport::kIkePort)
    , m_remoteNattPort(wire::kNattPort)
{
}

DatagramTransport::Handling::Handling(DatagramTransport& transport, const OuterPacket& packet)
    : m_transport(transport)
{
    m_transport.m_handling
        = Source{packet.protocol, packet.sourceAddress, packet.sourcePort, packet.destinationPort};
}

DatagramTransport::Handling::~Handling()
{
    m_transport.m_handling.reset();
}

void
DatagramTransport::FollowPeer(bool follow)
{
    m_follow = follow;
}

uint16_t
DatagramTransport::RemotePort(uint16_t localPort) const
{
    return localPort == wire::kNattPort           ? m_remoteNattPort
           : localPort == NattTransport::kIkePort ? m_remoteIkePort
                                                  : localPort;
}

std::optional<PeerAddress>
DatagramTransport::IkePeer() const
{
    return PeerAddress{m_remote, RemotePort(IkeLocalPort())};
}

void
DatagramTransport::PeerConfirmed()
{
    if (!m_follow || !m_handling)
    {
        return;
    }
    m_remote = m_handling->address;
    if (m_handling->protocol != OuterProtocol::Udp)
    {
        return; // native ESP: only the address (a NAT passing ESP rewrites nothing else)
    }
    if (m_handling->localPort == wire::kNattPort)
    {
        m_remoteNattPort = m_handling->port;
    }
    else if (m_handling->localPort == NattTransport::kIkePort)
    {
        m_remoteIkePort = m_handling->port;
    }
}

uint32_t
DatagramTransport::Destination() const
{
    return m_follow && m_handling ? m_handling->address : m_remote;
}

void
DatagramTransport::SetCallbacks(TransportCallbacks callbacks)
{
    m_callbacks = std::move(callbacks);
}

void
DatagramTransport::Start()
{
    // Datagrams need no connection: ready at once.
    if (m_callbacks.onEvent)
    {
        m_callbacks.onEvent(TransportEvent::Ready, Name() + ": ready");
    }
}

bool
DatagramTransport::IsReady() const
{
    return true;
}

void
DatagramTransport::SendUdp(uint16_t sourcePort, uint16_t destinationPort, wire::ByteView payload)
{
    uint16_t port = destinationPort;
    if (m_follow)
    {
        // An answer to a packet that came in on this local port goes back to its source port;
        // anything else to the port the peer was last confirmed at.
        bool answer = m_handling && m_handling->protocol == OuterProtocol::Udp
                      && m_handling->localPort == sourcePort;
        port = answer ? m_handling->port : RemotePort(sourcePort);
    }
    OuterPacket p{OuterProtocol::Udp, m_local, Destination(), sourcePort, port, payload};
    m_host.SendOuter(p);
}

void
DatagramTransport::Drop(const std::string& detail)
{
    ++m_counters.dropped;
    if (m_callbacks.onEvent)
    {
        m_callbacks.onEvent(TransportEvent::Dropped, detail);
    }
}

NattTransport::NattTransport(Host& host, uint32_t localAddress, uint32_t remoteAddress)
    : DatagramTransport(host, localAddress, remoteAddress)
{
}

void
NattTransport::SendIke(wire::ByteView isakmpMessage)
{
    ++m_counters.ikeSent;
    if (!m_floated)
    {
        SendUdp(kIkePort, kIkePort, isakmpMessage);
        return;
    }
    wire::Bytes payload = wire::NattIkePayload(isakmpMessage);
    SendUdp(wire::kNattPort, wire::kNattPort, payload);
}

void
NattTransport::SendEsp(wire::ByteView espPacket)
{
    ++m_counters.espSent;
    SendUdp(wire::kNattPort, wire::kNattPort, espPacket);
}

void
NattTransport::SendKeepalive()
{
    ++m_counters.keepalivesSent;
    wire::Bytes k = wire::NattKeepalivePayload();
    SendUdp(wire::kNattPort, wire::kNattPort, k);
}

void
NattTransport::OnIkeEncrypted()
{
    m_floated = true;
}

void
NattTransport::Receive(const OuterPacket& packet)
{
    Handling handling(*this, packet);
    if (packet.protocol != OuterProtocol::Udp)
    {
        Drop("natt: not UDP");
        return;
    }
    if (packet.destinationPort == kIkePort)
    {
        ++m_counters.ikeReceived;
        if (m_callbacks.onIke)
        {
            m_callbacks.onIke(packet.payload);
        }
        return;
    }
    if (packet.destinationPort != wire::kNattPort)
    {
        Drop("natt: not port 500 or 4500");
        return;
    }
    auto p = wire::ClassifyNattPayload(packet.payload);
    if (!p)
    {
        Drop(p.GetError().detail);
        return;
    }
    switch (p->kind)
    {
        case wire::NattPacketKind::Keepalive:
            ++m_counters.keepalivesReceived; // never taken as liveness: only reported
            if (m_callbacks.onEvent)
            {
                m_callbacks.onEvent(TransportEvent::KeepaliveReceived, "natt: NAT-keepalive");
            }
            return;
        case wire::NattPacketKind::Ike:
            m_floated = true; // the peer has floated: follow it (RFC 3947 section 4)
            ++m_counters.ikeReceived;
            if (m_callbacks.onIke)
            {
                m_callbacks.onIke(p->packet);
            }
            return;
        case wire::NattPacketKind::Esp:
            ++m_counters.espReceived;
            if (m_callbacks.onEsp)
            {
                m_callbacks.onEsp(p->packet);
            }
            return;
    }
}

size_t
NattTransport::EspOverhead() const
{
    return 8;
}

std::string
NattTransport::Name() const
{
    return "natt";
}

uint16_t
NattTransport::IkeLocalPort() const
{
    return m_floated ? wire::kNattPort : kIkePort;
}

EspTransport::EspTransport(Host& host, uint32_t localAddress, uint32_t remoteAddress)
    : DatagramTransport(host, localAddress, remoteAddress)
{
}

void
EspTransport::SendIke(wire::ByteView isakmpMessage)
{
    ++m_counters.ikeSent;
    SendUdp(NattTransport::kIkePort, NattTransport::kIkePort, isakmpMessage);
}

void
EspTransport::SendEsp(wire::ByteView espPacket)
{
    ++m_counters.espSent;
    OuterPacket p{OuterProtocol::Esp, m_local, Destination(), 0, 0, espPacket};
    m_host.SendOuter(p);
}

void
EspTransport::Receive(const OuterPacket& packet)
{
    Handling handling(*this, packet);
    if (packet.protocol == OuterProtocol::Esp)
    {
        ++m_counters.espReceived;
        if (m_callbacks.onEsp)
        {
            m_callbacks.onEsp(packet.payload);
        }
        return;
    }
    if (packet.protocol == OuterProtocol::Udp && packet.destinationPort == NattTransport::kIkePort)
    {
        ++m_counters.ikeReceived;
        if (m_callbacks.onIke)
        {
            m_callbacks.onIke(packet.payload);
        }
        return;
    }
    Drop("esp: neither IP protocol 50 nor UDP 500");
}

size_t
EspTransport::EspOverhead() const
{
    return 0;
}

std::string
EspTransport::Name() const
{
    return "esp";
}

uint16_t
EspTransport::IkeLocalPort() const
{
    return NattTransport::kIkePort;
}

} // namespace engine
} // namespace vpnsim
