// What a tunnel costs the simulator: 10 simulated minutes of a 1 Mbit/s inner flow through each
// encapsulation beside the same flow with no tunnel, measured in the same run (target: the
// tunnel costs at most 1.5x the untunnelled run). Reports the wall time of
// Simulator::Run, the events it executed and events per second, and each against the plain
// transfer as ratios. Never a pass/fail test: ctest only checks that it runs.
//
// Two rows say where an IPsec tunnel's cost comes from. "esp-codec-only" is the ESP codec
// alone sealing and opening every inner datagram of the flow with the default transform (the
// Cisco VPN Client's AES-CBC + HMAC-SHA1-96) and no simulator at all: a floor no tunnel of
// real bytes can go under. "esp-aes-gcm-128" is native ESP with AES-GCM, whose cryptography is
// several times cheaper. The rest of a tunnel's cost is ns-3's own: the outer packet crosses
// the IPv4 stack and a socket at both ends, and AnyConnect adds the ACKs and timers of a real
// TCP connection.
#include "helper/vpn-helper.h"
#include "model/engine/ipsec-tunnel.h"
#include "model/wire/esp.h"
#include "tests/support/three-node-line.h"
// Single headers: the *-module.h aggregates are not valid C++20 in ns-3 3.37.
#include "ns3/boolean.h"
#include "ns3/global-value.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/on-off-helper.h"
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

const Time kFlowTime = Minutes(10);
constexpr uint64_t kFlowBytes = 600 * 1'000'000 / 8;              ///< 1 Mbit/s for 600 s
constexpr uint32_t kDatagramBytes = 1000;                         ///< the flow's UDP payloads
constexpr uint32_t kInnerDatagramBytes = kDatagramBytes + 8 + 20; ///< with UDP and IPv4 headers

/// One transfer's cost.
struct Cost
{
    double wallSeconds{0}; ///< Simulator::Run only (building the topology excluded)
    uint64_t events{0};
    double simulatedSeconds{0}; ///< from the first byte sent to the last received
    bool complete{false};
};

/// Client - router - server over 10 Mbit/s, 10 ms links; `encapsulation` empty for no tunnel,
/// `transform` empty for the endpoints' default. A 1 Mbit/s inner flow (1000-byte UDP
/// datagrams) runs for 10 simulated minutes from 2 s (the tunnels are up by then).
Cost
Transfer(const std::string& encapsulation, const std::string& transform = "")
{
    test::ThreeNodeLine line("10Mbps", "10ms");
    Ipv4Address server = line.rightInterfaces.GetAddress(1);
    if (!encapsulation.empty())
    {
        VpnHelper vpn;
        vpn.SetAttribute("Encapsulation", StringValue(encapsulation));
        if (!transform.empty())
        {
            vpn.SetAttribute("Transform", StringValue(transform));
        }
        vpn.Install(line.nodes.Get(0), line.leftInterfaces.GetAddress(0), line.nodes.Get(2), server)
            .Start(Seconds(0.5));
        server = VpnHelper::TunnelAddress(Ipv4Address("10.8.0.0"), true);
    }
    PacketSinkHelper sinkHelper("ns3::UdpSocketFactory",
                                InetSocketAddress(Ipv4Address::GetAny(), 5000));
    Ptr<PacketSink> sink = DynamicCast<PacketSink>(sinkHelper.Install(line.nodes.Get(2)).Get(0));
    OnOffHelper flow("ns3::UdpSocketFactory", InetSocketAddress(server, 5000));
    flow.SetConstantRate(DataRate("1Mbps"), kDatagramBytes);
    ApplicationContainer app = flow.Install(line.nodes.Get(0));
    app.Start(Seconds(2));
    app.Stop(Seconds(2) + kFlowTime);
    Simulator::Stop(Seconds(3) + kFlowTime);

    auto start = std::chrono::steady_clock::now();
    Simulator::Run();
    auto end = std::chrono::steady_clock::now();
    Cost c;
    c.wallSeconds = std::chrono::duration<double>(end - start).count();
    c.events = Simulator::GetEventCount();
    c.simulatedSeconds = kFlowTime.GetSeconds();
    // 1 Mbit/s for the whole flow time, less the last datagram or two at the edges.
    c.complete = sink->GetTotalRx() >= kFlowBytes * 99 / 100;
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

/// The ESP codec alone: every inner datagram of the flow sealed and opened with `transform`
/// under the SA a tunnel with the endpoints' defaults would use, timed like a transfer (no
/// simulator, so no events).
Cost
CodecOnly(const std::string& transform)
{
    Cost c;
    auto id = vpnsim::wire::ParseEspTransformId(transform);
    if (!id)
    {
        return c; // not complete: reported as an error
    }
    vpnsim::engine::IpsecTunnelConfig config;
    config.transform = *id;
    vpnsim::wire::EspSaConfig sa = vpnsim::engine::IpsecTunnel::SaConfig(config, true);
    auto out = vpnsim::wire::EspOutboundSa::Create(sa);
    auto in = vpnsim::wire::EspInboundSa::Create(sa);
    vpnsim::wire::Bytes inner(kInnerDatagramBytes, 0x5a);
    vpnsim::wire::Bytes packet;
    vpnsim::wire::Bytes opened;
    bool ok = true;
    auto start = std::chrono::steady_clock::now();
    for (uint64_t sent = 0; ok && sent < kFlowBytes; sent += kDatagramBytes)
    {
        packet.clear();
        ok = out->Encapsulate(inner, vpnsim::wire::kNextHeaderIpv4, packet)
             && in->Decapsulate(packet, opened).Ok();
    }
    c.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    c.simulatedSeconds = kFlowTime.GetSeconds();
    c.complete = ok && opened == inner; // the last datagram came out as it went in
    return c;
}

/// One row: a transfer through `encapsulation` ("" for none) with `transform` ("" for the
/// default), or with `codecOnly` the ESP codec alone.
struct Row
{
    std::string encapsulation;
    std::string transform;
    bool codecOnly{false};
};

void
InnerFlow(benchmark::State& state, const Row& row)
{
    const std::string& encapsulation = row.encapsulation;
    Cost total;
    uint64_t n = 0;
    for (auto _ : state)
    {
        Cost c = row.codecOnly ? CodecOnly(row.transform) : Transfer(encapsulation, row.transform);
        if (!c.complete)
        {
            state.SkipWithError("the inner flow did not arrive whole");
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
    if (encapsulation.empty() && !row.codecOnly)
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
    state.SetBytesProcessed(static_cast<int64_t>(n * kFlowBytes));
}

} // namespace

int
main(int argc, char** argv)
{
    // The baseline first, so that the ratios use this run's own measurement of it.
    const std::string defaultTransform = "aes-cbc-128-hmac-sha1-96";
    const std::pair<const char*, Row> rows[] = {
        {"plain", {"", "", false}},
        {"ctcp", {"ctcp", "", false}},
        {"natt", {"natt", "", false}},
        {"esp", {"esp", "", false}},
        {"anyconnect", {"anyconnect", "", false}},
        {"esp-aes-gcm-128", {"esp", "aes-gcm-128", false}},
        {"esp-codec-only", {"", defaultTransform, true}},
    };
    for (const auto& [label, row] : rows)
    {
        std::string name = std::string("inner-1Mbps-10min/") + label;
        benchmark::RegisterBenchmark(name.c_str(), InnerFlow, row)
            ->UseManualTime()
            ->Unit(benchmark::kMillisecond);
    }
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
