#include "model/ipv4-ingress-hook.h"

#include <ns3/abort.h>
#include <ns3/arp-l3-protocol.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/ipv6-l3-protocol.h>
#include <ns3/log.h>
#include <ns3/loopback-net-device.h>
#include <ns3/traffic-control-layer.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("Ipv4IngressHook");
NS_OBJECT_ENSURE_REGISTERED(Ipv4IngressHook);

TypeId
Ipv4IngressHook::GetTypeId()
{
    static TypeId tid = TypeId("ns3::Ipv4IngressHook")
                            .SetParent<Object>()
                            .SetGroupName("Vpnsim")
                            .AddConstructor<Ipv4IngressHook>();
    return tid;
}

Ptr<Ipv4IngressHook>
Ipv4IngressHook::Get(Ptr<Node> node)
{
    Ptr<Ipv4IngressHook> hook = node->GetObject<Ipv4IngressHook>();
    if (!hook)
    {
        hook = CreateObject<Ipv4IngressHook>();
        node->AggregateObject(hook);
    }
    return hook;
}

bool
Ipv4IngressHook::IsHooked(Ptr<NetDevice> device) const
{
    for (const auto& h : m_hooked)
    {
        if (h.device == device)
        {
            return true;
        }
    }
    return false;
}

void
Ipv4IngressHook::Hook(Ptr<NetDevice> device, Handler handler)
{
    Ptr<Node> node = device->GetNode();
    Ptr<Ipv4L3Protocol> ipv4 = node->GetObject<Ipv4L3Protocol>();
    NS_ABORT_MSG_IF(!ipv4, "Ipv4IngressHook: node " << node->GetId() << " has no IPv4 stack");
    NS_ABORT_MSG_IF(m_ipv4 && m_ipv4 != ipv4, "Ipv4IngressHook: one hook serves one node");
    NS_ABORT_MSG_IF(IsHooked(device), "Ipv4IngressHook: device hooked twice");
    NS_ABORT_MSG_IF(ipv4->GetInterfaceForDevice(device) < 0,
                    "Ipv4IngressHook: device " << device->GetIfIndex() << " of node "
                                               << node->GetId() << " has no IPv4 interface");
    Ptr<TrafficControlLayer> tc = node->GetObject<TrafficControlLayer>();
    NS_ABORT_MSG_IF(!tc, "Ipv4IngressHook: node " << node->GetId() << " has no traffic control");
    m_ipv4 = ipv4;
    m_hooked.push_back({device, handler});

    // In ns-3 3.37 the node does not hand a device's IPv4 to Ipv4L3Protocol::Receive: for every
    // device but the loopback, Ipv4L3Protocol::AddInterface registers TrafficControlLayer::Receive
    // with the node for IPv4 and for ARP (Ipv6L3Protocol::AddInterface does the same for IPv6),
    // and the traffic-control layer calls IPv4. Node can only unregister a handler by callback,
    // first match, whatever its device and protocol; so every registration of the
    // traffic-control layer is removed (at most IPv4, ARP and IPv6 per device) and all of them
    // but the IPv4 of hooked devices are put back. The loopback (registered with
    // Ipv4L3Protocol::Receive directly) is left alone.
    auto tcReceive = MakeCallback(&TrafficControlLayer::Receive, tc);
    for (uint32_t i = 0; i < 3 * node->GetNDevices(); ++i)
    {
        node->UnregisterProtocolHandler(tcReceive);
    }
    Ptr<Ipv6L3Protocol> ipv6 = node->GetObject<Ipv6L3Protocol>();
    for (uint32_t i = 0; i < node->GetNDevices(); ++i)
    {
        Ptr<NetDevice> d = node->GetDevice(i);
        if (DynamicCast<LoopbackNetDevice>(d))
        {
            continue;
        }
        if (ipv4->GetInterfaceForDevice(d) >= 0)
        {
            if (!IsHooked(d))
            {
                node->RegisterProtocolHandler(tcReceive, Ipv4L3Protocol::PROT_NUMBER, d);
            }
            node->RegisterProtocolHandler(tcReceive, ArpL3Protocol::PROT_NUMBER, d);
        }
        if (ipv6 && ipv6->GetInterfaceForDevice(d) >= 0)
        {
            node->RegisterProtocolHandler(tcReceive, Ipv6L3Protocol::PROT_NUMBER, d);
        }
    }
    node->RegisterProtocolHandler(MakeCallback(&Ipv4IngressHook::Receive, this),
                                  Ipv4L3Protocol::PROT_NUMBER, device);
}

void
Ipv4IngressHook::Receive(Ptr<NetDevice> device, Ptr<const Packet> packet, uint16_t, const Address&,
                         const Address&, NetDevice::PacketType)
{
    for (const auto& h : m_hooked)
    {
        if (h.device == device)
        {
            h.handler(device, packet);
            return;
        }
    }
}

void
Ipv4IngressHook::Continue(Ptr<NetDevice> device, Ptr<const Packet> datagram) const
{
    // The link-layer addresses only matter to IPv4 for broadcast and multicast, which a
    // forwarding middlebox never holds back.
    m_ipv4->Receive(device, datagram, Ipv4L3Protocol::PROT_NUMBER, device->GetAddress(),
                    device->GetAddress(), NetDevice::PACKET_HOST);
}

vpnsim::wire::Bytes
Ipv4IngressHook::CopyBytes(Ptr<const Packet> packet)
{
    vpnsim::wire::Bytes bytes(packet->GetSize());
    packet->CopyData(bytes.data(), bytes.size());
    return bytes;
}

void
Ipv4IngressHook::DoDispose()
{
    m_hooked.clear();
    m_ipv4 = nullptr;
    Object::DoDispose();
}

} // namespace ns3
