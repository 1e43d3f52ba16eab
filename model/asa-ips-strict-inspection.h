/*
 * An inline IPS with strict evasion protection (doc/protocols.md §ASA ips-strict): "if a packet
 * is missed for any reason, all packets after the missed packet are not processed", so only
 * the next expected segment passes and anything past a hole is dropped.
 */
#ifndef VPNSIM_MODEL_ASA_IPS_STRICT_INSPECTION_H
#define VPNSIM_MODEL_ASA_IPS_STRICT_INSPECTION_H

#include "model/asa-inspection.h"

namespace ns3
{

class AsaIpsStrictInspection : public AsaInspection
{
  public:
    static TypeId GetTypeId();

    std::string GetName() const override;
    void OutOfOrder(AsaOutOfOrderSegment& segment) const override;
};

} // namespace ns3

#endif // VPNSIM_MODEL_ASA_IPS_STRICT_INSPECTION_H
