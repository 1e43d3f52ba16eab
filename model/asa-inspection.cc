#include "model/asa-inspection.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(AsaInspection);

TypeId
AsaInspection::GetTypeId()
{
    static TypeId tid = TypeId("ns3::AsaInspection").SetParent<Object>().SetGroupName("Vpnsim");
    return tid;
}

void
AsaInspection::Install(Ptr<NetDevice>, Ptr<NetDevice>, HeldCallback)
{
}

bool
AsaInspection::HonoursBypassAcl() const
{
    return false;
}

bool
AsaInspection::TerminatesTcp() const
{
    return false;
}

void
AsaInspection::Relay(AsaSide, Ptr<const Packet>, AsaFlowCounters*)
{
    NS_FATAL_ERROR("AsaInspection " << GetName() << " does not terminate TCP");
}

void
AsaInspection::Forget(AsaFlowCounters*)
{
}

} // namespace ns3
