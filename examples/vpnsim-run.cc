/*
 * vpnsim-run: one scenario, one seed, one result record.
 *
 *   vpnsim-run --encap=ctcp --asa=proxy --loss=0.01 --seed=3
 *   vpnsim-run --scenario=my-run.json --seed=4       (file values, then flags, override defaults)
 *   vpnsim-run --topology=examples/topologies/multi-hop.dot --encap=natt
 *   vpnsim-run --batch < runs.jsonl   (one JSON object of flag values per line)
 *
 * Prints the run record (model/engine/run-record.h) as one JSON object on one line on stdout.
 * The same parameters and seed give a byte-identical record. A bad value exits with status 2
 * and a message naming the flag and the allowed range; the record is printed only for a run
 * that happened, whether the tunnel survived or not. `--ranges-json` (alone, not in --help)
 * prints every numeric flag's unit, default and range instead of running.
 *
 * --batch runs many scenarios in one process, which saves ns-3's start-up (loading its
 * libraries, building its random-number tables) on every run. Each input line is an object
 * like a scenario file ({"encap":"ctcp","loss":0.01,"seed":3}); its values override the
 * flags given on the command line, which override the defaults. Each line gets one output
 * line, in order: the record, byte-identical to what a separate process prints for the same
 * values, or for a bad line {"error":"...","line":N} (the message names the flag, as for a
 * single run) while the batch goes on. Blank lines are skipped. The exit status is 2 if any
 * line was bad, else 0.
 */
#include "helper/scenario.h"
#include "helper/simulation-reset.h"
#include "helper/topology-spec.h"
#include "model/engine/run-record.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <ns3/command-line.h>
#include <string>
#include <vector>

namespace
{

int
Refuse(const std::string& message)
{
    std::cerr << "vpnsim-run: " << message << "\n";
    return 2;
}

/// One flag: its name, help text and how its text sets the parameter.
struct Flag
{
    std::string name;
    std::string help;
    std::function<std::string(const std::string&)> set; ///< returns an error, "" when fine
};

std::string
ToDouble(const std::string& flag, const std::string& text, double& out)
{
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    {
        return "--" + flag + "=" + text + ": not a number";
    }
    out = value;
    return "";
}

template<typename T>
std::string
ToUnsigned(const std::string& flag, const std::string& text, T& out)
{
    T value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
    {
        return "--" + flag + "=" + text + ": not a whole number in range";
    }
    out = value;
    return "";
}

std::vector<Flag>
Flags(ns3::ScenarioParameters& p)
{
    auto text = [](std::string& field)
    {
        return [&field](const std::string& v)
        {
            field = v;
            return std::string();
        };
    };
    auto number = [](const std::string& name, double& field)
    {
        return [name, &field](const std::string& v)
        {
            return ToDouble(name, v, field);
        };
    };
    std::vector<Flag> flags{
        {"encap", "encapsulation: ctcp, natt, esp, anyconnect", text(p.encap)},
        {"asa", "ASA mode: none, stateful, normalizer, ips-strict, proxy, bypass", text(p.asa)},
        {"loss", "mean loss fraction on the client-ASA Internet link, both ways",
         number("loss", p.loss)},
        {"loss-model", "bernoulli, gilbert or trace", text(p.lossModel)},
        {"burst", "mean loss burst length in packets (gilbert)", number("burst", p.burst)},
        {"loss-trace", "drop list file (trace model)", text(p.lossTrace)},
        {"jitter", "extra delay per packet on the Internet link, uniform up to this (s)",
         number("jitter", p.jitter)},
        {"duration", "session length in seconds (default 1800)", number("duration", p.duration)},
        {"seed", "run number of the random streams (1, 2, ...)",
         [&p](const std::string& v)
         {
             return ToUnsigned("seed", v, p.seed);
         }},
        {"transform", "ESP transform", text(p.transform)},
        {"traffic", "inner traffic: echo, voip, bulk, idle", text(p.traffic)},
        {"traffic-interval", "echo interval (s)", number("traffic-interval", p.trafficInterval)},
        {"traffic-size", "echo payload bytes",
         [&p](const std::string& v)
         {
             return ToUnsigned("traffic-size", v, p.trafficSize);
         }},
        {"topology", "GraphViz DOT topology (default: the tech-note line)", text(p.topology)},
        {"pcap", "pcap file prefix (one file per device)", text(p.pcap)},
    };
    // The endpoint's timers, named, explained and bounded by the engine's parameter table.
    auto traffic = std::find_if(flags.begin(), flags.end(),
                                [](const Flag& f)
                                {
                                    return f.name == "traffic";
                                });
    std::vector<Flag> endpoint;
    for (const ns3::ScenarioEndpointField& f : ns3::ScenarioEndpointFields())
    {
        std::string name(f.spec->flag);
        endpoint.push_back({name, std::string(f.spec->help) + " (" + f.spec->AllowedText() + ")",
                            number(name, p.*f.seconds)});
    }
    flags.insert(traffic, endpoint.begin(), endpoint.end());
    return flags;
}

/// Every numeric flag's range as JSON, for the sweep tool's table and the tests that hold
/// each interface to the engine's table: the endpoint's parameters, then the scenario's own.
nlohmann::json
RangesJson()
{
    nlohmann::json all = nlohmann::json::object();
    auto add = [&all](const vpnsim::engine::ParameterSpec& s)
    {
        nlohmann::json interfaces = nlohmann::json::array();
        for (auto [bit, name] : {std::pair{vpnsim::engine::kAttribute, "attribute"},
                                 std::pair{vpnsim::engine::kSimulationFlag, "vpnsim-run"},
                                 std::pair{vpnsim::engine::kRunnerFlag, "runner"}})
        {
            if (s.interfaces & bit)
            {
                interfaces.push_back(name);
            }
        }
        all[std::string(s.flag)] = {{"attribute", s.attribute},
                                    {"integer", s.Integral()},
                                    {"default", s.defaultValue},
                                    {"low", s.low},
                                    {"high", s.high},
                                    {"high_open", s.highOpen},
                                    {"zero_means", s.zeroMeans},
                                    {"interfaces", interfaces},
                                    {"allowed", s.AllowedText()},
                                    {"help", s.help},
                                    {"source", s.source}};
    };
    for (const vpnsim::engine::ParameterSpec* s : vpnsim::engine::EndpointParameters())
    {
        add(*s);
    }
    for (const vpnsim::engine::ParameterSpec* s : ns3::ScenarioParameterSpecs())
    {
        add(*s);
    }
    return all;
}

/// Sets the flags named by the keys of a JSON object; `where` prefixes every message.
std::string
ApplyObject(const nlohmann::json& j, const std::string& where, std::vector<Flag>& flags)
{
    if (!j.is_object())
    {
        return where + "expected a JSON object of flag names and values";
    }
    for (const auto& [key, value] : j.items())
    {
        auto flag = std::find_if(flags.begin(), flags.end(),
                                 [&key](const Flag& f)
                                 {
                                     return f.name == key;
                                 });
        if (flag == flags.end())
        {
            return where + "unknown key '" + key + "'";
        }
        std::string text = value.is_string() ? value.get<std::string>() : value.dump();
        std::string error = flag->set(text);
        if (!error.empty())
        {
            return where + error;
        }
    }
    return "";
}

/// The scenario file: a JSON object whose keys are flag names.
std::string
ApplyScenarioFile(const std::string& path, std::vector<Flag>& flags)
{
    std::ifstream in(path);
    if (!in)
    {
        return "--scenario=" + path + ": cannot be read";
    }
    nlohmann::json j;
    try
    {
        j = nlohmann::json::parse(in);
    }
    catch (const nlohmann::json::exception& e)
    {
        return "--scenario=" + path + ": not valid JSON: " + e.what();
    }
    return ApplyObject(j, "--scenario=" + path + ": ", flags);
}

/// Parameters from the scenario file, then the flags given; an error names the flag.
std::string
ApplyFileAndFlags(const std::string& scenarioFile,
                  const std::map<std::string, std::string>& given,
                  std::vector<Flag>& flags)
{
    if (!scenarioFile.empty())
    {
        std::string error = ApplyScenarioFile(scenarioFile, flags);
        if (!error.empty())
        {
            return error;
        }
    }
    for (const auto& f : flags)
    {
        const std::string& text = given.at(f.name);
        if (!text.empty())
        {
            std::string error = f.set(text);
            if (!error.empty())
            {
                return error;
            }
        }
    }
    return "";
}

/// Validates the parameters and runs them; the record's JSON, or an error naming the flag.
std::string
RunValidated(const ns3::ScenarioParameters& p, std::string& record)
{
    std::string invalid = ns3::ValidateScenario(p);
    if (!invalid.empty())
    {
        return invalid;
    }
    ns3::TopologySpec topology = ns3::TechNoteLine();
    if (!p.topology.empty())
    {
        auto read = ns3::ReadTopologyDotFile(p.topology);
        if (!read)
        {
            return "--topology=" + p.topology + ": " + read.GetError().detail;
        }
        topology = *read;
    }
    record = vpnsim::engine::ToJson(ns3::RunScenario(p, topology));
    return "";
}

/// One run per input line, each from the state a fresh process starts in.
int
RunBatch(const std::string& scenarioFile, const std::map<std::string, std::string>& given)
{
    bool anyBad = false;
    std::string line;
    for (uint64_t number = 1; std::getline(std::cin, line); ++number)
    {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
        {
            continue;
        }
        ns3::ScenarioParameters p;
        std::vector<Flag> flags = Flags(p);
        std::string where = "line " + std::to_string(number) + ": ";
        std::string error = ApplyFileAndFlags(scenarioFile, given, flags);
        if (error.empty())
        {
            auto j = nlohmann::json::parse(line, nullptr, false);
            error = j.is_discarded() ? where + "not valid JSON"
                                     : ApplyObject(j, where, flags);
        }
        std::string record;
        if (error.empty())
        {
            ns3::ResetSimulationState();
            error = RunValidated(p, record);
            if (!error.empty())
            {
                error = where + error;
            }
        }
        if (!error.empty())
        {
            anyBad = true;
            std::cerr << "vpnsim-run: " << error << "\n";
            record = nlohmann::json{{"error", error}, {"line", number}}.dump();
        }
        // Flushed per line: the reader waits for each record before sending more.
        std::cout << record << std::endl;
    }
    return anyBad ? 2 : 0;
}

} // namespace

int
main(int argc, char* argv[])
{
    // Not in --help: a table for tools and tests, not a run.
    if (argc == 2 && std::string(argv[1]) == "--ranges-json")
    {
        std::cout << RangesJson().dump(1) << std::endl;
        return 0;
    }
    ns3::ScenarioParameters p;
    std::vector<Flag> flags = Flags(p);
    std::map<std::string, std::string> given;
    std::string scenarioFile;
    ns3::CommandLine cmd(__FILE__);
    cmd.Usage("Runs one vpnsim scenario for one seed and prints its result record as JSON.");
    cmd.AddValue("scenario", "JSON file of flag values (flags given here override it)",
                 scenarioFile);
    for (const auto& f : flags)
    {
        given[f.name] = "";
        cmd.AddValue(f.name, f.help, given[f.name]);
    }
    bool batch = false;
    cmd.AddValue("batch", "read one JSON object of flag values per stdin line, print one record "
                          "(or error) per line", batch);
    cmd.Parse(argc, argv);

    if (batch)
    {
        return RunBatch(scenarioFile, given);
    }
    std::string error = ApplyFileAndFlags(scenarioFile, given, flags);
    if (error.empty())
    {
        std::string record;
        error = RunValidated(p, record);
        if (error.empty())
        {
            std::cout << record << std::endl;
            return 0;
        }
    }
    return Refuse(error);
}
