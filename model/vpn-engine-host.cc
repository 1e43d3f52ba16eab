#include "model/vpn-engine-host.h"

#include "ns3/log.h"

namespace ns3
{

// The endpoint's log: its events surface here.
NS_LOG_COMPONENT_DEFINE("VpnEndpoint");

namespace engine = vpnsim::engine;

VpnEndpoint::EngineHost::EngineHost(VpnEndpoint& endpoint)
    : m_e(endpoint)
{
}

const char*
VpnEndpoint::EngineHost::Who() const
{
    return m_e.m_role == CLIENT ? "client" : "headend";
}

engine::Nanos
VpnEndpoint::EngineHost::Now() const
{
    return m_e.m_clock.Now();
}

engine::TimerId
VpnEndpoint::EngineHost::StartTimer(engine::Nanos at, std::function<void()> callback)
{
    return m_e.m_clock.StartTimer(at, std::move(callback));
}

void
VpnEndpoint::EngineHost::CancelTimer(engine::TimerId id)
{
    m_e.m_clock.CancelTimer(id);
}

uint32_t
VpnEndpoint::EngineHost::Random32()
{
    return m_e.m_clock.Random32();
}

void
VpnEndpoint::EngineHost::SendOuter(const engine::OuterPacket& packet)
{
    Ptr<Packet> p = BytesPacket(packet.payload);
    m_e.m_outerTxTrace(p);
    m_e.m_sockets->SendOuter(packet, p);
}

void
VpnEndpoint::EngineHost::SendTunnelStream(engine::TunnelId tunnel, vpnsim::wire::ByteView bytes)
{
    if (!m_e.m_outerTxTrace.IsEmpty())
    {
        m_e.m_outerTxTrace(BytesPacket(bytes));
    }
    m_e.m_sockets->SendStream(tunnel, bytes);
}

void
VpnEndpoint::EngineHost::DeliverInner(vpnsim::wire::ByteView inner)
{
    Ptr<Packet> p = BytesPacket(inner);
    m_e.m_innerRxTrace(p);
    m_e.m_tunnel->Receive(p, 0x0800, m_e.m_tunnel->GetAddress(), m_e.m_tunnel->GetAddress(),
                          NetDevice::PACKET_HOST);
}

void
VpnEndpoint::EngineHost::OuterReceived(engine::TunnelId, vpnsim::wire::ByteView packet)
{
    if (!m_e.m_outerRxTrace.IsEmpty())
    {
        m_e.m_outerRxTrace(BytesPacket(packet));
    }
}

void
VpnEndpoint::EngineHost::TunnelStatusChanged(engine::TunnelId tunnel,
                                             const engine::TunnelStatus& status)
{
    bool up = status.state == engine::TunnelState::Up;
    std::string reason = status.reason ? engine::ToString(*status.reason) : "";
    NS_LOG_INFO(Who() << " tunnel " << tunnel << " " << (up ? "up" : "down") << " " << reason
                      << " " << status.detail);
    m_e.m_stateTrace(up ? "up" : "down", reason, status.detail);
    m_e.m_clientStateTrace(tunnel, up ? "up" : "down", reason, status.detail);
}

void
VpnEndpoint::EngineHost::TunnelDropped(engine::TunnelId tunnel, engine::DropReason reason,
                                       vpnsim::wire::ByteView packet, const std::string& detail)
{
    NS_LOG_LOGIC(Who() << " tunnel " << tunnel << " drop " << engine::ToString(reason) << " ("
                       << packet.size() << " bytes): " << detail);
    if (!m_e.m_dropTrace.IsEmpty())
    {
        m_e.m_dropTrace(BytesPacket(packet), engine::ToString(reason));
    }
}

void
VpnEndpoint::EngineHost::TunnelLiveness(engine::TunnelId tunnel, engine::LivenessEvent event)
{
    NS_LOG_LOGIC(Who() << " tunnel " << tunnel << " " << engine::ToString(event));
    m_e.m_dpdTrace(engine::ToString(event));
}

void
VpnEndpoint::EngineHost::Unclaimed(const std::string& reason, vpnsim::wire::ByteView packet)
{
    NS_LOG_LOGIC(Who() << ": " << reason << " (" << packet.size() << " bytes)");
    if (!m_e.m_dropTrace.IsEmpty())
    {
        m_e.m_dropTrace(BytesPacket(packet), reason);
    }
}

} // namespace ns3
