#include "helper/simulation-reset.h"

#include <ns3/config.h>
#include <ns3/ipv4-address-generator.h>
#include <ns3/names.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>

namespace ns3
{

void
ResetSimulationState()
{
    // The event list, the clock, the event count and context, and everything registered with
    // Simulator::ScheduleDestroy: the node list (node ids restart at 0), the channel list, the
    // MAC address allocator (devices get 00:00:00:00:00:01 again), the global route manager's
    // link-state database and the IPv4 address generator. RunScenario already destroyed its
    // simulation; a second call is a no-op.
    Simulator::Destroy();

    // Attribute defaults (Config::SetDefault, e.g. TCP timestamps off) and every GlobalValue
    // (ChecksumEnabled, RngSeed, RngRun, SimulatorImplementationType, SchedulerType) back to
    // their compiled-in values. RunScenario sets seed and run itself from the parameters.
    Config::Reset();

    // Objects named with Names::Add (a run may name nodes for its traces) outlive Destroy.
    Names::Clear();

    // Destroy resets the generator's singleton too; resetting here as well keeps a run that
    // assigned addresses with Ipv4AddressGenerator before building its simulation safe.
    Ipv4AddressGenerator::Reset();

    // State kept that cannot be reset through ns-3.37's API, and why no record depends on it:
    // - RngSeedManager's next automatic stream index keeps counting. A random variable left
    //   on an automatic stream would draw differently in the second run of a process; every
    //   variable a scenario draws from is given a fixed stream (LossyLinkHelper's first
    //   stream, VpnEndpoint::AssignStreams, the stack's AssignStreams), and the batch
    //   identity test (vpnsim-run --batch against separate processes) fails if one is not.
    // - GlobalRouteManager's router-id counter keeps counting. Router ids only key the
    //   link-state database; nodes are created in the same order each run, so the ids keep
    //   their relative order and the shortest-path computation visits routers in the same
    //   order and picks the same routes.
    // - Packet's uid counter keeps counting: uids label packets for tracing and nothing in a
    //   run's behaviour reads them.
    // - The random-number generator's constant tables and TypeId registrations are built
    //   once per process and never change.
    // vpnsim's own statics are constant tables (names and ranges); it keeps no mutable
    // static state.
}

} // namespace ns3
