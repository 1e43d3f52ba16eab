/*
 * The frame of the two-host fixtures (paired-hosts.h, stream-pair.h): both hosts on one fake
 * clock, and what one sends reaching the other after a fixed one-way delay.
 */
#ifndef VPNSIM_TESTS_ENGINE_HOST_PAIR_H
#define VPNSIM_TESTS_ENGINE_HOST_PAIR_H

#include "tests/engine/fake-clock.h"

namespace vpnsim
{
namespace test
{

/// Two hosts on one clock and a path between them with a fixed one-way delay; a pair says what
/// its path carries (packets or a byte stream) and how it may lose or change it.
class HostPair
{
  public:
    /// Runs every event up to `until`.
    void RunUntil(engine::Nanos until)
    {
        m_clock.RunUntil(until);
    }

    void Advance(engine::Nanos d)
    {
        m_clock.Advance(d);
    }

    engine::Nanos Now() const
    {
        return m_clock.Now();
    }

  protected:
    explicit HostPair(engine::Nanos delay)
        : m_delay(delay)
    {
    }

    /// Runs `arrival` one path delay from now.
    void AfterDelay(std::function<void()> arrival)
    {
        m_clock.Schedule(m_clock.Now() + m_delay, std::move(arrival));
    }

    FakeClock m_clock;

  private:
    engine::Nanos m_delay;
};

} // namespace test
} // namespace vpnsim

#endif // VPNSIM_TESTS_ENGINE_HOST_PAIR_H
