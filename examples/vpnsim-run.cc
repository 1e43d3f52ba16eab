/*
 * vpnsim-run: one scenario, one seed, one result record.
 *
 *   vpnsim-run --encap=ctcp --asa=proxy --loss=0.01 --seed=3
 *   vpnsim-run --scenario=my-run.json --seed=4       (file values, then flags, override defaults)
 *   vpnsim-run --topology=examples/topologies/multi-hop.dot --encap=natt
 *   vpnsim-run --batch < runs.jsonl   (one JSON object of flag values per line)
 *
 * Prints the run record (model/engine/run-record.h) as one JSON object on one line on stdout.
 * The same parameters and seed give a byte-identical record. Every argument is a flag
 * --name=VALUE (--batch takes none), each given once. Anything else (a bad or empty value, an
 * unknown, repeated or positional argument, a file that is not a small regular file, a
 * parameter the topology would not apply) exits with status 2 and a message on stderr naming
 * the flag and the allowed range; stdout then stays empty. The record is printed only for a
 * run that happened, whether the tunnel survived or not. `--ranges-json` (alone, not in
 * --help) prints every numeric flag's unit, default and range instead of running.
 *
 * --batch runs many scenarios in one process, which saves ns-3's start-up (loading its
 * libraries, building its random-number tables) on every run. Each input line is an object
 * like a scenario file ({"encap":"ctcp","loss":0.01,"seed":3}); its values override the
 * flags given on the command line, which override the defaults. Each line gets one output
 * line, in order: the record, byte-identical to what a separate process prints for the same
 * values, or for a bad line {"error":"...","line":N} (the message names the flag, as for a
 * single run) while the batch goes on. Blank lines are skipped; a line longer than 1 MiB is
 * a bad line. The exit status is 2 if any line was bad, else 0.
 */
#include "helper/scenario.h"
#include "helper/simulation-reset.h"
#include "helper/topology-spec.h"
#include "model/engine/endpoint-config.h"
#include "model/engine/run-record.h"
#include "model/wire/input-file.h"
#include "vpnsim-version.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace
{

/// Largest scenario file or batch line read: a few dozen flags need a few kilobytes.
constexpr size_t kMaxScenarioBytes = 1 << 20;

int
Refuse(const std::string& message)
{
    // Whatever the input held, the message stays one readable line of bounded length.
    std::cerr << "vpnsim-run: " << vpnsim::wire::QuoteInput(message, 2000) << "\n";
    return 2;
}

/// "; allowed ..." for a numeric flag, from the parameter tables.
std::string
AllowedText(const std::string& flag)
{
    if (flag == "seed")
    {
        return "; allowed 1 to 2^64-1";
    }
    for (const ns3::ScenarioEndpointField& f : ns3::ScenarioEndpointFields())
    {
        if (f.spec->flag == flag)
        {
            return "; allowed " + f.spec->AllowedText();
        }
    }
    for (const vpnsim::engine::ParameterSpec* s : ns3::ScenarioParameterSpecs())
    {
        if (s->flag == flag)
        {
            return "; allowed " + s->AllowedText();
        }
    }
    return "";
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
        return "--" + flag + "=" + text + ": not a number" + AllowedText(flag);
    }
    if (std::fpclassify(value) == FP_SUBNORMAL)
    {
        return "--" + flag + "=" + text + ": a subnormal number, which no range allows"
               + AllowedText(flag);
    }
    out = value + 0.0; // -0 is 0: one spelling in the record
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
        return "--" + flag + "=" + text + ": not a whole number in range" + AllowedText(flag);
    }
    out = value;
    return "";
}

/// 0-255, in decimal or with 0x in hexadecimal (the key seed is one byte).
std::string
ToKeySeed(const std::string& text, uint8_t& out)
{
    const auto& spec = vpnsim::engine::parameter::kKeySeed;
    bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const char* begin = text.data() + (hex ? 2 : 0);
    const char* end = text.data() + text.size();
    unsigned value = 0;
    auto [stop, ec] = std::from_chars(begin, end, value, hex ? 16 : 10);
    if (text.empty() || ec != std::errc() || stop != end || !spec.Allows(value))
    {
        return "--" + spec.Refusal(text) + ", in decimal or hexadecimal (0x42)";
    }
    out = static_cast<uint8_t>(value);
    return "";
}

/// "(default D; allowed RANGE)" from a parameter's table entry.
std::string
DefaultAndRange(const vpnsim::engine::ParameterSpec& spec)
{
    return " (default " + vpnsim::engine::NumberText(spec.defaultValue) + "; allowed "
           + spec.AllowedText() + ")";
}

/// The help text of one of vpnsim-run's own numeric flags, from ScenarioParameterSpecs.
std::string
NumericHelp(const std::string& flag, const std::string& what)
{
    for (const vpnsim::engine::ParameterSpec* s : ns3::ScenarioParameterSpecs())
    {
        if (s->flag == flag)
        {
            return what + DefaultAndRange(*s);
        }
    }
    return what;
}

std::vector<Flag>
Flags(ns3::ScenarioParameters& p)
{
    const ns3::ScenarioParameters d; // the defaults the help shows
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
        {"encap",
         "encapsulation: ctcp (Cisco IPsec over TCP 10000), natt (IPsec over UDP 4500, RFC "
         "3948), esp (native ESP, IP protocol 50), anyconnect (CSTP over TLS on TCP 443) "
         "(default " + d.encap + ")",
         text(p.encap)},
        {"asa",
         "ASA mode: none, stateful, normalizer, ips-strict, proxy, bypass; what each models is "
         "listed above (default " + d.asa + ")",
         text(p.asa)},
        {"loss",
         NumericHelp("loss", "mean loss on the client-ASA Internet hop, each direction, as a "
                             "fraction: 0.01 is 1%"),
         number("loss", p.loss)},
        {"loss-model",
         "bernoulli (independent), gilbert (bursts, see --burst) or trace (--loss-trace) "
         "(default " + d.lossModel + ")",
         text(p.lossModel)},
        {"burst", NumericHelp("burst", "mean loss burst length with --loss-model=gilbert"),
         number("burst", p.burst)},
        {"loss-trace",
         "drop list file for --loss-model=trace: packet indices, or times with 'mode time' "
         "(no default)",
         text(p.lossTrace)},
        {"jitter",
         NumericHelp("jitter", "extra delay per packet on the Internet hop, uniform up to this"),
         number("jitter", p.jitter)},
        {"duration", NumericHelp("duration", "session length"), number("duration", p.duration)},
        {"seed",
         "run number of the random streams (default " + std::to_string(d.seed)
             + "; allowed 1 to 2^64-1)",
         [&p](const std::string& v)
         {
             return ToUnsigned("seed", v, p.seed);
         }},
        {"key-seed",
         std::string(vpnsim::engine::parameter::kKeySeed.help)
             + ", decimal or hex; --pcap writes the keys it gives (default 0x42; allowed "
             + vpnsim::engine::parameter::kKeySeed.AllowedText() + ")",
         [&p](const std::string& v)
         {
             return ToKeySeed(v, p.keySeed);
         }},
        {"transform",
         "ESP transform: aes-cbc-128-hmac-sha1-96, aes-cbc-256-hmac-sha1-96, aes-gcm-128, "
         "aes-gcm-256, null-hmac-sha1-96 (default " + d.transform + ", the Cisco VPN Client's)",
         text(p.transform)},
        {"traffic",
         "inner traffic: echo (UDP echo every --traffic-interval), voip (G.711-like, 50 "
         "packets/s each way), bulk (one TCP upload), idle (none) (default " + d.traffic + ")",
         text(p.traffic)},
        {"traffic-interval", NumericHelp("traffic-interval", "echo interval"),
         number("traffic-interval", p.trafficInterval)},
        {"traffic-size", NumericHelp("traffic-size", "echo payload"),
         [&p](const std::string& v)
         {
             return ToUnsigned("traffic-size", v, p.trafficSize);
         }},
        {"topology",
         "GraphViz DOT topology (default: the tech-note line client - Internet - ASA - headend - "
         "server)",
         text(p.topology)},
        {"pcap",
         "pcap file prefix: PREFIX-client-1.pcap, PREFIX-asa-outside.pcap, "
         "PREFIX-asa-inside.pcap, PREFIX-headend.pcap, ... one per device, plus the SA keys "
         "(PREFIX-wireshark/esp_sa) and a tshark command that decrypts them (PREFIX-decrypt.sh) "
         "(default: no captures)",
         text(p.pcap)},
        {"queue-disc",
         "root queue disc on every link device: fifo (default, as ASA and access-router "
         "interfaces queue), none, fq-codel, codel, pie, red, pfifo-fast",
         text(p.queueDisc)},
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
        endpoint.push_back(
            {name, std::string(f.spec->help) + DefaultAndRange(*f.spec), number(name, p.*f.seconds)});
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

/// Sets one flag from its text; the error names the flag and what it allows.
std::string
SetFlag(std::vector<Flag>& flags, const std::string& name, const std::string& value)
{
    auto flag = std::find_if(flags.begin(), flags.end(),
                             [&name](const Flag& f)
                             {
                                 return f.name == name;
                             });
    if (value.empty())
    {
        return "--" + name + "=: empty value; allowed: " + flag->help;
    }
    if (!vpnsim::wire::IsUtf8(value))
    {
        return "--" + name + "=" + value + ": not valid UTF-8; allowed: " + flag->help;
    }
    return flag->set(value);
}

/// Sets the flags named by the keys of a JSON object's text, each key at most once; `where`
/// prefixes every message.
std::string
ApplyObject(const std::string& text, const std::string& where, std::vector<Flag>& flags)
{
    nlohmann::json j;
    std::set<std::string> keys;
    std::string repeated;
    try
    {
        // nlohmann keeps the last of two equal keys; a scenario means one value per flag.
        auto once = [&keys, &repeated](int depth, nlohmann::json::parse_event_t event,
                                       nlohmann::json& parsed)
        {
            if (depth == 1 && event == nlohmann::json::parse_event_t::key
                && !keys.insert(parsed.get<std::string>()).second && repeated.empty())
            {
                repeated = parsed.get<std::string>();
            }
            return true;
        };
        j = nlohmann::json::parse(text, once);
    }
    catch (const nlohmann::json::exception& e)
    {
        return where + "not valid JSON: " + e.what();
    }
    if (!j.is_object())
    {
        return where + "expected a JSON object of flag names and values";
    }
    if (!repeated.empty())
    {
        return where + "key '" + repeated + "' given twice; each flag once";
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
            return where + "unknown key '" + key + "' (keys are the flag names)";
        }
        if (!value.is_string() && !value.is_number())
        {
            return where + key + ": " + value.dump() + " is not a string or a number";
        }
        std::string error = SetFlag(flags, key, value.is_string() ? value.get<std::string>()
                                                                  : value.dump());
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
    const std::string where = "--scenario=" + path + ": ";
    auto text = vpnsim::wire::ReadInputFile(path, kMaxScenarioBytes);
    if (!text)
    {
        return where + text.GetError().detail;
    }
    return ApplyObject(*text, where, flags);
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
    for (const auto& [name, value] : given)
    {
        std::string error = SetFlag(flags, name, value);
        if (!error.empty())
        {
            return error;
        }
    }
    return "";
}

/// A pcap prefix is written as PREFIX-NODE-DEVICE.pcap: its directory must exist and be
/// writable, or ns-3 stops the run with a fatal error at the first file.
std::string
CheckPcapPrefix(const std::string& prefix)
{
    size_t slash = prefix.rfind('/');
    std::string directory = slash == std::string::npos ? "." : prefix.substr(0, slash + 1);
    struct stat info;
    if (stat(directory.c_str(), &info) != 0)
    {
        return "--pcap=" + prefix + ": directory " + directory + " cannot be used ("
               + std::strerror(errno) + "); allowed: a prefix in an existing writable directory";
    }
    if (!S_ISDIR(info.st_mode) || access(directory.c_str(), W_OK | X_OK) != 0)
    {
        return "--pcap=" + prefix + ": " + directory
               + " is not a writable directory; allowed: a prefix in an existing writable "
                 "directory";
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
        invalid = ns3::ValidateScenarioOnTopology(p, topology, "--topology=" + p.topology);
        if (!invalid.empty())
        {
            return invalid;
        }
    }
    if (!p.pcap.empty())
    {
        invalid = CheckPcapPrefix(p.pcap);
        if (!invalid.empty())
        {
            return invalid;
        }
    }
    record = vpnsim::engine::ToJson(ns3::RunScenario(p, topology));
    return "";
}

/// Reads one line of at most `max` bytes into `line`. False at the end of the input; a longer
/// line is skipped to its end and reported through `tooLong`, so memory stays bounded whatever
/// arrives on stdin.
bool
ReadLine(std::istream& in, std::string& line, size_t max, bool& tooLong)
{
    line.clear();
    tooLong = false;
    std::istream::int_type c;
    bool any = false;
    while ((c = in.get()) != std::istream::traits_type::eof())
    {
        any = true;
        if (c == '\n')
        {
            return true;
        }
        if (line.size() < max)
        {
            line.push_back(static_cast<char>(c));
        }
        else
        {
            tooLong = true;
        }
    }
    return any;
}

/// One run per input line, each from the state a fresh process starts in.
int
RunBatch(const std::string& scenarioFile, const std::map<std::string, std::string>& given)
{
    bool anyBad = false;
    std::string line;
    bool tooLong = false;
    for (uint64_t number = 1; ReadLine(std::cin, line, kMaxScenarioBytes, tooLong); ++number)
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
            error = tooLong ? where + "longer than the limit of "
                                  + std::to_string(kMaxScenarioBytes) + " bytes"
                            : ApplyObject(line, where, flags);
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
            error = vpnsim::wire::QuoteInput(error, 2000); // valid UTF-8 for the JSON too
            std::cerr << "vpnsim-run: " << error << "\n";
            record = nlohmann::json{{"error", error}, {"line", number}}.dump();
        }
        // Flushed per line: the reader waits for each record before sending more.
        std::cout << record << std::endl;
    }
    return anyBad ? 2 : 0;
}

/// What each --asa mode stands for, in Cisco's terms (the sources: doc/protocols.md §ASA).
constexpr const char* kAsaModes = R"(
ASA modes (--asa), each a Cisco ASA feature as the ASA CLI configuration guide names it:
  none        no ASA in the path
  stateful    a stateful firewall with no inspection: out-of-order TCP segments pass untouched
              (tcp-map queue-limit 0, the default for flows that are neither inspected nor sent
              to an IPS)
  normalizer  the TCP normalizer's in-order queue that inspected and IPS flows get: 3
              out-of-order packets held for 4 s, then dropped (tcp-map queue-limit/timeout)
  ips-strict  an inline IPS with strict TCP evasion protection: after a missed packet, nothing
              more of that direction passes (IPS inline-TCP-evasion-protection-mode strict)
  proxy       application inspection that makes the ASA a full TCP proxy: it ACKs on behalf of
              the peer and needs every byte in order (the case of Cisco TAC document 113578)
  bypass      tcp-state-bypass for the cTCP flow (set connection advanced-options
              tcp-state-bypass): no TCP state checks for it
)";

void
PrintUsage(const std::vector<Flag>& flags)
{
    std::cout << "Runs one vpnsim scenario for one seed and prints its result record "
                 "(doc/record.md) as one line of JSON.\n"
              << kAsaModes
              << "\nusage: vpnsim-run [--name=VALUE ...]\n\n"
              << "    --scenario:  JSON file of flag values (flags given here override it)\n"
              << "    --batch:  read one JSON object of flag values per stdin line, print one "
                 "record (or error) per line\n"
              << "    --version:  vpnsim's version and git revision\n";
    for (const auto& f : flags)
    {
        std::cout << "    --" << f.name << ":  " << f.help << "\n";
    }
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
    std::map<std::string, std::string> given; // flag name -> its text, in no particular order
    std::string scenarioFile;
    bool batch = false;
    for (int i = 1; i < argc; ++i)
    {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h")
        {
            PrintUsage(flags);
            return 0;
        }
        if (arg == "--version")
        {
            std::cout << "vpnsim-run " << VPNSIM_VERSION << " (git " << VPNSIM_GIT_REVISION
                      << ")\n";
            return 0;
        }
        if (arg.rfind("--", 0) != 0)
        {
            return Refuse("unexpected argument '" + arg
                          + "': every argument is a flag --name=VALUE (see --help)");
        }
        size_t eq = arg.find('=');
        const std::string name = arg.substr(2, eq == std::string::npos ? eq : eq - 2);
        bool known = name == "scenario" || std::any_of(flags.begin(), flags.end(),
                                                       [&name](const Flag& f)
                                                       {
                                                           return f.name == name;
                                                       });
        if (name == "batch")
        {
            if (eq != std::string::npos || batch)
            {
                return Refuse("--batch: takes no value and is given once");
            }
            batch = true;
            continue;
        }
        if (!known)
        {
            return Refuse("unknown flag --" + name + " (see --help for the flags)");
        }
        if (eq == std::string::npos)
        {
            return Refuse("--" + name + ": needs a value, as --" + name + "=VALUE");
        }
        if (given.count(name))
        {
            return Refuse("--" + name + " given twice (--" + name + "=" + given[name] + " and "
                          + arg + "); each flag once");
        }
        given[name] = arg.substr(eq + 1);
    }
    if (given.count("scenario"))
    {
        scenarioFile = given["scenario"];
        given.erase("scenario");
        if (scenarioFile.empty())
        {
            return Refuse("--scenario=: empty value; allowed: a JSON file of flag values");
        }
    }
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
