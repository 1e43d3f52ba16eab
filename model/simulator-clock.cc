#include "model/simulator-clock.h"

#include "ns3/simulator.h"

#include <algorithm>

namespace ns3
{

SimulatorClock::SimulatorClock()
    : m_random(CreateObject<UniformRandomVariable>())
{
}

SimulatorClock::~SimulatorClock()
{
    CancelAll();
}

int64_t
SimulatorClock::AssignStreams(int64_t stream)
{
    m_random->SetStream(stream);
    return 1;
}

void
SimulatorClock::CancelAll()
{
    for (auto& [id, timer] : m_timers)
    {
        Simulator::Cancel(timer.first);
    }
    m_timers.clear();
}

vpnsim::engine::Nanos
SimulatorClock::Now() const
{
    return vpnsim::engine::Nanos(Simulator::Now().GetNanoSeconds());
}

vpnsim::engine::TimerId
SimulatorClock::StartTimer(vpnsim::engine::Nanos at, std::function<void()> callback)
{
    vpnsim::engine::TimerId id = ++m_nextId;
    int64_t delay = std::max<int64_t>(0, at.count() - Simulator::Now().GetNanoSeconds());
    EventId e = Simulator::Schedule(NanoSeconds(delay), &SimulatorClock::Fire, this, id);
    m_timers.emplace(id, std::make_pair(e, std::move(callback)));
    return id;
}

void
SimulatorClock::CancelTimer(vpnsim::engine::TimerId id)
{
    auto it = m_timers.find(id);
    if (it != m_timers.end())
    {
        Simulator::Cancel(it->second.first);
        m_timers.erase(it);
    }
}

void
SimulatorClock::Fire(vpnsim::engine::TimerId id)
{
    auto it = m_timers.find(id);
    if (it == m_timers.end())
    {
        return;
    }
    std::function<void()> callback = std::move(it->second.second);
    m_timers.erase(it);
    callback();
}

uint32_t
SimulatorClock::Random32()
{
    return m_random->GetInteger(0, 0xffffffffU);
}

} // namespace ns3
