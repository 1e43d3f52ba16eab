#include "model/engine/sa-lifetime.h"

namespace vpnsim
{
namespace engine
{

SaLifetime::SaLifetime(Host& host, Nanos life, uint64_t kilobytes, Callbacks callbacks)
    : m_host(host)
    , m_volumeBytes(kilobytes * 1024)
    , m_callbacks(std::move(callbacks))
{
    Nanos start = host.Now();
    m_dueTimer = host.StartTimer(start + RekeyAfter(life),
                                 [this]()
                                 {
                                     m_dueTimer.reset();
                                     Due();
                                 });
    m_endTimer = host.StartTimer(start + life,
                                 [this]()
                                 {
                                     m_endTimer.reset();
                                     End();
                                 });
}

SaLifetime::~SaLifetime()
{
    Cancel();
}

Nanos
SaLifetime::RekeyAfter(Nanos life)
{
    // Lifetimes are at least 120 s (the ASA's lowest); a shorter one rekeys at half its life.
    return life > 2 * kRekeyMargin ? life - kRekeyMargin : life / 2;
}

void
SaLifetime::Protected(int direction, uint64_t bytes)
{
    if (m_volumeBytes == 0 || m_ended)
    {
        return;
    }
    uint64_t& counted = m_bytes[direction != 0];
    counted += bytes;
    if (counted >= m_volumeBytes)
    {
        End();
        return;
    }
    if (static_cast<double>(counted) >= kRekeyVolumeShare * static_cast<double>(m_volumeBytes))
    {
        Due();
    }
}

void
SaLifetime::Due()
{
    if (m_due || m_ended)
    {
        return;
    }
    m_due = true;
    if (m_callbacks.rekeyDue)
    {
        m_callbacks.rekeyDue();
    }
}

void
SaLifetime::End()
{
    if (m_ended)
    {
        return;
    }
    m_ended = true;
    Cancel();
    if (m_callbacks.expired)
    {
        m_callbacks.expired(); // may destroy this object: nothing after
    }
}

void
SaLifetime::Cancel()
{
    for (auto* timer : {&m_dueTimer, &m_endTimer})
    {
        if (*timer)
        {
            m_host.CancelTimer(**timer);
            timer->reset();
        }
    }
}

} // namespace engine
} // namespace vpnsim
