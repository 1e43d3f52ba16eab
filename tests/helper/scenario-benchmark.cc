// Scenario benchmarks (never pass/fail; ctest only checks they run):
//  - one 30-minute tech-note run (cTCP through the proxy ASA, no loss, one echo a second) per
//    encapsulation: wall time and simulator events per second;
//  - a fleet of N remote-access clients on a branch office's switched LAN behind one PAT and
//    one ASA (N = 10, 100, 1000, 3000), each with its own NAT-T tunnel to the one headend that
//    serves them all, for 5 simulated minutes: wall time and peak memory, each N in a fresh
//    child process so that its peak RSS is its own; beside it N bare ns-3 nodes (IPv4 stack,
//    point-to-point link) as the memory baseline, and a table of the ratios.
#include "helper/scenario.h"
// Single headers, not the *-module.h aggregates (not valid C++20 in ns-3 3.37).
#include "ns3/boolean.h"
#include "ns3/global-value.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ns3;

namespace
{

const char* kEncaps[] = {"ctcp", "natt", "esp", "anyconnect"};

void
TechNoteRun(benchmark::State& state)
{
    ScenarioParameters p;
    p.encap = kEncaps[state.range(0)];
    p.asa = "proxy";
    uint64_t events = 0;
    for (auto _ : state)
    {
        ScenarioTimeline timeline;
        auto r = RunScenario(p, TechNoteLine(), &timeline);
        benchmark::DoNotOptimize(r.innerReceived);
        events += timeline.events;
    }
    state.SetLabel(p.encap);
    state.counters["events_per_s"]
        = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
    state.counters["events"]
        = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kAvgIterations);
}

/// A branch office of `clients` users on one switch behind the branch router's PAT, across
/// the Internet (20 ms, 100 Mbit/s) to the head office ASA and a core router in front of the
/// one headend that serves them all.
TopologySpec
FleetTopology(uint32_t clients)
{
    TopologySpec t;
    auto vertex = [&t](const std::string& name, const std::string& role)
    {
        t.vertices.push_back({name, role, "pat"});
        return t.vertices.size() - 1;
    };
    auto edge = [&t](size_t a, size_t b, const std::string& rate, const std::string& delay)
    {
        TopologyEdge e;
        e.first = a;
        e.second = b;
        e.rate = rate;
        e.delay = delay;
        t.edges.push_back(e);
        return t.edges.size() - 1;
    };
    std::vector<size_t> users;
    for (uint32_t i = 0; i < clients; ++i)
    {
        users.push_back(vertex("user" + std::to_string(i), "client"));
    }
    size_t lan = vertex("lan", "switch");
    size_t pat = vertex("branch", "nat");
    size_t asa = vertex("asa", "asa");
    size_t core = vertex("core", "router");
    size_t headend = vertex("headend", "headend");
    for (size_t u : users)
    {
        edge(u, lan, "1Gbps", "100us");
    }
    edge(lan, pat, "1Gbps", "100us");
    t.edges[edge(pat, asa, "100Mbps", "20ms")].internet = true;
    edge(asa, core, "1Gbps", "100us");
    edge(core, headend, "1Gbps", "100us");
    return t;
}

/// N NAT-T clients through the TCP proxy ASA, one echo a second each.
uint64_t
RunFleet(uint32_t clients, double duration)
{
    ScenarioParameters p;
    p.encap = "natt";
    p.asa = "proxy";
    p.duration = duration;
    auto r = RunScenario(p, FleetTopology(clients));
    return r.innerReceived;
}

/// The baseline: N bare ns-3 nodes, each with an IPv4 stack and a point-to-point link (ns-3's
/// defaults) to one hub, built but not run.
uint64_t
RunBareNodes(uint32_t nodes, double)
{
    NodeContainer hub;
    hub.Create(1);
    NodeContainer bare;
    bare.Create(nodes);
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.Install(hub);
    stack.Install(bare);
    PointToPointHelper link;
    Ipv4AddressHelper addresses("198.18.0.0", "255.255.255.252");
    for (uint32_t i = 0; i < nodes; ++i)
    {
        addresses.Assign(link.Install(bare.Get(i), hub.Get(0)));
        addresses.NewNetwork();
    }
    Simulator::Destroy();
    return nodes;
}

/// What one child measured: its wall time, its own CPU time (user + system: on a shared
/// machine the figure that does not depend on the neighbours), its peak RSS and its count.
struct ChildCost
{
    double wall{0};
    double cpu{0};
    double peakMiB{0};
    double count{0};
};

/// Runs `run` in a child process, so that its peak RSS is its own.
ChildCost
InChild(uint64_t (*run)(uint32_t, double), uint32_t clients, double duration)
{
    int fds[2];
    if (pipe(fds) != 0)
    {
        return {};
    }
    pid_t child = fork();
    if (child == 0)
    {
        close(fds[0]);
        rusage before{};
        getrusage(RUSAGE_SELF, &before);
        auto start = std::chrono::steady_clock::now();
        uint64_t count = run(clients, duration);
        double wall
            = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
        double cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime)
                     - seconds(before.ru_utime) - seconds(before.ru_stime);
        ChildCost out{wall, cpu, usage.ru_maxrss / 1024.0, static_cast<double>(count)};
        ssize_t written = write(fds[1], &out, sizeof(out));
        _exit(written == sizeof(out) ? 0 : 1);
    }
    close(fds[1]);
    ChildCost out;
    ssize_t got = read(fds[0], &out, sizeof(out));
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    return got == sizeof(out) ? out : ChildCost{};
}

/// What each fleet and baseline size measured, for the table.
std::map<std::string, std::map<uint32_t, ChildCost>>&
Measured()
{
    static std::map<std::string, std::map<uint32_t, ChildCost>> measured;
    return measured;
}

/// Runs `run` for state.range(0) clients (or nodes) in a child, once, and files it under
/// `table` for the ratios.
ChildCost
MeasureInChild(benchmark::State& state, const std::string& table,
               uint64_t (*run)(uint32_t, double), double duration)
{
    uint32_t n = static_cast<uint32_t>(state.range(0));
    ChildCost last;
    for (auto _ : state)
    {
        last = InChild(run, n, duration);
        state.SetIterationTime(last.wall);
    }
    Measured()[table][n] = last;
    state.counters["n"] = n;
    state.counters["peak_rss_MiB"] = last.peakMiB;
    state.counters["cpu_s_per_n"] = last.cpu / n;
    return last;
}

void
FleetOnASwitchedLan(benchmark::State& state)
{
    state.counters["echoes"] = MeasureInChild(state, "fleet", &RunFleet, 300).count;
}

void
BareNodes(benchmark::State& state)
{
    MeasureInChild(state, "bare", &RunBareNodes, 0);
}

/// KiB per client (or node) between the smallest size measured and `n`.
std::optional<double>
MarginalKiB(const std::map<uint32_t, ChildCost>& sizes, uint32_t n)
{
    if (sizes.size() < 2 || !sizes.count(n) || n == sizes.begin()->first)
    {
        return std::nullopt;
    }
    auto [n0, small] = *sizes.begin();
    return (sizes.at(n).peakMiB - small.peakMiB) * 1024 / (n - n0);
}

std::string
Fixed(std::optional<double> x, int decimals)
{
    if (!x)
    {
        return "-";
    }
    char text[32];
    std::snprintf(text, sizeof(text), "%.*f", decimals, *x);
    return text;
}

/// The fleet's ratios: time per client against 100 clients (target at 1000: <= 1.3), and
/// memory per client against a bare node (target: <= 2), both measured in this run.
void
PrintFleetTable()
{
    auto& fleet = Measured()["fleet"];
    auto& bare = Measured()["bare"];
    if (fleet.empty())
    {
        return;
    }
    std::optional<double> bareKiB
        = bare.empty() ? std::nullopt : MarginalKiB(bare, bare.rbegin()->first);
    std::printf("\nfleet on a switched LAN (NAT-T, proxy ASA, 300 s). Per client: wall and CPU "
                "time (the child's own),\nand memory as the growth over the smallest fleet, "
                "like the bare nodes' (%s KiB per bare node)\n",
                Fixed(bareKiB, 1).c_str());
    std::printf("%8s %9s %9s %13s %13s %11s %9s %11s %11s\n", "clients", "wall s", "cpu s",
                "wall ms/cl", "cpu ms/cl", "cpu x@100", "peak MiB", "KiB/client", "x bare");
    for (const auto& [n, m] : fleet)
    {
        std::optional<double> vs100;
        if (fleet.count(100))
        {
            vs100 = (m.cpu / n) / (fleet.at(100).cpu / 100);
        }
        auto kib = MarginalKiB(fleet, n);
        std::optional<double> vsBare;
        if (kib && bareKiB)
        {
            vsBare = *kib / *bareKiB;
        }
        std::printf("%8u %9.2f %9.2f %13.2f %13.2f %11s %9.1f %11s %11s\n", n, m.wall, m.cpu,
                    1000 * m.wall / n, 1000 * m.cpu / n, Fixed(vs100, 2).c_str(), m.peakMiB,
                    Fixed(kib, 1).c_str(), Fixed(vsBare, 2).c_str());
    }
    std::printf("targets: time per client at 1000 <= 1.3x that at 100; memory per client <= 2x "
                "a bare node\n");
}

} // namespace

BENCHMARK(TechNoteRun)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);
BENCHMARK(FleetOnASwitchedLan)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(3000)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK(BareNodes)->Arg(10)->Arg(3000)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);

int
main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    PrintFleetTable();
    benchmark::Shutdown();
    return 0;
}
