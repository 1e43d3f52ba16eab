#include "helper/vpn-helper.h"

#include "ns3/enum.h"
#include "ns3/ipv4.h"
#include "ns3/mac48-address.h"

namespace ns3
{

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

ApplicationContainer
VpnHelper::Install(Ptr<Node> client, Ipv4Address clientOuter, Ptr<Node> headend,
                   Ipv4Address headendOuter, Ipv4Address tunnelNetwork, Ipv4Mask tunnelMask) const
{
    ApplicationContainer apps;
    for (bool isHeadend : {false, true})
    {
        Ptr<Node> node = isHeadend ? headend : client;
        Ptr<VpnEndpoint> app = m_factory.Create<VpnEndpoint>();
        app->SetAttribute("Role",
                          EnumValue(isHeadend ? VpnEndpoint::HEADEND : VpnEndpoint::CLIENT));
        app->SetAttribute("LocalAddress", Ipv4AddressValue(isHeadend ? headendOuter : clientOuter));
        app->SetAttribute("RemoteAddress",
                          Ipv4AddressValue(isHeadend ? clientOuter : headendOuter));
        app->SetTunnelDevice(
            AddTunnelInterface(node, TunnelAddress(tunnelNetwork, isHeadend), tunnelMask));
        node->AddApplication(app);
        apps.Add(app);
    }
    return apps;
}

} // namespace ns3
