/*
 * The table a reader of Cisco TAC document 113578 ("IPsec over TCP fails through an ASA with
 * IPS or inspection") will recognise: a 30-minute remote-access session with a steady inner
 * application (one UDP echo a second) through an ASA with inspection (full TCP proxy), the TCP
 * normalizer's in-order queue or a strict inline IPS, at 0% and 1% loss between client and
 * ASA, over several seeds run in parallel, beside the fixes.
 *
 *   vpnsim-tech-note-table [--seeds=5] [--loss=0.01] [--duration=1800] [--workers=N]
 *
 * Each row counts the tunnels that died among those that came up, with the Wilson 95 %
 * interval of that rate, and the tunnels that never came up (setup failures) apart.
 */
#include "helper/outcome-summary.h"
#include "helper/scenario.h"
#include "helper/seed-pool.h"

#include <cstdio>
#include <iostream>
#include <ns3/command-line.h>
#include <string>
#include <vector>

namespace
{

struct Row
{
    std::string label;
    std::string encap;
    std::string asa;
    bool lossy;
    ns3::OutcomeSummary outcomes;
};

std::string
Percent(double p)
{
    char b[16];
    std::snprintf(b, sizeof(b), "%.0f%%", p * 100);
    return b;
}

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t seeds = 5;
    double loss = 0.01;
    double duration = 1800;
    uint32_t workers = ns3::DefaultWorkers();
    ns3::CommandLine cmd(__FILE__);
    cmd.Usage("Prints the tech-note table: which encapsulation survives which ASA at which loss.");
    cmd.AddValue("seeds", "seeds per row (1-100)", seeds);
    cmd.AddValue("loss", "loss fraction of the lossy rows (0 < loss < 1)", loss);
    cmd.AddValue("duration", "session length in seconds", duration);
    cmd.AddValue("workers", "worker processes (default: one per core; 1-256)", workers);
    cmd.Parse(argc, argv);
    if (seeds < 1 || seeds > 100)
    {
        std::cerr << "vpnsim-tech-note-table: --seeds=" << seeds << ": allowed 1 to 100\n";
        return 2;
    }
    if (!(loss > 0 && loss < 1))
    {
        std::cerr << "vpnsim-tech-note-table: --loss=" << loss << ": allowed 0 < loss < 1\n";
        return 2;
    }
    if (workers < 1 || workers > 256)
    {
        std::cerr << "vpnsim-tech-note-table: --workers=" << workers << ": allowed 1 to 256\n";
        return 2;
    }
    std::vector<Row> rows{
        {"cTCP, ASA inspection (proxy), no loss", "ctcp", "proxy", false, {}},
        {"cTCP, ASA normalizer queue, no loss", "ctcp", "normalizer", false, {}},
        {"cTCP, inline IPS strict, no loss", "ctcp", "ips-strict", false, {}},
        {"cTCP, ASA inspection (proxy), loss", "ctcp", "proxy", true, {}},
        {"cTCP, ASA normalizer queue, loss", "ctcp", "normalizer", true, {}},
        {"cTCP, inline IPS strict, loss", "ctcp", "ips-strict", true, {}},
        {"NAT-T (UDP 4500), proxy, loss", "natt", "proxy", true, {}},
        {"native ESP, proxy, loss", "esp", "proxy", true, {}},
        {"AnyConnect (TLS), proxy, loss", "anyconnect", "proxy", true, {}},
        {"cTCP, tcp-state-bypass, loss", "ctcp", "bypass", true, {}},
        {"cTCP, stateful firewall only, loss", "ctcp", "stateful", true, {}},
    };
    std::vector<ns3::PoolJob> jobs;
    for (size_t i = 0; i < rows.size(); ++i)
    {
        for (uint32_t seed = 1; seed <= seeds; ++seed)
        {
            ns3::ScenarioParameters p;
            p.encap = rows[i].encap;
            p.asa = rows[i].asa;
            p.loss = rows[i].lossy ? loss : 0.0;
            p.seed = seed;
            p.duration = duration;
            std::string invalid = ns3::ValidateScenario(p);
            if (!invalid.empty())
            {
                std::cerr << "vpnsim-tech-note-table: " << invalid << "\n";
                return 2;
            }
            jobs.push_back({p, i});
        }
    }
    size_t taken = 0;
    std::string error = ns3::RunPool(
        ns3::TechNoteLine(), workers,
        [&]() -> std::optional<ns3::PoolJob>
        {
            return taken < jobs.size() ? std::optional(jobs[taken++]) : std::nullopt;
        },
        [&](const ns3::PoolJob& job, const vpnsim::engine::RunRecord& record)
        {
            rows[job.tag].outcomes.Add(record);
        });
    if (!error.empty())
    {
        std::cerr << "vpnsim-tech-note-table: " << error << "\n";
        return 1;
    }

    std::printf("%-38s %5s  %-17s %-10s %-8s %-14s %s\n", "configuration", "loss",
                "tunnels that died", "95% CI", "no setup", "time to fail", "cause");
    for (const Row& row : rows)
    {
        const auto& o = row.outcomes;
        uint64_t up = o.Established();
        uint64_t died = o.Died();
        // Failures counted as failures: "FAILS 30/30" is 30 of 30 established tunnels dead.
        std::string outcome = up == 0 ? "-" : died == 0 ? "works" : died == up ? "FAILS" : "flaky";
        outcome += " " + std::to_string(died) + "/" + std::to_string(up);
        auto interval = o.DeathInterval();
        std::string ci = up == 0 ? "-" : Percent(interval.low) + "-" + Percent(interval.high);
        std::string setup = std::to_string(o.SetupFailures()) + "/" + std::to_string(o.Runs());
        std::string time = "-";
        if (auto median = o.MedianTimeToFailure())
        {
            char b[32];
            std::snprintf(b, sizeof(b), "%.0f s", *median);
            time = b;
        }
        std::string cause = "-";
        uint64_t most = 0;
        for (const auto& [name, count] : o.Causes())
        {
            if (count > most)
            {
                cause = name;
                most = count;
            }
        }
        std::printf("%-38s %4.1f%%  %-17s %-10s %-8s %-14s %s\n", row.label.c_str(),
                    (row.lossy ? loss : 0.0) * 100, outcome.c_str(), ci.c_str(), setup.c_str(),
                    time.c_str(), cause.c_str());
    }
    std::printf("\ntunnels that died: of the seeds whose tunnel came up, how many went down within "
                "the session (Wilson 95%% interval);\nno setup: seeds whose tunnel never came up; "
                "time to fail: median over the tunnels that died, from tunnel up.\n");
    return 0;
}
