#include "model/asa-bypass-inspection.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(AsaBypassInspection);

TypeId
AsaBypassInspection::GetTypeId()
{
    static TypeId tid = TypeId("ns3::AsaBypassInspection")
                            .SetParent<AsaNormalizerInspection>()
                            .SetGroupName("Vpnsim")
                            .AddConstructor<AsaBypassInspection>();
    return tid;
}

std::string
AsaBypassInspection::GetName() const
{
    return "bypass";
}

bool
AsaBypassInspection::HonoursBypassAcl() const
{
    return true;
}

} // namespace ns3
