#include "model/vpn-endpoint.h"

#include "model/parameter-attribute.h"
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
using vpnsim::engine::ParameterSpec;

/// IPv4 header fields the headend routes by (RFC 791 section 3.1).
constexpr size_t kIpv4SourceOffset = 12;
constexpr size_t kIpv4DestinationOffset = 16;
constexpr size_t kIpv4MinimumHeader = 20;

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
    m_host.CancelAll();
    m_routes.clear();
    m_sessions.clear();
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
    m_expected.push_back(ExpectedClient{innerAddress, offeredSpi, expectedOuter});
}

uint32_t
VpnEndpoint::GetConfiguredClients() const
{
    return static_cast<uint32_t>(m_expected.size());
}

bool
VpnEndpoint::IsUp() const
{
    return !m_sessions.empty() && m_sessions.front()->IsUp();
}

const vpnsim::engine::TunnelStatus&
VpnEndpoint::GetStatus() const
{
    static const vpnsim::engine::TunnelStatus kNone{};
    return m_sessions.empty() ? kNone : m_sessions.front()->GetStatus();
}

Time
VpnEndpoint::GetDownTime() const
{
    return m_sessions.empty() ? Seconds(-1) : m_sessions.front()->GetDownTime();
}

const vpnsim::engine::IpsecTunnel*
VpnEndpoint::GetIpsecTunnel() const
{
    return m_sessions.empty() ? nullptr : m_sessions.front()->GetIpsecTunnel();
}

const vpnsim::engine::AnyConnectTunnel*
VpnEndpoint::GetAnyConnectTunnel() const
{
    return m_sessions.empty() ? nullptr : m_sessions.front()->GetAnyConnectTunnel();
}

VpnEndpoint::Counters
VpnEndpoint::GetCounters() const
{
    Counters c;
    for (const auto& s : m_sessions)
    {
        c += s->GetCounters();
    }
    return c;
}

uint32_t
VpnEndpoint::GetClientCount() const
{
    return static_cast<uint32_t>(m_sessions.size());
}

const VpnSession&
VpnEndpoint::GetClient(uint32_t index) const
{
    NS_ABORT_MSG_UNLESS(index < m_sessions.size(),
                        "VpnEndpoint: no client " << index << " (" << m_sessions.size() << ")");
    return *m_sessions[index];
}

std::optional<uint32_t>
VpnEndpoint::FindClient(Ipv4Address innerAddress) const
{
    auto it = m_routes.find(innerAddress.Get());
    if (it == m_routes.end())
    {
        return std::nullopt;
    }
    return it->second->GetIndex();
}

const std::map<std::string, uint64_t>&
VpnEndpoint::GetUnclaimed() const
{
    return m_unclaimed;
}

int64_t
VpnEndpoint::AssignStreams(int64_t stream)
{
    m_portRandom->SetStream(stream);
    return 1 + m_host.AssignStreams(stream + 1);
}

vpnsim::engine::IpsecTunnelConfig
VpnEndpoint::IpsecConfig() const
{
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
    return c;
}

vpnsim::engine::AnyConnectConfig
VpnEndpoint::AnyConnectConfiguration() const
{
    vpnsim::engine::AnyConnectConfig c;
    c.dpd = ToNanos(m_anyConnectDpd);
    c.keepalive = ToNanos(m_anyConnectKeepalive);
    return c;
}

VpnSession&
VpnEndpoint::NewSession()
{
    auto index = static_cast<uint32_t>(m_sessions.size());
    m_sessions.push_back(std::make_unique<VpnSession>(*this, m_host, index));
    return *m_sessions.back();
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
            // One guard for all of a headend's clients: it takes every segment to the port.
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
    bool ipsec = m_encapsulation != ANYCONNECT;
    if (ipsec)
    {
        // The client's source port is random in 1024-65535, as the Cisco client picks it.
        m_clientPort = static_cast<uint16_t>(m_portRandom->GetInteger(1024, 65535));
        vpnsim::engine::IpsecTunnelConfig c = IpsecConfig();
        if (m_role == HEADEND)
        {
            c.remoteAddress = c.localAddress; // each client's: where it is seen
        }
        auto error = vpnsim::engine::IpsecTunnel::Validate(c);
        NS_ABORT_MSG_IF(error.has_value(), "VpnEndpoint: " << *error);
    }
    if (m_role == HEADEND)
    {
        // Learned inner addresses must lie in the tunnel network (VpnHelper's interface).
        Ptr<Ipv4> ip = GetNode()->GetObject<Ipv4>();
        int32_t i = ip ? ip->GetInterfaceForDevice(m_tunnel) : -1;
        if (i >= 0 && ip->GetNAddresses(i) > 0)
        {
            m_tunnelAddress = ip->GetAddress(i, 0);
        }
        m_demux = vpnsim::engine::HeadendDemux(m_ctcpPort);
        OpenSockets();
        return;
    }
    // The client's one tunnel: the sockets first, since starting it sends.
    VpnSession& session = NewSession();
    session.SetPeer(m_remote, 0);
    if (ipsec)
    {
        OpenSockets();
        session.StartIpsec(vpnsim::engine::IpsecRole::Client, IpsecConfig());
        return;
    }
    session.CreateAnyConnect(vpnsim::engine::AnyConnectRole::Client, AnyConnectConfiguration());
    OpenSockets();
}

void
VpnEndpoint::StopApplication()
{
    m_host.CancelAll();
    for (Ptr<Socket> s : {m_udp500, m_udp4500, m_raw, m_listen, m_connecting})
    {
        if (s)
        {
            s->Close();
        }
    }
    for (const auto& session : m_sessions)
    {
        session->Close();
    }
}

void
VpnEndpoint::SessionStatus(VpnSession& session, const vpnsim::engine::TunnelStatus& status)
{
    bool up = status.state == vpnsim::engine::TunnelState::Up;
    if (up && m_role == HEADEND)
    {
        ClaimOnUp(session);
    }
    std::string reason = status.reason ? vpnsim::engine::ToString(*status.reason) : "";
    NS_LOG_INFO((m_role == CLIENT ? "client" : "headend")
                << " tunnel " << session.GetIndex() << " " << (up ? "up" : "down") << " " << reason
                << " " << status.detail);
    m_stateTrace(up ? "up" : "down", reason, status.detail);
    m_clientStateTrace(session.GetIndex(), up ? "up" : "down", reason, status.detail);
}

void
VpnEndpoint::SessionDrop(VpnSession& session, vpnsim::engine::DropReason reason,
                         vpnsim::wire::ByteView packet, const std::string& detail)
{
    NS_LOG_LOGIC((m_role == CLIENT ? "client" : "headend")
                 << " tunnel " << session.GetIndex() << " drop " << vpnsim::engine::ToString(reason)
                 << " (" << packet.size() << " bytes): " << detail);
    if (!m_dropTrace.IsEmpty())
    {
        Ptr<Packet> p
            = packet.empty() ? Create<Packet>() : Create<Packet>(packet.data(), packet.size());
        m_dropTrace(p, vpnsim::engine::ToString(reason));
    }
}

void
VpnEndpoint::SessionLiveness(VpnSession& session, vpnsim::engine::LivenessEvent event)
{
    NS_LOG_LOGIC((m_role == CLIENT ? "client" : "headend")
                 << " tunnel " << session.GetIndex() << " " << vpnsim::engine::ToString(event));
    m_dpdTrace(vpnsim::engine::ToString(event));
}

void
VpnEndpoint::Unclaimed(const std::string& reason, Ptr<const Packet> packet)
{
    ++m_unclaimed[reason];
    NS_LOG_LOGIC("headend: " << reason << " (" << packet->GetSize() << " bytes)");
    // Segments to other TCP ports are not VPN traffic at all: the raw socket sees every one.
    if (reason != vpnsim::engine::ToString(vpnsim::engine::HeadendDemux::DropReason::OtherPort))
    {
        m_dropTrace(packet, reason);
    }
}

// Inner addresses at a headend (see the file comment of vpn-endpoint.h).

bool
VpnEndpoint::Routable(Ipv4Address inner) const
{
    auto it = m_routes.find(inner.Get());
    // Free, or held by a tunnel that has gone down for good.
    return it == m_routes.end() || (!it->second->IsUp() && it->second->GetDownTime() >= Seconds(0));
}

void
VpnEndpoint::Route(VpnSession& session, Ipv4Address inner)
{
    m_routes[inner.Get()] = &session;
    session.SetInnerAddress(inner);
    NS_LOG_INFO("headend: client " << session.GetIndex() << " is " << inner);
}

void
VpnEndpoint::ClaimOnUp(VpnSession& session)
{
    if (session.GetInnerAddress() != Ipv4Address::GetAny())
    {
        return;
    }
    if (const auto* ipsec = session.GetIpsecTunnel())
    {
        // The SPI the client offered in Quick Mode: the one this end now sends with.
        uint32_t offered = ipsec->Config().headendToClientSpi;
        for (const auto& e : m_expected)
        {
            if (e.offeredSpi == offered && Routable(e.inner))
            {
                Route(session, e.inner);
                return;
            }
        }
    }
    ClaimByAddress(session);
}

void
VpnEndpoint::ClaimByAddress(VpnSession& session)
{
    if (session.GetInnerAddress() != Ipv4Address::GetAny())
    {
        return;
    }
    bool ipsec = session.GetIpsecTunnel() != nullptr;
    const ExpectedClient* only = nullptr;
    for (const auto& e : m_expected)
    {
        // An IPsec client known by its SPI is not taken by address: the SPI would have matched.
        if (e.outer != session.GetPeerAddress() || !Routable(e.inner)
            || (ipsec && e.offeredSpi != 0))
        {
            continue;
        }
        if (only)
        {
            return; // several clients behind one address: wait for an inner packet
        }
        only = &e;
    }
    if (only)
    {
        Route(session, only->inner);
    }
}

// The sessions' way out.

void
VpnEndpoint::SendOuter(VpnSession& session, const OuterPacket& packet)
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
                session.OuterSent(p);
                s->SendTo(p, 0, InetSocketAddress(to, packet.destinationPort));
            }
            break;
        }
        case OuterProtocol::Esp:
        case OuterProtocol::Tcp:
            if (m_raw)
            {
                session.OuterSent(p);
                m_raw->SendTo(p, 0, InetSocketAddress(to, 0));
            }
            break;
    }
}

void
VpnEndpoint::DeliverInner(VpnSession& session, vpnsim::wire::ByteView inner)
{
    if (m_role == HEADEND && session.GetInnerAddress() == Ipv4Address::GetAny()
        && inner.size() >= kIpv4MinimumHeader)
    {
        // No address from configuration: the client is the source of what its tunnel carries,
        // if that is a host of the tunnel network (not the headend's own, nor the network or
        // broadcast address) that no live tunnel holds.
        Ipv4Address source(vpnsim::wire::GetU32(&inner[kIpv4SourceOffset]));
        if (m_tunnelAddress)
        {
            Ipv4Mask mask = m_tunnelAddress->GetMask();
            bool host = mask.IsMatch(source, m_tunnelAddress->GetLocal())
                        && source != m_tunnelAddress->GetLocal()
                        && source != source.CombineMask(mask)
                        && !source.IsSubnetDirectedBroadcast(mask);
            if (host && Routable(source))
            {
                Route(session, source);
            }
        }
    }
    Ptr<Packet> p = Create<Packet>(inner.data(), inner.size());
    m_innerRxTrace(p);
    m_tunnel->Receive(p, 0x0800, m_tunnel->GetAddress(), m_tunnel->GetAddress(),
                      NetDevice::PACKET_HOST);
}

bool
VpnEndpoint::OnTunnelSend(Ptr<Packet> packet, const Address&, const Address&, uint16_t)
{
    m_innerTxTrace(packet);
    if (m_sessions.empty() && m_role == CLIENT)
    {
        return true; // not started
    }
    vpnsim::wire::Bytes inner = ToBytes(packet);
    if (m_role == CLIENT)
    {
        m_sessions.front()->SendInner(inner);
        return true;
    }
    std::map<uint32_t, VpnSession*>::const_iterator route = m_routes.end();
    if (inner.size() >= kIpv4MinimumHeader)
    {
        route = m_routes.find(vpnsim::wire::GetU32(&inner[kIpv4DestinationOffset]));
    }
    if (route == m_routes.end())
    {
        Unclaimed("no-route", packet);
        return true;
    }
    route->second->SendInner(inner);
    return true;
}

// The sockets' way in.

void
VpnEndpoint::Dispatch(const OuterPacket& outer, Ptr<const Packet> packet)
{
    if (m_role == CLIENT)
    {
        m_sessions.front()->Receive(outer, packet);
        return;
    }
    using Action = vpnsim::engine::HeadendDemux::Action;
    auto verdict = m_demux.Classify(outer);
    VpnSession* session = nullptr;
    switch (verdict.action)
    {
        case Action::Drop:
            Unclaimed(vpnsim::engine::ToString(verdict.reason), packet);
            return;
        case Action::Client:
            session = m_sessions[verdict.client].get();
            break;
        case Action::NewClient:
        {
            // The client's own tunnel, answering where it is seen, receiving on SPI block n.
            session = &NewSession();
            vpnsim::engine::IpsecTunnelConfig c = IpsecConfig();
            c.remoteAddress = outer.sourceAddress;
            vpnsim::engine::ShiftSpis(c, session->GetIndex());
            m_demux.AddClient(session->GetIndex(), outer, c.clientToHeadendSpi);
            session->StartIpsec(vpnsim::engine::IpsecRole::Headend, c);
            break;
        }
    }
    session->Receive(outer, packet);
    m_demux.Delivered(session->GetIndex(), outer);
}

void
VpnEndpoint::ReceiveUdp(Ptr<Socket> socket)
{
    Address from;
    while (Ptr<Packet> p = socket->RecvFrom(from))
    {
        InetSocketAddress src = InetSocketAddress::ConvertFrom(from);
        vpnsim::wire::Bytes b = ToBytes(p);
        uint16_t localPort = socket == m_udp4500 ? 4500 : 500;
        OuterPacket o{OuterProtocol::Udp, src.GetIpv4().Get(), m_local.Get(),
                      src.GetPort(),      localPort,           b};
        Dispatch(o, p);
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
        // A client takes only its headend's packets (the raw socket sees every TCP segment to
        // this address). A headend takes them from anywhere: its clients arrive from NATs it
        // cannot know beforehand, and HeadendDemux tells them apart.
        if (m_role == CLIENT && ip.GetSource() != m_remote)
        {
            continue;
        }
        vpnsim::wire::Bytes b = ToBytes(p);
        OuterPacket o{ip.GetProtocol() == 6 ? OuterProtocol::Tcp : OuterProtocol::Esp,
                      ip.GetSource().Get(),
                      ip.GetDestination().Get(),
                      0,
                      0,
                      b};
        Dispatch(o, p);
    }
}

void
VpnEndpoint::Accept(Ptr<Socket> socket, const Address& from)
{
    // Every accepted connection is a client of its own.
    VpnSession& session = NewSession();
    session.CreateAnyConnect(vpnsim::engine::AnyConnectRole::Headend, AnyConnectConfiguration());
    InetSocketAddress peer = InetSocketAddress::ConvertFrom(from);
    session.SetPeer(peer.GetIpv4(), peer.GetPort());
    session.StreamOpened(socket);
}

void
VpnEndpoint::Connected(Ptr<Socket> socket)
{
    m_connecting = nullptr;
    m_sessions.front()->StreamOpened(socket);
}

void
VpnEndpoint::ConnectFailed(Ptr<Socket>)
{
    m_sessions.front()->StreamFailed("anyconnect: TCP connection to the headend failed");
}

} // namespace ns3
