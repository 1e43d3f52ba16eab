// ASA benchmarks (never pass/fail; ctest only checks they run):
//  - per-packet cost of each ASA mode against plain ns-3 forwarding on the same topology
//    (client - router - server, one TCP bulk transfer of 4 MB), both measured in each
//    iteration: the ratio is the counter to read;
//  - connection-table memory per flow with 10,000 concurrent TCP connections (heap in use,
//    glibc mallinfo2, before and after opening them).
#include "model/asa-firewall.h"
#include "model/wire/ipv4-datagram.h"
#include "model/wire/tcp-header.h"
#include "tests/support/three-node-line.h"
// Single headers, not the *-module.h aggregates (not valid C++20 in ns-3 3.37).
#include "ns3/boolean.h"
#include "ns3/bulk-send-helper.h"
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
#include <malloc.h>

using namespace ns3;

namespace
{

const char* kModes[] = {"stateful", "normalizer", "ips-strict", "bypass", "proxy"};
constexpr uint64_t kBytes = 4'000'000;

void
CountPacket(uint64_t* count, Ptr<const Packet>)
{
    ++*count;
}

/// Wall seconds and packets forwarded by the router for one bulk transfer, with the ASA in
/// `mode` on the router, or none.
std::pair<double, uint64_t>
Transfer(const char* mode)
{
    test::ThreeNodeLine line("100Mbps", "1ms");
    NodeContainer& nodes = line.nodes;
    NetDeviceContainer& left = line.left;
    NetDeviceContainer& right = line.right;
    Ipv4InterfaceContainer& r = line.rightInterfaces;
    Ptr<AsaFirewall> asa;
    if (mode)
    {
        asa = CreateObject<AsaFirewall>();
        asa->SetAttribute("Mode", StringValue(mode));
        asa->SetAttribute("BypassAcl", StringValue("tcp any any eq 5001"));
        asa->Install(left.Get(1), right.Get(0));
    }
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 5001));
    ApplicationContainer s = sink.Install(nodes.Get(2));
    BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(r.GetAddress(1), 5001));
    bulk.SetAttribute("MaxBytes", UintegerValue(kBytes));
    bulk.Install(nodes.Get(0));
    uint64_t forwarded = 0;
    left.Get(1)->TraceConnectWithoutContext("MacRx", MakeBoundCallback(&CountPacket, &forwarded));
    right.Get(0)->TraceConnectWithoutContext("MacRx", MakeBoundCallback(&CountPacket, &forwarded));
    auto start = std::chrono::steady_clock::now();
    Simulator::Stop(Seconds(30));
    Simulator::Run();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bool complete = DynamicCast<PacketSink>(s.Get(0))->GetTotalRx() == kBytes;
    Simulator::Destroy();
    return {complete ? wall : -1.0, forwarded};
}

void
AsaPerPacketCost(benchmark::State& state)
{
    const char* mode = kModes[state.range(0)];
    double baseline = 0;
    double withAsa = 0;
    uint64_t packets = 0;
    for (auto _ : state)
    {
        baseline += Transfer(nullptr).first;
        auto [wall, forwarded] = Transfer(mode);
        withAsa += wall;
        packets += forwarded;
        state.SetIterationTime(wall);
    }
    state.SetLabel(mode);
    state.counters["ratio_to_plain_forwarding"] = withAsa / baseline;
    state.counters["ns_per_packet"]
        = benchmark::Counter(withAsa * 1e9 / static_cast<double>(packets));
}

/// One SYN, SYN-ACK and ACK for connection `i` (client port 1024 + i), straight into the ASA.
void
OpenConnection(AsaFirewall& asa, uint32_t i)
{
    const uint32_t client = 0xC6120102; // 198.18.1.2
    const uint32_t server = 0xC6120202; // 198.18.2.2
    const uint16_t port = static_cast<uint16_t>(1024 + i % 60000);
    const uint32_t clientAddress = client + (i / 60000);
    auto send = [&asa](AsaSide from, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                       uint8_t flags, uint32_t seq, uint32_t ack)
    {
        vpnsim::wire::TcpHeader h;
        h.sourcePort = sport;
        h.destinationPort = dport;
        h.sequence = seq;
        h.acknowledgment = ack;
        h.flags = flags;
        h.window = 65535;
        vpnsim::wire::Bytes d = vpnsim::wire::BuildIpv4Tcp({src, dst, 1}, h, {});
        asa.Receive(from, Create<Packet>(d.data(), d.size()));
    };
    namespace f = vpnsim::wire::tcpflag;
    send(AsaSide::Outside, clientAddress, server, port, 443, f::Syn, 1000, 0);
    send(AsaSide::Inside, server, clientAddress, 443, port, f::Syn | f::Ack, 5000, 1001);
    send(AsaSide::Outside, clientAddress, server, port, 443, f::Ack, 1001, 5001);
}

void
AsaConnectionTableMemory(benchmark::State& state)
{
    const uint32_t flows = static_cast<uint32_t>(state.range(0));
    double bytesPerFlow = 0;
    for (auto _ : state)
    {
        Ptr<AsaFirewall> asa = CreateObject<AsaFirewall>();
        asa->SetAttribute("Mode", StringValue("normalizer"));
        asa->SetForwardCallback(MakeCallback(+[](AsaSide, Ptr<const Packet>) {}));
        size_t before = mallinfo2().uordblks;
        for (uint32_t i = 0; i < flows; ++i)
        {
            OpenConnection(*asa, i);
        }
        size_t after = mallinfo2().uordblks;
        if (asa->GetConnectionCount() != flows)
        {
            state.SkipWithError("not every connection was opened");
        }
        bytesPerFlow = static_cast<double>(after - before) / flows;
        asa->Dispose();
        Simulator::Destroy();
    }
    state.counters["bytes_per_flow"] = bytesPerFlow;
}

} // namespace

BENCHMARK(AsaPerPacketCost)->DenseRange(0, 4)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(AsaConnectionTableMemory)->Arg(10'000)->Iterations(1)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
