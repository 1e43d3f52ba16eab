/*
 * vpnsim-advise: "will my tunnel survive this loss through this firewall, and what should I
 * switch to?" in one command. It runs the question's scenario for each way of carrying the
 * tunnel (cTCP, NAT-T, native ESP, AnyConnect, cTCP with tcp-state-bypass) over as many seeds
 * as it takes to pin each failure probability down to the precision asked, on every core, and
 * answers with a table (or JSON): the probability that an established tunnel dies within the
 * session and its Wilson 95 % interval, setup failures apart, the median time to failure, the
 * analytic prediction for cTCP through an in-order device, and one recommendation with Cisco's
 * reason (TAC document 113578).
 *
 *   vpnsim-advise --loss=0.5% --firewall=ips
 *   vpnsim-advise --ping-log=ping.txt --firewall=inspection --session=8h --traffic=voip --json
 *
 * Seeds are taken in order (1, 2, ...) and each option stops at the first n at which its
 * interval is narrow enough, so the answer does not depend on how many cores ran it.
 */
#include "examples/advise-question.h"
#include "helper/outcome-summary.h"
#include "helper/scenario.h"
#include "helper/seed-pool.h"
#include "vpnsim-version.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <ns3/command-line.h>

namespace
{

using namespace vpnsim::advise;

int
Refuse(const std::string& message)
{
    std::cerr << "vpnsim-advise: " << message << "\n";
    return 2;
}

/// One option's seeds, in order; the summary covers seeds 1..decided once it is decided.
struct Row
{
    TunnelOption option;
    ns3::ScenarioParameters parameters;
    std::map<uint64_t, vpnsim::engine::RunRecord> bySeed;
    uint64_t nextSeed{1};
    std::optional<uint64_t> decided;
    ns3::OutcomeSummary summary;
};

/// The summary of seeds 1..n, if they have all come back.
std::optional<ns3::OutcomeSummary>
Prefix(const Row& row, uint64_t n)
{
    ns3::OutcomeSummary s;
    for (uint64_t seed = 1; seed <= n; ++seed)
    {
        auto it = row.bySeed.find(seed);
        if (it == row.bySeed.end())
        {
            return std::nullopt;
        }
        s.Add(it->second);
    }
    return s;
}

/// Narrow enough: the interval of the question's answer, an established tunnel dying within
/// the session, within the precision after at least `minimum` seeds. Setup failures are
/// reported with their interval but do not keep the runs going, unless no tunnel came up.
bool
Enough(const ns3::OutcomeSummary& s, uint64_t minimum, double precision)
{
    if (s.Runs() < minimum)
    {
        return false;
    }
    if (s.Established() == 0)
    {
        return s.SetupFailureInterval().HalfWidth() <= precision; // it does not come up
    }
    return s.DeathInterval().HalfWidth() <= precision;
}

std::string
Percent(double p)
{
    char b[16];
    std::snprintf(b, sizeof(b), p >= 0.9995 || p < 0.0005 ? "%.0f%%" : "%.1f%%", p * 100);
    return b;
}

std::string
Duration(std::optional<double> s)
{
    if (!s)
    {
        return "-";
    }
    char b[32];
    if (*s < 120)
    {
        std::snprintf(b, sizeof(b), "%.0f s", *s);
    }
    else if (*s < 7200)
    {
        std::snprintf(b, sizeof(b), "%.1f min", *s / 60);
    }
    else
    {
        std::snprintf(b, sizeof(b), "%.1f h", *s / 3600);
    }
    return b;
}

/// The analytic prediction for a row, where the model applies: the sweep's own
/// (experiments/vpnsim_sweep/analytic.py, prediction_for), run by Python so that there is one
/// formula. Null where it does not apply or Python cannot run it.
nlohmann::ordered_json
Analytic(const Row& row)
{
    const auto& p = row.parameters;
    nlohmann::json run;
    run["flags"] = {{"encap", p.encap},
                    {"asa", p.asa},
                    {"loss-model", p.lossModel},
                    {"duration", p.duration},
                    {"traffic", p.traffic},
                    {"traffic-interval", p.trafficInterval},
                    {"peer-timeout", p.peerTimeout},
                    {"dpd-idle", p.dpdIdle},
                    {"asa-dpd-threshold", p.asaDpdThreshold},
                    {"asa-dpd-retry", p.asaDpdRetry}};
    run["loss"] = p.loss;
    // No single quotes in the program or the JSON (fixed words and numbers): one shell word each.
    const char* program =
        "import json, sys; sys.path.insert(0, sys.argv[1]); "
        "from vpnsim_sweep import analytic; run = json.loads(sys.argv[2]); "
        "pred = analytic.prediction_for(run); "
        "loss = run[\"loss\"]; "
        "print(json.dumps(None if pred is None else {"
        "\"p_die_if_established\": 1 - (1 - pred.p_fail(loss)) / pred.p_setup_ok(loss), "
        "\"p_setup_fail\": 1 - pred.p_setup_ok(loss), \"p_fail\": pred.p_fail(loss), "
        "\"packets_at_risk\": pred.segments, \"detection_delay_s\": pred.detection_delay_s, "
        "\"detected_by\": pred.detected_by}))";
    std::string command = std::string(VPNSIM_PYTHON3) + " -c '" + program + "' '"
                          + VPNSIM_SOURCE_DIR + "/experiments' '" + run.dump() + "' 2>/dev/null";
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe)
    {
        return nullptr;
    }
    std::string output;
    std::array<char, 512> buffer;
    while (size_t n = fread(buffer.data(), 1, buffer.size(), pipe))
    {
        output.append(buffer.data(), n);
    }
    if (pclose(pipe) != 0)
    {
        return nullptr;
    }
    try
    {
        return nlohmann::ordered_json::parse(output);
    }
    catch (const nlohmann::json::exception&)
    {
        return nullptr;
    }
}

/// The option to take: the lowest chance of dying (the upper end of its interval breaks ties
/// and penalises few established tunnels), in Cisco's order among equals.
size_t
Recommend(const std::vector<Row>& rows)
{
    size_t best = 0;
    auto score = [](const Row& r)
    {
        // A tunnel that rarely comes up is no answer either: count setup failures too.
        return std::max(r.summary.DeathInterval().high, r.summary.SetupFailureInterval().high);
    };
    for (size_t i = 1; i < rows.size(); ++i)
    {
        if (score(rows[i]) < score(rows[best]) - 1e-12)
        {
            best = i;
        }
    }
    return best;
}

} // namespace

int
main(int argc, char* argv[])
{
    for (int i = 1; i < argc; ++i)
    {
        if (std::string(argv[i]) == "--version")
        {
            std::cout << "vpnsim-advise " << VPNSIM_VERSION << " (git " << VPNSIM_GIT_REVISION
                      << ")\n";
            return 0;
        }
    }
    ns3::ScenarioParameters base; // vpnsim-run's defaults: Cisco's timers
    std::string loss, pingLog, lossTrace, session = "30min", traffic = "echo";
    std::string firewall = "inspection", recordsFile;
    double burst = 0;
    double precision = 0.1;
    uint32_t minSeeds = 10;
    uint32_t maxSeeds = 400;
    uint32_t workers = ns3::DefaultWorkers();
    bool json = false;

    std::string profiles;
    for (const auto& t : TrafficProfiles())
    {
        profiles += "\n    " + t.name + std::string(12 - t.name.size(), ' ') + t.meaning;
    }
    std::string features;
    for (const auto& f : FirewallFeatures())
    {
        features += "\n    " + f.name + std::string(12 - f.name.size(), ' ') + "--asa=" + f.asa
                    + ": " + f.meaning;
    }
    ns3::CommandLine cmd(__FILE__);
    cmd.Usage("Will my VPN tunnel survive this loss through this firewall, and what should I "
              "switch to? Runs the question for cTCP, NAT-T, native ESP, AnyConnect and cTCP "
              "with tcp-state-bypass on every core, seeds 1, 2, ... until each answer's 95 % "
              "interval is within --precision, and prints one row per option.\n\n"
              "Firewall features (--firewall), each the ASA mode that models it:"
              + features + "\n\nTraffic profiles (--traffic):" + profiles
              + "\n\nThe timers are vpnsim-run's flags of the same names, Cisco's defaults."
                "\n--version prints vpnsim's version and git revision.");
    cmd.AddValue("loss",
                 "measured loss on the Internet path, each direction: a percentage (0.5%) or a "
                 "fraction (0.005); allowed 0 to 99.9% (default 0)",
                 loss);
    cmd.AddValue("ping-log", "or: a saved ping output (Linux or Windows); its loss and bursts",
                 pingLog);
    cmd.AddValue("loss-trace",
                 "or: a drop list (packet indices, or times with 'mode time'), replayed exactly",
                 lossTrace);
    cmd.AddValue("burst",
                 "mean length of a loss burst, packets (default: independent losses; allowed 1 "
                 "to 1000)",
                 burst);
    cmd.AddValue("session", "session length: seconds, or 90s, 30min, 8h (default 30min)",
                 session);
    cmd.AddValue("traffic", "what the tunnel carries: idle, keepalive, echo, voip, office, bulk "
                            "(default echo)",
                 traffic);
    cmd.AddValue("firewall",
                 "the firewall's TCP feature: inspection, ips, normalizer, stateful, bypass, "
                 "none (default inspection)",
                 firewall);
    // The timers: vpnsim-run's flags, their text and ranges from the engine's parameter table.
    for (const ns3::ScenarioEndpointField& f : ns3::ScenarioEndpointFields())
    {
        cmd.AddValue(std::string(f.spec->flag),
                     std::string(f.spec->help) + " (default "
                         + vpnsim::engine::NumberText(f.spec->defaultValue) + "; allowed "
                         + f.spec->AllowedText() + ")",
                     base.*f.seconds);
    }
    cmd.AddValue("precision",
                 "stop when each 95 % interval's half-width is at most this (default 0.1; "
                 "allowed 0.005 to 0.5)",
                 precision);
    cmd.AddValue("min-seeds", "seeds at least, per option (default 10; 1 to 100000)", minSeeds);
    cmd.AddValue("max-seeds", "seeds at most, per option (default 400; 1 to 100000)", maxSeeds);
    cmd.AddValue("workers", "worker processes (default: one per core; 1 to 256)", workers);
    cmd.AddValue("json", "print the answer as one JSON object", json);
    cmd.AddValue("records", "also write every run's record to this file, one JSON line each",
                 recordsFile);
    cmd.Parse(argc, argv);

    // The loss, from exactly one source.
    int sources = !loss.empty() + !pingLog.empty() + !lossTrace.empty();
    if (sources > 1)
    {
        return Refuse("--loss, --ping-log, --loss-trace: give one of them");
    }
    std::string lossText;
    base.loss = 0;
    if (!loss.empty())
    {
        std::string error = ParseLoss(loss, base.loss);
        if (!error.empty())
        {
            return Refuse(error);
        }
        lossText = Percent(base.loss) + " loss";
    }
    if (!pingLog.empty())
    {
        std::ifstream in(pingLog);
        auto ping = in ? ParsePingLog(in) : std::nullopt;
        if (!ping)
        {
            return Refuse("--ping-log=" + pingLog
                          + ": not readable as ping output (no replies or summary line)");
        }
        if (ping->loss >= 0.999)
        {
            return Refuse("--ping-log=" + pingLog + ": allowed 0 to 99.9% loss; this log lost "
                          + std::to_string(ping->sent - ping->received) + " of "
                          + std::to_string(ping->sent));
        }
        base.loss = ping->loss;
        if (burst == 0 && ping->meanBurst > 1.05)
        {
            burst = ping->meanBurst;
        }
        char b[160];
        std::snprintf(b, sizeof(b), "%s loss (ping: %llu of %llu lost, bursts of %.2g)",
                      Percent(base.loss).c_str(),
                      static_cast<unsigned long long>(ping->sent - ping->received),
                      static_cast<unsigned long long>(ping->sent), ping->meanBurst);
        lossText = b;
    }
    if (!lossTrace.empty())
    {
        base.lossModel = "trace";
        base.lossTrace = lossTrace;
        lossText = "the loss trace " + lossTrace;
    }
    if (lossText.empty())
    {
        lossText = "no loss";
    }
    if (burst != 0 && base.lossModel != "trace")
    {
        base.lossModel = "gilbert";
        base.burst = burst;
        char b[48];
        std::snprintf(b, sizeof(b), " in bursts of %.3g", burst);
        lossText += base.loss > 0 && pingLog.empty() ? b : "";
    }
    std::string error = ParseSession(session, base.duration);
    if (!error.empty())
    {
        return Refuse(error);
    }
    const TrafficProfile* profile = FindNamed(TrafficProfiles(), traffic);
    if (!profile)
    {
        return Refuse("--traffic=" + traffic + ": allowed " + Names(TrafficProfiles()));
    }
    base.traffic = profile->traffic;
    base.trafficInterval = profile->interval;
    base.trafficSize = profile->size;
    const FirewallFeature* feature = FindNamed(FirewallFeatures(), firewall);
    if (!feature)
    {
        return Refuse("--firewall=" + firewall + ": allowed " + Names(FirewallFeatures()));
    }
    if (!(precision >= 0.005 && precision <= 0.5))
    {
        return Refuse("--precision=" + std::to_string(precision) + ": allowed 0.005 to 0.5");
    }
    if (minSeeds < 1 || minSeeds > 100000 || maxSeeds < 1 || maxSeeds > 100000
        || minSeeds > maxSeeds)
    {
        return Refuse("--min-seeds=" + std::to_string(minSeeds) + " --max-seeds="
                      + std::to_string(maxSeeds) + ": allowed 1 to 100000, min <= max");
    }
    if (workers < 1 || workers > 256)
    {
        return Refuse("--workers=" + std::to_string(workers) + ": allowed 1 to 256");
    }

    std::vector<Row> rows;
    for (const auto& option : TunnelOptions())
    {
        Row row;
        row.option = option;
        row.parameters = base;
        row.parameters.encap = option.encap;
        row.parameters.asa = option.asa.value_or(feature->asa);
        std::string invalid = ns3::ValidateScenario(row.parameters);
        if (!invalid.empty())
        {
            return Refuse(invalid);
        }
        rows.push_back(row);
    }

    // Round robin over the options not yet decided, seeds in order within each.
    size_t turn = 0;
    auto next = [&]() -> std::optional<ns3::PoolJob>
    {
        for (size_t k = 0; k < rows.size(); ++k)
        {
            size_t i = (turn + k) % rows.size();
            Row& row = rows[i];
            if (row.decided || row.nextSeed > maxSeeds)
            {
                continue;
            }
            turn = i + 1;
            ns3::PoolJob job{row.parameters, i};
            job.parameters.seed = row.nextSeed++;
            return job;
        }
        return std::nullopt;
    };
    auto done = [&](const ns3::PoolJob& job, const vpnsim::engine::RunRecord& record)
    {
        Row& row = rows[job.tag];
        row.bySeed[job.parameters.seed] = record;
        for (uint64_t n = minSeeds; !row.decided && n <= maxSeeds; ++n)
        {
            auto prefix = Prefix(row, n);
            if (!prefix)
            {
                break;
            }
            if (Enough(*prefix, minSeeds, precision) || n == maxSeeds)
            {
                row.decided = n;
            }
        }
    };
    std::string failure = ns3::RunPool(ns3::TechNoteLine(), workers, next, done);
    if (!failure.empty())
    {
        std::cerr << "vpnsim-advise: " << failure << "\n";
        return 1;
    }
    for (Row& row : rows)
    {
        row.summary = *Prefix(row, row.decided.value_or(maxSeeds));
    }
    if (!recordsFile.empty())
    {
        std::ofstream out(recordsFile);
        for (const Row& row : rows)
        {
            for (const auto& r : row.summary.Records())
            {
                out << vpnsim::engine::ToJson(r) << "\n";
            }
        }
        if (!out)
        {
            return Refuse("--records=" + recordsFile + ": cannot be written");
        }
    }

    std::vector<nlohmann::ordered_json> analytics;
    for (const Row& row : rows)
    {
        analytics.push_back(Analytic(row));
    }
    size_t best = Recommend(rows);
    const Row& ctcp = rows[0];
    std::string verdict;
    bool ctcpFine = best == 0;
    if (ctcpFine)
    {
        verdict = "keep cTCP: no other option does better here (it fails only where a device "
                  "holds its TCP stream and a segment is lost, Cisco TAC document 113578)";
    }
    else
    {
        verdict = "switch to " + rows[best].option.label + ": " + rows[best].option.reason
                  + " (Cisco TAC document 113578)";
    }
    char question[512];
    std::snprintf(question, sizeof(question),
                  "Will the tunnel survive %s for a %s session of %s traffic through %s "
                  "(--asa=%s)?",
                  lossText.c_str(), Duration(base.duration).c_str(), traffic.c_str(),
                  feature->phrase.c_str(), feature->asa.c_str());

    if (json)
    {
        nlohmann::ordered_json j;
        j["question"] = question;
        j["loss"] = base.loss;
        j["loss_model"] = base.lossModel;
        j["session_s"] = base.duration;
        j["traffic"] = traffic;
        j["firewall"] = feature->name;
        j["asa"] = feature->asa;
        j["precision"] = precision;
        j["options"] = nlohmann::ordered_json::array();
        for (const Row& row : rows)
        {
            const auto& s = row.summary;
            nlohmann::ordered_json o;
            o["option"] = row.option.label;
            o["encap"] = row.parameters.encap;
            o["asa"] = row.parameters.asa;
            o["seeds"] = s.Runs();
            o["established"] = s.Established();
            o["setup_failures"] = s.SetupFailures();
            o["setup_failure_low"] = s.SetupFailureInterval().low;
            o["setup_failure_high"] = s.SetupFailureInterval().high;
            o["died"] = s.Died();
            o["p_fail"] = s.DeathRate() ? nlohmann::ordered_json(*s.DeathRate())
                                        : nlohmann::ordered_json();
            o["p_fail_low"] = s.DeathInterval().low;
            o["p_fail_high"] = s.DeathInterval().high;
            auto median = s.MedianTimeToFailure();
            o["median_time_to_failure_s"] = median ? nlohmann::ordered_json(*median)
                                                   : nlohmann::ordered_json();
            o["causes"] = s.Causes();
            o["analytic"] = analytics[&row - rows.data()];
            o["reason"] = row.option.reason;
            j["options"].push_back(o);
        }
        j["recommendation"] = {{"option", ctcpFine ? ctcp.option.label : rows[best].option.label},
                               {"text", verdict}};
        std::cout << j.dump() << std::endl;
        return 0;
    }
    std::printf("%s\n\n", question);
    std::printf("%-24s %7s  %-15s %-13s %-16s %-10s %s\n", "option", "fails", "95% interval",
                "setup failed", "median to fail", "analytic", "seeds");
    for (const Row& row : rows)
    {
        const auto& s = row.summary;
        auto rate = s.DeathRate();
        auto interval = s.DeathInterval();
        std::string range = rate ? Percent(interval.low) + "-" + Percent(interval.high) : "-";
        std::string setup = std::to_string(s.SetupFailures()) + "/" + std::to_string(s.Runs());
        const auto& analytic = analytics[&row - rows.data()];
        std::string predicted
            = analytic.is_null() ? "-" : Percent(analytic["p_die_if_established"].get<double>());
        std::printf("%-24s %7s  %-15s %-13s %-16s %-10s %llu\n", row.option.label.c_str(),
                    rate ? Percent(*rate).c_str() : "-", range.c_str(), setup.c_str(),
                    Duration(s.MedianTimeToFailure()).c_str(), predicted.c_str(),
                    static_cast<unsigned long long>(s.Runs()));
    }
    std::printf("\nfails: an established tunnel goes down within the session (Wilson 95%% "
                "interval); setup failed: it never came up; median to fail: from tunnel up.\n");
    std::printf("Recommendation: %s.\n", verdict.c_str());
    return 0;
}
