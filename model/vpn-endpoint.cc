#include "model/vpn-endpoint.h"

#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-end-point.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-raw-socket-factory.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("VpnEndpoint");
NS_OBJECT_ENSURE_REGISTERED(VpnEndpoint);

namespace
{

using vpnsim::engine::Nanos;
using vpnsim::engine::OuterPacket;
using vpnsim::engine::OuterProtocol;

Nanos
ToNanos(Time t)
{
    return Nanos(t.GetNanoSeconds());
}

vpnsim::wire::Bytes
ToBytes(Ptr<const Packet> p)
{
    vpnsim::wire::Bytes b(p->GetSize());
    p->CopyData(b.data(), b.size());
    return b;
}

/// Swallows the segments of the cTCP port so that the node's TCP never answers them with RST.
void
IgnoreSegment(Ptr<Packet>, Ipv4Header, uint16_t, Ptr<Ipv4Interface>)
{
}

} // namespace

TypeId
VpnEndpoint::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::VpnEndpoint")
              .SetParent<Application>()
              .SetGroupName("Vpnsim")
              .AddConstructor<VpnEndpoint>()
              .AddAttribute("Role", "Which end: the VPN client or the headend (ASA).",
                            EnumValue(CLIENT), MakeEnumAccessor(&VpnEndpoint::m_role),
                            MakeEnumChecker(CLIENT, "client", HEADEND, "headend"))
              .AddAttribute(
                  "Encapsulation", "How IPsec crosses the network.", EnumValue(CTCP),
                  MakeEnumAccessor(&VpnEndpoint::m_encapsulation),
                  MakeEnumChecker(CTCP, "ctcp", NATT, "natt", ESP, "esp", ANYCONNECT, "anyconnect"))
              .AddAttribute("LocalAddress", "This end's outer IPv4 address.",
                            Ipv4AddressValue(Ipv4Address::GetAny()),
                            MakeIpv4AddressAccessor(&VpnEndpoint::m_local),
                            MakeIpv4AddressChecker())
              .AddAttribute("RemoteAddress", "The peer's outer IPv4 address.",
                            Ipv4AddressValue(Ipv4Address::GetAny()),
                            MakeIpv4AddressAccessor(&VpnEndpoint::m_remote),
                            MakeIpv4AddressChecker())
              .AddAttribute("Transform",
                            "ESP transform: aes-cbc-128-hmac-sha1-96 (the legacy Cisco VPN "
                            "Client's), aes-cbc-256-hmac-sha1-96, null-hmac-sha1-96, aes-gcm-128, "
                            "aes-gcm-256.",
                            StringValue("aes-cbc-128-hmac-sha1-96"),
                            MakeStringAccessor(&VpnEndpoint::m_transform), MakeStringChecker())
              .AddAttribute("CtcpPort", "Headend cTCP port (Cisco default 10000).",
                            UintegerValue(10000), MakeUintegerAccessor(&VpnEndpoint::m_ctcpPort),
                            MakeUintegerChecker<uint16_t>(1))
              .AddAttribute("AnyConnectPort", "Headend TLS port for AnyConnect.",
                            UintegerValue(443),
                            MakeUintegerAccessor(&VpnEndpoint::m_anyConnectPort),
                            MakeUintegerChecker<uint16_t>(1))
              .AddAttribute("PeerTimeout",
                            "Client DPD peer response timeout (Cisco VPN Client .pcf: 90 s, "
                            "30-480 s there; shorter values allowed for short experiments).",
                            TimeValue(Seconds(90)), MakeTimeAccessor(&VpnEndpoint::m_peerTimeout),
                            MakeTimeChecker(Seconds(10), Seconds(3600)))
              .AddAttribute("ClientDpdIdle",
                            "Client DPD: silence after sending before an R-U-THERE (10 s).",
                            TimeValue(Seconds(10)), MakeTimeAccessor(&VpnEndpoint::m_clientDpdIdle),
                            MakeTimeChecker(Seconds(1), Seconds(3600)))
              .AddAttribute("ClientDpdRetry", "Client DPD: R-U-THERE repeat interval (5 s).",
                            TimeValue(Seconds(5)), MakeTimeAccessor(&VpnEndpoint::m_clientDpdRetry),
                            MakeTimeChecker(Seconds(1), Seconds(3600)))
              .AddAttribute("AsaDpdThreshold",
                            "Headend isakmp keepalive threshold (ASA remote access: 300 s).",
                            TimeValue(Seconds(300)), MakeTimeAccessor(&VpnEndpoint::m_asaThreshold),
                            MakeTimeChecker(Seconds(10), Seconds(3600)))
              .AddAttribute("AsaDpdRetry", "Headend isakmp keepalive retry (ASA: 2 s).",
                            TimeValue(Seconds(2)), MakeTimeAccessor(&VpnEndpoint::m_asaRetry),
                            MakeTimeChecker(Seconds(2), Seconds(10)))
              .AddAttribute("AsaDpdRetries",
                            "Headend: unanswered R-U-THEREs before the peer is dead (3).",
                            UintegerValue(3), MakeUintegerAccessor(&VpnEndpoint::m_asaRetries),
                            MakeUintegerChecker<uint32_t>(1, 10))
              .AddAttribute("KeySeed",
                            "Seed of the static ESP and IKE keys (both ends must agree).",
                            UintegerValue(0x42), MakeUintegerAccessor(&VpnEndpoint::m_keySeed),
                            MakeUintegerChecker<uint8_t>())
              .AddAttribute("ClientToHeadendSpi", "SPI of the client-to-headend ESP SA.",
                            UintegerValue(0xc0ffee01),
                            MakeUintegerAccessor(&VpnEndpoint::m_clientToHeadendSpi),
                            MakeUintegerChecker<uint32_t>(256)) // 1-255 reserved (RFC 4303 2.1)
              .AddAttribute("HeadendToClientSpi", "SPI of the headend-to-client ESP SA.",
                            UintegerValue(0xc0ffee02),
                            MakeUintegerAccessor(&VpnEndpoint::m_headendToClientSpi),
                            MakeUintegerChecker<uint32_t>(256))
              .AddAttribute("NatKeepalive", "NAT-T keepalive interval (RFC 3948: 20 s); 0 off.",
                            TimeValue(Seconds(20)), MakeTimeAccessor(&VpnEndpoint::m_natKeepalive),
                            MakeTimeChecker(Seconds(0), Seconds(3600)))
              .AddAttribute("IdleTimeout",
                            "Headend vpn-idle-timeout (ASA group-policy: 30 min); 0 off.",
                            TimeValue(Minutes(30)), MakeTimeAccessor(&VpnEndpoint::m_idleTimeout),
                            MakeTimeChecker(Seconds(0)))
              .AddAttribute("AnyConnectDpd", "AnyConnect DPD interval (ASA default 30 s).",
                            TimeValue(Seconds(30)), MakeTimeAccessor(&VpnEndpoint::m_anyConnectDpd),
                            MakeTimeChecker(Seconds(5), Seconds(3600)))
              .AddAttribute("AnyConnectKeepalive", "AnyConnect keepalive interval (20 s); 0 off.",
                            TimeValue(Seconds(20)),
                            MakeTimeAccessor(&VpnEndpoint::m_anyConnectKeepalive),
                            MakeTimeChecker(Seconds(0)))
              .AddTraceSource("TunnelState", "The tunnel went up or down (with the reason).",
                              MakeTraceSourceAccessor(&VpnEndpoint::m_stateTrace),
                              "ns3::VpnEndpoint::TunnelStateCallback")
              .AddTraceSource("InnerTx", "An inner packet entered the tunnel.",
                              MakeTraceSourceAccessor(&VpnEndpoint::m_innerTxTrace),
                              "ns3::Packet::TracedCallback")
              .AddTraceSource("InnerRx", "An inner packet came out of the tunnel.",
                              MakeTraceSourceAccessor(&VpnEndpoint::m_innerRxTrace),
                              "ns3::Packet::TracedCallback")
              .AddTraceSource("OuterTx",
                              "The engine put a packet on the outer wire: a UDP payload, an ESP "
                              "packet, a whole cTCP segment, or AnyConnect stream bytes.",
                              MakeTraceSourceAccessor(&VpnEndpoint::m_outerTxTrace),
                              "ns3::Packet::TracedCallback")
              .AddTraceSource("OuterRx",
                              "A packet from the outer wire went to the engine (without its "
                              "IPv4 and UDP headers; AnyConnect: a chunk of the stream).",
                              MakeTraceSourceAccessor(&VpnEndpoint::m_outerRxTrace),
                              "ns3::Packet::TracedCallback")
              .AddTraceSource("Drop",
                              "The engine dropped a packet: esp-icv, esp-replay, esp-malformed, "
                              "framing, not-up, ...",
                              MakeTraceSourceAccessor(&VpnEndpoint::m_dropTrace),
                              "ns3::VpnEndpoint::DropCallback")
              .AddTraceSource("Dpd",
                              "A liveness message was sent or received (IKE DPD, NAT-T or CSTP "
                              "keepalive, CSTP DPD), or the peer was declared dead.",
                              MakeTraceSourceAccessor(&VpnEndpoint::m_dpdTrace),
                              "ns3::VpnEndpoint::DpdCallback");
    return tid;
}

VpnEndpoint::VpnEndpoint()
    : m_portRandom(CreateObject<UniformRandomVariable>())
{
    m_host.SetSinks(
        [this](const OuterPacket& p)
        {
            SendOuter(p);
        },
        [this](vpnsim::wire::ByteView b)
        {
            SendStream(b);
        },
        [this](vpnsim::wire::ByteView b)
        {
            DeliverInner(b);
        });
}

VpnEndpoint::~VpnEndpoint() = default;

void
VpnEndpoint::DoDispose()
{
    m_host.CancelAll();
    m_ipsec.reset();
    m_anyconnect.reset();
    m_tunnel = nullptr;
    m_udp500 = m_udp4500 = m_raw = m_listen = m_stream = nullptr;
    Application::DoDispose();
}

void
VpnEndpoint::SetTunnelDevice(Ptr<VirtualNetDevice> device)
{
    m_tunnel = device;
    m_tunnel->SetSendCallback(MakeCallback(&VpnEndpoint::OnTunnelSend, this));
}

Ptr<VirtualNetDevice>
VpnEndpoint::GetTunnelDevice() const
{
    return m_tunnel;
}

bool
VpnEndpoint::IsUp() const
{
    return m_status.state == vpnsim::engine::TunnelState::Up;
}

const vpnsim::engine::TunnelStatus&
VpnEndpoint::GetStatus() const
{
    return m_status;
}

Time
VpnEndpoint::GetDownTime() const
{
    return m_downTime;
}

const vpnsim::engine::IpsecTunnel*
VpnEndpoint::GetIpsecTunnel() const
{
    return m_ipsec.get();
}

const vpnsim::engine::AnyConnectTunnel*
VpnEndpoint::GetAnyConnectTunnel() const
{
    return m_anyconnect.get();
}

VpnEndpoint::Counters
VpnEndpoint::GetCounters() const
{
    Counters c = m_outer;
    if (m_ipsec)
    {
        static_cast<vpnsim::engine::TunnelCounters&>(c) = m_ipsec->Summary();
    }
    else if (m_anyconnect)
    {
        static_cast<vpnsim::engine::TunnelCounters&>(c) = m_anyconnect->Summary();
    }
    return c;
}

int64_t
VpnEndpoint::AssignStreams(int64_t stream)
{
    m_portRandom->SetStream(stream);
    return 1 + m_host.AssignStreams(stream + 1);
}

void
VpnEndpoint::CreateEngine()
{
    bool client = m_role == CLIENT;
    if (m_encapsulation == ANYCONNECT)
    {
        vpnsim::engine::AnyConnectConfig c;
        c.dpd = ToNanos(m_anyConnectDpd);
        c.keepalive = ToNanos(m_anyConnectKeepalive);
        m_anyconnect = std::make_unique<vpnsim::engine::AnyConnectTunnel>(
            m_host,
            client ? vpnsim::engine::AnyConnectRole::Client
                   : vpnsim::engine::AnyConnectRole::Headend,
            c);
        m_anyconnect->SetStatusCallback(
            [this](const vpnsim::engine::TunnelStatus& s)
            {
                OnStatus(s);
            });
        m_anyconnect->SetObserver(MakeObserver());
        return;
    }
    vpnsim::engine::IpsecTunnelConfig c;
    c.encapsulation = m_encapsulation == CTCP   ? vpnsim::engine::IpsecEncapsulation::Ctcp
                      : m_encapsulation == NATT ? vpnsim::engine::IpsecEncapsulation::Natt
                                                : vpnsim::engine::IpsecEncapsulation::Esp;
    c.localAddress = m_local.Get();
    c.remoteAddress = m_remote.Get();
    auto transform = vpnsim::wire::ParseEspTransformId(m_transform);
    NS_ABORT_MSG_UNLESS(transform.Ok(), "VpnEndpoint::Transform: " << transform.GetError().detail);
    c.transform = *transform;
    c.ctcp.serverPort = m_ctcpPort;
    // The client's source port is random in 1024-65535, as the Cisco client picks it.
    m_clientPort = static_cast<uint16_t>(m_portRandom->GetInteger(1024, 65535));
    c.ctcp.clientPort = m_clientPort;
    c.clientDpd.peerTimeout = ToNanos(m_peerTimeout);
    c.clientDpd.idle = ToNanos(m_clientDpdIdle);
    c.clientDpd.retry = ToNanos(m_clientDpdRetry);
    c.headendDpd.threshold = ToNanos(m_asaThreshold);
    c.headendDpd.retry = ToNanos(m_asaRetry);
    c.headendDpd.retries = m_asaRetries;
    c.keySeed = m_keySeed;
    c.clientToHeadendSpi = m_clientToHeadendSpi;
    c.headendToClientSpi = m_headendToClientSpi;
    c.natKeepalive = ToNanos(m_natKeepalive);
    c.idleTimeout = ToNanos(m_idleTimeout);
    auto error = vpnsim::engine::IpsecTunnel::Validate(c);
    NS_ABORT_MSG_IF(error.has_value(), "VpnEndpoint: " << *error);
    m_ipsec = std::make_unique<vpnsim::engine::IpsecTunnel>(
        m_host, client ? vpnsim::engine::IpsecRole::Client : vpnsim::engine::IpsecRole::Headend, c);
    m_ipsec->SetStatusCallback(
        [this](const vpnsim::engine::TunnelStatus& s)
        {
            OnStatus(s);
        });
    m_ipsec->SetObserver(MakeObserver());
}

vpnsim::engine::TunnelObserver
VpnEndpoint::MakeObserver()
{
    return vpnsim::engine::TunnelObserver{
        [this](vpnsim::engine::DropReason r, vpnsim::wire::ByteView p, const std::string& d)
        {
            OnDrop(r, p, d);
        },
        [this](vpnsim::engine::LivenessEvent e)
        {
            OnLiveness(e);
        }};
}

void
VpnEndpoint::OnDrop(vpnsim::engine::DropReason reason, vpnsim::wire::ByteView packet,
                    const std::string& detail)
{
    NS_LOG_LOGIC((m_role == CLIENT ? "client" : "headend")
                 << " drop " << vpnsim::engine::ToString(reason) << " (" << packet.size()
                 << " bytes): " << detail);
    if (!m_dropTrace.IsEmpty())
    {
        Ptr<Packet> p
            = packet.empty() ? Create<Packet>() : Create<Packet>(packet.data(), packet.size());
        m_dropTrace(p, vpnsim::engine::ToString(reason));
    }
}

void
VpnEndpoint::OnLiveness(vpnsim::engine::LivenessEvent event)
{
    NS_LOG_LOGIC((m_role == CLIENT ? "client" : "headend")
                 << " " << vpnsim::engine::ToString(event));
    m_dpdTrace(vpnsim::engine::ToString(event));
}

void
VpnEndpoint::OuterSent(Ptr<const Packet> packet)
{
    ++m_outer.outerPacketsSent;
    m_outer.outerBytesSent += packet->GetSize();
    m_outerTxTrace(packet);
}

void
VpnEndpoint::OuterReceived(Ptr<const Packet> packet)
{
    ++m_outer.outerPacketsReceived;
    m_outer.outerBytesReceived += packet->GetSize();
    m_outerRxTrace(packet);
}

Ptr<Socket>
VpnEndpoint::MakeUdp(uint16_t port)
{
    Ptr<Socket> s = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
    s->Bind(InetSocketAddress(m_local, port));
    s->SetRecvCallback(MakeCallback(&VpnEndpoint::ReceiveUdp, this));
    return s;
}

Ptr<Socket>
VpnEndpoint::MakeRaw(uint16_t protocol)
{
    Ptr<Socket> s = Socket::CreateSocket(GetNode(), Ipv4RawSocketFactory::GetTypeId());
    s->SetAttribute("Protocol", UintegerValue(protocol));
    s->Bind(InetSocketAddress(m_local, 0));
    s->SetRecvCallback(MakeCallback(&VpnEndpoint::ReceiveRaw, this));
    return s;
}

void
VpnEndpoint::OpenSockets()
{
    switch (m_encapsulation)
    {
        case NATT:
            m_udp500 = MakeUdp(500);
            m_udp4500 = MakeUdp(4500);
            break;
        case ESP:
            m_udp500 = MakeUdp(500);
            m_raw = MakeRaw(50);
            break;
        case CTCP:
        {
            m_raw = MakeRaw(6);
            Ptr<TcpL4Protocol> tcp = GetNode()->GetObject<TcpL4Protocol>();
            uint16_t port = m_role == CLIENT ? m_clientPort : m_ctcpPort;
            m_tcpGuard = tcp->Allocate(nullptr, m_local, port);
            NS_ABORT_MSG_IF(m_tcpGuard == nullptr,
                            "VpnEndpoint: TCP port " << port << " is in use");
            m_tcpGuard->SetRxCallback(MakeCallback(&IgnoreSegment));
            break;
        }
        case ANYCONNECT:
            if (m_role == HEADEND)
            {
                m_listen = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
                m_listen->Bind(InetSocketAddress(m_local, m_anyConnectPort));
                m_listen->Listen();
                m_listen->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                            MakeCallback(&VpnEndpoint::Accept, this));
            }
            else
            {
                m_stream = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
                m_stream->Bind(InetSocketAddress(m_local, 0));
                m_stream->SetConnectCallback(MakeCallback(&VpnEndpoint::Connected, this),
                                             MakeCallback(&VpnEndpoint::ConnectFailed, this));
                m_stream->Connect(InetSocketAddress(m_remote, m_anyConnectPort));
            }
            break;
    }
}

void
VpnEndpoint::StartApplication()
{
    NS_ABORT_MSG_IF(!m_tunnel, "VpnEndpoint: no tunnel device (install with VpnHelper)");
    CreateEngine();
    OpenSockets();
    if (m_ipsec)
    {
        m_ipsec->Start();
    }
}

void
VpnEndpoint::StopApplication()
{
    m_host.CancelAll();
    for (Ptr<Socket> s : {m_udp500, m_udp4500, m_raw, m_listen, m_stream})
    {
        if (s)
        {
            s->Close();
        }
    }
}

void
VpnEndpoint::OnStatus(const vpnsim::engine::TunnelStatus& status)
{
    m_status = status;
    bool up = status.state == vpnsim::engine::TunnelState::Up;
    if (!up)
    {
        m_downTime = Simulator::Now();
    }
    std::string reason = status.reason ? vpnsim::engine::ToString(*status.reason) : "";
    NS_LOG_INFO((m_role == CLIENT ? "client" : "headend")
                << " tunnel " << (up ? "up" : "down") << " " << reason << " " << status.detail);
    m_stateTrace(up ? "up" : "down", reason, status.detail);
}

bool
VpnEndpoint::OnTunnelSend(Ptr<Packet> packet, const Address&, const Address&, uint16_t)
{
    m_innerTxTrace(packet);
    vpnsim::wire::Bytes inner = ToBytes(packet);
    if (m_ipsec)
    {
        m_ipsec->SendInner(inner);
    }
    else if (m_anyconnect)
    {
        m_anyconnect->SendInner(inner);
    }
    return true;
}

void
VpnEndpoint::DeliverInner(vpnsim::wire::ByteView inner)
{
    Ptr<Packet> p = Create<Packet>(inner.data(), inner.size());
    m_innerRxTrace(p);
    m_tunnel->Receive(p, 0x0800, m_tunnel->GetAddress(), m_tunnel->GetAddress(),
                      NetDevice::PACKET_HOST);
}

void
VpnEndpoint::SendOuter(const OuterPacket& packet)
{
    Ptr<Packet> p = Create<Packet>(packet.payload.data(), packet.payload.size());
    Ipv4Address to(packet.destinationAddress);
    switch (packet.protocol)
    {
        case OuterProtocol::Udp:
        {
            Ptr<Socket> s = packet.sourcePort == 4500 ? m_udp4500 : m_udp500;
            if (s)
            {
                OuterSent(p);
                s->SendTo(p, 0, InetSocketAddress(to, packet.destinationPort));
            }
            break;
        }
        case OuterProtocol::Esp:
        case OuterProtocol::Tcp:
            if (m_raw)
            {
                OuterSent(p);
                m_raw->SendTo(p, 0, InetSocketAddress(to, 0));
            }
            break;
    }
}

void
VpnEndpoint::ReceiveUdp(Ptr<Socket> socket)
{
    Address from;
    while (Ptr<Packet> p = socket->RecvFrom(from))
    {
        InetSocketAddress src = InetSocketAddress::ConvertFrom(from);
        OuterReceived(p);
        vpnsim::wire::Bytes b = ToBytes(p);
        uint16_t localPort = socket == m_udp4500 ? 4500 : 500;
        OuterPacket o{OuterProtocol::Udp, src.GetIpv4().Get(), m_local.Get(),
                      src.GetPort(),      localPort,           b};
        m_ipsec->Receive(o);
    }
}

void
VpnEndpoint::ReceiveRaw(Ptr<Socket> socket)
{
    Address from;
    while (Ptr<Packet> p = socket->RecvFrom(from))
    {
        // ns-3 raw sockets hand up the IPv4 header with the payload.
        Ipv4Header ip;
        p->RemoveHeader(ip);
        // The headend takes ESP from any address: a client behind NAT arrives from the NAT's,
        // which it cannot know beforehand, and the engine decides by ESP authentication
        // (it follows the peer, RFC 3948). cTCP keeps the configured peer: the raw socket sees
        // all TCP to this address, and cTCP through a NAT is not modelled.
        bool anySource = m_role == HEADEND && ip.GetProtocol() == 50;
        if (!anySource && ip.GetSource() != m_remote)
        {
            continue;
        }
        OuterReceived(p);
        vpnsim::wire::Bytes b = ToBytes(p);
        OuterPacket o{ip.GetProtocol() == 6 ? OuterProtocol::Tcp : OuterProtocol::Esp,
                      ip.GetSource().Get(),
                      ip.GetDestination().Get(),
                      0,
                      0,
                      b};
        m_ipsec->Receive(o);
    }
}

void
VpnEndpoint::Accept(Ptr<Socket> socket, const Address&)
{
    if (m_stream)
    {
        socket->Close(); // one client per headend endpoint
        return;
    }
    m_stream = socket;
    m_stream->SetRecvCallback(MakeCallback(&VpnEndpoint::ReceiveStream, this));
    m_stream->SetSendCallback(MakeCallback(&VpnEndpoint::DrainStream, this));
    m_anyconnect->Start();
}

void
VpnEndpoint::Connected(Ptr<Socket> socket)
{
    socket->SetRecvCallback(MakeCallback(&VpnEndpoint::ReceiveStream, this));
    socket->SetSendCallback(MakeCallback(&VpnEndpoint::DrainStream, this));
    m_anyconnect->Start();
}

void
VpnEndpoint::ConnectFailed(Ptr<Socket>)
{
    OnStatus(vpnsim::engine::TunnelStatus{vpnsim::engine::TunnelState::Down, std::nullopt,
                                          "anyconnect: TCP connection to the headend failed"});
}

void
VpnEndpoint::ReceiveStream(Ptr<Socket> socket)
{
    while (Ptr<Packet> p = socket->Recv())
    {
        if (p->GetSize() == 0)
        {
            break;
        }
        OuterReceived(p);
        m_anyconnect->ReceiveStream(ToBytes(p));
    }
}

void
VpnEndpoint::SendStream(vpnsim::wire::ByteView bytes)
{
    // Counted and traced as the engine writes (one CSTP packet in one TLS record per write);
    // TCP segments them as it likes.
    ++m_outer.outerPacketsSent;
    m_outer.outerBytesSent += bytes.size();
    if (!m_outerTxTrace.IsEmpty())
    {
        m_outerTxTrace(Create<Packet>(bytes.data(), bytes.size()));
    }
    m_streamBacklog.insert(m_streamBacklog.end(), bytes.begin(), bytes.end());
    if (m_stream)
    {
        DrainStream(m_stream, m_stream->GetTxAvailable());
    }
}

void
VpnEndpoint::DrainStream(Ptr<Socket> socket, uint32_t available)
{
    // The engine writes whenever it likes; TCP takes what its send buffer has room for.
    size_t n = std::min<size_t>(available, m_streamBacklog.size());
    if (n == 0)
    {
        return;
    }
    vpnsim::wire::Bytes chunk(m_streamBacklog.begin(), m_streamBacklog.begin() + n);
    int sent = socket->Send(chunk.data(), static_cast<uint32_t>(n), 0);
    if (sent > 0)
    {
        m_streamBacklog.erase(m_streamBacklog.begin(), m_streamBacklog.begin() + sent);
    }
}

} // namespace ns3
