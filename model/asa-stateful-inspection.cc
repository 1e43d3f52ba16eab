#include "model/asa-stateful-inspection.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(AsaStatefulInspection);

TypeId
AsaStatefulInspection::GetTypeId()
{
    static TypeId tid = TypeId("ns3::AsaStatefulInspection")
                            .SetParent<AsaInspection>()
                            .SetGroupName("Vpnsim")
                            .AddConstructor<AsaStatefulInspection>();
    return tid;
}

std::string
AsaStatefulInspection::GetName() const
{
    return "stateful";
}

void
AsaStatefulInspection::OutOfOrder(AsaOutOfOrderSegment& segment) const
{
    segment.Pass();
}

} // namespace ns3
