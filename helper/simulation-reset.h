/*
 * Many runs in one process: what ns-3 keeps between runs, and putting it back to how a fresh
 * process finds it, so that a run's record does not depend on the runs before it.
 *
 * Every piece of state a run can leave behind is listed in simulation-reset.cc beside the
 * call that resets it, or with the reason it needs none. vpnsim itself keeps no mutable
 * static state (its statics are constant tables).
 */
#ifndef VPNSIM_SIMULATION_RESET_H
#define VPNSIM_SIMULATION_RESET_H

namespace ns3
{

/// Returns ns-3's process-wide state to what a fresh process has. Call between runs, after
/// the previous run's Simulator::Destroy (RunScenario does that itself) and before the next
/// run builds anything.
void ResetSimulationState();

} // namespace ns3

#endif // VPNSIM_SIMULATION_RESET_H
