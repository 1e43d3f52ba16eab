/*
 * A middlebox's place on a router's forwarding path.
 *
 * ns-3 3.37 has no netfilter. A middlebox (the ASA, a NAT) must see every IPv4 datagram that
 * enters a router through a given device before routing does, and decide: drop it, hold it,
 * rewrite it or let it go on. Ipv4IngressHook takes the IPv4 protocol handler of that device off
 * the node and puts the middlebox's handler in its place; Continue() hands a datagram (possibly
 * rewritten, possibly later) to IPv4 as if it had just arrived on that device. ARP is untouched.
 */
#ifndef VPNSIM_MODEL_IPV4_INGRESS_HOOK_H
#define VPNSIM_MODEL_IPV4_INGRESS_HOOK_H

#include "model/wire/bytes.h"

#include <ns3/callback.h>
#include <ns3/net-device.h>
#include <ns3/node.h>
#include <ns3/object.h>
#include <ns3/packet.h>
#include <ns3/ptr.h>
#include <vector>

namespace ns3
{

class Ipv4L3Protocol;

class Ipv4IngressHook : public Object
{
  public:
    /// The middlebox's handler: the device the datagram came in on and the datagram's bytes
    /// (IPv4 header first).
    using Handler = Callback<void, Ptr<NetDevice>, Ptr<const Packet>>;

    static TypeId GetTypeId();

    /// The node's hook, created and aggregated to the node on first use. Middleboxes sharing a
    /// router (an ASA and a NAT) must share its hook: each hook re-registers the node's IPv4
    /// handlers and only knows the devices hooked through it.
    static Ptr<Ipv4IngressHook> Get(Ptr<Node> node);

    /// Diverts IPv4 arriving on `device` (a device of a node with an Internet stack) to
    /// `handler`; ARP and IPv6 on that device are untouched. Call once per device.
    void Hook(Ptr<NetDevice> device, Handler handler);

    /// Gives `datagram` to the node's IPv4 as if it had arrived on `device` now.
    void Continue(Ptr<NetDevice> device, Ptr<const Packet> datagram) const;

    /// The whole datagram as bytes (ns-3 packets in vpnsim carry real bytes).
    static vpnsim::wire::Bytes CopyBytes(Ptr<const Packet> packet);

  protected:
    void DoDispose() override;

  private:
    void Receive(Ptr<NetDevice> device, Ptr<const Packet> packet, uint16_t protocol,
                 const Address& from, const Address& to, NetDevice::PacketType type);

    struct Hooked
    {
        Ptr<NetDevice> device;
        Handler handler;
    };

    bool IsHooked(Ptr<NetDevice> device) const;

    std::vector<Hooked> m_hooked;
    Ptr<Ipv4L3Protocol> m_ipv4;
};

} // namespace ns3

#endif // VPNSIM_MODEL_IPV4_INGRESS_HOOK_H
