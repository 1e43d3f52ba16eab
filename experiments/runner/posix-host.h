/*
 * The engine's Host over POSIX: a monotonic clock, a timer queue that the runner's poll loop
 * fires, and a seeded random source. Where the engine's outer packets, stream bytes and inner
 * packets go is left to a HostIo (the real sockets, or a test's queues), so the same host runs
 * against the kernel and inside a unit test.
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

/// Where a PosixHost sends what the engine gives it.
class HostIo
{
  public:
    virtual ~HostIo() = default;
    virtual void SendOuter(const engine::OuterPacket& packet) = 0;
    virtual void SendStream(wire::ByteView bytes) = 0;
    virtual void DeliverInner(wire::ByteView innerPacket) = 0;
};

/// engine::Host with CLOCK_MONOTONIC time (nanoseconds since construction) and poll-loop timers.
class PosixHost : public engine::Host
{
  public:
    explicit PosixHost(uint64_t seed);

    /// Where outer packets, stream bytes and inner packets go (none: they are discarded).
    void SetIo(HostIo* io);

    engine::Nanos Now() const override;
    void SendOuter(const engine::OuterPacket& packet) override;
    void SendStream(wire::ByteView bytes) override;
    void DeliverInner(wire::ByteView innerPacket) override;
    engine::TimerId StartTimer(engine::Nanos at, std::function<void()> callback) override;
    void CancelTimer(engine::TimerId id) override;
    uint32_t Random32() override;

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
    HostIo* m_io{nullptr};
    engine::TimerId m_nextId{0};
    std::map<Key, std::function<void()>> m_queue;               ///< by due time, then start order
    std::unordered_map<engine::TimerId, engine::Nanos> m_index; ///< id -> due time
    std::mt19937 m_random;
};

} // namespace runner
} // namespace vpnsim

#endif // VPNSIM_RUNNER_POSIX_HOST_H
