#include "experiments/runner/runner-config.h"

#include "model/engine/endpoint-config.h"
#include "model/wire/input-file.h"
#include "model/wire/ipv4-header.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <net/if.h>
#include <set>
#include <sstream>

namespace vpnsim
{
namespace runner
{

/// The usage lines of the engine's parameters that are runner flags: the flag, the range and
/// the default, then what it sets.
std::string
ParameterUsage()
{
    std::string text;
    for (const engine::ParameterSpec* spec : engine::EndpointParameters())
    {
        if ((spec->interfaces & engine::kRunnerFlag) == 0)
        {
            continue;
        }
        std::string flag = "  --" + std::string(spec->flag)
                           + (spec->unit == engine::ParameterUnit::Seconds ? " S" : " N");
        flag.resize(std::max<size_t>(flag.size() + 1, 28), ' ');
        text += flag + spec->AllowedText() + "; default " + engine::NumberText(spec->defaultValue)
                + "\n" + std::string(28, ' ') + std::string(spec->help) + "\n";
    }
    return text;
}

std::string
RunnerUsage()
{
    return R"(usage: vpnsim-runner --role client|headend --encap ctcp|natt|esp|anyconnect
                     --local ADDR --remote ADDR [options]

One end of a vpnsim tunnel on real sockets (the same engine as the simulation). Needs root (or
CAP_NET_RAW and CAP_NET_ADMIN) to open raw sockets and TUN; then drops to --user.

tunnel:
  --transform NAME          aes-cbc-128-hmac-sha1-96 (default), aes-cbc-256-hmac-sha1-96,
                            null-hmac-sha1-96, aes-gcm-128, aes-gcm-256
)" + ParameterUsage()
           + R"(run:
  --duration S              0.1..86400 (30)
  --seed N                  0..2^64-1 (1): ISNs, cookies, the client port
  --record FILE             the JSON run record, one line ("-" = stdout, the default)
  --pcap FILE               outer packets sent and received (LINKTYPE_RAW)
  --user NAME               user to drop to after opening sockets (root: nobody)
  --rst-filter nft|none     keep the kernel's TCP from resetting cTCP (nft, the default)
  --log-interval S          status line on stderr every S seconds, 0 (off)..3600
inner traffic:
  --tun NAME                TUN interface for real programs (ping, iperf); 1..15 characters
  --tun-address ADDR/LEN    its address, LEN 8..30 (required with --tun)
  --tun-mtu N               576..1500 (1400)
  --probe-rate PPS|max      inner UDP probes to the peer's echo port, 0..100000 per s (0)
  --probe-size N            probe length as an inner IPv4 packet, 64..1400 (100)
  --inner-local ADDR        inner source of probes (the TUN address, else 198.19.0.1/.2)
  --inner-remote ADDR       inner destination of probes (198.19.0.2 for a client, .1 else)
  --echo                    answer the peer's probes
outer:
  --udp-source-port N       NAT-T client: IKE from UDP port N and NAT-T from N+1 instead of
                            500 and 4500, as behind a port-translating NAT; 1024..65534
labels (recorded only):
  --asa MODE --loss-model NAME --loss FRACTION (0..1) --param KEY=VALUE (repeatable)
)";
}

namespace
{

std::string
Refuse(const std::string& flag, const std::string& value, const std::string& allowed)
{
    return flag + "=" + value + ": allowed " + allowed;
}

/// Parses a decimal number in [lo, hi]; the error names the flag and the range.
std::optional<std::string>
Number(const std::string& flag, const std::string& v, double lo, double hi, double& out)
{
    std::ostringstream range;
    range << lo << ".." << hi;
    if (v.empty())
    {
        return Refuse(flag, v, range.str());
    }
    // std::from_chars, not strtod: no leading blanks, no hexadecimal, no locale.
    double d = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (ec != std::errc() || end != v.data() + v.size() || !std::isfinite(d)
        || std::fpclassify(d) == FP_SUBNORMAL || d < lo || d > hi)
    {
        return Refuse(flag, v, range.str());
    }
    out = d + 0.0; // -0 is 0
    return std::nullopt;
}

std::optional<std::string>
Integer(const std::string& flag, const std::string& v, uint64_t lo, uint64_t hi, uint64_t& out)
{
    std::string range = std::to_string(lo) + ".." + std::to_string(hi);
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos)
    {
        return Refuse(flag, v, range);
    }
    errno = 0;
    unsigned long long n = std::strtoull(v.c_str(), nullptr, 10);
    if (errno != 0 || n < lo || n > hi)
    {
        return Refuse(flag, v, range);
    }
    out = n;
    return std::nullopt;
}

std::optional<std::string>
Address(const std::string& flag, const std::string& v, uint32_t& out)
{
    auto a = wire::ParseIpv4Address(v);
    if (!a || *a == 0)
    {
        return Refuse(flag, v, "a non-zero dotted-quad IPv4 address");
    }
    out = *a;
    return std::nullopt;
}

/// Sets the engine parameter `spec` from the text `v`, or refuses it with the table's range.
std::optional<std::string>
SetParameter(const engine::ParameterSpec& spec, const std::string& v, RunnerConfig& c)
{
    // std::from_chars, not strtod: no leading blanks, no hexadecimal, no locale.
    double d = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (ec != std::errc() || end != v.data() + v.size() || !spec.Allows(d))
    {
        return "--" + spec.Refusal(v);
    }
    bool set = spec.unit == engine::ParameterUnit::Seconds
                   ? engine::SetParameter(c.parameters, spec, engine::SecondsToNanos(d))
                   : engine::SetParameter(c.parameters, spec, static_cast<uint64_t>(d));
    return set ? std::nullopt
               : std::optional<std::string>("--" + std::string(spec.flag)
                                            + ": not a runner setting");
}

} // namespace

std::variant<RunnerConfig, ConfigError>
ParseRunnerArgs(const std::vector<std::string>& args)
{
    RunnerConfig c;
    bool haveRole = false;
    bool haveEncap = false;
    bool haveTunAddress = false;
    bool haveInnerLocal = false;
    bool haveInnerRemote = false;

    // Flags that take no value.
    std::map<std::string, std::function<void()>> switches{
        {"--echo",
         [&]()
         {
             c.echo = true;
         }},
    };

    using Handler = std::function<std::optional<std::string>(const std::string& flag,
                                                             const std::string& value)>;
    auto seconds = [&c](double RunnerConfig::*field, double lo, double hi) -> Handler
    {
        return [&c, field, lo, hi](const std::string& f, const std::string& v)
        {
            return Number(f, v, lo, hi, c.*field);
        };
    };
    std::map<std::string, Handler> flags{
        {"--role",
         [&](const std::string& f, const std::string& v) -> std::optional<std::string>
         {
             if (v != "client" && v != "headend")
             {
                 return Refuse(f, v, "client, headend");
             }
             c.role = v == "client" ? Role::Client : Role::Headend;
             haveRole = true;
             return std::nullopt;
         }},
        {"--encap",
         [&](const std::string& f, const std::string& v) -> std::optional<std::string>
         {
             static const std::map<std::string, Encap> names{{"ctcp", Encap::Ctcp},
                                                             {"natt", Encap::Natt},
                                                             {"esp", Encap::Esp},
                                                             {"anyconnect", Encap::AnyConnect}};
             auto it = names.find(v);
             if (it == names.end())
             {
                 return Refuse(f, v, "ctcp, natt, esp, anyconnect");
             }
             c.encap = it->second;
             haveEncap = true;
             return std::nullopt;
         }},
        {"--local",
         [&](const std::string& f, const std::string& v)
         {
             return Address(f, v, c.local);
         }},
        {"--remote",
         [&](const std::string& f, const std::string& v)
         {
             return Address(f, v, c.remote);
         }},
        {"--transform",
         [&](const std::string& f, const std::string& v) -> std::optional<std::string>
         {
             auto t = wire::ParseEspTransformId(v);
             if (!t || *t == wire::EspTransformId::AesCbc128NoAuth)
             {
                 return Refuse(f, v,
                               "aes-cbc-128-hmac-sha1-96, aes-cbc-256-hmac-sha1-96, "
                               "null-hmac-sha1-96, aes-gcm-128, aes-gcm-256");
             }
             c.transform = *t;
             return std::nullopt;
         }},
        {"--duration", seconds(&RunnerConfig::durationS, 0.1, 86400)},
        {"--log-interval", seconds(&RunnerConfig::logIntervalS, 0, 3600)},
        {"--seed",
         [&](const std::string& f, const std::string& v)
         {
             return Integer(f, v, 0, UINT64_MAX, c.seed);
         }},
        {"--udp-source-port",
         [&](const std::string& f, const std::string& v)
         {
             uint64_t n = 0;
             auto e = Integer(f, v, 1024, 65534, n);
             c.udpSourcePort = static_cast<uint16_t>(n);
             return e;
         }},
        {"--record",
         [&](const std::string& f, const std::string& v) -> std::optional<std::string>
         {
             if (v.empty())
             {
                 return Refuse(f, v, "a file name, or - for stdout");
             }
             c.recordPath = v;
             return std::nullopt;
         }},
        {"--pcap",
         [&](const std::string& f, const std::string& v) -> std::optional<std::string>
         {
             if (v.empty())
             {
                 return Refuse(f, v, "a file name");
             }
             c.pcapPath = v;
             return std::nullopt;
         }},
        {"--user",
         [&](const std::string& f, const std::string& v) -> std::optional<std::string>
         {
             if (v.empty())
             {
                 return Refuse(f, v, "a user name");
             }
             c.user = v;
             return std::nullopt;
         }},
        {"--rst-filter",
         [&](const std::string& f, const std::string& v) -> std::optional<std::string>
         {
             if (v != "nft" && v != "none")
             {
                 return Refuse(f, v, "nft, none");
             }
             c.rstFilter = v == "nft" ? RstFilter::Nft : RstFilter::None;
             return std::nullopt;
         }},
        {"--tun",
         [&](const std::string& f, const std::string& v) -> std::optional<std::string>
         {
             if (v.empty() || v.size() >= IFNAMSIZ || v.find('/') != std::string::npos
                 || v.find_first_of(" \t") != std::string::npos)
             {
                 return Refuse(f, v, "an interface name of 1..15 characters");
             }
             c.tunName = v;
             return std::nullopt;
         }},
        {"--tun-address",
         [&](const std::string& f, const std::string& v) -> std::optional<std::string>
         {
             auto slash = v.find('/');
             uint64_t len = 0;
             if (slash == std::string::npos
                 || Address(f, v.substr(0, slash), c.tunAddress).has_value()
                 || Integer(f, v.substr(slash + 1), 8, 30, len).has_value())
             {
                 return Refuse(f, v, "ADDR/LEN with LEN 8..30");
             }
             c.tunPrefix = static_cast<uint8_t>(len);
             haveTunAddress = true;
             return std::nullopt;
         }},
        {"--tun-mtu",
         [&](const std::string& f, const std::string& v)
         {
             uint64_t n = 0;
             auto e = Integer(f, v, 576, 1500, n);
             c.tunMtu = static_cast<uint32_t>(n);
             return e;
         }},
        {"--probe-rate",
         [&](const std::string& f, const std::string& v) -> std::optional<std::string>
         {
             if (v == "max")
             {
                 c.probeFlood = true;
                 c.probeRate = 0;
                 return std::nullopt;
             }
             if (Number(f, v, 0, 100000, c.probeRate))
             {
                 return Refuse(f, v, "0..100000 (per second) or max");
             }
             return std::nullopt;
         }},
        {"--probe-size",
         [&](const std::string& f, const std::string& v)
         {
             uint64_t n = 0;
             auto e = Integer(f, v, 64, 1400, n);
             c.probeSize = static_cast<uint32_t>(n);
             return e;
         }},
        {"--inner-local",
         [&](const std::string& f, const std::string& v)
         {
             haveInnerLocal = true;
             return Address(f, v, c.innerLocal);
         }},
        {"--inner-remote",
         [&](const std::string& f, const std::string& v)
         {
             haveInnerRemote = true;
             return Address(f, v, c.innerRemote);
         }},
        {"--asa",
         [&](const std::string& f, const std::string& v) -> std::optional<std::string>
         {
             static const std::vector<std::string> modes{"none",       "stateful", "normalizer",
                                                         "ips-strict", "proxy",    "bypass"};
             if (std::find(modes.begin(), modes.end(), v) == modes.end())
             {
                 return Refuse(f, v, "none, stateful, normalizer, ips-strict, proxy, bypass");
             }
             c.asaLabel = v;
             return std::nullopt;
         }},
        {"--loss-model",
         [&](const std::string& f, const std::string& v) -> std::optional<std::string>
         {
             if (v != "bernoulli" && v != "gilbert" && v != "trace" && v != "nth")
             {
                 return Refuse(f, v, "bernoulli, gilbert, trace, nth");
             }
             c.lossModelLabel = v;
             return std::nullopt;
         }},
        {"--loss",
         [&](const std::string& f, const std::string& v)
         {
             return Number(f, v, 0, 1, c.lossLabel);
         }},
        {"--param",
         [&](const std::string& f, const std::string& v) -> std::optional<std::string>
         {
             auto eq = v.find('=');
             if (eq == std::string::npos || eq == 0)
             {
                 return Refuse(f, v, "KEY=VALUE");
             }
             c.extraParameters[v.substr(0, eq)] = v.substr(eq + 1);
             return std::nullopt;
         }},
    };

    // The engine's parameters, with the table's ranges and refusals.
    for (const engine::ParameterSpec* spec : engine::EndpointParameters())
    {
        if (spec->interfaces & engine::kRunnerFlag)
        {
            flags["--" + std::string(spec->flag)]
                = [&c, spec](const std::string&, const std::string& v)
            {
                return SetParameter(*spec, v, c);
            };
        }
    }

    std::set<std::string> seen;
    std::set<std::string> paramKeys;
    for (size_t i = 0; i < args.size(); ++i)
    {
        std::string arg = args[i];
        if (arg == "--help" || arg == "-h")
        {
            return ConfigError{RunnerUsage(), true};
        }
        if (!wire::IsUtf8(arg))
        {
            return ConfigError{"argument " + wire::QuoteInput(arg) + ": not valid UTF-8"};
        }
        if (arg.rfind("--", 0) != 0 || arg.size() == 2)
        {
            return ConfigError{"unexpected argument '" + arg
                               + "': every argument is a flag, --name VALUE (see --help)"};
        }
        std::string name = arg;
        std::optional<std::string> value;
        if (auto eq = arg.find('='); eq != std::string::npos)
        {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
        }
        // One value per flag: a repeated flag is a mistake (which one was meant?), not an
        // override. Only --param repeats, once per key.
        if (name != "--param" && (switches.count(name) || flags.count(name))
            && !seen.insert(name).second)
        {
            return ConfigError{name + " given twice; each flag once (--param once per KEY)"};
        }
        if (auto s = switches.find(name); s != switches.end())
        {
            if (value)
            {
                return ConfigError{name + " takes no value"};
            }
            s->second();
            continue;
        }
        auto h = flags.find(name);
        if (h == flags.end())
        {
            return ConfigError{"unknown option " + name + " (see --help)"};
        }
        if (!value)
        {
            if (i + 1 >= args.size())
            {
                return ConfigError{name + ": needs a value (see --help)"};
            }
            value = args[++i];
            if (!wire::IsUtf8(*value))
            {
                return ConfigError{name + "=" + wire::QuoteInput(*value) + ": not valid UTF-8"};
            }
        }
        if (name == "--param" && !paramKeys.insert(value->substr(0, value->find('='))).second)
        {
            return ConfigError{"--param=" + *value + ": KEY " + value->substr(0, value->find('='))
                               + " given twice; each KEY once"};
        }
        if (auto e = h->second(name, *value))
        {
            return ConfigError{*e};
        }
    }

    if (!haveRole)
    {
        return ConfigError{"--role: required (client, headend)"};
    }
    if (!haveEncap)
    {
        return ConfigError{"--encap: required (ctcp, natt, esp, anyconnect)"};
    }
    if (c.local == 0)
    {
        return ConfigError{"--local: required (this end's outer IPv4 address)"};
    }
    if (c.remote == 0)
    {
        return ConfigError{"--remote: required (the peer's outer IPv4 address)"};
    }
    if (c.local == c.remote)
    {
        return ConfigError{"--remote=" + wire::Ipv4ToString(c.remote)
                           + ": allowed any address but --local's"};
    }
    if (!c.tunName.empty() && !haveTunAddress)
    {
        return ConfigError{"--tun-address: required with --tun (ADDR/LEN, LEN 8..30)"};
    }
    if (c.tunName.empty() && haveTunAddress)
    {
        return ConfigError{"--tun-address: allowed only with --tun"};
    }
    if (c.probeSize > c.tunMtu && !c.tunName.empty())
    {
        return ConfigError{"--probe-size=" + std::to_string(c.probeSize) + ": allowed 64.."
                           + std::to_string(c.tunMtu) + " (the --tun-mtu)"};
    }
    bool client = c.role == Role::Client;
    if (c.udpSourcePort != 0 && (!client || c.encap != Encap::Natt))
    {
        return ConfigError{"--udp-source-port: allowed only with --role client --encap natt"};
    }
    uint32_t defaultLocal = client ? 0xc6130001 : 0xc6130002; // 198.19.0.1 / 198.19.0.2
    if (!haveInnerLocal)
    {
        c.innerLocal = c.tunAddress != 0 ? c.tunAddress : defaultLocal;
    }
    if (!haveInnerRemote)
    {
        c.innerRemote = client ? 0xc6130002 : 0xc6130001;
    }
    return c;
}

} // namespace runner
} // namespace vpnsim
