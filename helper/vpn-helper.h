/*
 * Installs a VPN client and headend on two nodes that already have an Internet stack: a
 * tunnel interface (VirtualNetDevice) on each, addressed inside the tunnel network, and a
 * VpnEndpoint application on each that carries that interface's traffic.
 */
#ifndef VPNSIM_VPN_HELPER_H
#define VPNSIM_VPN_HELPER_H

#include "model/vpn-endpoint.h"
#include "ns3/application-container.h"
#include "ns3/ipv4-address.h"
#include "ns3/node.h"
#include "ns3/object-factory.h"

#include <string>

namespace ns3
{

class VpnHelper
{
  public:
    /// Inner MTU: small enough that the largest encapsulation (cTCP with AES-CBC: about
    /// 110 bytes) still fits a 1500-byte outer MTU.
    static constexpr uint16_t kTunnelMtu = 1380;

    VpnHelper();

    /// Sets an attribute of both VpnEndpoints (e.g. "Encapsulation", "PeerTimeout").
    void SetAttribute(const std::string& name, const AttributeValue& value);

    /// Installs the client (tunnel address .2) and the headend (.1) of `tunnelNetwork`.
    /// Returns {client, headend}.
    ApplicationContainer Install(Ptr<Node> client, Ipv4Address clientOuter, Ptr<Node> headend,
                                 Ipv4Address headendOuter,
                                 Ipv4Address tunnelNetwork = Ipv4Address("10.8.0.0"),
                                 Ipv4Mask tunnelMask = Ipv4Mask("255.255.255.0")) const;

    /// The inner address of an end of `tunnelNetwork`: the headend is .1, the client .2.
    static Ipv4Address TunnelAddress(Ipv4Address tunnelNetwork, bool headend);

  private:
    Ptr<VirtualNetDevice> AddTunnelInterface(Ptr<Node> node, Ipv4Address address,
                                             Ipv4Mask mask) const;

    ObjectFactory m_factory;
};

} // namespace ns3

#endif // VPNSIM_VPN_HELPER_H
