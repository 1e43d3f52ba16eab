#include "model/vpn-session.h"

#include "model/engine/udp-transports.h"
#include "model/vpn-endpoint.h"
#include "model/wire/esp-in-udp.h"
#include "ns3/inet-socket-address.h"
#include "ns3/simulator.h"

#include <algorithm>

namespace ns3
{

namespace
{

vpnsim::wire::Bytes
ToBytes(Ptr<const Packet> p)
{
    vpnsim::wire::Bytes b(p->GetSize());
    p->CopyData(b.data(), b.size());
    return b;
}

} // namespace

VpnCounters&
VpnCounters::operator+=(const VpnCounters& o)
{
    innerSent += o.innerSent;
    innerReceived += o.innerReceived;
    innerDroppedNotUp += o.innerDroppedNotUp;
    framingErrors += o.framingErrors;
    espAuthenticationFailed += o.espAuthenticationFailed;
    espReplayed += o.espReplayed;
    espMalformed += o.espMalformed;
    dpdRequestsSent += o.dpdRequestsSent;
    dpdRequestsReceived += o.dpdRequestsReceived;
    dpdResponsesSent += o.dpdResponsesSent;
    dpdResponsesReceived += o.dpdResponsesReceived;
    keepalivesSent += o.keepalivesSent;
    keepalivesReceived += o.keepalivesReceived;
    outerPacketsSent += o.outerPacketsSent;
    outerBytesSent += o.outerBytesSent;
    outerPacketsReceived += o.outerPacketsReceived;
    outerBytesReceived += o.outerBytesReceived;
    return *this;
}

VpnSession::VpnSession(VpnEndpoint& owner, SimulatorClock& clock, uint32_t index)
    : m_owner(owner)
    , m_clock(clock)
    , m_index(index)
{
}

VpnSession::~VpnSession()
{
    // The tunnels cancel their timers through this Host while it is still whole.
    m_ipsec.reset();
    m_anyconnect.reset();
}

void
VpnSession::StartIpsec(vpnsim::engine::IpsecRole role, const vpnsim::engine::IpsecTunnelConfig& c)
{
    m_ipsec = std::make_unique<vpnsim::engine::IpsecTunnel>(*this, role, c);
    m_ipsec->SetStatusCallback(
        [this](const vpnsim::engine::TunnelStatus& s)
        {
            OnStatus(s);
        });
    m_ipsec->SetObserver(MakeObserver());
    m_ipsec->Start();
}

void
VpnSession::CreateAnyConnect(vpnsim::engine::AnyConnectRole role,
                             const vpnsim::engine::AnyConnectConfig& c)
{
    m_anyconnect = std::make_unique<vpnsim::engine::AnyConnectTunnel>(*this, role, c);
    m_anyconnect->SetStatusCallback(
        [this](const vpnsim::engine::TunnelStatus& s)
        {
            OnStatus(s);
        });
    m_anyconnect->SetObserver(MakeObserver());
}

void
VpnSession::StreamOpened(Ptr<Socket> stream)
{
    m_stream = stream;
    m_stream->SetRecvCallback(MakeCallback(&VpnSession::ReceiveStream, this));
    m_stream->SetSendCallback(MakeCallback(&VpnSession::DrainStream, this));
    m_anyconnect->Start();
}

void
VpnSession::StreamFailed(const std::string& detail)
{
    OnStatus(vpnsim::engine::TunnelStatus{vpnsim::engine::TunnelState::Down, std::nullopt, detail});
}

void
VpnSession::SetPeer(Ipv4Address address, uint16_t port)
{
    m_peerAddress = address;
    m_peerPort = port;
}

void
VpnSession::Close()
{
    if (m_stream)
    {
        m_stream->Close();
    }
}

VpnCounters
VpnSession::GetCounters() const
{
    VpnCounters c = m_outer;
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

void
VpnSession::OnStatus(const vpnsim::engine::TunnelStatus& status)
{
    m_status = status;
    if (status.state != vpnsim::engine::TunnelState::Up)
    {
        m_downTime = Simulator::Now();
    }
    m_owner.SessionStatus(*this, status);
}

vpnsim::engine::TunnelObserver
VpnSession::MakeObserver()
{
    return vpnsim::engine::TunnelObserver{
        [this](vpnsim::engine::DropReason r, vpnsim::wire::ByteView p, const std::string& d)
        {
            m_owner.SessionDrop(*this, r, p, d);
        },
        [this](vpnsim::engine::LivenessEvent e)
        {
            m_owner.SessionLiveness(*this, e);
        }};
}

void
VpnSession::OuterSent(Ptr<const Packet> packet)
{
    ++m_outer.outerPacketsSent;
    m_outer.outerBytesSent += packet->GetSize();
    m_owner.m_outerTxTrace(packet);
}

void
VpnSession::OuterReceived(Ptr<const Packet> packet)
{
    ++m_outer.outerPacketsReceived;
    m_outer.outerBytesReceived += packet->GetSize();
    m_owner.m_outerRxTrace(packet);
}

Ipv4Address
VpnSession::GetPeerAddress() const
{
    const auto* datagram
        = m_ipsec ? dynamic_cast<const vpnsim::engine::DatagramTransport*>(&m_ipsec->GetTransport())
                  : nullptr;
    return datagram ? Ipv4Address(datagram->RemoteAddress()) : m_peerAddress;
}

uint16_t
VpnSession::GetPeerPort() const
{
    const auto* transport = m_ipsec ? &m_ipsec->GetTransport() : nullptr;
    if (const auto* natt = dynamic_cast<const vpnsim::engine::NattTransport*>(transport))
    {
        return natt->RemotePort(natt->Floated() ? vpnsim::wire::kNattPort
                                                : vpnsim::engine::NattTransport::kIkePort);
    }
    if (const auto* esp = dynamic_cast<const vpnsim::engine::EspTransport*>(transport))
    {
        return esp->RemotePort(vpnsim::engine::NattTransport::kIkePort);
    }
    return m_peerPort;
}

void
VpnSession::Receive(const vpnsim::engine::OuterPacket& outer, Ptr<const Packet> packet)
{
    if (outer.protocol == vpnsim::engine::OuterProtocol::Tcp && outer.payload.size() >= 2)
    {
        // A cTCP connection is its address and ports: a headend gives it nothing else.
        m_peerAddress = Ipv4Address(outer.sourceAddress);
        m_peerPort = vpnsim::wire::GetU16(outer.payload.data()); // the TCP source port
    }
    OuterReceived(packet);
    if (m_ipsec)
    {
        m_ipsec->Receive(outer);
    }
}

void
VpnSession::SendInner(vpnsim::wire::ByteView inner)
{
    if (m_ipsec)
    {
        m_ipsec->SendInner(inner);
    }
    else if (m_anyconnect)
    {
        m_anyconnect->SendInner(inner);
    }
}

void
VpnSession::ReceiveStream(Ptr<Socket> socket)
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
VpnSession::DrainStream(Ptr<Socket> socket, uint32_t available)
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

vpnsim::engine::Nanos
VpnSession::Now() const
{
    return m_clock.Now();
}

void
VpnSession::SendOuter(const vpnsim::engine::OuterPacket& packet)
{
    m_owner.SendOuter(*this, packet);
}

void
VpnSession::SendStream(vpnsim::wire::ByteView bytes)
{
    // Counted and traced as the engine writes (one CSTP packet in one TLS record per write);
    // TCP segments them as it likes.
    ++m_outer.outerPacketsSent;
    m_outer.outerBytesSent += bytes.size();
    if (!m_owner.m_outerTxTrace.IsEmpty())
    {
        m_owner.m_outerTxTrace(Create<Packet>(bytes.data(), bytes.size()));
    }
    m_streamBacklog.insert(m_streamBacklog.end(), bytes.begin(), bytes.end());
    if (m_stream)
    {
        DrainStream(m_stream, m_stream->GetTxAvailable());
    }
}

void
VpnSession::DeliverInner(vpnsim::wire::ByteView innerPacket)
{
    m_owner.DeliverInner(*this, innerPacket);
}

vpnsim::engine::TimerId
VpnSession::StartTimer(vpnsim::engine::Nanos at, std::function<void()> callback)
{
    return m_clock.StartTimer(at, std::move(callback));
}

void
VpnSession::CancelTimer(vpnsim::engine::TimerId id)
{
    m_clock.CancelTimer(id);
}

uint32_t
VpnSession::Random32()
{
    return m_clock.Random32();
}

} // namespace ns3
