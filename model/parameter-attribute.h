/*
 * An endpoint parameter of the engine's table (model/engine/endpoint-config.h) as an ns-3
 * attribute: its name, its help text with the unit and range, its default, and a checker that
 * allows exactly what the table allows. Seconds become a Time, everything else a whole number.
 */
#ifndef VPNSIM_PARAMETER_ATTRIBUTE_H
#define VPNSIM_PARAMETER_ATTRIBUTE_H

#include "model/engine/endpoint-config.h"

#include <ns3/attribute.h>
#include <ns3/type-id.h>

namespace ns3
{

/// A checker for `spec`'s values (a TimeValue for seconds, else a UintegerValue); the table's
/// entry must outlive it (the table's entries are constants).
Ptr<const AttributeChecker> MakeParameterChecker(const vpnsim::engine::ParameterSpec& spec);

/// Adds `spec` to `tid` as the attribute named `spec.attribute`, set through `accessor`.
void AddParameterAttribute(TypeId& tid, const vpnsim::engine::ParameterSpec& spec,
                           Ptr<const AttributeAccessor> accessor);

} // namespace ns3

#endif // VPNSIM_PARAMETER_ATTRIBUTE_H
