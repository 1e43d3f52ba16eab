/*
 * A branch office's LAN: its hosts and their gateway router on one Ethernet switch, as a real
 * branch office wires them, instead of one router interface (and one subnet) per host. The
 * switch is ns-3's learning bridge (BridgeNetDevice) over one CSMA link per port; frames are
 * real Ethernet II frames, and since a switch forwards below IP, a packet crosses the LAN with
 * its TTL untouched. The hosts share one subnet; the gateway has one interface and one
 * connected route for all of them, so its per-packet work (finding the interface an address
 * belongs to, looking up a route) does not grow with the number of hosts.
 *
 * ARP is settled before the run: each host knows the gateway's MAC address and the gateway
 * each host's, as after the LAN's first exchanges; otherwise every host's ARP broadcast would
 * reach every port (hosts squared frames). At start the gateway announces itself with one
 * gratuitous ARP (an ARP announcement, RFC 5227 section 2.3) so the switch learns its port
 * before the hosts' first frames, which would otherwise be flooded to every port.
 */
#ifndef VPNSIM_SWITCHED_LAN_HELPER_H
#define VPNSIM_SWITCHED_LAN_HELPER_H

#include <ns3/ipv4-address.h>
#include <ns3/ipv4-interface-container.h>
#include <ns3/net-device-container.h>
#include <ns3/node.h>
#include <ns3/nstime.h>
#include <string>
#include <vector>

namespace ns3
{

/// One switch port: the node behind it and its cable.
struct SwitchPort
{
    Ptr<Node> node;
    std::string rate{"100Mbps"};
    Time delay{MicroSeconds(1)};
};

struct SwitchedLan
{
    NetDeviceContainer devices;        ///< each port's host-side device, in port order
    Ipv4InterfaceContainer interfaces; ///< their addresses, in port order
    NetDeviceContainer switchPorts;    ///< the switch's device of each port, in port order
};

/// Builds the LAN on `switchNode` (which needs no IP stack). ports[0] is the gateway and gets
/// the subnet's first address; every node must have an IPv4 stack. `queueDisc` goes on each
/// host-side device (helper/queue-disc-choice.h); the CSMA back-off streams start at `stream`.
SwitchedLan InstallSwitchedLan(Ptr<Node> switchNode, const std::vector<SwitchPort>& ports,
                               Ipv4Address network, Ipv4Mask mask, const std::string& queueDisc,
                               int64_t stream);

/// The smallest subnet mask with room for `hosts` addresses (network and broadcast apart).
Ipv4Mask MaskFor(size_t hosts);

} // namespace ns3

#endif // VPNSIM_SWITCHED_LAN_HELPER_H
