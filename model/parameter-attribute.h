/*
 * An endpoint parameter of the engine's table (model/engine/endpoint-config.h) as an ns-3
 * attribute: its name, its help text with the unit and range, its default, and a checker that
 * allows exactly what the table allows. Seconds become a Time, everything else a whole number.
 */
#ifndef VPNSIM_PARAMETER_ATTRIBUTE_H
#define VPNSIM_PARAMETER_ATTRIBUTE_H

#include "model/engine/endpoint-config.h"
#include "model/engine/endpoint-settings.h"

#include <ns3/attribute.h>
#include <ns3/type-id.h>

#include <functional>

namespace ns3
{

/// A checker for `spec`'s values (a TimeValue for seconds, else a UintegerValue); the table's
/// entry must outlive it (the table's entries are constants).
Ptr<const AttributeChecker> MakeParameterChecker(const vpnsim::engine::ParameterSpec& spec);

/// Adds `spec` to `tid` as the attribute named `spec.attribute`, set through `accessor`.
void AddParameterAttribute(TypeId& tid, const vpnsim::engine::ParameterSpec& spec,
                           Ptr<const AttributeAccessor> accessor);

/// Where an object keeps its engine settings (null if the object is not of that kind).
using SettingsOf = std::function<vpnsim::engine::EndpointSettings*(const ObjectBase*)>;

/// An accessor of the field of the settings that `spec` stands for (engine::SetParameter).
Ptr<const AttributeAccessor> MakeSettingsAccessor(const vpnsim::engine::ParameterSpec& spec,
                                                  SettingsOf settings);

/// Adds every entry of the table offered as an attribute to `tid`, each set in its field of
/// the settings `settings` finds in the object.
void AddParameterAttributes(TypeId& tid, const SettingsOf& settings);

/// The same for settings kept in the member `settings` of a T.
template<typename T>
void
AddParameterAttributes(TypeId& tid, vpnsim::engine::EndpointSettings T::*settings)
{
    AddParameterAttributes(tid,
                           [settings](const ObjectBase* object)
                           {
                               const T* o = dynamic_cast<const T*>(object);
                               return o ? const_cast<vpnsim::engine::EndpointSettings*>(
                                              &(o->*settings))
                                        : nullptr;
                           });
}

} // namespace ns3

#endif // VPNSIM_PARAMETER_ATTRIBUTE_H
