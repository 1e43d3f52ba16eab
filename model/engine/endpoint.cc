#include "model/engine/endpoint.h"

#include "model/engine/anyconnect-tunnel.h"
#include "model/engine/ipsec-tunnel.h"
#include "model/engine/udp-transports.h"
#include "model/wire/esp-in-udp.h"
#include "model/wire/ipv4-datagram.h"

namespace vpnsim
{
namespace engine
{

EndpointCounters&
EndpointCounters::operator+=(const EndpointCounters& o)
{
    innerSent += o.innerSent;
    innerReceived += o.innerReceived;
    innerDroppedNotUp += o.innerDroppedNotUp;
    framingErrors += o.framingErrors;
    espAuthenticationFailed += o.espAuthenticationFailed;
    espReplayed += o.espReplayed;
    espMalformed += o.espMalformed;
    espReceivedNotUp += o.espReceivedNotUp;
    espSequenceExhausted += o.espSequenceExhausted;
    dpdRequestsSent += o.dpdRequestsSent;
    dpdRequestsReceived += o.dpdRequestsReceived;
    dpdResponsesSent += o.dpdResponsesSent;
    dpdResponsesReceived += o.dpdResponsesReceived;
    keepalivesSent += o.keepalivesSent;
    keepalivesReceived += o.keepalivesReceived;
    ikeRekeys += o.ikeRekeys;
    ipsecRekeys += o.ipsecRekeys;
    outerPacketsSent += o.outerPacketsSent;
    outerBytesSent += o.outerBytesSent;
    outerPacketsReceived += o.outerPacketsReceived;
    outerBytesReceived += o.outerBytesReceived;
    return *this;
}

// One tunnel.

EndpointTunnel::EndpointTunnel(Endpoint& owner, TunnelId id)
    : m_owner(owner)
    , m_id(id)
{
}

EndpointTunnel::~EndpointTunnel()
{
    // The tunnel cancels its timers through this Host while it is still whole.
    m_tunnel.reset();
}

void
EndpointTunnel::Make(std::unique_ptr<Tunnel> tunnel)
{
    m_tunnel = std::move(tunnel);
    m_tunnel->SetStatusCallback(
        [this](const TunnelStatus& s)
        {
            m_owner.Status(*this, s);
        });
    m_tunnel->SetObserver(TunnelObserver{
        [this](DropReason r, wire::ByteView p, const std::string& d)
        {
            m_owner.m_host.TunnelDropped(m_id, r, p, d);
        },
        [this](LivenessEvent e)
        {
            m_owner.m_host.TunnelLiveness(m_id, e);
        }});
}

const IpsecTunnel*
EndpointTunnel::Ipsec() const
{
    return dynamic_cast<const IpsecTunnel*>(m_tunnel.get());
}

const AnyConnectTunnel*
EndpointTunnel::AnyConnect() const
{
    return dynamic_cast<const AnyConnectTunnel*>(m_tunnel.get());
}

EndpointCounters
EndpointTunnel::Counters() const
{
    EndpointCounters c = m_outer;
    if (m_tunnel)
    {
        static_cast<TunnelCounters&>(c) = m_tunnel->Summary();
    }
    return c;
}

PeerAddress
EndpointTunnel::Peer() const
{
    if (m_tunnel)
    {
        if (auto seen = m_tunnel->SeenPeer())
        {
            return *seen;
        }
    }
    return m_peer;
}

uint32_t
EndpointTunnel::InnerAddress() const
{
    return m_owner.m_routes.AddressOf(m_id);
}

void
EndpointTunnel::Received(const OuterPacket& packet)
{
    if (packet.protocol == OuterProtocol::Tcp)
    {
        // A cTCP connection is its address and ports: a headend has nothing else of it.
        if (auto tcp = wire::ParseTcpSegmentUnchecked(packet.payload))
        {
            m_peer = PeerAddress{packet.sourceAddress, tcp->header.sourcePort};
        }
    }
    ++m_outer.outerPacketsReceived;
    m_outer.outerBytesReceived += packet.payload.size();
    m_owner.m_host.OuterReceived(m_id, packet.payload);
    m_tunnel->Receive(packet);
}

Nanos
EndpointTunnel::Now() const
{
    return m_owner.m_host.Now();
}

void
EndpointTunnel::SendOuter(const OuterPacket& packet)
{
    ++m_outer.outerPacketsSent;
    m_outer.outerBytesSent += packet.payload.size();
    m_owner.m_host.SendOuter(packet);
}

void
EndpointTunnel::SendStream(wire::ByteView bytes)
{
    // Counted as the engine writes (one CSTP packet in one TLS record per write); TCP
    // segments them as it likes.
    ++m_outer.outerPacketsSent;
    m_outer.outerBytesSent += bytes.size();
    m_owner.m_host.SendTunnelStream(m_id, bytes);
}

void
EndpointTunnel::DeliverInner(wire::ByteView innerPacket)
{
    m_owner.Deliver(*this, innerPacket);
}

TimerId
EndpointTunnel::StartTimer(Nanos at, std::function<void()> callback)
{
    return m_owner.m_host.StartTimer(at, std::move(callback));
}

void
EndpointTunnel::CancelTimer(TimerId id)
{
    m_owner.m_host.CancelTimer(id);
}

uint32_t
EndpointTunnel::Random32()
{
    return m_owner.m_host.Random32();
}

// The endpoint.

Endpoint::Endpoint(EndpointHost& host, EndpointSettings settings, const PortDraw& drawPort)
    : m_host(host)
    , m_settings(std::move(settings))
    , m_client(m_settings.role == EndpointRole::Client)
    , m_demux(m_settings.ctcpPort)
    , m_routes(
          [this](TunnelId t)
          {
              return Ended(t);
          })
{
    const auto& s = m_settings;
    bool ipsec = s.encapsulation != Encapsulation::AnyConnect;
    if (m_client && ipsec)
    {
        // The Cisco client picks a random unprivileged source port; further tunnels of this
        // client take the ports after it.
        uint16_t first = s.clientPort != 0 ? s.clientPort
                                           : drawPort(kClientPortLowest, kClientPortHighest);
        for (uint32_t i = 0; i < s.tunnels; ++i)
        {
            auto port = static_cast<uint32_t>(first) + i;
            m_clientPorts.push_back(static_cast<uint16_t>(
                port > kClientPortHighest ? port - kClientPortHighest - 1 + kClientPortLowest
                                          : port));
        }
    }
    bool ctcp = s.encapsulation == Encapsulation::Ctcp;
    m_raw = RawDemuxConfig{ctcp ? wire::ipproto::Tcp : wire::ipproto::Esp,
                           !m_client,
                           s.localAddress,
                           s.remoteAddress,
                           m_client ? uint16_t(0) : s.ctcpPort};
    if (m_client && ctcp && s.tunnels == 1)
    {
        m_raw.tcpLocalPort = m_clientPorts.front();
    }
}

Endpoint::~Endpoint()
{
    m_tunnels.clear();
}

uint16_t
Endpoint::CtcpLocalPort(TunnelId tunnel) const
{
    return m_client && tunnel < m_clientPorts.size() ? m_clientPorts[tunnel] : m_settings.ctcpPort;
}

void
Endpoint::ExpectClient(uint32_t inner, uint32_t offeredSpi, uint32_t outer)
{
    m_routes.Expect(inner, offeredSpi, outer);
}

void
Endpoint::SetTunnelNetwork(uint32_t local, uint32_t mask)
{
    m_routes.SetTunnelNetwork(local, mask);
}

EndpointTunnel&
Endpoint::NewTunnel()
{
    auto id = static_cast<TunnelId>(m_tunnels.size());
    m_tunnels.push_back(std::make_unique<EndpointTunnel>(*this, id));
    return *m_tunnels.back();
}

void
Endpoint::StartIpsec(EndpointTunnel& tunnel, uint32_t block, uint32_t remote, uint16_t port)
{
    IpsecTunnelConfig c = ToIpsecConfig(m_settings, block, remote, port);
    tunnel.Make(std::make_unique<IpsecTunnel>(
        tunnel, m_client ? IpsecRole::Client : IpsecRole::Headend, std::move(c)));
    tunnel.m_tunnel->Start();
}

void
Endpoint::Start()
{
    if (!m_client)
    {
        return; // a headend's tunnels come with its clients
    }
    for (uint32_t i = 0; i < m_settings.tunnels; ++i)
    {
        EndpointTunnel& t = NewTunnel();
        t.m_peer = PeerAddress{m_settings.remoteAddress, 0};
        if (m_settings.encapsulation == Encapsulation::AnyConnect)
        {
            t.Make(std::make_unique<AnyConnectTunnel>(t, AnyConnectRole::Client,
                                                      ToAnyConnectConfig(m_settings)));
            continue;
        }
        StartIpsec(t, i, m_settings.remoteAddress, m_clientPorts[i]);
    }
}

TunnelId
Endpoint::Accept(PeerAddress peer)
{
    // Every accepted connection is a client of its own.
    EndpointTunnel& t = NewTunnel();
    AnyConnectConfig c = ToAnyConnectConfig(m_settings);
    TunnelId id = t.Id();
    c.lease = [this, id, peer]
    {
        return std::make_pair(m_routes.Offer(id, peer.address), m_routes.Mask());
    };
    t.Make(std::make_unique<AnyConnectTunnel>(t, AnyConnectRole::Headend, std::move(c)));
    t.m_peer = peer;
    return t.Id();
}

void
Endpoint::StreamOpened(TunnelId tunnel)
{
    m_tunnels.at(tunnel)->m_tunnel->Start();
}

void
Endpoint::StreamClosed(TunnelId tunnel, const std::string& detail)
{
    EndpointTunnel& t = *m_tunnels.at(tunnel);
    if (t.m_downAt && !t.IsUp())
    {
        return; // already down for good
    }
    Status(t, TunnelStatus{TunnelState::Down, std::nullopt, detail});
}

bool
Endpoint::UsesRaw() const
{
    // cTCP segments and native ESP come through a raw socket; NAT-T and AnyConnect never.
    return m_settings.encapsulation == Encapsulation::Ctcp
           || m_settings.encapsulation == Encapsulation::Esp;
}

bool
Endpoint::Ended(TunnelId tunnel) const
{
    const EndpointTunnel& t = *m_tunnels.at(tunnel);
    return !t.IsUp() && t.m_downAt.has_value();
}

void
Endpoint::Status(EndpointTunnel& tunnel, const TunnelStatus& status)
{
    tunnel.m_status = status;
    bool up = status.state == TunnelState::Up;
    if (!up)
    {
        tunnel.m_downAt = m_host.Now();
    }
    if (up && !m_client)
    {
        m_routes.ClaimOnUp(tunnel.Id(), tunnel.m_tunnel->PeerOfferedSpi(),
                           tunnel.Ipsec() != nullptr, tunnel.Peer().address);
    }
    m_host.TunnelStatusChanged(tunnel.Id(), status);
}

void
Endpoint::Claim(const std::string& reason, wire::ByteView packet)
{
    ++m_unclaimed[reason];
    m_host.Unclaimed(reason, packet);
}

// In from the outer wire.

void
Endpoint::ReceiveOuter(const OuterPacket& packet)
{
    if (m_client)
    {
        if (!m_tunnels.empty())
        {
            Dispatch(packet);
        }
        return;
    }
    using Action = HeadendDemux::Action;
    auto verdict = m_demux.Classify(packet);
    EndpointTunnel* tunnel = nullptr;
    switch (verdict.action)
    {
        case Action::Drop:
            if (verdict.reason == HeadendDemux::DropReason::OtherPort)
            {
                ++m_unclaimed[ToString(verdict.reason)]; // not VPN traffic at all
                return;
            }
            Claim(ToString(verdict.reason), packet.payload);
            return;
        case Action::Client:
            if (!(verdict.newIkeSa && Ended(verdict.client)))
            {
                tunnel = m_tunnels[verdict.client].get();
                break;
            }
            [[fallthrough]]; // a client whose tunnel ended starts anew
        case Action::NewClient:
        {
            // The client's own tunnel, answering where it is seen, receiving on SPI block n.
            tunnel = &NewTunnel();
            TunnelId n = tunnel->Id();
            IpsecTunnelConfig c = ToIpsecConfig(m_settings, n, packet.sourceAddress, 0);
            m_demux.AddClient(n, packet, c.clientToHeadendSpi);
            StartIpsec(*tunnel, n, packet.sourceAddress, 0);
            break;
        }
    }
    tunnel->Received(packet);
    m_demux.Delivered(tunnel->Id(), packet);
}

void
Endpoint::Dispatch(const OuterPacket& packet)
{
    // A client's tunnels: one, or one per cTCP source port.
    TunnelId id = 0;
    if (m_clientPorts.size() > 1 && packet.protocol == OuterProtocol::Tcp)
    {
        auto tcp = wire::ParseTcpSegmentUnchecked(packet.payload);
        id = static_cast<TunnelId>(m_clientPorts.size());
        for (size_t i = 0; tcp && i < m_clientPorts.size(); ++i)
        {
            if (m_clientPorts[i] == tcp->header.destinationPort)
            {
                id = static_cast<TunnelId>(i);
            }
        }
        if (id == m_clientPorts.size())
        {
            ++m_unclaimed[ToString(RawVerdict::OtherPort)];
            return;
        }
    }
    m_tunnels[id]->Received(packet);
}

bool
Endpoint::ReceiveUdp(uint32_t source, uint16_t sourcePort, uint16_t localPort,
                     wire::ByteView payload)
{
    Encapsulation e = m_settings.encapsulation;
    bool ike = e == Encapsulation::Natt || e == Encapsulation::Esp;
    if (!ike || (localPort != NattTransport::kIkePort
                 && !(e == Encapsulation::Natt && localPort == wire::kNattPort)))
    {
        return false;
    }
    ReceiveOuter(OuterPacket{OuterProtocol::Udp, source, m_settings.localAddress, sourcePort,
                             localPort, payload});
    return true;
}

RawVerdict
Endpoint::ReceiveRaw(wire::ByteView datagram)
{
    if (!UsesRaw())
    {
        return RawVerdict::OtherProtocol;
    }
    RawDemuxResult r = DemuxRawIpv4(datagram, m_raw);
    if (r.verdict == RawVerdict::Accept)
    {
        ReceiveOuter(r.packet);
    }
    return r.verdict;
}

RawVerdict
Endpoint::ReceiveRaw(const wire::Ipv4Header& header, wire::ByteView payload)
{
    if (!UsesRaw())
    {
        return RawVerdict::OtherProtocol;
    }
    RawDemuxResult r = DemuxRawIpv4(header, payload, m_raw);
    if (r.verdict == RawVerdict::Accept)
    {
        ReceiveOuter(r.packet);
    }
    return r.verdict;
}

void
Endpoint::ReceiveStream(TunnelId tunnel, wire::ByteView chunk)
{
    if (tunnel >= m_tunnels.size())
    {
        Claim("no-client", chunk);
        return;
    }
    EndpointTunnel& t = *m_tunnels[tunnel];
    ++t.m_outer.outerPacketsReceived;
    t.m_outer.outerBytesReceived += chunk.size();
    m_host.OuterReceived(tunnel, chunk);
    t.m_tunnel->ReceiveStream(chunk);
}

// Inner packets.

void
Endpoint::SendInner(wire::ByteView inner)
{
    if (m_tunnels.empty())
    {
        return; // a client not started yet
    }
    if (m_client && m_tunnels.size() == 1)
    {
        m_tunnels.front()->m_tunnel->SendInner(inner);
        return;
    }
    // A headend by destination, a client with several tunnels by source.
    auto header = wire::ParseIpv4HeaderUnchecked(inner);
    std::optional<TunnelId> route;
    if (header)
    {
        route = m_routes.Find(m_client ? header->source : header->destination);
    }
    if (!route)
    {
        Claim("no-route", inner);
        return;
    }
    m_tunnels[*route]->m_tunnel->SendInner(inner);
}

void
Endpoint::SendInner(TunnelId tunnel, wire::ByteView inner)
{
    m_tunnels.at(tunnel)->m_tunnel->SendInner(inner);
}

void
Endpoint::ClaimInnerAddress(TunnelId tunnel, uint32_t inner)
{
    m_routes.Claim(tunnel, inner);
}

void
Endpoint::Deliver(EndpointTunnel& tunnel, wire::ByteView inner)
{
    if (!m_client)
    {
        // No address from configuration: the client is the source of what its tunnel carries.
        if (auto header = wire::ParseIpv4HeaderUnchecked(inner))
        {
            m_routes.Learn(tunnel.Id(), header->source);
        }
    }
    m_host.DeliverInner(inner);
}

// What the driver may ask.

const EndpointTunnel&
Endpoint::GetTunnel(TunnelId tunnel) const
{
    return *m_tunnels.at(tunnel);
}

std::optional<TunnelId>
Endpoint::FindTunnel(uint32_t innerAddress) const
{
    return m_routes.Find(innerAddress);
}

EndpointCounters
Endpoint::TotalCounters() const
{
    EndpointCounters c;
    for (const auto& t : m_tunnels)
    {
        c += t->Counters();
    }
    return c;
}

} // namespace engine
} // namespace vpnsim
