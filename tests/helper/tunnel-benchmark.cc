// What a tunnel costs the simulator: one bulk TCP transfer (2 MB) through each encapsulation
// beside the same transfer with no tunnel, measured in the same run. Reports the wall time of
// Simulator::Run, the events it executed and events per second, and each against the plain
// transfer as ratios. Never a pass/fail test: ctest only checks that it runs.
#include "helper/vpn-helper.h"
// Single headers: the *-module.h aggregates are not valid C++20 in ns-3 3.37.
#include "ns3/boolean.h"
#include "ns3/bulk-send-helper.h"
#include "ns3/config.h"
#include "ns3/global-value.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/packet-sink-helper.h"
#include "ns3/packet-sink.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <benchmark/benchmark.h>
#include <chrono>
#include <optional>
#include <string>

using namespace ns3;

namespace
{

constexpr uint64_t kBytes = 2'000'000;

/// One transfer's cost.
struct Cost
{
    double wallSeconds{0}; ///< Simulator::Run only (building the topology excluded)
    uint64_t events{0};
    double simulatedSeconds{0}; ///< from the first byte sent to the last received
    bool complete{false};
};

/// Client - router - server over 10 Mbit/s, 10 ms links; `encapsulation` empty for no tunnel.
/// The transfer starts at 2 s (the tunnels are up by then) and the run stops when the last
/// byte arrives.
Cost
Transfer(const std::string& encapsulation)
{
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true)); // as the tests run: real bytes
    NodeContainer nodes;
    nodes.Create(3);
    InternetStackHelper stack;
    stack.Install(nodes);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("10ms"));
    NetDeviceContainer left = p2p.Install(nodes.Get(0), nodes.Get(1));
    NetDeviceContainer right = p2p.Install(nodes.Get(1), nodes.Get(2));
    Ipv4AddressHelper a;
    a.SetBase("198.18.1.0", "255.255.255.0");
    Ipv4InterfaceContainer l = a.Assign(left);
    a.SetBase("198.18.2.0", "255.255.255.0");
    Ipv4InterfaceContainer r = a.Assign(right);
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    Ipv4Address server = r.GetAddress(1);
    if (!encapsulation.empty())
    {
        VpnHelper vpn;
        vpn.SetAttribute("Encapsulation", StringValue(encapsulation));
        vpn.Install(nodes.Get(0), l.GetAddress(0), nodes.Get(2), server).Start(Seconds(0.5));
        server = VpnHelper::TunnelAddress(Ipv4Address("10.8.0.0"), true);
    }

    PacketSinkHelper sinkHelper("ns3::TcpSocketFactory",
                                InetSocketAddress(Ipv4Address::GetAny(), 5000));
    Ptr<PacketSink> sink = DynamicCast<PacketSink>(sinkHelper.Install(nodes.Get(2)).Get(0));
    BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(server, 5000));
    bulk.SetAttribute("MaxBytes", UintegerValue(kBytes));
    bulk.Install(nodes.Get(0)).Start(Seconds(2));
    Time done;
    sink->TraceConnectWithoutContext("Rx", Callback<void, Ptr<const Packet>, const Address&>(
                                               [&](Ptr<const Packet>, const Address&)
                                               {
                                                   if (sink->GetTotalRx() >= kBytes)
                                                   {
                                                       done = Simulator::Now();
                                                       Simulator::Stop();
                                                   }
                                               }));
    Simulator::Stop(Seconds(120));

    auto start = std::chrono::steady_clock::now();
    Simulator::Run();
    auto end = std::chrono::steady_clock::now();
    Cost c;
    c.wallSeconds = std::chrono::duration<double>(end - start).count();
    c.events = Simulator::GetEventCount();
    c.simulatedSeconds = (done - Seconds(2)).GetSeconds();
    c.complete = sink->GetTotalRx() == kBytes;
    Simulator::Destroy();
    return c;
}

/// The plain transfer's cost in this run: the mean of the "plain" benchmark if it ran,
/// otherwise one transfer measured on first use.
std::optional<Cost> g_plain;

const Cost&
Plain()
{
    if (!g_plain)
    {
        g_plain = Transfer("");
    }
    return *g_plain;
}

void
BulkTransfer(benchmark::State& state, const std::string& encapsulation)
{
    Cost total;
    uint64_t n = 0;
    for (auto _ : state)
    {
        Cost c = Transfer(encapsulation);
        if (!c.complete)
        {
            state.SkipWithError("the transfer did not complete");
            return;
        }
        state.SetIterationTime(c.wallSeconds);
        total.wallSeconds += c.wallSeconds;
        total.events += c.events;
        total.simulatedSeconds += c.simulatedSeconds;
        ++n;
    }
    Cost mean{total.wallSeconds / static_cast<double>(n), total.events / n,
              total.simulatedSeconds / static_cast<double>(n), true};
    if (encapsulation.empty())
    {
        g_plain = mean;
    }
    const Cost& plain = Plain();
    state.counters["events"] = static_cast<double>(mean.events);
    state.counters["events_per_s"] = static_cast<double>(mean.events) / mean.wallSeconds;
    state.counters["sim_s"] = mean.simulatedSeconds;
    state.counters["wall_vs_plain"] = mean.wallSeconds / plain.wallSeconds;
    state.counters["events_vs_plain"]
        = static_cast<double>(mean.events) / static_cast<double>(plain.events);
    state.SetBytesProcessed(static_cast<int64_t>(n * kBytes));
}

} // namespace

int
main(int argc, char** argv)
{
    // A full-size inner segment: 1300 bytes + 40 of headers fits the 1380-byte tunnel MTU.
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1300));
    // The baseline first, so that the ratios use this run's own measurement of it.
    for (const char* encapsulation : {"", "ctcp", "natt", "esp", "anyconnect"})
    {
        std::string name = std::string("bulk-2MB/") + (*encapsulation ? encapsulation : "plain");
        benchmark::RegisterBenchmark(name.c_str(), BulkTransfer, std::string(encapsulation))
            ->UseManualTime()
            ->Unit(benchmark::kMillisecond);
    }
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
