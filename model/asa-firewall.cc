#include "model/asa-firewall.h"

#include "model/asa-bypass-inspection.h"
#include "model/asa-ips-strict-inspection.h"
#include "model/asa-normalizer-inspection.h"
#include "model/asa-stateful-inspection.h"
#include "model/asa-tcp-proxy.h"
#include "model/ipv4-ingress-hook.h"
#include "model/wire/ctcp.h"
#include "model/wire/ipv4-header.h"
#include "model/wire/tcp-header.h"
#include "model/wire/udp-header.h"

#include <algorithm>
#include <ns3/abort.h>
#include <ns3/boolean.h>
#include <ns3/log.h>
#include <ns3/object-factory.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AsaFirewall");
NS_OBJECT_ENSURE_REGISTERED(AsaFirewall);

namespace
{

namespace ipproto = vpnsim::wire::ipproto;
namespace tcpflag = vpnsim::wire::tcpflag;

/// Sequence-number comparisons modulo 2^32 (RFC 793 section 3.3).
bool
SeqLess(uint32_t a, uint32_t b)
{
    return static_cast<int32_t>(a - b) < 0;
}

uint32_t
SeqMax(uint32_t a, uint32_t b)
{
    return SeqLess(a, b) ? b : a;
}

/// The MSS the ASA assumes when it turns a window in bytes into a queue limit in segments:
/// its own default `sysopt connection tcpmss 1380`, which it writes into every SYN.
constexpr uint32_t kAsaTcpMss = 1380;

/// Cisco's documented bypass class: every flow to the cTCP port.
std::string
DefaultBypassAcl()
{
    return "tcp any any eq " + std::to_string(vpnsim::wire::kCtcpDefaultPort);
}

/// The inspection part of each Mode name.
TypeId
InspectionOf(const std::string& mode)
{
    static const std::map<std::string, TypeId> kModes{
        {"stateful", AsaStatefulInspection::GetTypeId()},
        {"normalizer", AsaNormalizerInspection::GetTypeId()},
        {"ips-strict", AsaIpsStrictInspection::GetTypeId()},
        {"proxy", AsaTcpProxy::GetTypeId()},
        {"bypass", AsaBypassInspection::GetTypeId()},
    };
    auto it = kModes.find(mode);
    NS_ABORT_MSG_IF(it == kModes.end(), "AsaFirewall Mode: '"
                                            << mode
                                            << "' is not one of stateful, normalizer, "
                                               "ips-strict, proxy, bypass");
    return it->second;
}

/// Range of `queue-limit` (doc/protocols.md §ASA normalizer).
constexpr uint32_t kMaxQueueLimit = 250;

} // namespace

/// An out-of-order segment waiting in the in-order queue.
struct AsaFirewall::Held
{
    Ptr<const Packet> datagram;
    AsaSide from;
    uint32_t seq;
    uint32_t length;
    EventId timeout;
};

/// What the ASA knows about one direction of a TCP connection (the sender's side).
struct AsaFirewall::TcpHalf
{
    bool synSeen{false};
    uint32_t isn{0};
    uint32_t next{0};    ///< next in-order sequence number the ASA expects from this sender
    uint32_t sentMax{0}; ///< highest seq + length this sender has sent
    bool ackSeen{false};
    uint32_t ack{0};        ///< the last acknowledgment this side sent: its window's left edge
    uint32_t window{65535}; ///< the last window it advertised, scaled
    std::optional<uint8_t> windowScale;
    bool finSeen{false};
    std::map<uint32_t, Held> queue; ///< keyed by seq - isn, so std::map orders by sequence
};

struct AsaFirewall::Flow
{
    FlowKey key;
    bool tcp{false};
    bool udp{false};
    bool bypass{false};
    bool established{false};
    std::array<TcpHalf, 2> half; ///< [0] from the initiator, [1] from the responder
    Time lastActivity;
    EventId idleCheck;
    AsaFlowCounters counters;
};

/// One out-of-order segment, with what the mode may do with it.
class AsaFirewall::OutOfOrderSegment : public AsaOutOfOrderSegment
{
  public:
    OutOfOrderSegment(AsaFirewall& asa, Flow& flow, int dir, AsaSide from,
                      Ptr<const Packet> datagram, uint32_t seq, uint32_t length)
        : m_asa(asa)
        , m_flow(flow)
        , m_dir(dir)
        , m_from(from)
        , m_datagram(datagram)
        , m_seq(seq)
        , m_length(length)
    {
    }

    void Pass() override
    {
        m_asa.Pass(m_flow, m_dir, m_from, m_datagram, m_seq, m_length);
    }

    void Hold() override
    {
        m_asa.Enqueue(m_flow, m_dir, m_from, m_datagram, m_seq, m_length);
    }

    void Drop(const std::string& reason) override
    {
        m_asa.CountDrop(m_datagram, reason, &m_flow.counters);
    }

  private:
    AsaFirewall& m_asa;
    Flow& m_flow;
    int m_dir;
    AsaSide m_from;
    Ptr<const Packet> m_datagram;
    uint32_t m_seq;
    uint32_t m_length;
};

TypeId
AsaFirewall::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::AsaFirewall")
              .SetParent<Object>()
              .SetGroupName("Vpnsim")
              .AddConstructor<AsaFirewall>()
              .AddAttribute("Mode",
                            "How TCP flows are treated: stateful, normalizer, ips-strict, proxy or "
                            "bypass.",
                            StringValue("normalizer"),
                            MakeStringAccessor(&AsaFirewall::SetMode, &AsaFirewall::GetModeName),
                            MakeStringChecker())
              .AddAttribute(
                  "BypassAcl",
                  "Access-list line selecting the flows that get tcp-state-bypass in "
                  "bypass mode.",
                  StringValue(DefaultBypassAcl()),
                  MakeStringAccessor(&AsaFirewall::SetBypassAcl, &AsaFirewall::GetBypassAcl),
                  MakeStringChecker())
              .AddAttribute("QueueLimit",
                            "Out-of-order segments held per direction (tcp-map queue-limit; the "
                            "system default for inspected and IPS flows is 3).",
                            UintegerValue(3), MakeUintegerAccessor(&AsaFirewall::m_queueLimit),
                            MakeUintegerChecker<uint32_t>(1, kMaxQueueLimit))
              .AddAttribute("AdjustQueueLimitToWindow",
                            "Raise the queue limit to the receiver's advertised window (in "
                            "1380-byte segments, at most 250), as the ASA guide describes.",
                            BooleanValue(true),
                            MakeBooleanAccessor(&AsaFirewall::m_adjustQueueLimit),
                            MakeBooleanChecker())
              .AddAttribute("ProxyResegment",
                            "In proxy mode, relay a plain byte stream that re-cuts segments "
                            "(see AsaTcpProxy::Resegment) instead of one segment per in-order "
                            "chunk.",
                            BooleanValue(false),
                            MakeBooleanAccessor(&AsaFirewall::m_proxyResegment),
                            MakeBooleanChecker())
              .AddAttribute("QueueTimeout",
                            "How long an out-of-order segment may wait to be put in order "
                            "(tcp-map queue-limit timeout, 1-20 s).",
                            TimeValue(Seconds(4)), MakeTimeAccessor(&AsaFirewall::m_queueTimeout),
                            MakeTimeChecker(Seconds(1), Seconds(20)))
              .AddAttribute("ConnTimeout",
                            "Idle timeout of an established TCP connection (timeout conn).",
                            TimeValue(Hours(1)), MakeTimeAccessor(&AsaFirewall::m_connTimeout),
                            MakeTimeChecker(Minutes(5)))
              .AddAttribute("EmbryonicTimeout",
                            "Time allowed to complete the 3-way handshake (set connection "
                            "timeout embryonic).",
                            TimeValue(Seconds(30)),
                            MakeTimeAccessor(&AsaFirewall::m_embryonicTimeout),
                            MakeTimeChecker(Seconds(1)))
              .AddAttribute(
                  "HalfClosedTimeout", "Idle timeout after one side's FIN (timeout half-closed).",
                  TimeValue(Minutes(10)), MakeTimeAccessor(&AsaFirewall::m_halfClosedTimeout),
                  MakeTimeChecker(Seconds(30)))
              .AddAttribute("UdpTimeout", "Idle timeout of a UDP connection (timeout udp).",
                            TimeValue(Minutes(2)), MakeTimeAccessor(&AsaFirewall::m_udpTimeout),
                            MakeTimeChecker(Minutes(1)))
              .AddAttribute("OtherTimeout",
                            "Idle timeout of other IP protocols such as ESP (the esp idle "
                            "timeout, 30 s).",
                            TimeValue(Seconds(30)), MakeTimeAccessor(&AsaFirewall::m_otherTimeout),
                            MakeTimeChecker(Seconds(1)))
              .AddTraceSource("Drop", "A datagram was dropped, with the reason.",
                              MakeTraceSourceAccessor(&AsaFirewall::m_dropTrace),
                              "ns3::AsaFirewall::DropCallback")
              .AddTraceSource("Forward", "A datagram passed.",
                              MakeTraceSourceAccessor(&AsaFirewall::m_forwardTrace),
                              "ns3::Packet::TracedCallback")
              .AddTraceSource("Queue", "An out-of-order segment entered the in-order queue.",
                              MakeTraceSourceAccessor(&AsaFirewall::m_queueTrace),
                              "ns3::Packet::TracedCallback")
              .AddTraceSource("ConnectionClosed", "A connection left the table, with the reason.",
                              MakeTraceSourceAccessor(&AsaFirewall::m_connectionClosedTrace),
                              "ns3::AsaFirewall::ReasonCallback");
    return tid;
}

AsaFirewall::AsaFirewall()
{
    SetBypassAcl(DefaultBypassAcl());
}

AsaFirewall::~AsaFirewall() = default;

void
AsaFirewall::SetMode(const std::string& mode)
{
    ObjectFactory factory;
    factory.SetTypeId(InspectionOf(mode));
    m_inspection = factory.Create<AsaInspection>();
}

std::string
AsaFirewall::GetModeName() const
{
    return m_inspection ? m_inspection->GetName() : "";
}

void
AsaFirewall::SetBypassAcl(const std::string& acl)
{
    auto parsed = ParseAsaAccessListEntry(acl);
    NS_ABORT_MSG_IF(!parsed, "AsaFirewall BypassAcl: " << parsed.GetError().detail);
    m_bypassAcl = *parsed;
    m_bypassAclText = acl;
}

std::string
AsaFirewall::GetBypassAcl() const
{
    return m_bypassAclText;
}

void
AsaFirewall::Install(Ptr<NetDevice> outside, Ptr<NetDevice> inside)
{
    m_devices = {outside, inside};
    m_hook = Ipv4IngressHook::Get(outside->GetNode());
    m_hook->Hook(outside, MakeCallback(&AsaFirewall::ReceiveOutside, this));
    m_hook->Hook(inside, MakeCallback(&AsaFirewall::ReceiveInside, this));
    m_forward = MakeCallback(&AsaFirewall::ContinueToIpv4, this);
    // ProxyResegment is the firewall's attribute (set beside Mode); only the proxy has it.
    m_inspection->SetAttributeFailSafe("Resegment", BooleanValue(m_proxyResegment));
    m_inspection->Install(outside, inside, MakeCallback(&AsaFirewall::AdjustBytesHeld, this));
}

void
AsaFirewall::ReceiveOutside(Ptr<NetDevice>, Ptr<const Packet> datagram)
{
    Receive(AsaSide::Outside, datagram);
}

void
AsaFirewall::ReceiveInside(Ptr<NetDevice>, Ptr<const Packet> datagram)
{
    Receive(AsaSide::Inside, datagram);
}

void
AsaFirewall::ContinueToIpv4(AsaSide from, Ptr<const Packet> datagram)
{
    m_hook->Continue(m_devices[static_cast<int>(from)], datagram);
}

void
AsaFirewall::SetForwardCallback(ForwardCallback forward)
{
    m_forward = forward;
}

void
AsaFirewall::Receive(AsaSide from, Ptr<const Packet> datagram)
{
    vpnsim::wire::Bytes bytes = Ipv4IngressHook::CopyBytes(datagram);
    auto ip = vpnsim::wire::ParseIpv4Header(bytes);
    if (!ip)
    {
        CountDrop(datagram, "invalid-ip-header", nullptr);
        return;
    }
    if (ip->protocol == ipproto::Tcp)
    {
        ReceiveTcp(from, datagram, bytes, ip->headerLength, ip->source, ip->destination);
        return;
    }
    // UDP, ESP, ICMP: a connection entry with an idle timer, nothing to normalise.
    uint16_t sourcePort = 0;
    uint16_t destinationPort = 0;
    if (ip->protocol == ipproto::Udp && bytes.size() >= ip->headerLength + 4)
    {
        sourcePort = vpnsim::wire::GetU16(&bytes[ip->headerLength]);
        destinationPort = vpnsim::wire::GetU16(&bytes[ip->headerLength + 2]);
    }
    FlowKey key{ip->protocol, ip->source, sourcePort, ip->destination, destinationPort};
    FlowKey reverse{ip->protocol, ip->destination, destinationPort, ip->source, sourcePort};
    auto it = m_flows.find(key);
    if (it == m_flows.end())
    {
        it = m_flows.find(reverse);
    }
    if (it == m_flows.end())
    {
        it = m_flows.emplace(key, std::make_unique<Flow>()).first;
        it->second->key = key;
        it->second->udp = ip->protocol == ipproto::Udp;
    }
    Flow& flow = *it->second;
    Touch(it->first, flow);
    Forward(from, datagram, &flow.counters);
}

bool
AsaFirewall::MatchesBypass(uint8_t protocol, uint32_t source, uint16_t sourcePort,
                           uint32_t destination, uint16_t destinationPort) const
{
    // The access list names the initiator's packets; a bypass connection can be created by
    // either direction (tcp-state-bypass accepts non-SYN first packets), so try both.
    return m_inspection->HonoursBypassAcl()
           && (m_bypassAcl.Matches(protocol, source, sourcePort, destination, destinationPort)
               || m_bypassAcl.Matches(protocol, destination, destinationPort, source, sourcePort));
}

void
AsaFirewall::ReceiveTcp(AsaSide from, Ptr<const Packet> datagram, const vpnsim::wire::Bytes& bytes,
                        size_t ipHeaderLength, uint32_t source, uint32_t destination)
{
    auto seg = vpnsim::wire::ParseTcpSegmentUnchecked(
        vpnsim::wire::ByteView(bytes).subspan(ipHeaderLength));
    if (!seg)
    {
        CountDrop(datagram, "invalid-tcp-hdr-length", nullptr);
        return;
    }
    const auto& h = seg->header;
    FlowKey forward{ipproto::Tcp, source, h.sourcePort, destination, h.destinationPort};
    FlowKey reverse{ipproto::Tcp, destination, h.destinationPort, source, h.sourcePort};
    int dir = 0;
    auto it = m_flows.find(forward);
    if (it == m_flows.end())
    {
        it = m_flows.find(reverse);
        dir = it == m_flows.end() ? 0 : 1;
    }
    bool bypass = MatchesBypass(ipproto::Tcp, source, h.sourcePort, destination, h.destinationPort);
    if (it == m_flows.end())
    {
        bool initialSyn = (h.flags & tcpflag::Syn) && !(h.flags & tcpflag::Ack);
        if (!initialSyn && !bypass)
        {
            CountDrop(datagram, "tcp-not-syn", nullptr);
            return;
        }
        auto flow = std::make_unique<Flow>();
        flow->tcp = true;
        flow->bypass = bypass;
        flow->key = forward;
        it = m_flows.emplace(forward, std::move(flow)).first;
    }
    FlowKey key = it->first;
    Flow& flow = *it->second;
    Touch(key, flow);
    if (flow.bypass)
    {
        Forward(from, datagram, &flow.counters);
        if (h.flags & tcpflag::Rst)
        {
            Close(key, "tcp-rst");
        }
        return;
    }
    if (m_inspection->TerminatesTcp())
    {
        // The mode's own TCP tracks the connection; the table only needs its age class.
        flow.established
            = flow.established || ((h.flags & tcpflag::Ack) && !(h.flags & tcpflag::Syn));
        m_inspection->Relay(from, datagram, &flow.counters);
        return;
    }
    InspectTcp(flow, dir, from, datagram, *seg);
    if ((h.flags & tcpflag::Rst) && m_flows.count(key))
    {
        Close(key, "tcp-rst");
    }
}

void
AsaFirewall::InspectTcp(Flow& flow, int dir, AsaSide from, Ptr<const Packet> datagram,
                        const vpnsim::wire::TcpSegment& seg)
{
    const auto& h = seg.header;
    TcpHalf& me = flow.half[dir];
    TcpHalf& peer = flow.half[1 - dir];
    if (h.flags & tcpflag::Rst)
    {
        Forward(from, datagram, &flow.counters);
        return;
    }
    if (h.flags & tcpflag::Syn)
    {
        // A SYN-ACK must acknowledge exactly the initiator's SYN (invalid-ack, doc/protocols.md
        // §ASA stateful).
        if ((h.flags & tcpflag::Ack) && (!peer.synSeen || h.acknowledgment != peer.isn + 1))
        {
            CountDrop(datagram, "tcp-invalid-ack", &flow.counters);
            return;
        }
        me.synSeen = true;
        me.isn = h.sequence;
        me.next = h.sequence + 1;
        me.sentMax = SeqMax(me.sentMax, h.sequence + 1);
        me.window = h.window; // never scaled in a SYN (RFC 7323 section 2.2)
        me.windowScale = seg.windowScale;
        if (h.flags & tcpflag::Ack)
        {
            me.ackSeen = true;
            me.ack = h.acknowledgment;
        }
        Forward(from, datagram, &flow.counters);
        return;
    }
    if (!me.synSeen)
    {
        // The responder speaking before its SYN-ACK, or a connection the ASA never saw open.
        CountDrop(datagram, "tcp-not-syn", &flow.counters);
        return;
    }
    // invalid-ack: acknowledging data the peer has not sent yet.
    if ((h.flags & tcpflag::Ack) && peer.synSeen && SeqLess(peer.sentMax, h.acknowledgment))
    {
        CountDrop(datagram, "tcp-invalid-ack", &flow.counters);
        return;
    }
    uint32_t length
        = static_cast<uint32_t>(seg.payload.size()) + ((h.flags & tcpflag::Fin) ? 1 : 0);
    if (length > 0)
    {
        // seq-past-window: beyond the right edge of the receiver's window.
        uint32_t left = peer.ackSeen ? peer.ack : me.isn + 1;
        uint32_t rightEdge = left + peer.window;
        if (!SeqLess(h.sequence, rightEdge))
        {
            CountDrop(datagram, "tcp-seq-past-win", &flow.counters);
            return;
        }
    }
    if (h.flags & tcpflag::Ack)
    {
        if (!me.ackSeen || SeqLess(me.ack, h.acknowledgment))
        {
            me.ack = h.acknowledgment;
        }
        me.ackSeen = true;
        bool scaled = me.windowScale && peer.windowScale;
        me.window = uint32_t{h.window} << (scaled ? std::min<uint8_t>(*me.windowScale, 14) : 0);
        flow.established = flow.established || (dir == 0 && flow.half[1].synSeen);
    }
    me.sentMax = SeqMax(me.sentMax, h.sequence + length);
    me.finSeen = me.finSeen || (h.flags & tcpflag::Fin);
    bool outOfOrder = length > 0 && SeqLess(me.next, h.sequence);
    if (!outOfOrder)
    {
        Pass(flow, dir, from, datagram, h.sequence, length);
        return;
    }
    OutOfOrderSegment segment(*this, flow, dir, from, datagram, h.sequence, length);
    m_inspection->OutOfOrder(segment);
}

void
AsaFirewall::Pass(Flow& flow, int dir, AsaSide from, Ptr<const Packet> datagram, uint32_t seq,
                  uint32_t length)
{
    TcpHalf& me = flow.half[dir];
    if (length > 0)
    {
        me.next = SeqMax(me.next, seq + length);
    }
    Forward(from, datagram, &flow.counters);
    // What waited behind a hole this segment filled follows it (nothing waits unless the mode
    // holds segments).
    ReleaseInOrder(flow, dir);
}

uint32_t
AsaFirewall::QueueLimit(const Flow& flow, int dir) const
{
    if (!m_adjustQueueLimit)
    {
        return m_queueLimit;
    }
    uint32_t fromWindow = flow.half[1 - dir].window / kAsaTcpMss;
    return std::max(m_queueLimit, std::min(fromWindow, kMaxQueueLimit));
}

void
AsaFirewall::Enqueue(Flow& flow, int dir, AsaSide from, Ptr<const Packet> datagram, uint32_t seq,
                     uint32_t length)
{
    TcpHalf& me = flow.half[dir];
    uint32_t relative = seq - me.isn;
    if (me.queue.count(relative))
    {
        // A copy of a segment already waiting: the first one keeps its place.
        CountDrop(datagram, "tcp-buffer-full", &flow.counters);
        return;
    }
    if (me.queue.size() >= QueueLimit(flow, dir))
    {
        CountDrop(datagram, "tcp-buffer-full", &flow.counters);
        return;
    }
    FlowKey key = flow.key;
    Held held{datagram, from, seq, length, {}};
    held.timeout
        = Simulator::Schedule(m_queueTimeout, &AsaFirewall::HeldTimeout, this, key, dir, relative);
    me.queue.emplace(relative, held);
    ++flow.counters.segmentsQueued;
    ++m_totals.segmentsQueued;
    AdjustBytesHeld(datagram->GetSize(), &flow.counters);
    m_queueTrace(datagram);
}

void
AsaFirewall::ReleaseInOrder(Flow& flow, int dir)
{
    TcpHalf& me = flow.half[dir];
    while (!me.queue.empty())
    {
        auto first = me.queue.begin();
        Held& held = first->second;
        if (SeqLess(me.next, held.seq))
        {
            return; // the hole before it is still open
        }
        held.timeout.Cancel();
        Ptr<const Packet> datagram = held.datagram;
        AsaSide from = held.from;
        me.next = SeqMax(me.next, held.seq + held.length);
        me.queue.erase(first);
        AdjustBytesHeld(-static_cast<int64_t>(datagram->GetSize()), &flow.counters);
        Forward(from, datagram, &flow.counters);
    }
}

void
AsaFirewall::HeldTimeout(FlowKey key, int dir, uint32_t relative)
{
    auto it = m_flows.find(key);
    if (it == m_flows.end())
    {
        return;
    }
    Flow& flow = *it->second;
    auto held = flow.half[dir].queue.find(relative);
    if (held == flow.half[dir].queue.end())
    {
        return;
    }
    Ptr<const Packet> datagram = held->second.datagram;
    flow.half[dir].queue.erase(held);
    AdjustBytesHeld(-static_cast<int64_t>(datagram->GetSize()), &flow.counters);
    CountDrop(datagram, "tcp-buffer-timeout", &flow.counters);
}

Time
AsaFirewall::IdleTimeout(const Flow& flow) const
{
    if (!flow.tcp)
    {
        return flow.udp ? m_udpTimeout : m_otherTimeout;
    }
    if (flow.bypass)
    {
        return m_connTimeout;
    }
    if (!flow.established)
    {
        return m_embryonicTimeout;
    }
    if (flow.half[0].finSeen || flow.half[1].finSeen)
    {
        return m_halfClosedTimeout;
    }
    return m_connTimeout;
}

void
AsaFirewall::Touch(FlowKey key, Flow& flow)
{
    flow.lastActivity = Simulator::Now();
    if (!flow.idleCheck.IsRunning())
    {
        flow.idleCheck = Simulator::Schedule(IdleTimeout(flow), &AsaFirewall::CheckIdle, this, key);
    }
}

void
AsaFirewall::CheckIdle(FlowKey key)
{
    auto it = m_flows.find(key);
    if (it == m_flows.end())
    {
        return;
    }
    Flow& flow = *it->second;
    // The timer is re-armed lazily: it fires at the earliest possible expiry and looks again.
    Time deadline = flow.lastActivity + IdleTimeout(flow);
    if (Simulator::Now() < deadline)
    {
        flow.idleCheck
            = Simulator::Schedule(deadline - Simulator::Now(), &AsaFirewall::CheckIdle, this, key);
        return;
    }
    Close(key, flow.established || !flow.tcp ? "idle-timeout" : "embryonic-timeout");
}

void
AsaFirewall::Close(FlowKey key, const std::string& reason)
{
    auto it = m_flows.find(key);
    if (it == m_flows.end())
    {
        return;
    }
    std::unique_ptr<Flow> flow = std::move(it->second);
    m_flows.erase(it);
    flow->idleCheck.Cancel();
    for (auto& half : flow->half)
    {
        for (auto& [relative, held] : half.queue)
        {
            held.timeout.Cancel();
            AdjustBytesHeld(-static_cast<int64_t>(held.datagram->GetSize()), &flow->counters);
            CountDrop(held.datagram, "conn-timeout", &flow->counters);
        }
    }
    m_inspection->Forget(&flow->counters);
    NS_LOG_INFO("connection closed: " << reason);
    m_connectionClosedTrace(reason);
}

void
AsaFirewall::Forward(AsaSide from, Ptr<const Packet> datagram, AsaFlowCounters* flow)
{
    ++m_totals.packetsForwarded;
    if (flow)
    {
        ++flow->packetsForwarded;
    }
    m_forwardTrace(datagram);
    if (!m_forward.IsNull())
    {
        m_forward(from, datagram);
    }
}

void
AsaFirewall::CountDrop(Ptr<const Packet> datagram, const std::string& reason, AsaFlowCounters* flow)
{
    NS_LOG_INFO("drop " << reason << " (" << datagram->GetSize() << " bytes)");
    ++m_totals.drops[reason];
    if (flow)
    {
        ++flow->drops[reason];
    }
    m_dropTrace(datagram, reason);
}

void
AsaFirewall::AdjustBytesHeld(int64_t delta, AsaFlowCounters* flow)
{
    m_totals.bytesHeld += delta;
    if (flow)
    {
        flow->bytesHeld += delta;
    }
    m_peakBytesHeld = std::max(m_peakBytesHeld, m_totals.bytesHeld);
}

const AsaFlowCounters&
AsaFirewall::GetCounters() const
{
    return m_totals;
}

uint64_t
AsaFirewall::GetDrops(const std::string& reason) const
{
    auto it = m_totals.drops.find(reason);
    return it == m_totals.drops.end() ? 0 : it->second;
}

uint64_t
AsaFirewall::GetTotalDrops() const
{
    uint64_t total = 0;
    for (const auto& [reason, count] : m_totals.drops)
    {
        total += count;
    }
    return total;
}

uint64_t
AsaFirewall::GetPeakBytesHeld() const
{
    return m_peakBytesHeld;
}

size_t
AsaFirewall::GetConnectionCount() const
{
    return m_flows.size();
}

const AsaFlowCounters*
AsaFirewall::FindConnection(uint8_t protocol, uint32_t a, uint16_t aPort, uint32_t b,
                            uint16_t bPort) const
{
    for (const FlowKey& key :
         {FlowKey{protocol, a, aPort, b, bPort}, FlowKey{protocol, b, bPort, a, aPort}})
    {
        auto it = m_flows.find(key);
        if (it != m_flows.end())
        {
            return &it->second->counters;
        }
    }
    return nullptr;
}

void
AsaFirewall::DoDispose()
{
    for (auto& [key, flow] : m_flows)
    {
        flow->idleCheck.Cancel();
        for (auto& half : flow->half)
        {
            for (auto& [relative, held] : half.queue)
            {
                held.timeout.Cancel();
            }
        }
    }
    m_flows.clear();
    m_inspection = nullptr;
    m_hook = nullptr;
    m_forward = ForwardCallback();
    Object::DoDispose();
}

} // namespace ns3
