/*
 * The table a reader of Cisco TAC document 113578 ("IPsec over TCP fails through an ASA with
 * IPS or inspection") will recognise: a 30-minute remote-access session with a steady inner
 * application (one UDP echo a second) through an ASA with inspection (full TCP proxy) or IPS
 * (in-order normalizer, strict inline IPS), at 0% and 1% loss between client and ASA, over
 * several seeds, beside the fixes.
 *
 *   vpnsim-tech-note-table [--seeds=5] [--loss=0.01] [--duration=1800]
 */
#include "helper/scenario.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
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
};

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t seeds = 5;
    double loss = 0.01;
    double duration = 1800;
    ns3::CommandLine cmd(__FILE__);
    cmd.Usage("Prints the tech-note table: which encapsulation survives which ASA at which loss.");
    cmd.AddValue("seeds", "seeds per row (1-100)", seeds);
    cmd.AddValue("loss", "loss fraction of the lossy rows (0 < loss < 1)", loss);
    cmd.AddValue("duration", "session length in seconds", duration);
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
    std::vector<Row> rows{
        {"cTCP, ASA inspection (proxy), no loss", "ctcp", "proxy", false},
        {"cTCP, ASA IPS (normalizer), no loss", "ctcp", "normalizer", false},
        {"cTCP, inline IPS strict, no loss", "ctcp", "ips-strict", false},
        {"cTCP, ASA inspection (proxy), loss", "ctcp", "proxy", true},
        {"cTCP, ASA IPS (normalizer), loss", "ctcp", "normalizer", true},
        {"cTCP, inline IPS strict, loss", "ctcp", "ips-strict", true},
        {"NAT-T (UDP 4500), proxy, loss", "natt", "proxy", true},
        {"native ESP, proxy, loss", "esp", "proxy", true},
        {"AnyConnect (TLS), proxy, loss", "anyconnect", "proxy", true},
        {"cTCP, tcp-state-bypass, loss", "ctcp", "bypass", true},
        {"cTCP, stateful firewall only, loss", "ctcp", "stateful", true},
    };
    std::printf("%-40s %6s  %-9s %-22s %s\n", "configuration", "loss", "outcome",
                "time to failure (s)", "cause");
    for (const Row& row : rows)
    {
        uint32_t failed = 0;
        std::vector<double> ttf;
        std::map<std::string, int> causes;
        for (uint32_t seed = 1; seed <= seeds; ++seed)
        {
            ns3::ScenarioParameters p;
            p.encap = row.encap;
            p.asa = row.asa;
            p.loss = row.lossy ? loss : 0.0;
            p.seed = seed;
            p.duration = duration;
            std::string invalid = ns3::ValidateScenario(p);
            if (!invalid.empty())
            {
                std::cerr << "vpnsim-tech-note-table: " << invalid << "\n";
                return 2;
            }
            auto r = ns3::RunScenario(p, ns3::TechNoteLine());
            if (r.failed)
            {
                ++failed;
                if (r.timeToFailureS)
                {
                    ttf.push_back(*r.timeToFailureS);
                }
                ++causes[r.cause.value_or("?")];
            }
        }
        std::string outcome = failed == 0 ? "works" : (failed == seeds ? "FAILS" : "flaky");
        outcome += " " + std::to_string(seeds - failed) + "/" + std::to_string(seeds);
        std::string times = "-";
        if (!ttf.empty())
        {
            std::sort(ttf.begin(), ttf.end());
            char buffer[64];
            std::snprintf(buffer, sizeof(buffer), "%.0f (%.0f-%.0f)", ttf[ttf.size() / 2],
                          ttf.front(), ttf.back());
            times = buffer;
        }
        std::string cause = "-";
        if (!causes.empty())
        {
            cause = std::max_element(causes.begin(), causes.end(),
                                     [](auto& a, auto& b)
                                     {
                                         return a.second < b.second;
                                     })
                        ->first;
        }
        std::printf("%-40s %5.1f%%  %-9s %-22s %s\n", row.label.c_str(),
                    (row.lossy ? loss : 0.0) * 100, outcome.c_str(), times.c_str(), cause.c_str());
        std::fflush(stdout);
    }
    std::printf("\ntime to failure: median (min-max) over the failed seeds, from tunnel up.\n");
    return 0;
}
