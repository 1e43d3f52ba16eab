#include "helper/switched-lan-helper.h"

#include "helper/queue-disc-choice.h"

#include <ns3/arp-cache.h>
#include <ns3/arp-header.h>
#include <ns3/arp-l3-protocol.h>
#include <ns3/bridge-helper.h>
#include <ns3/csma-helper.h>
#include <ns3/ipv4-address-helper.h>
#include <ns3/ipv4-interface.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/simulator.h>
#include <ns3/string.h>

namespace ns3
{

namespace
{

/// A permanent ARP entry for `ip` at `mac` in the cache of `node`'s interface `interface`.
void
Resolve(Ptr<Node> node, uint32_t interface, Ipv4Address ip, Address mac)
{
    Ptr<ArpCache> cache = node->GetObject<Ipv4L3Protocol>()->GetInterface(interface)->GetArpCache();
    ArpCache::Entry* entry = cache->Add(ip);
    entry->SetMacAddress(mac);
    entry->MarkPermanent();
}

/// The gateway's ARP announcement: a broadcast request for its own address (RFC 5227 2.3).
void
Announce(Ptr<NetDevice> device, Ipv4Address ip)
{
    ArpHeader arp;
    arp.SetRequest(device->GetAddress(), ip, device->GetBroadcast(), ip);
    Ptr<Packet> packet = Create<Packet>();
    packet->AddHeader(arp);
    device->Send(packet, device->GetBroadcast(), ArpL3Protocol::PROT_NUMBER);
}

} // namespace

Ipv4Mask
MaskFor(size_t hosts)
{
    uint32_t bits = 2;
    while (((uint64_t{1} << bits) - 2) < hosts)
    {
        ++bits;
    }
    return Ipv4Mask(static_cast<uint32_t>(~((uint64_t{1} << bits) - 1)));
}

SwitchedLan
InstallSwitchedLan(Ptr<Node> switchNode, const std::vector<SwitchPort>& ports,
                   Ipv4Address network, Ipv4Mask mask, const std::string& queueDisc,
                   int64_t stream)
{
    NS_ABORT_MSG_IF(ports.size() < 2, "a switched LAN needs a gateway and a host");
    SwitchedLan lan;
    NetDeviceContainer& switchPorts = lan.switchPorts;
    for (const SwitchPort& port : ports)
    {
        CsmaHelper cable;
        cable.SetChannelAttribute("DataRate", StringValue(port.rate));
        cable.SetChannelAttribute("Delay", TimeValue(port.delay));
        NetDeviceContainer ends = cable.Install(NodeContainer(port.node, switchNode));
        lan.devices.Add(ends.Get(0));
        switchPorts.Add(ends.Get(1));
    }
    BridgeHelper().Install(switchNode, switchPorts);
    CsmaHelper().AssignStreams(lan.devices, stream);
    CsmaHelper().AssignStreams(switchPorts, stream + static_cast<int64_t>(ports.size()));

    Ipv4AddressHelper addresses(network, mask);
    lan.interfaces = AssignWithQueueDisc(addresses, mask, lan.devices, queueDisc);

    Ptr<NetDevice> gateway = lan.devices.Get(0);
    Ipv4Address gatewayIp = lan.interfaces.GetAddress(0);
    uint32_t gatewayInterface = lan.interfaces.Get(0).second;
    for (uint32_t i = 1; i < lan.devices.GetN(); ++i)
    {
        Ptr<NetDevice> host = lan.devices.Get(i);
        Resolve(host->GetNode(), lan.interfaces.Get(i).second, gatewayIp, gateway->GetAddress());
        Resolve(gateway->GetNode(), gatewayInterface, lan.interfaces.GetAddress(i),
                host->GetAddress());
    }
    Simulator::ScheduleWithContext(gateway->GetNode()->GetId(), Seconds(0), &Announce, gateway,
                                   gatewayIp);
    return lan;
}

} // namespace ns3
