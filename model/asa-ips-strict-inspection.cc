#include "model/asa-ips-strict-inspection.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(AsaIpsStrictInspection);

TypeId
AsaIpsStrictInspection::GetTypeId()
{
    static TypeId tid = TypeId("ns3::AsaIpsStrictInspection")
                            .SetParent<AsaInspection>()
                            .SetGroupName("Vpnsim")
                            .AddConstructor<AsaIpsStrictInspection>();
    return tid;
}

std::string
AsaIpsStrictInspection::GetName() const
{
    return "ips-strict";
}

void
AsaIpsStrictInspection::OutOfOrder(AsaOutOfOrderSegment& segment) const
{
    segment.Drop("ips-missed-segment");
}

} // namespace ns3
