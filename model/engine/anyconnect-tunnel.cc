#include "model/engine/anyconnect-tunnel.h"

namespace vpnsim
{
namespace engine
{

namespace
{

/// openconnect's BYE (DISCONNECT) payload starts with 0xb0, then the reason
/// (doc/protocols.md §CSTP framing).
constexpr uint8_t kDisconnectMarker = 0xb0;

} // namespace

AnyConnectTunnel::AnyConnectTunnel(Host& host, AnyConnectRole role, AnyConnectConfig config)
    : m_host(host)
    , m_role(role)
    , m_config(config)
    , m_session(host, config.tls)
{
    m_session.SetCallbacks(CstpCallbacks{[this](wire::CstpType t, wire::ByteView p)
                                         {
                                             OnControl(t, p);
                                         },
                                         [this](const std::string& d)
                                         {
                                             m_observer.Drop(DropReason::Framing, m_receiving, d);
                                             GoDown(DownReason::FramingError, d);
                                         }});
}

AnyConnectTunnel::~AnyConnectTunnel()
{
    CancelTimer();
}

void
AnyConnectTunnel::SetStatusCallback(std::function<void(const TunnelStatus&)> callback)
{
    m_statusCallback = std::move(callback);
}

void
AnyConnectTunnel::SetObserver(TunnelObserver observer)
{
    m_observer = std::move(observer);
}

TunnelCounters
AnyConnectTunnel::Summary() const
{
    const CstpCounters& c = m_session.Counters();
    TunnelCounters t;
    t.innerSent = c.dataSent;
    t.innerReceived = c.dataReceived;
    t.innerDroppedNotUp = m_innerDroppedNotUp;
    t.framingErrors = c.framingErrors;
    t.dpdRequestsSent = c.dpdRequestsSent;
    t.dpdRequestsReceived = c.dpdRequestsReceived;
    t.dpdResponsesSent = c.dpdResponsesSent;
    t.dpdResponsesReceived = c.dpdResponsesReceived;
    t.keepalivesSent = c.keepalivesSent;
    t.keepalivesReceived = c.keepalivesReceived;
    return t;
}

void
AnyConnectTunnel::Start()
{
    if (m_started)
    {
        return;
    }
    m_started = true;
    m_state = TunnelState::Up;
    if (m_statusCallback)
    {
        m_statusCallback(TunnelStatus{TunnelState::Up, std::nullopt, "cstp: tunnel up"});
    }
    Evaluate();
}

void
AnyConnectTunnel::SendInner(wire::ByteView innerPacket)
{
    if (m_state != TunnelState::Up)
    {
        ++m_innerDroppedNotUp;
        m_observer.Drop(DropReason::NotUp, innerPacket,
                        "cstp: inner packet while the tunnel is not up");
        return;
    }
    m_session.SendData(innerPacket);
}

void
AnyConnectTunnel::Receive(const OuterPacket& packet)
{
    m_observer.Drop(DropReason::OuterMalformed, packet.payload, "cstp: a datagram, not stream bytes");
}

void
AnyConnectTunnel::ReceiveStream(wire::ByteView chunk)
{
    if (m_state != TunnelState::Up)
    {
        m_observer.Drop(DropReason::NotUp, chunk, "cstp: stream bytes while the tunnel is not up");
        return;
    }
    m_receiving = chunk;
    m_session.ReceiveStream(chunk);
    m_receiving = {};
}

void
AnyConnectTunnel::Disconnect(const std::string& reason)
{
    if (m_state != TunnelState::Up)
    {
        return;
    }
    wire::Bytes payload{kDisconnectMarker};
    payload.insert(payload.end(), reason.begin(), reason.end());
    m_session.SendControl(wire::CstpType::Disconnect, payload);
    GoDown(std::nullopt, "cstp: local disconnect: " + reason);
}

void
AnyConnectTunnel::OnControl(wire::CstpType type, wire::ByteView payload)
{
    switch (type)
    {
        case wire::CstpType::DpdRequest:
            m_observer.Report(LivenessEvent::CstpDpdRequestReceived);
            m_observer.Report(LivenessEvent::CstpDpdResponseSent); // the session answered at once
            return;
        case wire::CstpType::DpdResponse:
            m_observer.Report(LivenessEvent::CstpDpdResponseReceived);
            return;
        case wire::CstpType::Keepalive:
            m_observer.Report(LivenessEvent::CstpKeepaliveReceived);
            return;
        default:
            break;
    }
    if (type == wire::CstpType::Disconnect || type == wire::CstpType::Terminate)
    {
        std::string text;
        if (type == wire::CstpType::Disconnect && !payload.empty()
            && payload[0] == kDisconnectMarker)
        {
            text.assign(payload.begin() + 1, payload.end());
        }
        GoDown(std::nullopt, std::string("cstp: peer sent ") + wire::ToString(type)
                                 + (text.empty() ? "" : ": " + text));
    }
}

void
AnyConnectTunnel::OnTimer()
{
    m_timer.reset();
    m_timerAt.reset();
    Evaluate();
}

void
AnyConnectTunnel::Evaluate()
{
    // Keepalives are sent by the client only (openconnect is the client;
    // doc/protocols.md §CSTP DPD and keepalive).
    Nanos keepalive = m_role == AnyConnectRole::Client ? m_config.keepalive : Nanos::zero();
    while (m_state == TunnelState::Up)
    {
        Nanos now = m_host.Now();
        KeepaliveTimes times{m_session.LastReceived(), m_session.LastSent(), m_lastDpd};
        KeepaliveDecision d = DecideKeepalive(now, times, m_config.dpd, keepalive);
        switch (d.action)
        {
            case KeepaliveAction::Dead:
                m_observer.Report(LivenessEvent::PeerDead);
                GoDown(m_role == AnyConnectRole::Client ? DownReason::ClientDpd
                                                        : DownReason::HeadendDpd,
                       "cstp: nothing received for 2*dpd");
                return;
            case KeepaliveAction::SendDpd:
                m_lastDpd = now;
                m_session.SendControl(wire::CstpType::DpdRequest);
                m_observer.Report(LivenessEvent::CstpDpdRequestSent);
                continue;
            case KeepaliveAction::SendKeepalive:
                m_session.SendControl(wire::CstpType::Keepalive);
                m_observer.Report(LivenessEvent::CstpKeepaliveSent);
                continue;
            case KeepaliveAction::None:
                break;
        }
        // Deadlines only move later as traffic flows, so a timer armed for an earlier time
        // just wakes up early and re-evaluates.
        if (d.next && (!m_timerAt || *d.next < *m_timerAt))
        {
            CancelTimer();
            m_timerAt = d.next;
            m_timer = m_host.StartTimer(*d.next,
                                        [this]
                                        {
                                            OnTimer();
                                        });
        }
        return;
    }
}

void
AnyConnectTunnel::GoDown(std::optional<DownReason> reason, const std::string& detail)
{
    if (m_state == TunnelState::Down)
    {
        return;
    }
    m_state = TunnelState::Down;
    CancelTimer();
    if (m_statusCallback)
    {
        m_statusCallback(TunnelStatus{TunnelState::Down, reason, detail});
    }
}

void
AnyConnectTunnel::CancelTimer()
{
    if (m_timer)
    {
        m_host.CancelTimer(*m_timer);
        m_timer.reset();
        m_timerAt.reset();
    }
}

} // namespace engine
} // namespace vpnsim
