#include "helper/queue-disc-choice.h"

#include <map>
#include <ns3/queue-size.h>
#include <ns3/traffic-control-helper.h>
#include <ns3/traffic-control-layer.h>

namespace ns3
{

namespace
{

/// The ASA's default best-effort queue limit (ASA command reference, queue-limit).
const QueueSize kAsaQueueLimit("1024p");

const std::map<std::string, std::string>&
TypeIds()
{
    static const std::map<std::string, std::string> kTypeIds{
        {"fifo", "ns3::FifoQueueDisc"},           {"fq-codel", "ns3::FqCoDelQueueDisc"},
        {"codel", "ns3::CoDelQueueDisc"},         {"pie", "ns3::PieQueueDisc"},
        {"red", "ns3::RedQueueDisc"},             {"pfifo-fast", "ns3::PfifoFastQueueDisc"}};
    return kTypeIds;
}

} // namespace

const char* const kQueueDiscs = "fifo, none, fq-codel, codel, pie, red, pfifo-fast";

bool
IsQueueDisc(const std::string& name)
{
    return name == "none" || TypeIds().count(name) > 0;
}

Ipv4InterfaceContainer
AssignWithQueueDisc(Ipv4AddressHelper& addresses, Ipv4Mask mask,
                    const NetDeviceContainer& devices, const std::string& queueDisc)
{
    NS_ABORT_MSG_UNLESS(IsQueueDisc(queueDisc), "unknown queue disc " << queueDisc);
    TrafficControlHelper discipline;
    if (queueDisc == "fifo")
    {
        discipline.SetRootQueueDisc(TypeIds().at(queueDisc), "MaxSize",
                                    QueueSizeValue(kAsaQueueLimit));
    }
    else if (queueDisc != "none")
    {
        discipline.SetRootQueueDisc(TypeIds().at(queueDisc));
    }
    Ipv4InterfaceContainer interfaces;
    for (uint32_t i = 0; i < devices.GetN(); ++i)
    {
        Ptr<NetDevice> device = devices.Get(i);
        Ptr<Ipv4> ip = device->GetNode()->GetObject<Ipv4>();
        NS_ABORT_MSG_UNLESS(ip, "AssignWithQueueDisc: node without an IPv4 stack");
        int32_t interface = ip->GetInterfaceForDevice(device);
        if (interface < 0)
        {
            interface = static_cast<int32_t>(ip->AddInterface(device));
        }
        ip->AddAddress(interface, Ipv4InterfaceAddress(addresses.NewAddress(), mask));
        ip->SetMetric(interface, 1);
        ip->SetUp(interface);
        interfaces.Add(ip, interface);
        if (queueDisc != "none")
        {
            discipline.Install(device);
        }
    }
    return interfaces;
}

} // namespace ns3
