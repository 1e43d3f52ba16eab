/*
 * How an ASA treats the TCP connections it inspects: one part per mode behind this interface,
 * chosen by AsaFirewall's Mode attribute, as ns-3's TCP chooses its TcpCongestionOps.
 *
 * The firewall keeps what every mode shares: the connection table, the idle timers and the TCP
 * state checks (tcp-not-syn, tcp-invalid-ack, tcp-seq-past-win; doc/protocols.md §ASA). A mode
 * decides what those leave open:
 *  - what becomes of a segment that starts past a hole in its direction (OutOfOrder);
 *  - whether connections matching the bypass access list skip every check (HonoursBypassAcl);
 *  - whether it terminates TCP itself, so that the checks never see those segments
 *    (TerminatesTcp, Relay and Forget: the proxy).
 */
#ifndef VPNSIM_MODEL_ASA_INSPECTION_H
#define VPNSIM_MODEL_ASA_INSPECTION_H

#include "model/asa-flow-counters.h"

#include <ns3/callback.h>
#include <ns3/net-device.h>
#include <ns3/object.h>
#include <ns3/packet.h>
#include <string>

namespace ns3
{

/// What the firewall can do with a segment that arrived ahead of a hole in its direction.
class AsaOutOfOrderSegment
{
  public:
    virtual ~AsaOutOfOrderSegment() = default;
    /// Forwards it as if it were in order.
    virtual void Pass() = 0;
    /// Holds it in the direction's in-order queue until the hole is filled or it times out.
    virtual void Hold() = 0;
    /// Drops it, counted under `reason` (an `show asp drop` name).
    virtual void Drop(const std::string& reason) = 0;
};

class AsaInspection : public Object
{
  public:
    /// The bytes a mode holds in its own buffers for a connection changed by `delta`.
    using HeldCallback = Callback<void, int64_t, AsaFlowCounters*>;

    static TypeId GetTypeId();

    /// The mode's name, as the Mode attribute spells it.
    virtual std::string GetName() const = 0;

    /// The firewall is on the forwarding path of the node that owns both devices.
    virtual void Install(Ptr<NetDevice> outside, Ptr<NetDevice> inside, HeldCallback held);

    /// Whether connections matching the firewall's BypassAcl skip every TCP state check.
    virtual bool HonoursBypassAcl() const;

    /// Whether the mode terminates inspected TCP connections itself: their segments go to
    /// Relay instead of the firewall's checks.
    virtual bool TerminatesTcp() const;

    /// A TCP datagram of a connection the mode terminates, as it entered the ASA.
    virtual void Relay(AsaSide from, Ptr<const Packet> datagram, AsaFlowCounters* flow);

    /// A segment of a checked connection that starts past the next in-order byte of its
    /// direction.
    virtual void OutOfOrder(AsaOutOfOrderSegment& segment) const = 0;

    /// The connection whose counters these are has left the table.
    virtual void Forget(AsaFlowCounters* flow);
};

} // namespace ns3

#endif // VPNSIM_MODEL_ASA_INSPECTION_H
