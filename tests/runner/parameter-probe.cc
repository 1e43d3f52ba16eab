/*
 * vpnsim-parameter-probe: asks two interfaces whether they accept one value of an endpoint
 * parameter, for tests/experiments/test_parameter_ranges.py, which holds every interface to
 * the engine's table.
 *
 *   vpnsim-parameter-probe attributes            the VpnEndpoint attributes that are numbers,
 *                                                each with its default (seconds for a Time)
 *   vpnsim-parameter-probe attribute NAME VALUE  sets it on a VpnEndpoint (VALUE in seconds for
 *                                                a Time)
 *   vpnsim-parameter-probe runner ARGS...        parses a runner command line as vpnsim-runner
 *                                                does, without opening anything
 *
 * Exit status 0 when accepted, 2 (and the refusal on stderr) when refused.
 */
#include "experiments/runner/runner-config.h"
#include "model/vpn-endpoint.h"

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <ns3/nstime.h>
#include <ns3/uinteger.h>
#include <string>
#include <vector>

namespace
{

int
ListAttributes()
{
    ns3::TypeId tid = ns3::VpnEndpoint::GetTypeId();
    for (uint32_t i = 0; i < tid.GetAttributeN(); ++i)
    {
        ns3::TypeId::AttributeInformation info = tid.GetAttribute(i);
        if (auto time = ns3::DynamicCast<const ns3::TimeValue>(info.initialValue))
        {
            std::cout << info.name << " " << time->Get().GetSeconds() << "\n";
        }
        else if (auto number = ns3::DynamicCast<const ns3::UintegerValue>(info.initialValue))
        {
            std::cout << info.name << " " << number->Get() << "\n";
        }
    }
    return 0;
}

int
SetAttribute(const std::string& name, const std::string& text)
{
    ns3::TypeId::AttributeInformation info;
    if (!ns3::VpnEndpoint::GetTypeId().LookupAttributeByName(name, &info))
    {
        std::cerr << name << ": no such attribute\n";
        return 1;
    }
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0')
    {
        std::cerr << name << "=" << text << ": not a number\n";
        return 1;
    }
    auto endpoint = ns3::CreateObject<ns3::VpnEndpoint>();
    bool set = false;
    if (info.checker->GetValueTypeName() == "ns3::TimeValue")
    {
        set = endpoint->SetAttributeFailSafe(name, ns3::TimeValue(ns3::Seconds(value)));
    }
    else if (value >= 0 && value == std::floor(value))
    {
        // A negative or fractional number is not a UintegerValue at all: refused by its type.
        set = endpoint->SetAttributeFailSafe(name,
                                             ns3::UintegerValue(static_cast<uint64_t>(value)));
    }
    if (!set)
    {
        std::cerr << name << "=" << text << ": refused\n";
        return 2;
    }
    return 0;
}

int
ParseRunner(const std::vector<std::string>& args)
{
    auto parsed = vpnsim::runner::ParseRunnerArgs(args);
    if (auto* e = std::get_if<vpnsim::runner::ConfigError>(&parsed))
    {
        std::cerr << e->message << "\n";
        return 2;
    }
    return 0;
}

} // namespace

int
main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 1 && args[0] == "attributes")
    {
        return ListAttributes();
    }
    if (args.size() == 3 && args[0] == "attribute")
    {
        return SetAttribute(args[1], args[2]);
    }
    if (!args.empty() && args[0] == "runner")
    {
        return ParseRunner({args.begin() + 1, args.end()});
    }
    std::cerr << "usage: vpnsim-parameter-probe attributes | attribute NAME VALUE | runner ARGS\n";
    return 1;
}
