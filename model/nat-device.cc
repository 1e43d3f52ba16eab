#include "model/nat-device.h"

#include "model/wire/esp-in-udp.h"
#include "model/wire/ipv4-header.h"
#include "model/wire/isakmp.h"

#include <ns3/abort.h>
#include <ns3/boolean.h>
#include <ns3/enum.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/log.h>
#include <ns3/node.h>
#include <ns3/simulator.h>
#include <ns3/trace-source-accessor.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("NatDevice");
NS_OBJECT_ENSURE_REGISTERED(NatDevice);

namespace
{

namespace ipproto = vpnsim::wire::ipproto;
using vpnsim::wire::Ipv4Translation;

using vpnsim::wire::kIkePort;
using vpnsim::wire::kNattPort;
/// Dynamic PAT ports: above the well-known range, as PAT pools commonly are.
constexpr uint16_t kFirstDynamicPort = 1024;

} // namespace

TypeId
NatDevice::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::NatDevice")
              .SetParent<Object>()
              .SetGroupName("Vpnsim")
              .AddConstructor<NatDevice>()
              .AddAttribute("Mode",
                            "pat: inside hosts share OutsideAddress, told apart by port; "
                            "static: only static mappings translate.",
                            EnumValue(PAT), MakeEnumAccessor(&NatDevice::m_mode),
                            MakeEnumChecker(PAT, "pat", STATIC, "static"))
              .AddAttribute("OutsideAddress",
                            "The PAT address; 0.0.0.0: the router's outside interface address.",
                            Ipv4AddressValue(Ipv4Address::GetAny()),
                            MakeIpv4AddressAccessor(&NatDevice::m_outsideAddress),
                            MakeIpv4AddressChecker())
              .AddAttribute("UdpTimeout",
                            "Idle time after which a UDP conn is removed (ASA `timeout udp`, "
                            "default 2 min; RFC 4787 REQ-5: at least 2 min).",
                            TimeValue(Minutes(2)), MakeTimeAccessor(&NatDevice::m_udpTimeout),
                            MakeTimeChecker(Seconds(1)))
              .AddAttribute("TcpTimeout",
                            "Idle time after which a TCP conn is removed (ASA `timeout conn`, "
                            "default 1 h).",
                            TimeValue(Hours(1)), MakeTimeAccessor(&NatDevice::m_tcpTimeout),
                            MakeTimeChecker(Seconds(1)))
              .AddAttribute("EspTimeout",
                            "Idle time after which a pass-through ESP conn is removed (ASA esp "
                            "idle timeout, 30 s, Cisco doc 222075).",
                            TimeValue(Seconds(30)), MakeTimeAccessor(&NatDevice::m_espTimeout),
                            MakeTimeChecker(Seconds(1)))
              .AddAttribute("PatXlateTimeout",
                            "Idle time of a PAT xlate once its last conn is gone (ASA "
                            "`timeout pat-xlate`, default 30 s).",
                            TimeValue(Seconds(30)), MakeTimeAccessor(&NatDevice::m_patXlateTimeout),
                            MakeTimeChecker(Seconds(0)))
              .AddAttribute("EspPassThrough",
                            "Let native ESP (IP protocol 50) through PAT, translated by "
                            "address only, one inside host per peer.",
                            BooleanValue(false), MakeBooleanAccessor(&NatDevice::m_espPassThrough),
                            MakeBooleanChecker())
              .AddTraceSource("Translate",
                              "A datagram was translated (the datagram after translation; "
                              "\"outbound\" or \"inbound\").",
                              MakeTraceSourceAccessor(&NatDevice::m_translateTrace),
                              "ns3::NatDevice::PacketReasonCallback")
              .AddTraceSource("Drop", "A datagram was dropped (as received; the reason).",
                              MakeTraceSourceAccessor(&NatDevice::m_dropTrace),
                              "ns3::NatDevice::PacketReasonCallback")
              .AddTraceSource("MappingCreated", "A dynamic (PAT) mapping was created.",
                              MakeTraceSourceAccessor(&NatDevice::m_createdTrace),
                              "ns3::NatDevice::MappingCallback")
              .AddTraceSource("MappingExpired", "A dynamic (PAT) mapping timed out.",
                              MakeTraceSourceAccessor(&NatDevice::m_expiredTrace),
                              "ns3::NatDevice::MappingCallback");
    return tid;
}

NatDevice::NatDevice() = default;

NatDevice::~NatDevice() = default;

void
NatDevice::Install(Ptr<NetDevice> inside, Ptr<NetDevice> outside)
{
    NS_ABORT_MSG_IF(m_inside, "NatDevice: installed twice");
    Ptr<Node> node = inside->GetNode();
    NS_ABORT_MSG_IF(outside->GetNode() != node, "NatDevice: both devices must be the router's");
    NS_ABORT_MSG_IF(inside == outside, "NatDevice: inside and outside are the same device");
    m_ipv4 = node->GetObject<Ipv4L3Protocol>();
    NS_ABORT_MSG_IF(!m_ipv4, "NatDevice: node " << node->GetId() << " has no IPv4 stack");
    // The NAT reads and rewrites real bytes; with checksums off ns-3 writes zero IPv4 header
    // checksums, which no real NAT would pass.
    NS_ABORT_MSG_UNLESS(Node::ChecksumEnabled(),
                        "NatDevice: bind GlobalValue ChecksumEnabled to true (real checksums)");
    if (m_outsideAddress == Ipv4Address::GetAny())
    {
        int32_t i = m_ipv4->GetInterfaceForDevice(outside);
        NS_ABORT_MSG_IF(i < 0 || m_ipv4->GetNAddresses(i) == 0,
                        "NatDevice: the outside device has no IPv4 address; set OutsideAddress");
        m_outsideAddress = m_ipv4->GetAddress(i, 0).GetLocal();
    }
    NS_ABORT_MSG_IF(node->GetObject<NatDevice>(), "NatDevice: one NAT per router");
    node->AggregateObject(Ptr<NatDevice>(this));
    m_inside = inside;
    m_outside = outside;
    m_hook = Ipv4IngressHook::Get(node);
    m_hook->Hook(inside, MakeCallback(&NatDevice::FromInside, this));
    m_hook->Hook(outside, MakeCallback(&NatDevice::FromOutside, this));
}

void
NatDevice::AddStaticMapping(Ipv4Address inside, Ipv4Address outside)
{
    NS_ABORT_MSG_IF(m_staticOut.count(inside.Get()) || m_staticIn.count(outside.Get()),
                    "NatDevice: static mapping " << inside << " <-> " << outside
                                                 << " overlaps an existing one");
    m_staticOut[inside.Get()] = outside.Get();
    m_staticIn[outside.Get()] = inside.Get();
}

Ipv4Address
NatDevice::GetOutsideAddress() const
{
    return m_outsideAddress;
}

Time
NatDevice::ConnTimeout(uint8_t protocol) const
{
    switch (protocol)
    {
        case ipproto::Tcp:
            return m_tcpTimeout;
        case ipproto::Esp:
            return m_espTimeout;
        default:
            return m_udpTimeout;
    }
}

Time
NatDevice::GetMappingIdleLimit(uint8_t protocol) const
{
    // The xlate's idle timer starts only when its last conn is gone (TAC 115992).
    return ConnTimeout(protocol) + m_patXlateTimeout;
}

uint64_t
NatDevice::GetDrops(const std::string& reason) const
{
    auto it = m_drops.find(reason);
    return it == m_drops.end() ? 0 : it->second;
}

uint64_t
NatDevice::GetDrops() const
{
    uint64_t n = 0;
    for (const auto& [reason, count] : m_drops)
    {
        n += count;
    }
    return n;
}

uint64_t
NatDevice::GetTranslations() const
{
    return m_translations;
}

uint64_t
NatDevice::GetExpiredMappings() const
{
    return m_expired;
}

std::vector<NatDevice::Mapping>
NatDevice::GetMappings() const
{
    std::vector<Mapping> out;
    for (const auto& [key, x] : m_xlates)
    {
        out.push_back(Report(x));
    }
    return out;
}

NatDevice::Mapping
NatDevice::Report(const Xlate& x) const
{
    Mapping m = x.mapping;
    m.connections = 0;
    for (const auto& [remote, last] : x.conns)
    {
        m.connections += ConnAlive(x, remote);
    }
    return m;
}

bool
NatDevice::IsForRouter(uint32_t destination, Ptr<NetDevice> device) const
{
    return m_ipv4->IsDestinationAddress(Ipv4Address(destination),
                                        m_ipv4->GetInterfaceForDevice(device));
}

void
NatDevice::Drop(Ptr<const Packet> datagram, const std::string& reason)
{
    NS_LOG_INFO("drop " << reason);
    ++m_drops[reason];
    m_dropTrace(datagram, reason);
}

void
NatDevice::Forward(Ptr<NetDevice> device, Ptr<const Packet> datagram,
                   const Ipv4Translation& translation, const char* direction)
{
    vpnsim::wire::Bytes bytes = Ipv4IngressHook::CopyBytes(datagram);
    auto done = vpnsim::wire::TranslateIpv4Datagram(bytes, translation);
    if (!done)
    {
        Drop(datagram, kMalformed);
        return;
    }
    Ptr<Packet> translated = Create<Packet>(bytes.data(), bytes.size());
    ++m_translations;
    m_translateTrace(translated, direction);
    m_hook->Continue(device, translated);
}

bool
NatDevice::ConnAlive(const Xlate& x, const Remote& remote) const
{
    auto it = x.conns.find(remote);
    return it != x.conns.end() && Simulator::Now() - it->second < ConnTimeout(x.mapping.protocol);
}

void
NatDevice::Touch(Xlate& x, const Remote& remote)
{
    Time now = Simulator::Now();
    // Conns that timed out are gone; a later packet of the same flow starts a new one.
    for (auto it = x.conns.begin(); it != x.conns.end();)
    {
        it = now - it->second >= ConnTimeout(x.mapping.protocol) ? x.conns.erase(it) : ++it;
    }
    x.conns[remote] = now;
    x.mapping.lastUsed = now;
}

std::optional<uint16_t>
NatDevice::AllocatePort(uint8_t protocol, uint16_t insidePort)
{
    auto used = [this, protocol](uint16_t port)
    {
        return m_byOutsidePort.count({protocol, port}) > 0;
    };
    // IKE (500) and NAT-T (4500) keep their port when they can, as many NATs preserve these.
    if (protocol == ipproto::Udp && (insidePort == kIkePort || insidePort == kNattPort)
        && !used(insidePort))
    {
        return insidePort;
    }
    uint16_t& next = m_nextPort.try_emplace(protocol, kFirstDynamicPort).first->second;
    for (uint32_t tries = 0; tries <= 65535u - kFirstDynamicPort; ++tries)
    {
        uint16_t port = next;
        next = next == 65535 ? kFirstDynamicPort : static_cast<uint16_t>(next + 1);
        if (!used(port))
        {
            return port;
        }
    }
    return std::nullopt;
}

NatDevice::Xlate*
NatDevice::CreateXlate(const XlateKey& key, uint16_t outsidePort)
{
    auto [protocol, inside, insidePort] = key;
    Xlate& x = m_xlates[key];
    x.mapping.protocol = protocol;
    x.mapping.insideAddress = Ipv4Address(inside);
    x.mapping.insidePort = insidePort;
    x.mapping.outsideAddress = m_outsideAddress;
    x.mapping.outsidePort = outsidePort;
    x.mapping.created = Simulator::Now();
    x.mapping.lastUsed = Simulator::Now();
    if (protocol != ipproto::Esp)
    {
        m_byOutsidePort[{protocol, outsidePort}] = key;
    }
    x.expiry
        = Simulator::Schedule(GetMappingIdleLimit(protocol), &NatDevice::CheckExpiry, this, key);
    NS_LOG_INFO("mapping " << unsigned(protocol) << " " << x.mapping.insideAddress << ":"
                           << insidePort << " -> " << m_outsideAddress << ":" << outsidePort);
    m_createdTrace(x.mapping);
    return &x;
}

void
NatDevice::CheckExpiry(XlateKey key)
{
    auto it = m_xlates.find(key);
    if (it == m_xlates.end())
    {
        return;
    }
    Xlate& x = it->second;
    Time deadline = x.mapping.lastUsed + GetMappingIdleLimit(x.mapping.protocol);
    Time now = Simulator::Now();
    if (now < deadline)
    {
        // Used since this check was scheduled: look again when it could next expire.
        x.expiry = Simulator::Schedule(deadline - now, &NatDevice::CheckExpiry, this, key);
        return;
    }
    Mapping m = Report(x);
    if (m.protocol == ipproto::Esp)
    {
        for (auto p = m_espPeer.begin(); p != m_espPeer.end();)
        {
            p = p->second == m.insideAddress.Get() ? m_espPeer.erase(p) : ++p;
        }
    }
    else
    {
        m_byOutsidePort.erase({m.protocol, m.outsidePort});
    }
    m_xlates.erase(it);
    ++m_expired;
    NS_LOG_INFO("mapping expired " << unsigned(m.protocol) << " " << m.insideAddress << ":"
                                   << m.insidePort << " -> " << m.outsideAddress << ":"
                                   << m.outsidePort);
    m_expiredTrace(m);
}

void
NatDevice::FromInside(Ptr<NetDevice> device, Ptr<const Packet> datagram)
{
    vpnsim::wire::Bytes bytes = Ipv4IngressHook::CopyBytes(datagram);
    auto k = vpnsim::wire::ReadIpv4FlowKey(bytes);
    if (!k)
    {
        Drop(datagram, kMalformed);
        return;
    }
    if (IsForRouter(k->destination, device))
    {
        m_hook->Continue(device, datagram);
        return;
    }
    if (auto s = m_staticOut.find(k->source); s != m_staticOut.end())
    {
        Forward(device, datagram, Ipv4Translation{.source = s->second}, "outbound");
        return;
    }
    if (m_mode == STATIC)
    {
        m_hook->Continue(device, datagram);
        return;
    }
    uint32_t pat = m_outsideAddress.Get();
    switch (k->protocol)
    {
        case ipproto::Tcp:
        case ipproto::Udp:
        {
            if (k->fragment)
            {
                Drop(datagram, kFragment);
                return;
            }
            XlateKey key{k->protocol, k->source, *k->sourcePort};
            auto it = m_xlates.find(key);
            Xlate* x = it == m_xlates.end() ? nullptr : &it->second;
            if (x == nullptr)
            {
                auto port = AllocatePort(k->protocol, *k->sourcePort);
                if (!port)
                {
                    Drop(datagram, kPatExhausted);
                    return;
                }
                x = CreateXlate(key, *port);
            }
            Touch(*x, {k->destination, *k->destinationPort});
            Forward(device, datagram,
                    Ipv4Translation{.source = pat, .sourcePort = x->mapping.outsidePort},
                    "outbound");
            return;
        }
        case ipproto::Esp:
        {
            if (!m_espPassThrough)
            {
                Drop(datagram, kEspNoPat);
                return;
            }
            // One inside host per peer: inbound ESP is told apart by its source address only.
            if (auto p = m_espPeer.find(k->destination);
                p != m_espPeer.end() && p->second != k->source)
            {
                auto other = m_xlates.find({ipproto::Esp, p->second, 0});
                if (other != m_xlates.end() && ConnAlive(other->second, {k->destination, 0}))
                {
                    Drop(datagram, kEspPeerInUse);
                    return;
                }
            }
            XlateKey key{ipproto::Esp, k->source, 0};
            auto it = m_xlates.find(key);
            Xlate* x = it == m_xlates.end() ? CreateXlate(key, 0) : &it->second;
            Touch(*x, {k->destination, 0});
            m_espPeer[k->destination] = k->source;
            Forward(device, datagram, Ipv4Translation{.source = pat}, "outbound");
            return;
        }
        default:
            Drop(datagram, kPatUnsupported);
            return;
    }
}

void
NatDevice::FromOutside(Ptr<NetDevice> device, Ptr<const Packet> datagram)
{
    vpnsim::wire::Bytes bytes = Ipv4IngressHook::CopyBytes(datagram);
    auto k = vpnsim::wire::ReadIpv4FlowKey(bytes);
    if (!k)
    {
        Drop(datagram, kMalformed);
        return;
    }
    if (auto s = m_staticIn.find(k->destination); s != m_staticIn.end())
    {
        Forward(device, datagram, Ipv4Translation{.destination = s->second}, "inbound");
        return;
    }
    if (m_mode != PAT || k->destination != m_outsideAddress.Get())
    {
        m_hook->Continue(device, datagram); // not the NAT's: transit, or to the router
        return;
    }
    switch (k->protocol)
    {
        case ipproto::Tcp:
        case ipproto::Udp:
        {
            if (k->fragment)
            {
                Drop(datagram, kFragment);
                return;
            }
            auto key = m_byOutsidePort.find({k->protocol, *k->destinationPort});
            if (key == m_byOutsidePort.end())
            {
                Drop(datagram, kNoTranslation);
                return;
            }
            Xlate& x = m_xlates.at(key->second);
            Remote remote{k->source, *k->sourcePort};
            if (!ConnAlive(x, remote))
            {
                Drop(datagram, kNoConnection);
                return;
            }
            Touch(x, remote);
            Forward(device, datagram,
                    Ipv4Translation{.destination = x.mapping.insideAddress.Get(),
                                    .destinationPort = x.mapping.insidePort},
                    "inbound");
            return;
        }
        case ipproto::Esp:
        {
            if (!m_espPassThrough)
            {
                Drop(datagram, kEspNoPat);
                return;
            }
            auto peer = m_espPeer.find(k->source);
            auto it = peer == m_espPeer.end() ? m_xlates.end()
                                              : m_xlates.find({ipproto::Esp, peer->second, 0});
            if (it == m_xlates.end())
            {
                Drop(datagram, kNoTranslation);
                return;
            }
            Remote remote{k->source, 0};
            if (!ConnAlive(it->second, remote))
            {
                Drop(datagram, kNoConnection);
                return;
            }
            Touch(it->second, remote);
            Forward(device, datagram,
                    Ipv4Translation{.destination = it->second.mapping.insideAddress.Get()},
                    "inbound");
            return;
        }
        default:
            if (IsForRouter(k->destination, device))
            {
                m_hook->Continue(device, datagram); // to the router itself (e.g. ICMP)
                return;
            }
            Drop(datagram, kNoTranslation);
            return;
    }
}

void
NatDevice::DoDispose()
{
    for (auto& [key, x] : m_xlates)
    {
        x.expiry.Cancel();
    }
    m_xlates.clear();
    m_byOutsidePort.clear();
    m_espPeer.clear();
    m_inside = nullptr;
    m_outside = nullptr;
    m_hook = nullptr;
    m_ipv4 = nullptr;
    Object::DoDispose();
}

} // namespace ns3
