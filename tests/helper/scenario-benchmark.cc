// Scenario benchmarks (never pass/fail; ctest only checks they run):
//  - one 30-minute tech-note run (cTCP through the proxy ASA, no loss, one echo a second) per
//    encapsulation: wall time and simulator events per second;
//  - a fleet of N remote-access clients behind one PAT and one ASA (N = 10, 100, 1000), each
//    with its own NAT-T tunnel to the one headend that serves them all, for 5 simulated
//    minutes: wall time and peak memory, each N in a fresh child process so that its peak RSS
//    is its own. The PAT, the ASA and the headend carry all N flows, which is what grows.
#include "helper/inner-traffic.h"
#include "helper/lossy-link-helper.h"
#include "helper/scenario.h"
#include "helper/vpn-helper.h"
#include "model/asa-firewall.h"
#include "model/nat-device.h"
// Single headers, not the *-module.h aggregates (not valid C++20 in ns-3 3.37).
#include "ns3/boolean.h"
#include "ns3/global-value.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

#include <benchmark/benchmark.h>
#include <chrono>
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

/// N clients - access router - PAT - Internet - ASA (proxy) - core router - one headend.
uint64_t
RunFleet(uint32_t clients, double duration)
{
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    NodeContainer clientNodes;
    clientNodes.Create(clients);
    NodeContainer core; // access, pat, asa, router, headend
    core.Create(5);
    InternetStackHelper stack;
    stack.Install(clientNodes);
    stack.Install(core);
    Ipv4AddressHelper addresses("198.18.0.0", "255.255.255.252");
    LossyLinkHelper lan;
    lan.SetDataRate("1Gbps");
    lan.SetDelay(MicroSeconds(100));
    LossyLinkHelper internet;
    internet.SetDataRate("100Mbps");
    internet.SetDelay(MilliSeconds(20));
    auto link = [&](LossyLinkHelper& helper, Ptr<Node> a, Ptr<Node> b)
    {
        NetDeviceContainer d = helper.Install(a, b);
        Ipv4InterfaceContainer i = addresses.Assign(d);
        addresses.NewNetwork();
        return std::make_pair(d, i);
    };
    std::vector<Ipv4Address> clientAddresses;
    for (uint32_t i = 0; i < clients; ++i)
    {
        clientAddresses.push_back(link(lan, clientNodes.Get(i), core.Get(0)).second.GetAddress(0));
    }
    auto patInside = link(lan, core.Get(0), core.Get(1));
    auto wan = link(internet, core.Get(1), core.Get(2));
    auto asaInside = link(lan, core.Get(2), core.Get(3));
    Ipv4Address headendAddress = link(lan, core.Get(3), core.Get(4)).second.GetAddress(1);
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    Ptr<NatDevice> pat = CreateObject<NatDevice>();
    pat->Install(patInside.first.Get(1), wan.first.Get(0));
    Ptr<AsaFirewall> asa = CreateObject<AsaFirewall>();
    asa->SetAttribute("Mode", StringValue("proxy"));
    asa->Install(wan.first.Get(1), asaInside.first.Get(0));
    VpnHelper vpn;
    vpn.SetAttribute("Encapsulation", StringValue("natt"));
    const Ipv4Address tunnel("10.8.0.0"); // a /16: room for all 1000
    Ptr<VpnEndpoint> headend = vpn.InstallHeadend(core.Get(4), headendAddress, tunnel);
    headend->SetStartTime(Seconds(0.5));
    Ipv4Address patAddress = wan.second.GetAddress(0);
    std::vector<std::unique_ptr<InnerTraffic>> traffic;
    for (uint32_t i = 0; i < clients; ++i)
    {
        Ptr<VpnEndpoint> client
            = vpn.InstallClient(clientNodes.Get(i), clientAddresses[i], headend, patAddress);
        client->SetStartTime(Seconds(0.5 + 0.001 * i));
        traffic.push_back(std::make_unique<InnerTraffic>(
            "echo", clientNodes.Get(i), VpnHelper::ClientTunnelAddress(tunnel, i), core.Get(4),
            VpnHelper::TunnelAddress(tunnel, true), Seconds(5), Seconds(duration), 200, Seconds(1),
            i > 0));
    }
    Simulator::Stop(Seconds(duration));
    Simulator::Run();
    uint64_t received = 0;
    for (const auto& t : traffic)
    {
        received += t->PacketsReceived();
    }
    Simulator::Destroy();
    return received;
}

/// Runs the fleet in a child process; returns {wall seconds, peak RSS in MiB, echoes}.
std::array<double, 3>
FleetInChild(uint32_t clients, double duration)
{
    int fds[2];
    if (pipe(fds) != 0)
    {
        return {0, 0, 0};
    }
    pid_t child = fork();
    if (child == 0)
    {
        close(fds[0]);
        auto start = std::chrono::steady_clock::now();
        uint64_t echoes = RunFleet(clients, duration);
        double wall
            = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        std::array<double, 3> out{wall, usage.ru_maxrss / 1024.0, static_cast<double>(echoes)};
        ssize_t written = write(fds[1], out.data(), sizeof(out));
        _exit(written == sizeof(out) ? 0 : 1);
    }
    close(fds[1]);
    std::array<double, 3> out{0, 0, 0};
    ssize_t got = read(fds[0], out.data(), sizeof(out));
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    return got == sizeof(out) ? out : std::array<double, 3>{0, 0, 0};
}

void
FleetBehindOnePat(benchmark::State& state)
{
    uint32_t clients = static_cast<uint32_t>(state.range(0));
    double duration = 300;
    std::array<double, 3> last{};
    for (auto _ : state)
    {
        last = FleetInChild(clients, duration);
        state.SetIterationTime(last[0]);
    }
    state.counters["clients"] = clients;
    state.counters["peak_rss_MiB"] = last[1];
    state.counters["wall_s_per_client"] = last[0] / clients;
    state.counters["echoes"] = last[2];
}

} // namespace

BENCHMARK(TechNoteRun)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);
BENCHMARK(FleetBehindOnePat)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

BENCHMARK_MAIN();
