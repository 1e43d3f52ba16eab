/*
 * A fake clock for engine tests: a queue of callbacks run in time order, ties in the order they
 * were scheduled, and a `now` that only moves when the test runs the queue. The engine's time
 * is then exact and a test's timeline reproducible, with no ns-3 and no sleeping.
 */
#ifndef VPNSIM_TESTS_ENGINE_FAKE_CLOCK_H
#define VPNSIM_TESTS_ENGINE_FAKE_CLOCK_H

#include "model/engine/host.h"

#include <functional>
#include <map>
#include <utility>

namespace vpnsim
{
namespace test
{

class FakeClock
{
  public:
    engine::Nanos Now() const
    {
        return m_now;
    }

    /// Queues `callback` to run at `at`; the id cancels it.
    engine::TimerId Schedule(engine::Nanos at, std::function<void()> callback)
    {
        engine::TimerId id = ++m_nextId;
        m_pending[id] = m_events.emplace(std::make_pair(at, id), std::move(callback)).first;
        return id;
    }

    /// Drops a queued callback; an id that already ran or never was does nothing.
    void Cancel(engine::TimerId id)
    {
        auto it = m_pending.find(id);
        if (it != m_pending.end())
        {
            m_events.erase(it->second);
            m_pending.erase(it);
        }
    }

    /// Runs every callback due up to `until` in time order, then sets the clock to `until`.
    void RunUntil(engine::Nanos until)
    {
        while (!m_events.empty() && m_events.begin()->first.first <= until)
        {
            auto node = m_events.extract(m_events.begin());
            m_pending.erase(node.key().second);
            m_now = node.key().first;
            node.mapped()();
        }
        m_now = until;
    }

    /// Advances the clock by `d`, running callbacks on the way.
    void Advance(engine::Nanos d)
    {
        RunUntil(m_now + d);
    }

    /// Number of callbacks still queued.
    size_t Pending() const
    {
        return m_events.size();
    }

  private:
    using Events = std::map<std::pair<engine::Nanos, engine::TimerId>, std::function<void()>>;

    engine::Nanos m_now{0};
    engine::TimerId m_nextId{0};
    Events m_events;
    std::map<engine::TimerId, Events::iterator> m_pending;
};

} // namespace test
} // namespace vpnsim

#endif // VPNSIM_TESTS_ENGINE_FAKE_CLOCK_H
