/*
 * A Host for engine tests: a fake clock, a timer queue run in time order, and a record of
 * everything the engine sent or delivered. No ns-3, no sockets.
 */
#ifndef VPNSIM_TESTS_ENGINE_FAKE_HOST_H
#define VPNSIM_TESTS_ENGINE_FAKE_HOST_H

#include "model/engine/host.h"

#include <map>
#include <random>
#include <utility>
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

class FakeHost : public engine::Host
{
  public:
    explicit FakeHost(uint64_t seed = 1)
        : m_random(seed)
    {
    }

    engine::Nanos Now() const override
    {
        return m_now;
    }

    void SendOuter(const engine::OuterPacket& p) override
    {
        outer.push_back(SentOuter{m_now, p.protocol, p.sourcePort, p.destinationPort,
                                  wire::Bytes(p.payload.begin(), p.payload.end())});
    }

    void SendStream(wire::ByteView bytes) override
    {
        stream.insert(stream.end(), bytes.begin(), bytes.end());
    }

    void DeliverInner(wire::ByteView inner) override
    {
        delivered.emplace_back(inner.begin(), inner.end());
    }

    engine::TimerId StartTimer(engine::Nanos at, std::function<void()> callback) override
    {
        engine::TimerId id = ++m_nextId;
        m_timers.emplace(std::make_pair(at, id), std::move(callback));
        return id;
    }

    void CancelTimer(engine::TimerId id) override
    {
        for (auto it = m_timers.begin(); it != m_timers.end(); ++it)
        {
            if (it->first.second == id)
            {
                m_timers.erase(it);
                return;
            }
        }
    }

    uint32_t Random32() override
    {
        return static_cast<uint32_t>(m_random());
    }

    /// Fires every timer due up to `until` in time order, then sets the clock to `until`.
    void RunUntil(engine::Nanos until)
    {
        while (!m_timers.empty() && m_timers.begin()->first.first <= until)
        {
            auto node = m_timers.extract(m_timers.begin());
            m_now = node.key().first;
            node.mapped()();
        }
        m_now = until;
    }

    /// Advances the clock by `d`, firing timers on the way.
    void Advance(engine::Nanos d)
    {
        RunUntil(m_now + d);
    }

    /// Number of timers still pending.
    size_t PendingTimers() const
    {
        return m_timers.size();
    }

    std::vector<SentOuter> outer;
    wire::Bytes stream;
    std::vector<wire::Bytes> delivered;

  private:
    engine::Nanos m_now{0};
    engine::TimerId m_nextId{0};
    std::map<std::pair<engine::Nanos, engine::TimerId>, std::function<void()>> m_timers;
    std::mt19937_64 m_random;
};

} // namespace test
} // namespace vpnsim

#endif // VPNSIM_TESTS_ENGINE_FAKE_HOST_H
