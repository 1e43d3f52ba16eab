#include "helper/vpn-helper.h"

#include "ns3/enum.h"
#include "ns3/ipv4.h"
#include "ns3/mac48-address.h"
#include "ns3/uinteger.h"

namespace ns3
{

namespace
{

/// Makes `client` the `index`-th client of `headend`: SPI block `index` to receive on, and the
/// headend told its inner address, that SPI and where it will be seen.
void
Pair(Ptr<VpnEndpoint> client, Ptr<VpnEndpoint> headend, uint32_t index, Ipv4Address inner,
     Ipv4Address seenAt)
{
    // Blocks stay below 2^32 for any SPI pair up to 0xc0ffeeff (the default's block 0).
    NS_ABORT_MSG_IF(index >= (1u << 22), "VpnHelper: more than 2^22 clients for one headend");
    UintegerValue toHeadend;
    UintegerValue toClient;
    client->GetAttribute("ClientToHeadendSpi", toHeadend);
    client->GetAttribute("HeadendToClientSpi", toClient);
    uint32_t offered = static_cast<uint32_t>(toClient.Get()) + (index << 8);
    client->SetAttribute("ClientToHeadendSpi",
                         UintegerValue(static_cast<uint32_t>(toHeadend.Get()) + (index << 8)));
    client->SetAttribute("HeadendToClientSpi", UintegerValue(offered));
    EnumValue encapsulation;
    client->GetAttribute("Encapsulation", encapsulation);
    bool ipsec = encapsulation.Get() != VpnEndpoint::ANYCONNECT;
    headend->AddClient(inner, ipsec ? offered : 0, seenAt);
}

} // namespace

VpnHelper::VpnHelper()
{
    m_factory.SetTypeId(VpnEndpoint::GetTypeId());
}

void
VpnHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

Ipv4Address
VpnHelper::TunnelAddress(Ipv4Address tunnelNetwork, bool headend)
{
    return Ipv4Address(tunnelNetwork.Get() + (headend ? 1 : 2));
}

Ipv4Address
VpnHelper::ClientTunnelAddress(Ipv4Address tunnelNetwork, uint32_t index)
{
    return Ipv4Address(tunnelNetwork.Get() + 2 + index);
}

Ptr<VirtualNetDevice>
VpnHelper::AddTunnelInterface(Ptr<Node> node, Ipv4Address address, Ipv4Mask mask) const
{
    Ptr<VirtualNetDevice> device = CreateObject<VirtualNetDevice>();
    device->SetAddress(Mac48Address::Allocate());
    device->SetNeedsArp(false);
    device->SetMtu(kTunnelMtu);
    node->AddDevice(device);
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    NS_ABORT_MSG_UNLESS(ipv4, "VpnHelper: install an Internet stack on the node first");
    uint32_t i = ipv4->AddInterface(device);
    ipv4->AddAddress(i, Ipv4InterfaceAddress(address, mask));
    ipv4->SetMetric(i, 1);
    ipv4->SetUp(i);
    return device;
}

Ptr<VpnEndpoint>
VpnHelper::MakeEndpoint(Ptr<Node> node, VpnEndpoint::Role role, Ipv4Address local,
                        Ipv4Address remote, Ptr<VirtualNetDevice> device) const
{
    Ptr<VpnEndpoint> app = m_factory.Create<VpnEndpoint>();
    app->SetAttribute("Role", EnumValue(role));
    app->SetAttribute("LocalAddress", Ipv4AddressValue(local));
    app->SetAttribute("RemoteAddress", Ipv4AddressValue(remote));
    app->SetTunnelDevice(device);
    node->AddApplication(app);
    return app;
}

Ptr<VpnEndpoint>
VpnHelper::InstallHeadend(Ptr<Node> node, Ipv4Address outer, Ipv4Address tunnelNetwork,
                          Ipv4Mask tunnelMask) const
{
    Ptr<VirtualNetDevice> device
        = AddTunnelInterface(node, TunnelAddress(tunnelNetwork, true), tunnelMask);
    // A headend has no one peer: it takes its clients from wherever they are seen.
    return MakeEndpoint(node, VpnEndpoint::HEADEND, outer, Ipv4Address::GetAny(), device);
}

Ptr<VpnEndpoint>
VpnHelper::InstallClient(Ptr<Node> node, Ipv4Address outer, Ptr<VpnEndpoint> headend,
                         Ipv4Address seenAt) const
{
    Ptr<Ipv4> ip = headend->GetNode()->GetObject<Ipv4>();
    int32_t interface = ip->GetInterfaceForDevice(headend->GetTunnelDevice());
    NS_ABORT_MSG_IF(interface < 0, "VpnHelper: install the headend with InstallHeadend first");
    Ipv4InterfaceAddress tunnel = ip->GetAddress(interface, 0);
    Ipv4Address network = tunnel.GetLocal().CombineMask(tunnel.GetMask());
    uint32_t index = headend->GetConfiguredClients();
    Ipv4Address inner = ClientTunnelAddress(network, index);
    NS_ABORT_MSG_IF(!tunnel.GetMask().IsMatch(inner, network)
                        || inner.IsSubnetDirectedBroadcast(tunnel.GetMask()),
                    "VpnHelper: tunnel network " << network << " has no room for client "
                                                 << index + 1);
    Ipv4AddressValue headendOuter;
    headend->GetAttribute("LocalAddress", headendOuter);
    Ptr<VpnEndpoint> client = MakeEndpoint(node, VpnEndpoint::CLIENT, outer, headendOuter.Get(),
                                           AddTunnelInterface(node, inner, tunnel.GetMask()));
    Pair(client, headend, index, inner, seenAt == Ipv4Address::GetAny() ? outer : seenAt);
    return client;
}

ApplicationContainer
VpnHelper::Install(Ptr<Node> client, Ipv4Address clientOuter, Ptr<Node> headend,
                   Ipv4Address headendOuter, Ipv4Address tunnelNetwork, Ipv4Mask tunnelMask) const
{
    // The client's interface first: devices take their MAC addresses in creation order, and
    // the pcaps of a run show them.
    Ptr<VirtualNetDevice> clientDevice
        = AddTunnelInterface(client, TunnelAddress(tunnelNetwork, false), tunnelMask);
    Ptr<VirtualNetDevice> headendDevice
        = AddTunnelInterface(headend, TunnelAddress(tunnelNetwork, true), tunnelMask);
    Ptr<VpnEndpoint> c
        = MakeEndpoint(client, VpnEndpoint::CLIENT, clientOuter, headendOuter, clientDevice);
    Ptr<VpnEndpoint> h
        = MakeEndpoint(headend, VpnEndpoint::HEADEND, headendOuter, clientOuter, headendDevice);
    Pair(c, h, 0, TunnelAddress(tunnelNetwork, false), clientOuter);
    ApplicationContainer apps;
    apps.Add(c);
    apps.Add(h);
    return apps;
}

} // namespace ns3
