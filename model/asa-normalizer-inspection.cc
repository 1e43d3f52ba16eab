#include "model/asa-normalizer-inspection.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(AsaNormalizerInspection);

TypeId
AsaNormalizerInspection::GetTypeId()
{
    static TypeId tid = TypeId("ns3::AsaNormalizerInspection")
                            .SetParent<AsaInspection>()
                            .SetGroupName("Vpnsim")
                            .AddConstructor<AsaNormalizerInspection>();
    return tid;
}

std::string
AsaNormalizerInspection::GetName() const
{
    return "normalizer";
}

void
AsaNormalizerInspection::OutOfOrder(AsaOutOfOrderSegment& segment) const
{
    segment.Hold();
}

} // namespace ns3
