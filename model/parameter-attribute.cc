#include "model/parameter-attribute.h"

#include <ns3/nstime.h>
#include <ns3/uinteger.h>

namespace ns3
{

namespace
{

using vpnsim::engine::EndpointSettings;
using vpnsim::engine::Nanos;
using vpnsim::engine::ParameterSpec;
using vpnsim::engine::ParameterUnit;

/// ns-3's own checker of the value type, narrowed to what the table allows (ns-3's range
/// checkers take one interval, and several parameters also allow 0 below it).
class ParameterChecker : public AttributeChecker
{
  public:
    ParameterChecker(const ParameterSpec& spec, Ptr<const AttributeChecker> base)
        : m_spec(spec)
        , m_base(base)
    {
    }

    bool Check(const AttributeValue& value) const override
    {
        if (!m_base->Check(value))
        {
            return false;
        }
        if (const auto* time = dynamic_cast<const TimeValue*>(&value))
        {
            return m_spec.Allows(time->Get().GetSeconds());
        }
        const auto* number = dynamic_cast<const UintegerValue*>(&value);
        return number != nullptr && m_spec.Allows(static_cast<double>(number->Get()));
    }

    std::string GetValueTypeName() const override
    {
        return m_base->GetValueTypeName();
    }

    bool HasUnderlyingTypeInformation() const override
    {
        return true;
    }

    std::string GetUnderlyingTypeInformation() const override
    {
        return m_spec.AllowedText();
    }

    Ptr<AttributeValue> Create() const override
    {
        return m_base->Create();
    }

    bool Copy(const AttributeValue& source, AttributeValue& destination) const override
    {
        return m_base->Copy(source, destination);
    }

  private:
    const ParameterSpec& m_spec;
    Ptr<const AttributeChecker> m_base;
};

/// Reads and writes one table entry's field of an object's engine settings, a Time as a
/// duration and a whole number as itself.
class SettingsAccessor : public AttributeAccessor
{
  public:
    SettingsAccessor(const ParameterSpec& spec, SettingsOf settings)
        : m_spec(spec),
          m_settings(std::move(settings))
    {
    }

    bool Set(ObjectBase* object, const AttributeValue& value) const override
    {
        EndpointSettings* s = m_settings(object);
        if (s == nullptr)
        {
            return false;
        }
        if (const auto* time = dynamic_cast<const TimeValue*>(&value))
        {
            return SetParameter(*s, m_spec, Nanos(time->Get().GetNanoSeconds()));
        }
        const auto* number = dynamic_cast<const UintegerValue*>(&value);
        return number != nullptr && SetParameter(*s, m_spec, number->Get());
    }

    bool Get(const ObjectBase* object, AttributeValue& value) const override
    {
        const EndpointSettings* s = m_settings(object);
        if (s == nullptr)
        {
            return false;
        }
        if (auto* time = dynamic_cast<TimeValue*>(&value))
        {
            std::optional<Nanos> d = GetDuration(*s, m_spec);
            if (d)
            {
                time->Set(NanoSeconds(d->count()));
            }
            return d.has_value();
        }
        auto* number = dynamic_cast<UintegerValue*>(&value);
        std::optional<uint64_t> n = number ? GetNumber(*s, m_spec) : std::nullopt;
        if (n)
        {
            number->Set(*n);
        }
        return n.has_value();
    }

    bool HasGetter() const override
    {
        return true;
    }

    bool HasSetter() const override
    {
        return true;
    }

  private:
    const ParameterSpec& m_spec;
    SettingsOf m_settings;
};

bool
IsTime(const ParameterSpec& spec)
{
    return spec.unit == ParameterUnit::Seconds;
}

} // namespace

Ptr<const AttributeChecker>
MakeParameterChecker(const ParameterSpec& spec)
{
    Ptr<const AttributeChecker> base
        = IsTime(spec) ? MakeTimeChecker()
                       : MakeUintegerChecker<uint64_t>(0, static_cast<uint64_t>(spec.high));
    return Ptr<const AttributeChecker>(new ParameterChecker(spec, base), false);
}

void
AddParameterAttribute(TypeId& tid, const ParameterSpec& spec, Ptr<const AttributeAccessor> accessor)
{
    std::string help = std::string(spec.help) + "; " + spec.AllowedText() + " ("
                       + std::string(spec.source) + ").";
    if (IsTime(spec))
    {
        tid.AddAttribute(std::string(spec.attribute), help, TimeValue(Seconds(spec.defaultValue)),
                         accessor, MakeParameterChecker(spec));
    }
    else
    {
        tid.AddAttribute(std::string(spec.attribute), help,
                         UintegerValue(static_cast<uint64_t>(spec.defaultValue)), accessor,
                         MakeParameterChecker(spec));
    }
}

Ptr<const AttributeAccessor>
MakeSettingsAccessor(const ParameterSpec& spec, SettingsOf settings)
{
    return Ptr<const AttributeAccessor>(new SettingsAccessor(spec, std::move(settings)), false);
}

void
AddParameterAttributes(TypeId& tid, const SettingsOf& settings)
{
    for (const ParameterSpec* spec : vpnsim::engine::EndpointParameters())
    {
        if (spec->interfaces & vpnsim::engine::kAttribute)
        {
            AddParameterAttribute(tid, *spec, MakeSettingsAccessor(*spec, settings));
        }
    }
}

} // namespace ns3
