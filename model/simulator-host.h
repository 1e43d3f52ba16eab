/*
 * The engine's Host over ns-3: simulated time, Simulator::Schedule timers and an ns-3 random
 * stream. What goes on the wire is left to the owner (VpnEndpoint), which has the sockets.
 */
#ifndef VPNSIM_SIMULATOR_HOST_H
#define VPNSIM_SIMULATOR_HOST_H

#include "model/engine/host.h"
#include "ns3/event-id.h"
#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"

#include <functional>
#include <map>

namespace ns3
{

/// Time, timers and randomness for an engine living in an ns-3 simulation.
class SimulatorHost : public vpnsim::engine::Host
{
  public:
    using OuterSink = std::function<void(const vpnsim::engine::OuterPacket&)>;
    using BytesSink = std::function<void(vpnsim::wire::ByteView)>;

    SimulatorHost();
    ~SimulatorHost() override;

    /// Where the engine's outer packets, stream bytes and inner packets go.
    void SetSinks(OuterSink outer, BytesSink stream, BytesSink inner);

    /// Fixes the random stream (ns-3's AssignStreams convention).
    int64_t AssignStreams(int64_t stream);

    /// Cancels every pending timer (the application stops).
    void CancelAll();

    vpnsim::engine::Nanos Now() const override;
    void SendOuter(const vpnsim::engine::OuterPacket& packet) override;
    void SendStream(vpnsim::wire::ByteView bytes) override;
    void DeliverInner(vpnsim::wire::ByteView innerPacket) override;
    vpnsim::engine::TimerId StartTimer(vpnsim::engine::Nanos at,
                                       std::function<void()> callback) override;
    void CancelTimer(vpnsim::engine::TimerId id) override;
    uint32_t Random32() override;

  private:
    void Fire(vpnsim::engine::TimerId id);

    OuterSink m_outer;
    BytesSink m_stream;
    BytesSink m_inner;
    Ptr<UniformRandomVariable> m_random;
    vpnsim::engine::TimerId m_nextId{0};
    std::map<vpnsim::engine::TimerId, std::pair<EventId, std::function<void()>>> m_timers;
};

} // namespace ns3

#endif // VPNSIM_SIMULATOR_HOST_H
