/*
 * The clock half of the engine's host over POSIX: a monotonic clock, a timer queue that the
 * runner's poll loop fires, and a seeded random source. The rest of the host (where outer
 * packets, stream bytes and inner packets go) is the RunnerEndpoint's, over real sockets or a
 * test's queues.
 */
#ifndef VPNSIM_RUNNER_POSIX_HOST_H
#define VPNSIM_RUNNER_POSIX_HOST_H

#include "model/engine/host.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <unordered_map>
#include <utility>

namespace vpnsim
{
namespace runner
{

/// CLOCK_MONOTONIC time (nanoseconds since construction), poll-loop timers, seeded randomness.
class PosixHost
{
  public:
    explicit PosixHost(uint64_t seed);

    engine::Nanos Now() const;
    engine::TimerId StartTimer(engine::Nanos at, std::function<void()> callback);
    void CancelTimer(engine::TimerId id);
    uint32_t Random32();

    /// When the earliest pending timer is due, if any.
    std::optional<engine::Nanos> NextDeadline() const;

    /// Fires every timer due by now, in time order (timers started by a callback for a time
    /// already past fire in the same call). Returns how many fired.
    size_t RunDueTimers();

    /// Pending timers (for tests and leak checks).
    size_t PendingTimers() const
    {
        return m_index.size();
    }

    /// CLOCK_MONOTONIC in nanoseconds, the clock behind Now().
    static int64_t MonotonicNanos();

  private:
    using Key = std::pair<engine::Nanos, engine::TimerId>;

    int64_t m_epoch;
    engine::TimerId m_nextId{0};
    std::map<Key, std::function<void()>> m_queue;               ///< by due time, then start order
    std::unordered_map<engine::TimerId, engine::Nanos> m_index; ///< id -> due time
    std::mt19937 m_random;
};

} // namespace runner
} // namespace vpnsim

#endif // VPNSIM_RUNNER_POSIX_HOST_H
