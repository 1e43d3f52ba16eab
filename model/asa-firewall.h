/*
 * A Cisco ASA on an ns-3 router's forwarding path: the stateful device whose treatment of a
 * TCP flow decides whether cTCP survives a lost segment.
 *
 * Modes (attribute "Mode"; doc/protocols.md §ASA): each is a part behind AsaInspection, in
 * a file of its own, that decides what the shared TCP state checks leave open:
 *  - stateful:   AsaStatefulInspection, a firewall with no inspection;
 *  - normalizer: AsaNormalizerInspection, the in-order queue of inspected and IPS flows;
 *  - ips-strict: AsaIpsStrictInspection, an inline IPS with strict evasion protection;
 *  - proxy:      AsaTcpProxy, a full TCP proxy for inspection on the ASA node's own ns-3 TCP;
 *  - bypass:     AsaBypassInspection, tcp-state-bypass for flows matching "BypassAcl".
 * The checks every mode shares: a SYN-ACK must acknowledge the SYN and later segments may not
 * acknowledge unsent data (tcp-invalid-ack) or start beyond the receiver's window
 * (tcp-seq-past-win), the tcp-map defaults.
 *
 * Idle timeouts (doc/protocols.md §ASA timeouts): conn 1 h, embryonic 30 s, half-closed 10 min, UDP
 * 2 min. A TCP segment that is not a SYN and has no connection is dropped ("First TCP packet not
 * SYN"), so an expired cTCP connection is dead too.
 *
 * Drop reasons use the ASA's own accelerated-security-path names (`show asp drop`) where one
 * exists: tcp-not-syn, tcp-seq-past-win, tcp-invalid-ack, tcp-buffer-full, tcp-buffer-timeout,
 * plus ips-missed-segment, conn-timeout (held segments of an expired connection) and
 * invalid-ip-header.
 */
#ifndef VPNSIM_MODEL_ASA_FIREWALL_H
#define VPNSIM_MODEL_ASA_FIREWALL_H

#include "model/asa-access-list.h"
#include "model/asa-flow-counters.h"
#include "model/wire/bytes.h"
#include "model/wire/tcp-header.h"

#include <array>
#include <map>
#include <memory>
#include <ns3/event-id.h>
#include <ns3/net-device.h>
#include <ns3/nstime.h>
#include <ns3/object.h>
#include <ns3/packet.h>
#include <ns3/traced-callback.h>
#include <string>
#include <tuple>

namespace ns3
{

class Ipv4IngressHook;
class AsaInspection;

class AsaFirewall : public Object
{
  public:
    static TypeId GetTypeId();

    AsaFirewall();
    ~AsaFirewall() override;

    /// Puts the ASA on the forwarding path of the router that owns both devices.
    void Install(Ptr<NetDevice> outside, Ptr<NetDevice> inside);

    /// Where datagrams that pass go. Install() sets this to "continue into IPv4 routing";
    /// tests set it to collect what passes.
    using ForwardCallback = Callback<void, AsaSide, Ptr<const Packet>>;
    void SetForwardCallback(ForwardCallback forward);

    /// Inspects one IPv4 datagram that entered on `from`.
    void Receive(AsaSide from, Ptr<const Packet> datagram);

    /// The inspection mode's name, as the Mode attribute spells it.
    std::string GetModeName() const;

    /// Totals over all connections, past and present.
    const AsaFlowCounters& GetCounters() const;
    uint64_t GetDrops(const std::string& reason) const;
    uint64_t GetTotalDrops() const;
    uint64_t GetPeakBytesHeld() const;
    size_t GetConnectionCount() const;

    /// Counters of the live connection carrying this 5-tuple (either direction), or nullptr.
    const AsaFlowCounters* FindConnection(uint8_t protocol, uint32_t a, uint16_t aPort, uint32_t b,
                                          uint16_t bPort) const;

  protected:
    void DoDispose() override;

  private:
    struct Held;
    struct TcpHalf;
    struct Flow;
    class OutOfOrderSegment;
    /// protocol, initiator address, initiator port, responder address, responder port
    using FlowKey = std::tuple<uint8_t, uint32_t, uint16_t, uint32_t, uint16_t>;

    void ReceiveOutside(Ptr<NetDevice> device, Ptr<const Packet> datagram);
    void ReceiveInside(Ptr<NetDevice> device, Ptr<const Packet> datagram);
    void ContinueToIpv4(AsaSide from, Ptr<const Packet> datagram);
    void SetMode(const std::string& mode);
    void SetBypassAcl(const std::string& acl);
    std::string GetBypassAcl() const;

    void ReceiveTcp(AsaSide from, Ptr<const Packet> datagram, const vpnsim::wire::Bytes& bytes,
                    size_t ipHeaderLength, uint32_t source, uint32_t destination);
    void InspectTcp(Flow& flow, int dir, AsaSide from, Ptr<const Packet> datagram,
                    const vpnsim::wire::TcpSegment& segment);
    void Pass(Flow& flow, int dir, AsaSide from, Ptr<const Packet> datagram, uint32_t seq,
              uint32_t length);
    void Enqueue(Flow& flow, int dir, AsaSide from, Ptr<const Packet> datagram, uint32_t seq,
                 uint32_t length);
    void ReleaseInOrder(Flow& flow, int dir);
    void HeldTimeout(FlowKey key, int dir, uint32_t relativeSeq);
    uint32_t QueueLimit(const Flow& flow, int dir) const;
    Time IdleTimeout(const Flow& flow) const;
    void Touch(FlowKey key, Flow& flow);
    void CheckIdle(FlowKey key);
    void Close(FlowKey key, const std::string& reason);
    /// The bytes held for `flow` (in its queue or by the mode) changed by `delta`.
    void AdjustBytesHeld(int64_t delta, AsaFlowCounters* flow);
    /// Records a drop (trace source "Drop" and counters).
    void CountDrop(Ptr<const Packet> packet, const std::string& reason, AsaFlowCounters* flow);
    /// Hands a datagram on (trace source "Forward" and counters).
    void Forward(AsaSide from, Ptr<const Packet> datagram, AsaFlowCounters* flow);
    bool MatchesBypass(uint8_t protocol, uint32_t source, uint16_t sourcePort, uint32_t destination,
                       uint16_t destinationPort) const;

    Ptr<AsaInspection> m_inspection;
    std::string m_bypassAclText;
    AsaAccessListEntry m_bypassAcl;
    uint32_t m_queueLimit{3};
    bool m_adjustQueueLimit{true};
    bool m_proxyResegment{false};
    Time m_queueTimeout;
    Time m_connTimeout;
    Time m_embryonicTimeout;
    Time m_halfClosedTimeout;
    Time m_udpTimeout;
    Time m_otherTimeout;

    std::map<FlowKey, std::unique_ptr<Flow>> m_flows;
    AsaFlowCounters m_totals;
    uint64_t m_peakBytesHeld{0};

    ForwardCallback m_forward;
    Ptr<Ipv4IngressHook> m_hook;
    std::array<Ptr<NetDevice>, 2> m_devices;

    TracedCallback<Ptr<const Packet>, const std::string&> m_dropTrace;
    TracedCallback<Ptr<const Packet>> m_forwardTrace;
    TracedCallback<Ptr<const Packet>> m_queueTrace;
    TracedCallback<const std::string&> m_connectionClosedTrace;
};

} // namespace ns3

#endif // VPNSIM_MODEL_ASA_FIREWALL_H
