#include "model/engine/endpoint-config.h"

#include <array>
#include <charconv>
#include <cmath>

namespace vpnsim
{
namespace engine
{

namespace
{

using namespace parameter;

constexpr std::array<const ParameterSpec*, 21> kTable{
    &kPeerTimeout,
    &kClientDpdIdle,
    &kClientDpdRetry,
    &kAsaDpdThreshold,
    &kAsaDpdRetry,
    &kAsaDpdRetries,
    &kNatKeepalive,
    &kIdleTimeout,
    &kIkeLifetime,
    &kIpsecLifetime,
    &kIpsecLifetimeKb,
    &kAnyConnectDpd,
    &kAnyConnectKeepalive,
    &kAnyConnectSegmentSize,
    &kKeySeed,
    &kClientToHeadendSpi,
    &kHeadendToClientSpi,
    &kCtcpPort,
    &kAnyConnectPort,
    &kClientPort,
    &kTunnels,
};

double
ToSeconds(Nanos value)
{
    return std::chrono::duration<double>(value).count();
}

const char*
UnitText(ParameterUnit unit)
{
    switch (unit)
    {
        case ParameterUnit::Seconds:
            return " seconds";
        case ParameterUnit::Bytes:
            return " bytes";
        case ParameterUnit::Packets:
            return " packets";
        case ParameterUnit::Kilobytes:
            return " kilobytes";
        case ParameterUnit::Count:
        case ParameterUnit::Fraction:
        case ParameterUnit::Port:
        case ParameterUnit::Identifier:
            return "";
    }
    return "";
}

} // namespace

std::string
NumberText(double value)
{
    char buffer[64];
    auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
    return std::string(buffer, result.ptr);
}

bool
ParameterSpec::Integral() const
{
    return unit == ParameterUnit::Count || unit == ParameterUnit::Bytes
           || unit == ParameterUnit::Kilobytes || unit == ParameterUnit::Port
           || unit == ParameterUnit::Identifier;
}

bool
ParameterSpec::Allows(double value) const
{
    // A subnormal is no value anyone means, and text parsers report it as out of range.
    if (!std::isfinite(value) || (Integral() && value != std::floor(value))
        || std::fpclassify(value) == FP_SUBNORMAL)
    {
        return false;
    }
    bool belowHigh = highOpen ? value < high : value <= high;
    return (value >= low && belowHigh) || (!zeroMeans.empty() && value == 0);
}

std::string
ParameterSpec::AllowedText() const
{
    std::string text = NumberText(low) + " to " + NumberText(high) + UnitText(unit)
                       + (highOpen ? " (" + NumberText(high) + " excluded)" : "");
    if (!zeroMeans.empty())
    {
        text += ", or 0 (" + std::string(zeroMeans) + ")";
    }
    return text;
}

std::string
ParameterSpec::Refusal(std::string_view text) const
{
    return std::string(flag) + "=" + std::string(text) + ": allowed " + AllowedText();
}

std::string
ParameterSpec::Refusal(double value) const
{
    return Refusal(NumberText(value));
}

std::optional<std::string>
ParameterSpec::Check(Nanos value) const
{
    double seconds = ToSeconds(value);
    if (Allows(seconds))
    {
        return std::nullopt;
    }
    return Refusal(seconds);
}

std::optional<std::string>
ParameterSpec::Check(uint64_t value) const
{
    double number = static_cast<double>(value);
    if (Allows(number))
    {
        return std::nullopt;
    }
    return Refusal(number);
}

std::span<const ParameterSpec* const>
EndpointParameters()
{
    return kTable;
}

const ParameterSpec*
FindEndpointParameter(std::string_view flag)
{
    for (const ParameterSpec* spec : kTable)
    {
        if (spec->flag == flag)
        {
            return spec;
        }
    }
    return nullptr;
}

} // namespace engine
} // namespace vpnsim
