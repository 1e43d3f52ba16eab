#include "experiments/runner/posix-host.h"

#include <ctime>

namespace vpnsim
{
namespace runner
{

int64_t
PosixHost::MonotonicNanos()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

PosixHost::PosixHost(uint64_t seed)
    : m_epoch(MonotonicNanos())
    // The run's seed fixes ISNs, cookies and ports as in the simulation; the wall clock never
    // enters, so a trial is repeatable up to the real network's timing.
    , m_random(static_cast<std::mt19937::result_type>(seed ^ (seed >> 32)))
{
}

engine::Nanos
PosixHost::Now() const
{
    return engine::Nanos(MonotonicNanos() - m_epoch);
}

engine::TimerId
PosixHost::StartTimer(engine::Nanos at, std::function<void()> callback)
{
    engine::TimerId id = ++m_nextId;
    m_queue.emplace(Key{at, id}, std::move(callback));
    m_index.emplace(id, at);
    return id;
}

void
PosixHost::CancelTimer(engine::TimerId id)
{
    auto it = m_index.find(id);
    if (it == m_index.end())
    {
        return;
    }
    m_queue.erase(Key{it->second, id});
    m_index.erase(it);
}

uint32_t
PosixHost::Random32()
{
    return static_cast<uint32_t>(m_random());
}

std::optional<engine::Nanos>
PosixHost::NextDeadline() const
{
    if (m_queue.empty())
    {
        return std::nullopt;
    }
    return m_queue.begin()->first.first;
}

size_t
PosixHost::RunDueTimers()
{
    // A bound on the timers fired per call keeps a callback that re-arms itself for "now" from
    // starving the sockets; the loop comes back at once because the deadline is past.
    constexpr size_t kMaxPerCall = 4096;
    size_t fired = 0;
    engine::Nanos now = Now();
    while (!m_queue.empty() && fired < kMaxPerCall)
    {
        auto it = m_queue.begin();
        if (it->first.first > now)
        {
            now = Now(); // time moved on while earlier callbacks ran
            if (it->first.first > now)
            {
                break;
            }
        }
        // Removed before the call: the callback may start or cancel timers, itself included.
        std::function<void()> callback = std::move(it->second);
        m_index.erase(it->first.second);
        m_queue.erase(it);
        ++fired;
        callback();
    }
    return fired;
}

} // namespace runner
} // namespace vpnsim
