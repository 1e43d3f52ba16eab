/*
 * The clock half of the engine's Host over ns-3: simulated time, Simulator::Schedule timers and
 * an ns-3 random stream, shared by all of an endpoint's tunnels (VpnEndpoint's engine host
 * takes its time, timers and randomness from here).
 */
#ifndef VPNSIM_SIMULATOR_CLOCK_H
#define VPNSIM_SIMULATOR_CLOCK_H

#include "model/engine/host.h"
#include "ns3/event-id.h"
#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"

#include <functional>
#include <map>

namespace ns3
{

/// Time, timers and randomness for an engine living in an ns-3 simulation.
class SimulatorClock
{
  public:
    SimulatorClock();
    ~SimulatorClock();
    SimulatorClock(const SimulatorClock&) = delete;
    SimulatorClock& operator=(const SimulatorClock&) = delete;

    /// Fixes the random stream (ns-3's AssignStreams convention).
    int64_t AssignStreams(int64_t stream);

    /// Cancels every pending timer (the application stops).
    void CancelAll();

    vpnsim::engine::Nanos Now() const;
    vpnsim::engine::TimerId StartTimer(vpnsim::engine::Nanos at, std::function<void()> callback);
    void CancelTimer(vpnsim::engine::TimerId id);
    uint32_t Random32();

  private:
    void Fire(vpnsim::engine::TimerId id);

    Ptr<UniformRandomVariable> m_random;
    vpnsim::engine::TimerId m_nextId{0};
    std::map<vpnsim::engine::TimerId, std::pair<EventId, std::function<void()>>> m_timers;
};

} // namespace ns3

#endif // VPNSIM_SIMULATOR_CLOCK_H
