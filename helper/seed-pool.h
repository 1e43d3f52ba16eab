/*
 * Many scenarios at once, one worker process each: ns-3's Simulator is one per process, so
 * runs cannot share a process, but a child forked from a process that has not run a
 * simulation starts clean. Each child runs RunScenario and sends its record back on a pipe as
 * the JSON line vpnsim-run would print (doc/record.md).
 *
 * The caller decides, as records come in, what to run next and when to stop: RunPool asks
 * `next` for work whenever a worker is free and stops when it has none and nothing is running.
 */
#ifndef VPNSIM_SEED_POOL_H
#define VPNSIM_SEED_POOL_H

#include "helper/scenario.h"
#include "helper/topology-spec.h"
#include "model/engine/run-record.h"

#include <functional>
#include <optional>
#include <string>

namespace ns3
{

/// One run to make, and a tag the caller uses to tell which of its questions it answers.
struct PoolJob
{
    ScenarioParameters parameters;
    size_t tag{0};
};

/// Worker processes a machine can keep busy: one per online core.
unsigned DefaultWorkers();

/// Runs jobs from `next` on up to `workers` processes at once; `done` gets each record in the
/// parent as its run ends. Returns an error message (a worker that crashed or wrote no
/// record), empty when every job ran. Parameters must be valid (ValidateScenario).
std::string RunPool(const TopologySpec& topology, unsigned workers,
                    const std::function<std::optional<PoolJob>()>& next,
                    const std::function<void(const PoolJob&, const vpnsim::engine::RunRecord&)>& done);

} // namespace ns3

#endif // VPNSIM_SEED_POOL_H
