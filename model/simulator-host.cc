#include "model/simulator-host.h"

#include "ns3/simulator.h"

#include <algorithm>

namespace ns3
{

SimulatorHost::SimulatorHost()
    : m_random(CreateObject<UniformRandomVariable>())
{
}

SimulatorHost::~SimulatorHost()
{
    CancelAll();
}

void
SimulatorHost::SetSinks(OuterSink outer, BytesSink stream, BytesSink inner)
{
    m_outer = std::move(outer);
    m_stream = std::move(stream);
    m_inner = std::move(inner);
}

int64_t
SimulatorHost::AssignStreams(int64_t stream)
{
    m_random->SetStream(stream);
    return 1;
}

void
SimulatorHost::CancelAll()
{
    for (auto& [id, timer] : m_timers)
    {
        Simulator::Cancel(timer.first);
    }
    m_timers.clear();
}

vpnsim::engine::Nanos
SimulatorHost::Now() const
{
    return vpnsim::engine::Nanos(Simulator::Now().GetNanoSeconds());
}

void
SimulatorHost::SendOuter(const vpnsim::engine::OuterPacket& packet)
{
    if (m_outer)
    {
        m_outer(packet);
    }
}

void
SimulatorHost::SendStream(vpnsim::wire::ByteView bytes)
{
    if (m_stream)
    {
        m_stream(bytes);
    }
}

void
SimulatorHost::DeliverInner(vpnsim::wire::ByteView innerPacket)
{
    if (m_inner)
    {
        m_inner(innerPacket);
    }
}

vpnsim::engine::TimerId
SimulatorHost::StartTimer(vpnsim::engine::Nanos at, std::function<void()> callback)
{
    vpnsim::engine::TimerId id = ++m_nextId;
    int64_t delay = std::max<int64_t>(0, at.count() - Simulator::Now().GetNanoSeconds());
    EventId e = Simulator::Schedule(NanoSeconds(delay), &SimulatorHost::Fire, this, id);
    m_timers.emplace(id, std::make_pair(e, std::move(callback)));
    return id;
}

void
SimulatorHost::CancelTimer(vpnsim::engine::TimerId id)
{
    auto it = m_timers.find(id);
    if (it != m_timers.end())
    {
        Simulator::Cancel(it->second.first);
        m_timers.erase(it);
    }
}

void
SimulatorHost::Fire(vpnsim::engine::TimerId id)
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
SimulatorHost::Random32()
{
    return m_random->GetInteger(0, 0xffffffffU);
}

} // namespace ns3
