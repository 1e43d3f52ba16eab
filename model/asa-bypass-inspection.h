/*
 * tcp-state-bypass (doc/protocols.md §ASA bypass): connections matching the firewall's
 * BypassAcl (Cisco's documented `permit tcp any host <headend> eq 10000` by default) skip every
 * TCP state check. Other TCP connections keep the inspection the bypass was configured around,
 * the in-order queue of AsaNormalizerInspection.
 */
#ifndef VPNSIM_MODEL_ASA_BYPASS_INSPECTION_H
#define VPNSIM_MODEL_ASA_BYPASS_INSPECTION_H

#include "model/asa-normalizer-inspection.h"

namespace ns3
{

class AsaBypassInspection : public AsaNormalizerInspection
{
  public:
    static TypeId GetTypeId();

    std::string GetName() const override;
    bool HonoursBypassAcl() const override;
};

} // namespace ns3

#endif // VPNSIM_MODEL_ASA_BYPASS_INSPECTION_H
