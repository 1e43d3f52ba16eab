/*
 * A Host for engine tests: a fake clock, a timer queue run in time order, and a record of
 * everything the engine sent or delivered. No ns-3, no sockets.
 */
#ifndef VPNSIM_TESTS_ENGINE_FAKE_HOST_H
#define VPNSIM_TESTS_ENGINE_FAKE_HOST_H

#include "tests/engine/fake-clock-host.h"

#include <vector>

namespace vpnsim
{
namespace test
{

/// One packet the engine put on the outer wire, with the time it was sent.
struct SentOuter
{
    engine::Nanos at;
    engine::OuterProtocol protocol;
    uint16_t sourcePort;
    uint16_t destinationPort;
    wire::Bytes payload;
};

class FakeHost : public FakeClockHost
{
  public:
    explicit FakeHost(uint64_t seed = 1)
        : FakeClockHost(m_clock, seed) // bound now, used only once constructed
    {
    }

    void SendOuter(const engine::OuterPacket& p) override
    {
        outer.push_back(SentOuter{Now(), p.protocol, p.sourcePort, p.destinationPort,
                                  wire::Bytes(p.payload.begin(), p.payload.end())});
    }

    void SendStream(wire::ByteView bytes) override
    {
        stream.insert(stream.end(), bytes.begin(), bytes.end());
    }

    /// Fires every timer due up to `until` in time order, then sets the clock to `until`.
    void RunUntil(engine::Nanos until)
    {
        m_clock.RunUntil(until);
    }

    /// Advances the clock by `d`, firing timers on the way.
    void Advance(engine::Nanos d)
    {
        m_clock.Advance(d);
    }

    /// Number of timers still pending.
    size_t PendingTimers() const
    {
        return m_clock.Pending();
    }

    std::vector<SentOuter> outer;
    wire::Bytes stream;

  private:
    FakeClock m_clock;
};

} // namespace test
} // namespace vpnsim

#endif // VPNSIM_TESTS_ENGINE_FAKE_HOST_H
