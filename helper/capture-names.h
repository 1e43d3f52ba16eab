/*
 * Names of a run's pcap files by what each device is, so that a reader opens the capture they
 * mean without guessing from node numbers: PREFIX-client-1.pcap, PREFIX-asa-outside.pcap,
 * PREFIX-asa-inside.pcap, PREFIX-headend.pcap, ... (doc/record.md lists them with --pcap).
 */
#ifndef VPNSIM_CAPTURE_NAMES_H
#define VPNSIM_CAPTURE_NAMES_H

#include "helper/topology-spec.h"

#include <array>
#include <string>
#include <vector>

namespace ns3
{

/// The capture name of each edge's two devices: names[edge][0] is the device of the edge's
/// first vertex, names[edge][1] its second's.
///
/// A vertex is called by its role, numbered from 1 in vertex order when several share it
/// (clients always: client-1, client-2, ...). An ASA's or NAT's device toward the headend is
/// its "inside", the other its "outside". The headend's device toward the first client is
/// "headend"; any other device of the headend, and every device of other roles, is named
/// after its vertex and the neighbour: "headend-to-server", "router-2-to-asa".
std::vector<std::array<std::string, 2>> CaptureNames(const TopologySpec& topology);

} // namespace ns3

#endif // VPNSIM_CAPTURE_NAMES_H
