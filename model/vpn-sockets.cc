#include "model/vpn-sockets.h"

#include "model/wire/esp-in-udp.h"
#include "model/wire/ipv4-header.h"
#include "model/wire/isakmp.h"
#include "ns3/boolean.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-end-point.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-raw-socket-factory.h"
#include "ns3/ipv4.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

namespace ns3
{

namespace
{

namespace engine = vpnsim::engine;
namespace wire = vpnsim::wire;

/// Swallows the segments of the cTCP port so that the node's TCP never answers them with RST.
void
IgnoreSegment(Ptr<Packet>, Ipv4Header, uint16_t, Ptr<Ipv4Interface>)
{
}

} // namespace

wire::Bytes
PacketBytes(Ptr<const Packet> p)
{
    wire::Bytes b(p->GetSize());
    p->CopyData(b.data(), b.size());
    return b;
}

Ptr<Packet>
BytesPacket(wire::ByteView bytes)
{
    return bytes.empty() ? Create<Packet>() : Create<Packet>(bytes.data(), bytes.size());
}

VpnSockets::VpnSockets(Ptr<Node> node, engine::Endpoint& endpoint)
    : m_node(node),
      m_endpoint(endpoint)
{
}

VpnSockets::~VpnSockets() = default;

Ipv4Address
VpnSockets::Local() const
{
    return Ipv4Address(m_endpoint.Settings().localAddress);
}

void
VpnSockets::Open()
{
    const engine::EndpointSettings& s = m_endpoint.Settings();
    switch (s.encapsulation)
    {
        case engine::Encapsulation::Natt:
            m_ike = MakeUdp(wire::kIkePort);
            m_natt = MakeUdp(wire::kNattPort);
            break;
        case engine::Encapsulation::Esp:
            m_ike = MakeUdp(wire::kIkePort);
            m_raw = MakeRaw(wire::ipproto::Esp);
            break;
        case engine::Encapsulation::Ctcp:
            m_raw = MakeRaw(wire::ipproto::Tcp);
            GuardCtcpPort();
            break;
        case engine::Encapsulation::AnyConnect:
            if (s.role == engine::EndpointRole::Headend)
            {
                m_listen = MakeStream(); // accepted connections inherit its segment size
                m_listen->Bind(InetSocketAddress(Local(), s.anyConnectPort));
                m_listen->Listen();
                m_listen->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                            MakeCallback(&VpnSockets::Accept, this));
            }
            else
            {
                m_connecting = MakeStream();
                m_connecting->Bind(InetSocketAddress(Local(), 0));
                m_connecting->SetConnectCallback(MakeCallback(&VpnSockets::Connected, this),
                                                 MakeCallback(&VpnSockets::ConnectFailed, this));
                m_connecting->Connect(
                    InetSocketAddress(Ipv4Address(s.remoteAddress), s.anyConnectPort));
            }
            break;
    }
}

void
VpnSockets::Close()
{
    for (Ptr<Socket> s : {m_ike, m_natt, m_raw, m_listen, m_connecting})
    {
        if (s)
        {
            s->Close();
        }
    }
    for (auto& [tunnel, stream] : m_streams)
    {
        if (stream.socket)
        {
            stream.socket->Close();
        }
    }
}

Ptr<Socket>
VpnSockets::MakeUdp(uint16_t port)
{
    Ptr<Socket> s = Socket::CreateSocket(m_node, UdpSocketFactory::GetTypeId());
    s->Bind(InetSocketAddress(Local(), port));
    s->SetRecvCallback(MakeCallback(&VpnSockets::ReceiveUdp, this));
    return s;
}

Ptr<Socket>
VpnSockets::MakeRaw(uint16_t protocol)
{
    Ptr<Socket> s = Socket::CreateSocket(m_node, Ipv4RawSocketFactory::GetTypeId());
    s->SetAttribute("Protocol", UintegerValue(protocol));
    s->Bind(InetSocketAddress(Local(), 0));
    s->SetRecvCallback(MakeCallback(&VpnSockets::ReceiveRaw, this));
    return s;
}

Ptr<Socket>
VpnSockets::MakeStream()
{
    Ptr<Socket> s = Socket::CreateSocket(m_node, TcpSocketFactory::GetTypeId());
    uint32_t segment = m_endpoint.Settings().anyConnectSegmentSize;
    if (segment == 0)
    {
        // ns-3 TCP sends no MSS option, so each end must be told what a real stack would have
        // agreed on; ns-3's own default (536) would cut every CSTP packet of a full-sized
        // inner datagram in two.
        constexpr uint32_t kIpv4AndTcpHeaders = 40;
        constexpr uint32_t kTimestampOption = 12; // RFC 7323: 10 bytes, padded to 12
        Ptr<Ipv4> ip = m_node->GetObject<Ipv4>();
        int32_t i = ip->GetInterfaceForAddress(Local());
        NS_ABORT_MSG_IF(i < 0, "VpnEndpoint: LocalAddress " << Local() << " is not on this node");
        BooleanValue timestamps;
        s->GetAttribute("Timestamp", timestamps);
        segment = ip->GetMtu(i) - kIpv4AndTcpHeaders - (timestamps.Get() ? kTimestampOption : 0);
    }
    s->SetAttribute("SegmentSize", UintegerValue(segment));
    return s;
}

void
VpnSockets::GuardCtcpPort()
{
    // One guard for all of a headend's clients: it takes every segment to the port.
    Ptr<TcpL4Protocol> tcp = m_node->GetObject<TcpL4Protocol>();
    uint16_t port = m_endpoint.CtcpLocalPort();
    m_tcpGuard = tcp->Allocate(nullptr, Local(), port);
    NS_ABORT_MSG_IF(m_tcpGuard == nullptr, "VpnEndpoint: TCP port " << port << " is in use");
    m_tcpGuard->SetRxCallback(MakeCallback(&IgnoreSegment));
}

void
VpnSockets::SendOuter(const engine::OuterPacket& outer, Ptr<Packet> packet)
{
    Ipv4Address to(outer.destinationAddress);
    if (outer.protocol == engine::OuterProtocol::Udp)
    {
        Ptr<Socket> s = outer.sourcePort == wire::kNattPort ? m_natt : m_ike;
        NS_ABORT_MSG_UNLESS(s, "VpnEndpoint: no socket for UDP " << outer.sourcePort);
        s->SendTo(packet, 0, InetSocketAddress(to, outer.destinationPort));
        return;
    }
    m_raw->SendTo(packet, 0, InetSocketAddress(to, 0));
}

void
VpnSockets::SendStream(engine::TunnelId tunnel, wire::ByteView bytes)
{
    Stream& stream = m_streams[tunnel];
    stream.backlog.insert(stream.backlog.end(), bytes.begin(), bytes.end());
    if (stream.socket)
    {
        DrainStream(stream.socket, stream.socket->GetTxAvailable());
    }
}

void
VpnSockets::ReceiveUdp(Ptr<Socket> socket)
{
    uint16_t localPort = socket == m_natt ? wire::kNattPort : wire::kIkePort;
    Address from;
    while (Ptr<Packet> p = socket->RecvFrom(from))
    {
        InetSocketAddress src = InetSocketAddress::ConvertFrom(from);
        m_endpoint.ReceiveUdp(src.GetIpv4().Get(), src.GetPort(), localPort, PacketBytes(p));
    }
}

void
VpnSockets::ReceiveRaw(Ptr<Socket> socket)
{
    Address from;
    while (Ptr<Packet> p = socket->RecvFrom(from))
    {
        // ns-3 raw sockets hand up the IPv4 header with the payload, parsed once here.
        Ipv4Header ip;
        p->RemoveHeader(ip);
        wire::Ipv4Header h;
        h.protocol = ip.GetProtocol();
        h.source = ip.GetSource().Get();
        h.destination = ip.GetDestination().Get();
        h.moreFragments = !ip.IsLastFragment();
        h.fragmentOffset = ip.GetFragmentOffset() / 8;
        m_endpoint.ReceiveRaw(h, PacketBytes(p));
    }
}

void
VpnSockets::OpenStream(engine::TunnelId tunnel, Ptr<Socket> socket)
{
    m_streams[tunnel].socket = socket;
    m_streamTunnel[socket] = tunnel;
    socket->SetRecvCallback(MakeCallback(&VpnSockets::ReceiveStream, this));
    socket->SetSendCallback(MakeCallback(&VpnSockets::DrainStream, this));
    m_endpoint.StreamOpened(tunnel);
}

void
VpnSockets::Accept(Ptr<Socket> socket, const Address& from)
{
    InetSocketAddress peer = InetSocketAddress::ConvertFrom(from);
    OpenStream(m_endpoint.Accept({peer.GetIpv4().Get(), peer.GetPort()}), socket);
}

void
VpnSockets::Connected(Ptr<Socket> socket)
{
    m_connecting = nullptr;
    OpenStream(0, socket);
}

void
VpnSockets::ConnectFailed(Ptr<Socket>)
{
    m_endpoint.StreamClosed(0, "anyconnect: TCP connection to the headend failed");
}

void
VpnSockets::ReceiveStream(Ptr<Socket> socket)
{
    engine::TunnelId tunnel = m_streamTunnel.at(socket);
    while (Ptr<Packet> p = socket->Recv())
    {
        if (p->GetSize() == 0)
        {
            break;
        }
        m_endpoint.ReceiveStream(tunnel, PacketBytes(p));
    }
}

void
VpnSockets::DrainStream(Ptr<Socket> socket, uint32_t available)
{
    // The engine writes whenever it likes; TCP takes what its send buffer has room for.
    std::deque<uint8_t>& backlog = m_streams[m_streamTunnel.at(socket)].backlog;
    size_t n = std::min<size_t>(available, backlog.size());
    if (n == 0)
    {
        return;
    }
    wire::Bytes chunk(backlog.begin(), backlog.begin() + n);
    int sent = socket->Send(chunk.data(), static_cast<uint32_t>(n), 0);
    if (sent > 0)
    {
        backlog.erase(backlog.begin(), backlog.begin() + sent);
    }
}

} // namespace ns3
