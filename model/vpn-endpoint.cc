#include "model/vpn-endpoint.h"

#include "model/vpn-engine-host.h"
#include "model/vpn-sockets.h"

#include "model/engine/anyconnect-tunnel.h"
#include "model/engine/ipsec-tunnel.h"
#include "model/parameter-attribute.h"
#include "ns3/enum.h"
#include "ns3/ipv4.h"
#include "ns3/string.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(VpnEndpoint);

namespace engine = vpnsim::engine;

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
        // Every other parameter, with its name, default, unit and range, is the engine's table's.
        AddParameterAttributes(t, &VpnEndpoint::m_parameters);
        AddTraceSources(t);
        return t;
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
    m_sockets.reset();
    m_endpoint.reset();
    m_tunnel = nullptr;
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
    engine::EndpointSettings s = m_parameters;
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
    return s;
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
    m_sockets = std::make_unique<VpnSockets>(GetNode(), *m_endpoint);
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
        m_sockets->Open();
        return;
    }
    // The client's tunnel: IPsec sends as it starts, so the sockets first; AnyConnect starts
    // once its connection is open.
    if (m_encapsulation != ANYCONNECT)
    {
        m_sockets->Open();
        m_endpoint->Start();
        return;
    }
    m_endpoint->Start();
    m_sockets->Open();
}

void
VpnEndpoint::StopApplication()
{
    m_clock.CancelAll();
    if (m_sockets)
    {
        m_sockets->Close();
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

} // namespace ns3
