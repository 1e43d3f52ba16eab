/*
 * A point-to-point channel whose propagation delay varies from packet to packet: the link
 * delay plus a random extra (attribute "Jitter", a RandomVariableStream in seconds, e.g.
 * uniform on [0, 5 ms]). Internet paths queue and re-route; a fixed delay hides that timers
 * (DPD, retransmission) and middlebox queues see it.
 *
 * By default packets keep their order, as on one path through FIFO queues: a packet never
 * arrives before the one sent ahead of it. "AllowReordering" lets them overtake, which an
 * in-order middlebox then has to queue.
 */
#ifndef VPNSIM_MODEL_JITTER_CHANNEL_H
#define VPNSIM_MODEL_JITTER_CHANNEL_H

#include <array>
#include <ns3/point-to-point-channel.h>
#include <ns3/random-variable-stream.h>

namespace ns3
{

class JitterChannel : public PointToPointChannel
{
  public:
    static TypeId GetTypeId();

    bool TransmitStart(Ptr<const Packet> p, Ptr<PointToPointNetDevice> src, Time txTime) override;

    /// Fixes the jitter's random stream; returns the number of streams used (1).
    int64_t AssignStreams(int64_t stream);

  private:
    Ptr<RandomVariableStream> m_jitter;
    bool m_allowReordering{false};
    std::array<Time, 2> m_lastArrival; ///< per direction, for keeping the order
};

} // namespace ns3

#endif // VPNSIM_MODEL_JITTER_CHANNEL_H
