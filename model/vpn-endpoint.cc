#include "model/vpn-endpoint.h"

#include "model/vpn-engine-host.h"

#include "model/engine/anyconnect-tunnel.h"
#include "model/engine/ipsec-tunnel.h"
#include "model/parameter-attribute.h"
#include "model/wire/esp-in-udp.h"
#include "model/wire/isakmp.h"
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
#include "ns3/string.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(VpnEndpoint);

namespace
{

namespace engine = vpnsim::engine;
using engine::Nanos;
using engine::OuterPacket;
using engine::OuterProtocol;
using engine::TunnelId;
using engine::ParameterSpec;

Nanos
ToNanos(Time t)
{
    return Nanos(t.GetNanoSeconds());
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
    static TypeId tid = []
    {
        TypeId t
            = TypeId("ns3::VpnEndpoint")
                  .SetParent<Application>()
                  .SetGroupName("Vpnsim")
                  .AddConstructor<VpnEndpoint>()
                  .AddAttribute("Role", "Which end: the VPN client or the headend (ASA).",
                                EnumValue(CLIENT), MakeEnumAccessor(&VpnEndpoint::m_role),
                                MakeEnumChecker(CLIENT, "client", HEADEND, "headend"))
                  .AddAttribute("Encapsulation", "How IPsec crosses the network.", EnumValue(CTCP),
                                MakeEnumAccessor(&VpnEndpoint::m_encapsulation),
                                MakeEnumChecker(CTCP, "ctcp", NATT, "natt", ESP, "esp", ANYCONNECT,
                                                "anyconnect"))
                  .AddAttribute("LocalAddress", "This end's outer IPv4 address.",
                                Ipv4AddressValue(Ipv4Address::GetAny()),
                                MakeIpv4AddressAccessor(&VpnEndpoint::m_local),
                                MakeIpv4AddressChecker())
                  .AddAttribute("RemoteAddress",
                                "The headend's outer IPv4 address (client only: a headend takes "
                                "its clients from wherever they are seen).",
                                Ipv4AddressValue(Ipv4Address::GetAny()),
                                MakeIpv4AddressAccessor(&VpnEndpoint::m_remote),
                                MakeIpv4AddressChecker())
                  .AddAttribute(
                      "Transform",
                      "ESP transform: aes-cbc-128-hmac-sha1-96 (the legacy Cisco VPN "
                      "Client's), aes-cbc-256-hmac-sha1-96, null-hmac-sha1-96, aes-gcm-128, "
                      "aes-gcm-256.",
                      StringValue("aes-cbc-128-hmac-sha1-96"),
                      MakeStringAccessor(&VpnEndpoint::m_transform), MakeStringChecker());
        // Every endpoint parameter: name, default, unit and range from the engine's table.
        using namespace vpnsim::engine::parameter;
        for (const auto& [spec, accessor] :
             std::initializer_list<std::pair<const ParameterSpec*, Ptr<const AttributeAccessor>>>{
                 {&kCtcpPort, MakeUintegerAccessor(&VpnEndpoint::m_ctcpPort)},
                 {&kAnyConnectPort, MakeUintegerAccessor(&VpnEndpoint::m_anyConnectPort)},
                 {&kPeerTimeout, MakeTimeAccessor(&VpnEndpoint::m_peerTimeout)},
                 {&kClientDpdIdle, MakeTimeAccessor(&VpnEndpoint::m_clientDpdIdle)},
                 {&kClientDpdRetry, MakeTimeAccessor(&VpnEndpoint::m_clientDpdRetry)},
                 {&kAsaDpdThreshold, MakeTimeAccessor(&VpnEndpoint::m_asaThreshold)},
                 {&kAsaDpdRetry, MakeTimeAccessor(&VpnEndpoint::m_asaRetry)},
                 {&kAsaDpdRetries, MakeUintegerAccessor(&VpnEndpoint::m_asaRetries)},
                 {&kKeySeed, MakeUintegerAccessor(&VpnEndpoint::m_keySeed)},
                 {&kClientToHeadendSpi, MakeUintegerAccessor(&VpnEndpoint::m_clientToHeadendSpi)},
                 {&kHeadendToClientSpi, MakeUintegerAccessor(&VpnEndpoint::m_headendToClientSpi)},
                 {&kNatKeepalive, MakeTimeAccessor(&VpnEndpoint::m_natKeepalive)},
                 {&kIdleTimeout, MakeTimeAccessor(&VpnEndpoint::m_idleTimeout)},
                 {&kAnyConnectDpd, MakeTimeAccessor(&VpnEndpoint::m_anyConnectDpd)},
                 {&kAnyConnectKeepalive, MakeTimeAccessor(&VpnEndpoint::m_anyConnectKeepalive)},
                 {&kAnyConnectSegmentSize,
                  MakeUintegerAccessor(&VpnEndpoint::m_anyConnectSegmentSize)},
             })
        {
            AddParameterAttribute(t, *spec, accessor);
        }
        return t
            .AddTraceSource("TunnelState",
                            "The tunnel went up or down (with the reason); at a headend, any "
                            "client's tunnel.",
                            MakeTraceSourceAccessor(&VpnEndpoint::m_stateTrace),
                            "ns3::VpnEndpoint::TunnelStateCallback")
            .AddTraceSource("ClientState",
                            "A tunnel went up or down, with its client's number (GetClient).",
                            MakeTraceSourceAccessor(&VpnEndpoint::m_clientStateTrace),
                            "ns3::VpnEndpoint::ClientStateCallback")
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
                            "framing, not-up, ...; a headend also drops what belongs to no "
                            "client (no-client, malformed) and inner packets to no client "
                            "(no-route).",
                            MakeTraceSourceAccessor(&VpnEndpoint::m_dropTrace),
                            "ns3::VpnEndpoint::DropCallback")
            .AddTraceSource("Dpd",
                            "A liveness message was sent or received (IKE DPD, NAT-T or CSTP "
                            "keepalive, CSTP DPD), or the peer was declared dead.",
                            MakeTraceSourceAccessor(&VpnEndpoint::m_dpdTrace),
                            "ns3::VpnEndpoint::DpdCallback");
    }();
    return tid;
}

VpnEndpoint::VpnEndpoint()
    : m_portRandom(CreateObject<UniformRandomVariable>())
{
}

VpnEndpoint::~VpnEndpoint() = default;

void
VpnEndpoint::DoDispose()
{
    m_clock.CancelAll();
    m_endpoint.reset();
    m_streams.clear();
    m_streamTunnel.clear();
    m_tunnel = nullptr;
    m_udp500 = m_udp4500 = m_raw = m_listen = m_connecting = nullptr;
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

void
VpnEndpoint::AddClient(Ipv4Address innerAddress, uint32_t offeredSpi, Ipv4Address expectedOuter)
{
    m_expected.emplace_back(innerAddress.Get(), offeredSpi, expectedOuter.Get());
}

uint32_t
VpnEndpoint::GetConfiguredClients() const
{
    return static_cast<uint32_t>(m_expected.size());
}

bool
VpnEndpoint::IsUp() const
{
    return GetClientCount() > 0 && GetClient(0).IsUp();
}

const engine::TunnelStatus&
VpnEndpoint::GetStatus() const
{
    static const engine::TunnelStatus kNone{};
    return GetClientCount() == 0 ? kNone : GetClient(0).Status();
}

Time
VpnEndpoint::GetDownTime() const
{
    auto at = GetClientCount() == 0 ? std::nullopt : GetClient(0).DownAt();
    return at ? NanoSeconds(at->count()) : Seconds(-1);
}

const engine::IpsecTunnel*
VpnEndpoint::GetIpsecTunnel() const
{
    return GetClientCount() == 0 ? nullptr : GetClient(0).Ipsec();
}

const engine::AnyConnectTunnel*
VpnEndpoint::GetAnyConnectTunnel() const
{
    return GetClientCount() == 0 ? nullptr : GetClient(0).AnyConnect();
}

VpnEndpoint::Counters
VpnEndpoint::GetCounters() const
{
    return m_endpoint ? m_endpoint->TotalCounters() : Counters{};
}

uint32_t
VpnEndpoint::GetClientCount() const
{
    return m_endpoint ? static_cast<uint32_t>(m_endpoint->TunnelCount()) : 0;
}

const engine::EndpointTunnel&
VpnEndpoint::GetClient(uint32_t index) const
{
    NS_ABORT_MSG_UNLESS(index < GetClientCount(),
                        "VpnEndpoint: no client " << index << " (" << GetClientCount() << ")");
    return m_endpoint->GetTunnel(index);
}

std::optional<uint32_t>
VpnEndpoint::FindClient(Ipv4Address innerAddress) const
{
    return m_endpoint ? m_endpoint->FindTunnel(innerAddress.Get()) : std::nullopt;
}

const std::map<std::string, uint64_t>&
VpnEndpoint::GetUnclaimed() const
{
    static const std::map<std::string, uint64_t> kNone;
    return m_endpoint ? m_endpoint->Unclaimed() : kNone;
}

int64_t
VpnEndpoint::AssignStreams(int64_t stream)
{
    m_portRandom->SetStream(stream);
    return 1 + m_clock.AssignStreams(stream + 1);
}

engine::EndpointSettings
VpnEndpoint::Settings() const
{
    engine::EndpointSettings s;
    s.role = m_role == CLIENT ? engine::EndpointRole::Client : engine::EndpointRole::Headend;
    s.encapsulation = m_encapsulation == CTCP   ? engine::Encapsulation::Ctcp
                      : m_encapsulation == NATT ? engine::Encapsulation::Natt
                      : m_encapsulation == ESP  ? engine::Encapsulation::Esp
                                                : engine::Encapsulation::AnyConnect;
    s.localAddress = m_local.Get();
    s.remoteAddress = m_remote.Get();
    auto transform = vpnsim::wire::ParseEspTransformId(m_transform);
    NS_ABORT_MSG_UNLESS(transform.Ok(), "VpnEndpoint::Transform: " << transform.GetError().detail);
    s.transform = *transform;
    s.ctcpPort = m_ctcpPort;
    s.anyConnectPort = m_anyConnectPort;
    s.peerTimeout = ToNanos(m_peerTimeout);
    s.clientDpdIdle = ToNanos(m_clientDpdIdle);
    s.clientDpdRetry = ToNanos(m_clientDpdRetry);
    s.headendDpdThreshold = ToNanos(m_asaThreshold);
    s.headendDpdRetry = ToNanos(m_asaRetry);
    s.headendDpdRetries = m_asaRetries;
    s.keySeed = m_keySeed;
    s.clientToHeadendSpi = m_clientToHeadendSpi;
    s.headendToClientSpi = m_headendToClientSpi;
    s.natKeepalive = ToNanos(m_natKeepalive);
    s.idleTimeout = ToNanos(m_idleTimeout);
    s.anyConnectDpd = ToNanos(m_anyConnectDpd);
    s.anyConnectKeepalive = ToNanos(m_anyConnectKeepalive);
    return s;
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

Ptr<Socket>
VpnEndpoint::MakeStream()
{
    Ptr<Socket> s = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    uint32_t segment = m_anyConnectSegmentSize;
    if (segment == 0)
    {
        // ns-3 TCP sends no MSS option, so each end must be told what a real stack would have
        // agreed on; ns-3's own default (536) would cut every CSTP packet of a full-sized
        // inner datagram in two.
        constexpr uint32_t kIpv4AndTcpHeaders = 40;
        constexpr uint32_t kTimestampOption = 12; // RFC 7323: 10 bytes, padded to 12
        Ptr<Ipv4> ip = GetNode()->GetObject<Ipv4>();
        int32_t i = ip->GetInterfaceForAddress(m_local);
        NS_ABORT_MSG_IF(i < 0, "VpnEndpoint: LocalAddress " << m_local << " is not on this node");
        BooleanValue timestamps;
        s->GetAttribute("Timestamp", timestamps);
        segment = ip->GetMtu(i) - kIpv4AndTcpHeaders - (timestamps.Get() ? kTimestampOption : 0);
    }
    s->SetAttribute("SegmentSize", UintegerValue(segment));
    return s;
}

void
VpnEndpoint::OpenSockets()
{
    switch (m_encapsulation)
    {
        case NATT:
            m_udp500 = MakeUdp(vpnsim::wire::kIkePort);
            m_udp4500 = MakeUdp(vpnsim::wire::kNattPort);
            break;
        case ESP:
            m_udp500 = MakeUdp(vpnsim::wire::kIkePort);
            m_raw = MakeRaw(vpnsim::wire::ipproto::Esp);
            break;
        case CTCP:
        {
            m_raw = MakeRaw(vpnsim::wire::ipproto::Tcp);
            // One guard for all of a headend's clients: it takes every segment to the port.
            Ptr<TcpL4Protocol> tcp = GetNode()->GetObject<TcpL4Protocol>();
            uint16_t port = m_endpoint->CtcpLocalPort();
            m_tcpGuard = tcp->Allocate(nullptr, m_local, port);
            NS_ABORT_MSG_IF(m_tcpGuard == nullptr,
                            "VpnEndpoint: TCP port " << port << " is in use");
            m_tcpGuard->SetRxCallback(MakeCallback(&IgnoreSegment));
            break;
        }
        case ANYCONNECT:
            if (m_role == HEADEND)
            {
                m_listen = MakeStream(); // accepted connections inherit its segment size
                m_listen->Bind(InetSocketAddress(m_local, m_anyConnectPort));
                m_listen->Listen();
                m_listen->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                            MakeCallback(&VpnEndpoint::Accept, this));
            }
            else
            {
                m_connecting = MakeStream();
                m_connecting->Bind(InetSocketAddress(m_local, 0));
                m_connecting->SetConnectCallback(MakeCallback(&VpnEndpoint::Connected, this),
                                                 MakeCallback(&VpnEndpoint::ConnectFailed, this));
                m_connecting->Connect(InetSocketAddress(m_remote, m_anyConnectPort));
            }
            break;
    }
}

void
VpnEndpoint::StartApplication()
{
    NS_ABORT_MSG_IF(!m_tunnel, "VpnEndpoint: no tunnel device (install with VpnHelper)");
    engine::EndpointSettings settings = Settings();
    auto error = engine::Validate(settings);
    NS_ABORT_MSG_IF(error.has_value(), "VpnEndpoint: " << *error);
    m_host = std::make_unique<EngineHost>(*this);
    m_endpoint = std::make_unique<engine::Endpoint>(*m_host, settings,
                                                    [this](uint16_t lowest, uint16_t highest)
                                                    {
                                                        return static_cast<uint16_t>(
                                                            m_portRandom->GetInteger(lowest,
                                                                                     highest));
                                                    });
    if (m_role == HEADEND)
    {
        for (const auto& [inner, spi, outer] : m_expected)
        {
            m_endpoint->ExpectClient(inner, spi, outer);
        }
        // Learned inner addresses must lie in the tunnel network (VpnHelper's interface).
        Ptr<Ipv4> ip = GetNode()->GetObject<Ipv4>();
        int32_t i = ip ? ip->GetInterfaceForDevice(m_tunnel) : -1;
        if (i >= 0 && ip->GetNAddresses(i) > 0)
        {
            Ipv4InterfaceAddress a = ip->GetAddress(i, 0);
            m_endpoint->SetTunnelNetwork(a.GetLocal().Get(), a.GetMask().Get());
        }
        OpenSockets();
        return;
    }
    // The client's tunnel: IPsec sends as it starts, so the sockets first; AnyConnect starts
    // once its connection is open.
    if (m_encapsulation != ANYCONNECT)
    {
        OpenSockets();
        m_endpoint->Start();
        return;
    }
    m_endpoint->Start();
    OpenSockets();
}

void
VpnEndpoint::StopApplication()
{
    m_clock.CancelAll();
    for (Ptr<Socket> s : {m_udp500, m_udp4500, m_raw, m_listen, m_connecting})
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

bool
VpnEndpoint::OnTunnelSend(Ptr<Packet> packet, const Address&, const Address&, uint16_t)
{
    m_innerTxTrace(packet);
    if (m_endpoint)
    {
        m_endpoint->SendInner(PacketBytes(packet));
    }
    return true;
}

void
VpnEndpoint::ReceiveUdp(Ptr<Socket> socket)
{
    Address from;
    while (Ptr<Packet> p = socket->RecvFrom(from))
    {
        InetSocketAddress src = InetSocketAddress::ConvertFrom(from);
        vpnsim::wire::Bytes b = PacketBytes(p);
        uint16_t localPort = socket == m_udp4500 ? vpnsim::wire::kNattPort : vpnsim::wire::kIkePort;
        m_endpoint->ReceiveUdp(src.GetIpv4().Get(), src.GetPort(), localPort, b);
    }
}

void
VpnEndpoint::ReceiveRaw(Ptr<Socket> socket)
{
    Address from;
    while (Ptr<Packet> p = socket->RecvFrom(from))
    {
        // ns-3 raw sockets hand up the IPv4 header with the payload, parsed once here.
        Ipv4Header ip;
        p->RemoveHeader(ip);
        vpnsim::wire::Ipv4Header h;
        h.protocol = ip.GetProtocol();
        h.source = ip.GetSource().Get();
        h.destination = ip.GetDestination().Get();
        h.moreFragments = !ip.IsLastFragment();
        h.fragmentOffset = ip.GetFragmentOffset() / 8;
        m_endpoint->ReceiveRaw(h, PacketBytes(p));
    }
}

void
VpnEndpoint::OpenStream(TunnelId tunnel, Ptr<Socket> socket)
{
    m_streams[tunnel].socket = socket;
    m_streamTunnel[socket] = tunnel;
    socket->SetRecvCallback(MakeCallback(&VpnEndpoint::ReceiveStream, this));
    socket->SetSendCallback(MakeCallback(&VpnEndpoint::DrainStream, this));
    m_endpoint->StreamOpened(tunnel);
}

void
VpnEndpoint::Accept(Ptr<Socket> socket, const Address& from)
{
    InetSocketAddress peer = InetSocketAddress::ConvertFrom(from);
    OpenStream(m_endpoint->Accept({peer.GetIpv4().Get(), peer.GetPort()}), socket);
}

void
VpnEndpoint::Connected(Ptr<Socket> socket)
{
    m_connecting = nullptr;
    OpenStream(0, socket);
}

void
VpnEndpoint::ConnectFailed(Ptr<Socket>)
{
    m_endpoint->StreamClosed(0, "anyconnect: TCP connection to the headend failed");
}

void
VpnEndpoint::ReceiveStream(Ptr<Socket> socket)
{
    TunnelId tunnel = m_streamTunnel.at(socket);
    while (Ptr<Packet> p = socket->Recv())
    {
        if (p->GetSize() == 0)
        {
            break;
        }
        m_endpoint->ReceiveStream(tunnel, PacketBytes(p));
    }
}

void
VpnEndpoint::DrainStream(Ptr<Socket> socket, uint32_t available)
{
    // The engine writes whenever it likes; TCP takes what its send buffer has room for.
    std::deque<uint8_t>& backlog = m_streams[m_streamTunnel.at(socket)].backlog;
    size_t n = std::min<size_t>(available, backlog.size());
    if (n == 0)
    {
        return;
    }
    vpnsim::wire::Bytes chunk(backlog.begin(), backlog.begin() + n);
    int sent = socket->Send(chunk.data(), static_cast<uint32_t>(n), 0);
    if (sent > 0)
    {
        backlog.erase(backlog.begin(), backlog.begin() + sent);
    }
}

} // namespace ns3
