/*
 * The part every engine test host shares: time and timers from a FakeClock, randomness from a
 * seeded generator (so a run repeats), and a record of the inner packets the engine delivered.
 * Each host says itself where outer packets and stream bytes go.
 */
#ifndef VPNSIM_TESTS_ENGINE_FAKE_CLOCK_HOST_H
#define VPNSIM_TESTS_ENGINE_FAKE_CLOCK_HOST_H

#include "tests/engine/fake-clock.h"

#include <random>
#include <vector>

namespace vpnsim
{
namespace test
{

class FakeClockHost : public engine::Host
{
  public:
    /// `clock` may be shared with other hosts (and must outlive this one).
    FakeClockHost(FakeClock& clock, uint64_t seed)
        : m_clock(clock)
        , m_random(seed)
    {
    }

    // An engine keeps a reference to its host, and a copy would share the original's clock.
    FakeClockHost(const FakeClockHost&) = delete;
    FakeClockHost& operator=(const FakeClockHost&) = delete;

    engine::Nanos Now() const override
    {
        return m_clock.Now();
    }

    void DeliverInner(wire::ByteView inner) override
    {
        delivered.emplace_back(inner.begin(), inner.end());
    }

    engine::TimerId StartTimer(engine::Nanos at, std::function<void()> callback) override
    {
        return m_clock.Schedule(at, std::move(callback));
    }

    void CancelTimer(engine::TimerId id) override
    {
        m_clock.Cancel(id);
    }

    uint32_t Random32() override
    {
        return static_cast<uint32_t>(m_random());
    }

    std::vector<wire::Bytes> delivered;

  private:
    FakeClock& m_clock;
    std::mt19937_64 m_random;
};

} // namespace test
} // namespace vpnsim

#endif // VPNSIM_TESTS_ENGINE_FAKE_CLOCK_HOST_H
