#include "model/jitter-channel.h"

#include <ns3/boolean.h>
#include <ns3/point-to-point-net-device.h>
#include <ns3/pointer.h>
#include <ns3/simulator.h>
#include <ns3/string.h>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(JitterChannel);

TypeId
JitterChannel::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::JitterChannel")
              .SetParent<PointToPointChannel>()
              .SetGroupName("Vpnsim")
              .AddConstructor<JitterChannel>()
              .AddAttribute("Jitter",
                            "Extra propagation delay of each packet, in seconds (negative draws "
                            "count as 0).",
                            StringValue("ns3::ConstantRandomVariable[Constant=0]"),
                            MakePointerAccessor(&JitterChannel::m_jitter),
                            MakePointerChecker<RandomVariableStream>())
              .AddAttribute("AllowReordering", "Let a packet arrive before one sent ahead of it.",
                            BooleanValue(false),
                            MakeBooleanAccessor(&JitterChannel::m_allowReordering),
                            MakeBooleanChecker());
    return tid;
}

bool
JitterChannel::TransmitStart(Ptr<const Packet> p, Ptr<PointToPointNetDevice> src, Time txTime)
{
    NS_ASSERT_MSG(IsInitialized(), "JitterChannel: both devices must be attached");
    uint32_t wire = src == GetSource(0) ? 0 : 1;
    Ptr<PointToPointNetDevice> dst = GetDestination(wire);
    Time extra = Seconds(std::max(0.0, m_jitter->GetValue()));
    Time arrival = Simulator::Now() + txTime + GetDelay() + extra;
    if (!m_allowReordering && arrival < m_lastArrival[wire])
    {
        arrival = m_lastArrival[wire];
    }
    m_lastArrival[wire] = arrival;
    Simulator::ScheduleWithContext(dst->GetNode()->GetId(), arrival - Simulator::Now(),
                                   &PointToPointNetDevice::Receive, dst, p->Copy());
    return true;
}

int64_t
JitterChannel::AssignStreams(int64_t stream)
{
    m_jitter->SetStream(stream);
    return 1;
}

} // namespace ns3
