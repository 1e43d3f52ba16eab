/*
 * The in-order queue of inspected and IPS flows (doc/protocols.md §ASA normalizer): a segment
 * past a hole waits in its direction's queue (queue-limit, timeout) for the hole to be filled.
 * A hole that is never filled blocks that direction for good.
 */
#ifndef VPNSIM_MODEL_ASA_NORMALIZER_INSPECTION_H
#define VPNSIM_MODEL_ASA_NORMALIZER_INSPECTION_H

#include "model/asa-inspection.h"

namespace ns3
{

class AsaNormalizerInspection : public AsaInspection
{
  public:
    static TypeId GetTypeId();

    std::string GetName() const override;
    void OutOfOrder(AsaOutOfOrderSegment& segment) const override;
};

} // namespace ns3

#endif // VPNSIM_MODEL_ASA_NORMALIZER_INSPECTION_H
