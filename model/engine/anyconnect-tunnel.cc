#include "model/engine/anyconnect-tunnel.h"

#include <cstdio>

namespace vpnsim
{
namespace engine
{

namespace
{

/// openconnect's BYE (DISCONNECT) payload starts with 0xb0, then the reason
/// (doc/protocols.md §CSTP framing).
constexpr uint8_t kDisconnectMarker = 0xb0;

/// The lower of two intervals where 0 means "off": the local setting can only shorten what
/// the headend asks for, and turning it off locally keeps it off (openconnect).
Nanos
Lower(Nanos local, Nanos granted)
{
    if (local == Nanos::zero() || granted == Nanos::zero())
    {
        return local;
    }
    return std::min(local, granted);
}

/// A session cookie of 128 bits from the host's seeded random source.
std::string
DrawCookie(Host& host)
{
    std::string cookie;
    for (int i = 0; i < 4; ++i)
    {
        char part[9];
        std::snprintf(part, sizeof(part), "%08x", host.Random32());
        cookie += part;
    }
    return cookie;
}

} // namespace

AnyConnectTunnel::AnyConnectTunnel(Host& host, AnyConnectRole role, AnyConnectConfig config)
    : m_host(host)
    , m_role(role)
    , m_config(std::move(config))
    , m_session(host)
    , m_dpd(m_config.dpd)
    , m_keepalive(role == AnyConnectRole::Client ? m_config.keepalive : Nanos::zero())
{
    m_tls = std::make_unique<TlsSession>(
        role == AnyConnectRole::Client ? TlsRole::Client : TlsRole::Server,
        TlsCallbacks{[this](wire::ByteView bytes)
                     {
                         m_host.SendStream(bytes);
                     },
                     [this]
                     {
                         OnEstablished();
                     },
                     [this](wire::ByteView plaintext)
                     {
                         OnPlaintext(plaintext);
                     },
                     [this](const std::string& detail)
                     {
                         OnTlsFailed(detail);
                     }});
    if (role == AnyConnectRole::Client)
    {
        m_connectClient = std::make_unique<CstpConnectClient>(m_config.client);
    }
    else
    {
        CstpServerSettings s;
        s.username = m_config.username;
        s.password = m_config.password;
        s.cookie = DrawCookie(host);
        s.grant = [this]
        {
            CstpGrant g;
            if (m_config.lease)
            {
                std::tie(g.address, g.netmask) = m_config.lease();
            }
            g.mtu = m_config.mtu;
            g.dpd = m_config.dpd;
            g.keepalive = m_config.keepalive;
            g.idleTimeout = m_config.idleTimeout;
            return g;
        };
        m_connectServer = std::make_unique<CstpConnectServer>(std::move(s));
    }
    m_session.SetCallbacks(CstpCallbacks{[this](wire::ByteView packet)
                                         {
                                             m_tls->Write(packet);
                                         },
                                         [this](wire::CstpType t, wire::ByteView p)
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
    m_startedAt = m_host.Now();
    m_tls->Start();
    Evaluate();
}

void
AnyConnectTunnel::OnEstablished()
{
    if (m_connectClient)
    {
        std::string request = m_connectClient->Begin();
        m_tls->Write(wire::ByteView(reinterpret_cast<const uint8_t*>(request.data()),
                                    request.size()));
    }
}

void
AnyConnectTunnel::OnPlaintext(wire::ByteView plaintext)
{
    if (m_ended)
    {
        return;
    }
    if (m_state == TunnelState::Up)
    {
        m_session.Receive(plaintext);
        return;
    }
    OnExchange(m_connectClient ? m_connectClient->Receive(plaintext)
                               : m_connectServer->Receive(plaintext));
}

void
AnyConnectTunnel::OnExchange(const CstpConnectStep& step)
{
    if (!step.send.empty())
    {
        m_tls->Write(
            wire::ByteView(reinterpret_cast<const uint8_t*>(step.send.data()), step.send.size()));
    }
    if (step.error)
    {
        m_observer.Drop(DropReason::Framing, m_receiving, *step.error);
        GoDown(DownReason::FramingError, *step.error);
        return;
    }
    if (step.connected)
    {
        GoUp(step.grant);
        if (!step.rest.empty() && m_state == TunnelState::Up)
        {
            m_session.Receive(step.rest);
        }
    }
}

void
AnyConnectTunnel::GoUp(const CstpGrant& grant)
{
    m_grant = grant;
    if (m_role == AnyConnectRole::Client)
    {
        m_dpd = Lower(m_config.dpd, grant.dpd);
        m_keepalive = Lower(m_config.keepalive, grant.keepalive);
    }
    m_state = TunnelState::Up;
    m_session.Restart(m_host.Now());
    CancelTimer(); // the set-up deadline
    if (m_statusCallback)
    {
        m_statusCallback(TunnelStatus{TunnelState::Up, std::nullopt, "cstp: tunnel up"});
    }
    Evaluate();
}

void
AnyConnectTunnel::OnTlsFailed(const std::string& detail)
{
    if (m_tls->Closed())
    {
        // close_notify: an orderly end, as a DISCONNECT would be.
        GoDown(std::nullopt, detail);
        return;
    }
    m_observer.Drop(DropReason::Framing, m_receiving, detail);
    GoDown(DownReason::FramingError, detail);
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
    if (!m_started || m_ended)
    {
        m_observer.Drop(DropReason::NotUp, chunk, "cstp: stream bytes while the tunnel is not up");
        return;
    }
    m_receiving = chunk;
    m_tls->Receive(chunk);
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
    m_tls->Close();
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
    DownReason dead =
        m_role == AnyConnectRole::Client ? DownReason::ClientDpd : DownReason::HeadendDpd;
    if (m_started && !m_ended && m_state != TunnelState::Up)
    {
        // Setting up: the handshake and the exchange must be done within 2*dpd, the time
        // after which an established tunnel that heard nothing would be given up too.
        if (m_config.dpd == Nanos::zero())
        {
            return;
        }
        Nanos deadline = m_startedAt + 2 * m_config.dpd;
        if (m_host.Now() >= deadline)
        {
            GoDown(dead, "cstp: tunnel not set up within 2*dpd");
            return;
        }
        CancelTimer();
        m_timerAt = deadline;
        m_timer = m_host.StartTimer(deadline,
                                    [this]
                                    {
                                        OnTimer();
                                    });
        return;
    }
    while (m_state == TunnelState::Up)
    {
        Nanos now = m_host.Now();
        KeepaliveTimes times{m_session.LastReceived(), m_session.LastSent(), m_lastDpd};
        KeepaliveDecision d = DecideKeepalive(now, times, m_dpd, m_keepalive);
        switch (d.action)
        {
            case KeepaliveAction::Dead:
                m_observer.Report(LivenessEvent::PeerDead);
                GoDown(dead, "cstp: nothing received for 2*dpd");
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
    if (m_ended)
    {
        return;
    }
    m_ended = true;
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
