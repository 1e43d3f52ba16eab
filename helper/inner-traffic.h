/*
 * Ordinary ns-3 applications as the traffic inside the tunnel, with the counters a run record
 * needs. Profiles:
 *   echo  UDP echo request and reply every `interval` (a monitoring or keepalive-like app)
 *   voip  G.711-like UDP both ways: 160-byte payloads every 20 ms in each direction
 *   bulk  one TCP upload of unlimited size (goodput; loss is repaired by TCP, so 0)
 *   idle  nothing: the tunnel lives on IKE DPD and keepalives alone
 */
#ifndef VPNSIM_INNER_TRAFFIC_H
#define VPNSIM_INNER_TRAFFIC_H

#include <memory>
#include <ns3/application-container.h>
#include <ns3/ipv4-address.h>
#include <ns3/node.h>
#include <ns3/nstime.h>
#include <ns3/packet.h>
#include <string>

namespace ns3
{

/// Allowed profile names, for messages.
constexpr const char* kTrafficProfiles = "echo, voip, bulk, idle";

bool IsTrafficProfile(const std::string& name);

class InnerTraffic
{
  public:
    /// Traffic from `client` (at `clientAddress` inside the tunnel) to `target` (reached at
    /// `targetAddress` through the tunnel),
    /// from `start` to `stop`. `size` and `interval` shape the echo profile.
    /// With `targetShared`, another InnerTraffic to the same target (installed first) already
    /// listens there: its echo server, VoIP sink or TCP sink serves this client too, and what
    /// that sink receives is counted there (so sums over all flows are right, and a VoIP or
    /// bulk flow's own count is its downstream half only).
    InnerTraffic(const std::string& profile, Ptr<Node> client, Ipv4Address clientAddress,
                 Ptr<Node> target, Ipv4Address targetAddress, Time start, Time stop, uint32_t size,
                 Time interval, bool targetShared = false);

    uint64_t PacketsSent() const;
    uint64_t PacketsReceived() const;
    uint64_t BytesReceived() const;

  private:
    void Sent(Ptr<const Packet> packet);
    void Received(Ptr<const Packet> packet);
    void ReceivedFrom(Ptr<const Packet> packet, const Address& from);

    std::string m_profile;
    ApplicationContainer m_apps;
    uint64_t m_sent{0};
    uint64_t m_received{0};
    uint64_t m_bytesReceived{0};
};

} // namespace ns3

#endif // VPNSIM_INNER_TRAFFIC_H
