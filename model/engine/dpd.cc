#include "model/engine/dpd.h"

#include <algorithm>

namespace vpnsim
{
namespace engine
{

DeadPeerDetection::DeadPeerDetection(Host& host)
    : m_host(host)
{
}

DeadPeerDetection::~DeadPeerDetection()
{
    Stop();
}

void
DeadPeerDetection::SetCallbacks(DpdCallbacks callbacks)
{
    m_callbacks = std::move(callbacks);
}

void
DeadPeerDetection::Start()
{
    m_running = true;
    m_lastHeard = m_host.Now();
    m_sentSinceHeard = false;
    Evaluate();
}

void
DeadPeerDetection::Stop()
{
    m_running = false;
    if (m_timer)
    {
        m_host.CancelTimer(*m_timer);
        m_timer.reset();
    }
}

void
DeadPeerDetection::OnPeerHeard()
{
    m_lastHeard = m_host.Now();
    m_sentSinceHeard = false;
    m_lastRUThere.reset();
    m_unanswered = 0;
    // Deadlines only move later: a pending timer fires early and re-decides.
}

void
DeadPeerDetection::OnTrafficSent()
{
    if (!m_sentSinceHeard)
    {
        m_firstSentSinceHeard = m_host.Now();
    }
    m_sentSinceHeard = true;
    if (m_running && !m_timer)
    {
        Evaluate();
    }
}

void
DeadPeerDetection::OnAck(uint32_t /* sequence */)
{
    ++m_counters.acksReceived;
    OnPeerHeard();
}

void
DeadPeerDetection::Arm(Nanos at)
{
    if (m_timer && m_timerAt <= at)
    {
        return;
    }
    if (m_timer)
    {
        m_host.CancelTimer(*m_timer);
    }
    m_timerAt = at;
    m_timer = m_host.StartTimer(at,
                                [this]()
                                {
                                    m_timer.reset();
                                    Evaluate();
                                });
}

void
DeadPeerDetection::Evaluate()
{
    if (!m_running)
    {
        return;
    }
    Nanos now = m_host.Now();
    Decision d = Decide(now);
    if (d.dead)
    {
        Stop();
        if (m_callbacks.peerDead)
        {
            m_callbacks.peerDead();
        }
        return;
    }
    if (d.sendRUThere)
    {
        m_lastRUThere = now;
        ++m_unanswered;
        ++m_counters.rUThereSent;
        if (m_callbacks.sendRUThere)
        {
            m_callbacks.sendRUThere(++m_sequence);
        }
        d = Decide(now); // the send changed the state: when next?
    }
    if (d.wakeAt)
    {
        Arm(std::max(*d.wakeAt, now));
    }
}

CiscoClientDpd::CiscoClientDpd(Host& host, CiscoClientDpdConfig config)
    : DeadPeerDetection(host)
    , m_config(config)
{
}

const char*
CiscoClientDpd::Name() const
{
    return "cisco-client";
}

DeadPeerDetection::Decision
CiscoClientDpd::Decide(Nanos now) const
{
    Decision d;
    bool worried = m_sentSinceHeard || m_lastRUThere.has_value();
    if (!worried)
    {
        return d; // on-demand: nothing sent since the peer spoke, nothing to ask
    }
    // The client waits for a response from the last packet heard while traffic flows. After a
    // quiet spell of its own (nothing sent for longer than `idle`) it waits from its first
    // unanswered send: mutual silence of an idle on-demand tunnel is not a dead peer.
    Nanos waitingSince = m_lastHeard;
    if (m_sentSinceHeard && m_firstSentSinceHeard > m_lastHeard + m_config.idle)
    {
        waitingSince = m_firstSentSinceHeard;
    }
    Nanos deadAt = waitingSince + m_config.peerTimeout;
    if (now >= deadAt)
    {
        d.dead = true;
        return d;
    }
    Nanos askAt = m_lastRUThere ? *m_lastRUThere + m_config.retry : waitingSince + m_config.idle;
    if (now >= askAt)
    {
        d.sendRUThere = true;
    }
    d.wakeAt = std::min(deadAt, now >= askAt ? now + m_config.retry : askAt);
    return d;
}

AsaDpd::AsaDpd(Host& host, AsaDpdConfig config)
    : DeadPeerDetection(host)
    , m_config(config)
{
}

const char*
AsaDpd::Name() const
{
    return "asa";
}

DeadPeerDetection::Decision
AsaDpd::Decide(Nanos now) const
{
    Decision d;
    if (!m_lastRUThere)
    {
        Nanos askAt = m_lastHeard + m_config.threshold;
        d.sendRUThere = now >= askAt;
        d.wakeAt = d.sendRUThere ? now + m_config.retry : askAt;
        return d;
    }
    Nanos next = *m_lastRUThere + m_config.retry;
    if (now < next)
    {
        d.wakeAt = next;
        return d;
    }
    // The first R-U-THERE plus `retries` retransmissions have gone unanswered.
    if (m_unanswered > m_config.retries)
    {
        d.dead = true;
        return d;
    }
    d.sendRUThere = true;
    d.wakeAt = now + m_config.retry;
    return d;
}

} // namespace engine
} // namespace vpnsim
