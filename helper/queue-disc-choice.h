/*
 * The queue discipline on the devices a scenario builds. ns-3's Ipv4AddressHelper puts its
 * default, FqCoDel, on every device it addresses; that is an AQM scheduler no ASA or branch
 * access router runs by default, and it costs time and memory per device. vpnsim addresses its
 * devices itself and puts the chosen discipline there instead:
 *
 *   fifo        FifoQueueDisc of 1024 packets, tail drop (the default). An ASA interface
 *               queues best-effort traffic first in, first out and tail-drops when the queue
 *               is full, 1024 packets by default (Cisco ASA Series Firewall CLI Configuration
 *               Guide, "Quality of Service": each interface has a best-effort queue beside the
 *               optional priority queue; ASA command reference, queue-limit: default 1024
 *               packets). Cisco IOS routers queue FIFO on every interface faster than E1
 *               (Cisco IOS Quality of Service Solutions Configuration Guide, "Congestion
 *               Management Overview").
 *   none        no queue disc: only the device's own drop-tail queue (also FIFO, 100 packets)
 *   fq-codel, codel, pie, red, pfifo-fast
 *               ns-3's AQM and priority disciplines with their defaults, for studies that want
 *               them
 */
#ifndef VPNSIM_QUEUE_DISC_CHOICE_H
#define VPNSIM_QUEUE_DISC_CHOICE_H

#include <ns3/ipv4-address-helper.h>
#include <ns3/ipv4-interface-container.h>
#include <ns3/net-device-container.h>
#include <string>

namespace ns3
{

/// The names above, for messages ("fifo, none, fq-codel, ...").
extern const char* const kQueueDiscs;

bool IsQueueDisc(const std::string& name);

/// Adds each of `devices` to its node's IPv4 stack with the next address of `addresses`
/// (mask `mask`), as Ipv4AddressHelper::Assign does, and puts the `queueDisc` discipline on
/// it as its root queue disc (none for "none").
Ipv4InterfaceContainer AssignWithQueueDisc(Ipv4AddressHelper& addresses, Ipv4Mask mask,
                                           const NetDeviceContainer& devices,
                                           const std::string& queueDisc);

} // namespace ns3

#endif // VPNSIM_QUEUE_DISC_CHOICE_H
