// A scenario's parameters: the ranges of vpnsim-run's own flags, where each endpoint flag lives,
// and the checks every run passes first.
#include "helper/inner-traffic.h"
#include "helper/lossy-link-helper.h"
#include "helper/queue-disc-choice.h"
#include "helper/scenario.h"

#include <array>
#include <map>
#include <set>
#include <string_view>
#include <vector>

namespace ns3
{

namespace
{

using vpnsim::engine::NumberText;

std::string
Range(const std::string& flag, const std::string& value, const std::string& allowed)
{
    return "--" + flag + "=" + value + ": allowed " + allowed;
}

using vpnsim::engine::kSimulationFlag;
using vpnsim::engine::ParameterSpec;
using vpnsim::engine::ParameterUnit;

// The scenario's own numeric parameters (the endpoint's are the engine's table).
constexpr ParameterSpec kLoss{"loss",
                              "",
                              ParameterUnit::Fraction,
                              0,
                              0,
                              1,
                              "",
                              kSimulationFlag,
                              "mean loss fraction on the client-ASA Internet link, both ways",
                              "a probability; 1 would cut the link",
                              true};
constexpr ParameterSpec kBurst{"burst",
                               "",
                               ParameterUnit::Packets,
                               3,
                               1,
                               1000,
                               "",
                               kSimulationFlag,
                               "mean loss burst length in packets (gilbert)",
                               "the model's"};
constexpr ParameterSpec kJitter{
    "jitter",
    "",
    ParameterUnit::Seconds,
    0,
    0,
    1,
    "",
    kSimulationFlag,
    "extra delay per packet on the Internet link, uniform up to this (s)",
    "the model's"};
constexpr ParameterSpec kDuration{"duration",
                                  "",
                                  ParameterUnit::Seconds,
                                  1800,
                                  10,
                                  7 * 86400,
                                  "",
                                  kSimulationFlag,
                                  "session length (s)",
                                  "the model's: up to a week"};
constexpr ParameterSpec kTrafficInterval{
    "traffic-interval",  "",           ParameterUnit::Seconds, 1, 0.001, 3600, "", kSimulationFlag,
    "echo interval (s)", "the model's"};
constexpr ParameterSpec kTrafficSize{"traffic-size",
                                     "",
                                     ParameterUnit::Bytes,
                                     200,
                                     8,
                                     1300,
                                     "",
                                     kSimulationFlag,
                                     "echo payload bytes",
                                     "up to what the 1380-byte tunnel MTU carries"};
constexpr std::array<const ParameterSpec*, 6> kScenarioSpecs{
    &kLoss, &kBurst, &kJitter, &kDuration, &kTrafficInterval, &kTrafficSize};

/// Where each endpoint parameter that is a vpnsim-run flag lives.
const std::vector<ScenarioEndpointField>&
EndpointFieldTable()
{
    using namespace vpnsim::engine::parameter;
    static const std::map<std::string_view, double ScenarioParameters::*> kFields{
        {kPeerTimeout.flag, &ScenarioParameters::peerTimeout},
        {kClientDpdIdle.flag, &ScenarioParameters::dpdIdle},
        {kClientDpdRetry.flag, &ScenarioParameters::dpdRetry},
        {kAsaDpdThreshold.flag, &ScenarioParameters::asaDpdThreshold},
        {kAsaDpdRetry.flag, &ScenarioParameters::asaDpdRetry},
        {kNatKeepalive.flag, &ScenarioParameters::natKeepalive},
        {kAnyConnectDpd.flag, &ScenarioParameters::anyConnectDpd},
        {kAnyConnectKeepalive.flag, &ScenarioParameters::anyConnectKeepalive},
        {kIdleTimeout.flag, &ScenarioParameters::idleTimeout},
        {kIkeLifetime.flag, &ScenarioParameters::ikeLifetime},
        {kIpsecLifetime.flag, &ScenarioParameters::ipsecLifetime},
        {kIpsecLifetimeKb.flag, &ScenarioParameters::ipsecLifetimeKb},
    };
    static const std::vector<ScenarioEndpointField> kTable = []
    {
        std::vector<ScenarioEndpointField> table;
        for (const ParameterSpec* spec : vpnsim::engine::EndpointParameters())
        {
            if ((spec->interfaces & kSimulationFlag)
                && (spec->unit == ParameterUnit::Seconds || spec->unit == ParameterUnit::Kilobytes))
            {
                // A flag in the engine's table without a field here is a programming error.
                NS_ABORT_MSG_IF(!kFields.count(spec->flag),
                                "ScenarioParameters has no field for --" << spec->flag);
                table.push_back({spec, kFields.at(spec->flag)});
            }
        }
        NS_ABORT_MSG_IF(table.size() != kFields.size(),
                        "ScenarioParameters has a field for a parameter that is not a flag");
        return table;
    }();
    return kTable;
}

} // namespace

std::span<const ScenarioEndpointField>
ScenarioEndpointFields()
{
    return EndpointFieldTable();
}

std::span<const ParameterSpec* const>
ScenarioParameterSpecs()
{
    return kScenarioSpecs;
}

std::string
InternetLossSpec(const ScenarioParameters& p)
{
    if (p.lossModel == "trace")
    {
        return "trace:" + p.lossTrace;
    }
    if (p.loss == 0)
    {
        return "none";
    }
    if (p.lossModel == "gilbert")
    {
        return "gilbert:loss=" + NumberText(p.loss) + ",burst=" + NumberText(p.burst);
    }
    return "bernoulli:" + NumberText(p.loss);
}

std::string
ValidateScenario(const ScenarioParameters& p)
{
    static const std::set<std::string> kEncaps{"ctcp", "natt", "esp", "anyconnect"};
    static const std::set<std::string> kAsaModes{"none",       "stateful", "normalizer",
                                                 "ips-strict", "proxy",    "bypass"};
    static const std::set<std::string> kLossModels{"bernoulli", "gilbert", "trace"};
    if (!kEncaps.count(p.encap))
    {
        return Range("encap", p.encap, "ctcp, natt, esp, anyconnect");
    }
    if (!kAsaModes.count(p.asa))
    {
        return Range("asa", p.asa, "none, stateful, normalizer, ips-strict, proxy, bypass");
    }
    if (!kLoss.Allows(p.loss))
    {
        return Range("loss", NumberText(p.loss),
                     "0 <= loss < 1 (a fraction: 0.01 is 1%), not subnormal (below 2.2e-308)");
    }
    if (!kLossModels.count(p.lossModel))
    {
        return Range("loss-model", p.lossModel, "bernoulli, gilbert, trace");
    }
    if (p.lossModel == "gilbert" && p.loss > 0 && !kBurst.Allows(p.burst))
    {
        return Range("burst", NumberText(p.burst), "1 <= burst <= 1000 (packets)");
    }
    if (p.lossModel != "trace")
    {
        // What RunScenario will build, built here first so that it cannot fail there.
        auto model = MakeLossModel(InternetLossSpec(p), 0);
        if (!model)
        {
            return "--loss=" + NumberText(p.loss)
                   + (p.lossModel == "gilbert" ? " --burst=" + NumberText(p.burst) : "") + ": "
                   + model.GetError().detail;
        }
    }
    if (p.lossModel == "trace")
    {
        if (p.loss != 0)
        {
            return Range("loss", NumberText(p.loss),
                         "0 with --loss-model=trace (the trace says which packets are lost)");
        }
        if (p.lossTrace.empty())
        {
            return "--loss-trace: required with --loss-model=trace (a drop list file)";
        }
        auto model = MakeLossModel(InternetLossSpec(p), 0);
        if (!model)
        {
            return "--loss-trace=" + p.lossTrace + ": " + model.GetError().detail;
        }
    }
    for (const auto& [spec, value] :
         {std::pair{&kJitter, p.jitter}, std::pair{&kDuration, p.duration}})
    {
        if (!spec->Allows(value))
        {
            return "--" + spec->Refusal(value);
        }
    }
    if (p.seed < 1)
    {
        return Range("seed", std::to_string(p.seed), "1 to 2^64-1");
    }
    if (p.transform != "aes-cbc-128-hmac-sha1-96" && p.transform != "aes-cbc-256-hmac-sha1-96"
        && p.transform != "aes-gcm-128" && p.transform != "aes-gcm-256"
        && p.transform != "null-hmac-sha1-96")
    {
        return Range("transform", p.transform,
                     "aes-cbc-128-hmac-sha1-96, aes-cbc-256-hmac-sha1-96, aes-gcm-128, "
                     "aes-gcm-256, null-hmac-sha1-96");
    }
    for (const ScenarioEndpointField& f : EndpointFieldTable())
    {
        if (!f.spec->Allows(p.*f.seconds))
        {
            return "--" + f.spec->Refusal(p.*f.seconds);
        }
    }
    if (!kTrafficInterval.Allows(p.trafficInterval))
    {
        return "--" + kTrafficInterval.Refusal(p.trafficInterval);
    }
    if (!IsTrafficProfile(p.traffic))
    {
        return Range("traffic", p.traffic, kTrafficProfiles);
    }
    if (!IsQueueDisc(p.queueDisc))
    {
        return Range("queue-disc", p.queueDisc, kQueueDiscs);
    }
    if (!kTrafficSize.Allows(p.trafficSize))
    {
        return "--" + kTrafficSize.Refusal(p.trafficSize) + " (the tunnel MTU is 1380)";
    }
    return "";
}

std::string
ValidateScenarioOnTopology(const ScenarioParameters& p, const TopologySpec& topology,
                           const std::string& origin)
{
    // Each Internet-hop parameter applies to the edges marked internet that do not set their
    // own value; a record must not report one that no link received.
    bool lossApplies = false;
    bool jitterApplies = false;
    for (const TopologyEdge& e : topology.edges)
    {
        lossApplies |= e.internet && e.loss == "none" && e.lossReverse == "none";
        jitterApplies |= e.internet && ParseDelay(e.jitter).value_or(Seconds(1)).IsZero();
    }
    const std::string where = origin + " has no edge marked internet=true";
    if (!lossApplies && p.lossModel == "trace")
    {
        return "--loss-model=trace: " + where
               + " without a loss of its own, so the trace would not apply; allowed there: "
                 "bernoulli with --loss=0";
    }
    if (!lossApplies && p.loss != 0)
    {
        return Range("loss", NumberText(p.loss),
                     "0 only: " + where + " without a loss of its own, so no link would get it");
    }
    if (!jitterApplies && p.jitter != 0)
    {
        return Range("jitter", NumberText(p.jitter),
                     "0 only: " + where + " without a jitter of its own, so no link would get it");
    }
    if (p.asa != "none" && topology.WithRole("asa").empty())
    {
        return Range("asa", p.asa, "none only: " + origin + " has no vertex with role=asa");
    }
    return "";
}

} // namespace ns3
