// RunScenario: the simulator set up for one seed, then the run's stages in order.
#include "helper/scenario.h"

#include "helper/scenario-run.h"
#include "model/engine/tls-random.h"

#include <ns3/boolean.h>
#include <ns3/config.h>
#include <ns3/global-value.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>

namespace ns3
{

namespace
{

/// Real bytes on the wire and the run's random streams, before anything is built.
void
ConfigureSimulator(const ScenarioParameters& p)
{
    RngSeedManager::SetSeed(1);
    RngSeedManager::SetRun(p.seed);
    // Real bytes on the wire: real checksums (NATs and tshark check them).
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
    // TCP without RFC 7323 timestamps, as Windows (the usual AnyConnect client) sends by
    // default. With them, ns-3 3.37 takes RTT samples from the stale TSecr of duplicate ACKs,
    // so one lost fast retransmission backs the RTO off to its 60 s ceiling and the stalled
    // stream outlives AnyConnect's DPD: a simulator artefact, not the behaviour under study.
    Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(false));
}

} // namespace

vpnsim::engine::RunRecord
RunScenario(const ScenarioParameters& p, const TopologySpec& topology, ScenarioTimeline* timeline)
{
    std::string invalid = ValidateScenario(p);
    NS_ABORT_MSG_IF(!invalid.empty(), invalid);
    ConfigureSimulator(p);
    // AnyConnect's TLS bytes follow the seed too, so that a run's pcaps repeat bit for bit.
    vpnsim::engine::UseSeededTlsRandom(p.seed);
    scenario::ScenarioRun run(p, topology);
    run.BuildTopology();
    run.InstallMiddleboxes();
    run.InstallEndpoints();
    run.InstallTraffic();
    Simulator::Stop(Seconds(p.duration));
    Simulator::Run();
    vpnsim::engine::RunRecord r = run.Record(timeline);
    if (!p.pcap.empty())
    {
        run.WriteDecryption();
    }
    Simulator::Destroy();
    return r;
}

} // namespace ns3
