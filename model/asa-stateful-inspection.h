/*
 * The ASA as a stateful firewall with no inspection (doc/protocols.md §ASA stateful): the
 * connection's TCP state is checked, but a segment past a hole is forwarded untouched, as the
 * tcp-map's queue-limit 0 ("out-of-order packets are passed through untouched") does.
 */
#ifndef VPNSIM_MODEL_ASA_STATEFUL_INSPECTION_H
#define VPNSIM_MODEL_ASA_STATEFUL_INSPECTION_H

#include "model/asa-inspection.h"

namespace ns3
{

class AsaStatefulInspection : public AsaInspection
{
  public:
    static TypeId GetTypeId();

    std::string GetName() const override;
    void OutOfOrder(AsaOutOfOrderSegment& segment) const override;
};

} // namespace ns3

#endif // VPNSIM_MODEL_ASA_STATEFUL_INSPECTION_H
