#include "model/engine/nat-keepalive.h"

namespace vpnsim
{
namespace engine
{

NatKeepalive::NatKeepalive(Host& host, std::function<void()> send, Nanos interval)
    : m_host(host)
    , m_send(std::move(send))
    , m_interval(interval)
{
}

NatKeepalive::~NatKeepalive()
{
    Stop();
}

void
NatKeepalive::Start()
{
    Stop(); // a second Start must not leave a second timer running
    m_running = true;
    m_lastSent = m_host.Now();
    Arm();
}

void
NatKeepalive::Stop()
{
    m_running = false;
    if (m_timer)
    {
        m_host.CancelTimer(*m_timer);
        m_timer.reset();
    }
}

void
NatKeepalive::OnSent()
{
    // No rescheduling per packet: the pending timer fires and looks at the idle time then.
    m_lastSent = m_host.Now();
}

void
NatKeepalive::Arm()
{
    m_timer = m_host.StartTimer(m_lastSent + m_interval,
                                [this]()
                                {
                                    m_timer.reset();
                                    OnTimer();
                                });
}

void
NatKeepalive::OnTimer()
{
    if (!m_running)
    {
        return;
    }
    if (m_host.Now() - m_lastSent >= m_interval)
    {
        ++m_sent;
        m_lastSent = m_host.Now();
        m_send();
    }
    Arm();
}

} // namespace engine
} // namespace vpnsim
