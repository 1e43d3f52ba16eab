/*
 * Installs VPN endpoints on nodes that already have an Internet stack: a tunnel interface
 * (VirtualNetDevice) on each, addressed inside the tunnel network, and a VpnEndpoint
 * application that carries that interface's traffic.
 *
 * Either one headend and any number of clients (InstallHeadend, then InstallClient for each),
 * or a client and its headend in one call (Install). The headend is .1 of the tunnel network,
 * its clients .2, .3, ... in the order they are installed. Each client gets SPI block n (its
 * n-th place, engine::ShiftSpis) to receive on, and the headend is told (VpnEndpoint::AddClient)
 * which inner address goes with which offered SPI and expected outer address.
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

    /// Sets an attribute of every VpnEndpoint it installs (e.g. "Encapsulation",
    /// "PeerTimeout"); clients and their headend must agree on the encapsulation.
    void SetAttribute(const std::string& name, const AttributeValue& value);

    /// Installs a headend at `outer` that serves every client installed for it later, with
    /// tunnel address .1 of `tunnelNetwork` (a /16 by default: room for 65,533 clients).
    Ptr<VpnEndpoint> InstallHeadend(Ptr<Node> node, Ipv4Address outer,
                                    Ipv4Address tunnelNetwork = Ipv4Address("10.8.0.0"),
                                    Ipv4Mask tunnelMask = Ipv4Mask("255.255.0.0")) const;

    /// Installs a client at `outer` for `headend`: tunnel address .(2 + n) of the headend's
    /// tunnel network, where n is how many clients were installed for it before. `seenAt` is
    /// where the headend will see the client (its NAT's outside address, if it has one;
    /// Any for `outer`).
    Ptr<VpnEndpoint> InstallClient(Ptr<Node> node, Ipv4Address outer, Ptr<VpnEndpoint> headend,
                                   Ipv4Address seenAt = Ipv4Address::GetAny()) const;

    /// Installs the client (tunnel address .2) and the headend (.1) of `tunnelNetwork`.
    /// Returns {client, headend}.
    ApplicationContainer Install(Ptr<Node> client, Ipv4Address clientOuter, Ptr<Node> headend,
                                 Ipv4Address headendOuter,
                                 Ipv4Address tunnelNetwork = Ipv4Address("10.8.0.0"),
                                 Ipv4Mask tunnelMask = Ipv4Mask("255.255.255.0")) const;

    /// The inner address of an end of `tunnelNetwork`: the headend is .1, the (first) client .2.
    static Ipv4Address TunnelAddress(Ipv4Address tunnelNetwork, bool headend);

    /// The inner address of the `index`-th client (from 0) of `tunnelNetwork`: .(2 + index).
    static Ipv4Address ClientTunnelAddress(Ipv4Address tunnelNetwork, uint32_t index);

  private:
    Ptr<VirtualNetDevice> AddTunnelInterface(Ptr<Node> node, Ipv4Address address,
                                             Ipv4Mask mask) const;
    Ptr<VpnEndpoint> MakeEndpoint(Ptr<Node> node, VpnEndpoint::Role role, Ipv4Address local,
                                  Ipv4Address remote, Ptr<VirtualNetDevice> device) const;

    ObjectFactory m_factory;
};

} // namespace ns3

#endif // VPNSIM_VPN_HELPER_H
