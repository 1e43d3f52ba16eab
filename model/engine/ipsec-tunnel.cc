#include "model/engine/ipsec-tunnel.h"

#include "model/engine/ctcp-transport.h"
#include "model/engine/endpoint-config.h"
#include "model/engine/udp-transports.h"
#include "model/wire/isakmp-notify.h"

namespace vpnsim
{
namespace engine
{

const char*
ToString(IpsecEncapsulation e)
{
    switch (e)
    {
        case IpsecEncapsulation::Ctcp:
            return "ctcp";
        case IpsecEncapsulation::Natt:
            return "natt";
        case IpsecEncapsulation::Esp:
            return "esp";
    }
    return "?";
}

uint32_t
IpsecTunnel::RekeyedSpi(uint32_t first, uint32_t generation)
{
    // Within the block, so that a headend still knows the client by it (HeadendDemux).
    uint32_t low = (first + 2 * (generation % 127)) & 0xff;
    return (first & ~uint32_t{0xff}) | low;
}

void
ShiftSpis(IpsecTunnelConfig& config, uint32_t block)
{
    config.clientToHeadendSpi += block << 8;
    config.headendToClientSpi += block << 8;
}

wire::EspSaConfig
IpsecTunnel::SaConfig(const IpsecTunnelConfig& config, bool clientToHeadend)
{
    wire::EspSaConfig sa;
    sa.spi = clientToHeadend ? config.clientToHeadendSpi : config.headendToClientSpi;
    sa.transform = config.transform;
    sa.replayWindow = config.replayWindow;
    wire::EspKeyLengths k = wire::KeyLengths(config.transform);
    // Static keys: distinct per direction, identical at both ends, printable for tshark. The
    // block (the SPI's upper 24 bits counted from the default pair's) is 0 for a lone tunnel,
    // whose keys are thus those of every earlier version; 24 bits spread over bytes i mod 3.
    uint32_t block = ((sa.spi >> 8) - (kDefaultClientToHeadendSpi >> 8)) & 0xffffff;
    auto mix = [block](size_t i)
    {
        return static_cast<uint8_t>(block >> (8 * (i % 3)));
    };
    for (size_t i = 0; i < k.encryption; ++i)
    {
        sa.encryptionKey.push_back(
            static_cast<uint8_t>((config.keySeed + i + (sa.spi & 0xff)) ^ mix(i)));
    }
    for (size_t i = 0; i < k.authentication; ++i)
    {
        sa.authenticationKey.push_back(
            static_cast<uint8_t>((config.keySeed + 0x80 + i + (sa.spi & 0xff)) ^ mix(i)));
    }
    return sa;
}

std::optional<std::string>
IpsecTunnel::Validate(const IpsecTunnelConfig& c)
{
    if (c.localAddress == 0 || c.remoteAddress == 0)
    {
        return "tunnel addresses: both ends need a non-zero IPv4 address";
    }
    if (c.transform == wire::EspTransformId::AesCbc128NoAuth)
    {
        return std::string("esp transform ") + wire::ToString(c.transform)
               + ": has no integrity, for known-answer tests only";
    }
    for (bool dir : {true, false})
    {
        auto sa = wire::EspOutboundSa::Create(SaConfig(c, dir));
        if (!sa)
        {
            return sa.GetError().detail;
        }
        auto in = wire::EspInboundSa::Create(SaConfig(c, dir));
        if (!in)
        {
            return in.GetError().detail;
        }
    }
    if (c.clientToHeadendSpi == c.headendToClientSpi)
    {
        return "esp spi: the two directions need different SPIs";
    }
    using namespace parameter;
    for (auto error : {kClientToHeadendSpi.Check(uint64_t{c.clientToHeadendSpi}),
                       kHeadendToClientSpi.Check(uint64_t{c.headendToClientSpi}),
                       kPeerTimeout.Check(c.clientDpd.peerTimeout),
                       kClientDpdIdle.Check(c.clientDpd.idle),
                       kClientDpdRetry.Check(c.clientDpd.retry),
                       kAsaDpdThreshold.Check(c.headendDpd.threshold),
                       kAsaDpdRetry.Check(c.headendDpd.retry),
                       kAsaDpdRetries.Check(uint64_t{c.headendDpd.retries}),
                       kNatKeepalive.Check(c.natKeepalive),
                       kIdleTimeout.Check(c.idleTimeout),
                       kIkeLifetime.Check(c.lifetimes.ike),
                       kIpsecLifetime.Check(c.lifetimes.ipsec),
                       kIpsecLifetimeKb.Check(c.lifetimes.ipsecKb)})
    {
        if (error)
        {
            return error;
        }
    }
    return IkeExchange::Validate(c.ike);
}

IpsecTunnel::IpsecTunnel(Host& host, IpsecRole role, IpsecTunnelConfig config)
    : m_host(host)
    , m_role(role)
    , m_config(std::move(config))
{
    bool client = role == IpsecRole::Client;
    switch (m_config.encapsulation)
    {
        case IpsecEncapsulation::Ctcp:
            m_transport = std::make_unique<CtcpTransport>(
                host, client ? CtcpRole::Initiator : CtcpRole::Responder, m_config.localAddress,
                m_config.remoteAddress, m_config.ctcp);
            break;
        case IpsecEncapsulation::Natt:
            m_transport = std::make_unique<NattTransport>(host, m_config.localAddress,
                                                          m_config.remoteAddress);
            break;
        case IpsecEncapsulation::Esp:
            m_transport = std::make_unique<EspTransport>(host, m_config.localAddress,
                                                         m_config.remoteAddress);
            break;
    }
    if (auto* datagram = dynamic_cast<DatagramTransport*>(m_transport.get()); datagram && !client)
    {
        // The headend answers a client behind NAT where its packets come from (RFC 3947/3948);
        // the client always talks to the headend's public address.
        datagram->FollowPeer(true);
    }
    m_transport->SetCallbacks(TransportCallbacks{[this](wire::ByteView m)
                                                 {
                                                     OnIke(m);
                                                 },
                                                 [this](wire::ByteView p)
                                                 {
                                                     OnEsp(p);
                                                 },
                                                 [this](TransportEvent e, const std::string& d)
                                                 {
                                                     OnTransportEvent(e, d);
                                                 }});

    IkeConfig ike = m_config.ike;
    ike.inboundSpi = client ? m_config.headendToClientSpi : m_config.clientToHeadendSpi;
    ike.udpEncapsulated = m_config.encapsulation == IpsecEncapsulation::Natt;
    m_firstInboundSpi = ike.inboundSpi;
    m_ike = std::make_unique<IkeExchange>(host, client ? IkeRole::Initiator : IkeRole::Responder,
                                          ike);
    m_ike->SetCallbacks(ExchangeCallbacks(m_ike.get()));

    if (client)
    {
        m_dpd = std::make_unique<CiscoClientDpd>(host, m_config.clientDpd);
    }
    else
    {
        m_dpd = std::make_unique<AsaDpd>(host, m_config.headendDpd);
    }
    m_dpd->SetCallbacks(DpdCallbacks{
        [this](uint32_t seq)
        {
            SendDpd(false, seq);
        },
        [this, client]()
        {
            m_observer.Report(LivenessEvent::PeerDead);
            // A peer that went silent after segments we could not frame died of framing.
            if (m_framingErrorsSinceHeard > 0)
            {
                GoDown(DownReason::FramingError,
                       std::to_string(m_framingErrorsSinceHeard)
                           + " unframeable segments, then nothing from the peer");
                return;
            }
            GoDown(client ? DownReason::ClientDpd : DownReason::HeadendDpd,
                   std::string(m_dpd->Name()) + " dpd: peer not heard since "
                       + std::to_string(
                           std::chrono::duration_cast<std::chrono::milliseconds>(m_dpd->LastHeard())
                               .count())
                       + " ms");
        }});

    auto* natt = dynamic_cast<NattTransport*>(m_transport.get());
    if (natt != nullptr && m_config.natKeepalive.count() > 0)
    {
        m_keepalive = std::make_unique<NatKeepalive>(
            host,
            [this, natt]()
            {
                natt->SendKeepalive();
                m_observer.Report(LivenessEvent::NatKeepaliveSent);
            },
            m_config.natKeepalive);
    }
}

IkeCallbacks
IpsecTunnel::ExchangeCallbacks(const IkeExchange* exchange)
{
    // The same for every exchange this tunnel runs (the first, and each phase 1 rekey's) but
    // for which one completed.
    return IkeCallbacks{[this](wire::ByteView m)
                   {
                       Handling(m, false,
                                [this, m]()
                                {
                                    m_transport->SendIke(m);
                                });
                   },
                   [this]()
                   {
                       m_transport->OnIkeEncrypted();
                   },
                   [this, exchange]()
                   {
                       OnExchangeDone(exchange);
                   },
                   [this](const std::string& d)
                   {
                       GoDown(m_state == TunnelState::Up ? DownReason::RekeyFailure
                                                         : DownReason::IkeFailure,
                              d);
                   },
                   [this]()
                   {
                       return NextInboundSpi();
                   }};
}

void
IpsecTunnel::OnExchangeDone(const IkeExchange* exchange)
{
    if (exchange == m_rekeyIke.get())
    {
        OnIkeRekeyed();
    }
    else if (m_state == TunnelState::Up)
    {
        OnIpsecRekeyed();
    }
    else
    {
        OnEstablished();
    }
}

uint32_t
IpsecTunnel::NextInboundSpi()
{
    return RekeyedSpi(m_firstInboundSpi, ++m_generation);
}

bool
IpsecTunnel::InstallSas()
{
    bool client = m_role == IpsecRole::Client;
    // This end receives on the SPI it offered and sends on the one the peer offered.
    if (auto peer = m_ike->PeerSpi())
    {
        (client ? m_config.clientToHeadendSpi : m_config.headendToClientSpi) = *peer;
    }
    (client ? m_config.headendToClientSpi : m_config.clientToHeadendSpi) = m_ike->InboundSpi();
    auto in = wire::EspInboundSa::Create(SaConfig(m_config, !client));
    auto out = wire::EspOutboundSa::Create(SaConfig(m_config, client));
    if (!in || !out)
    {
        GoDown(m_state == TunnelState::Up ? DownReason::RekeyFailure : DownReason::IkeFailure,
               "quick mode: no SA for the peer's offer: "
                   + (in ? out.GetError().detail : in.GetError().detail));
        return false;
    }
    if (m_in)
    {
        // Packets the peer sent on the old SA before it switched are still on their way.
        m_replacedIn.emplace(std::move(*m_in));
        if (m_replacedTimer)
        {
            m_host.CancelTimer(*m_replacedTimer);
        }
        m_replacedTimer = m_host.StartTimer(m_host.Now() + kReplacedSaGrace,
                                            [this]()
                                            {
                                                m_replacedTimer.reset();
                                                m_replacedIn.reset();
                                            });
    }
    m_in.emplace(std::move(in.Value()));
    m_out.emplace(std::move(out.Value()));
    m_installed.push_back(OutboundSa());
    m_installed.push_back(InboundSa());
    return true;
}

void
IpsecTunnel::StartLifetimes(bool ike, bool ipsec)
{
    // Only the client starts rekeys (the remote-access client is the IKE initiator); both
    // ends hold their SAs to their lifetimes.
    bool client = m_role == IpsecRole::Client;
    auto start = [this, client](const char* what, bool& due, Nanos life, uint64_t kilobytes)
    {
        due = false;
        SaLifetime::Callbacks c{nullptr,
                                [this, what]()
                                {
                                    GoDown(DownReason::RekeyFailure,
                                           std::string(what)
                                               + " sa lifetime ended before its rekey completed");
                                }};
        if (client)
        {
            c.rekeyDue = [this, &due]()
            {
                due = true;
                RunPendingRekey();
            };
        }
        return std::make_unique<SaLifetime>(m_host, life, kilobytes, std::move(c));
    };
    if (ike)
    {
        m_ikeLife = start("ike", m_ikeRekeyDue, m_config.lifetimes.ike, 0);
    }
    if (ipsec)
    {
        m_ipsecLife = start("ipsec", m_ipsecRekeyDue, m_config.lifetimes.ipsec,
                            m_config.lifetimes.ipsecKb);
    }
}

void
IpsecTunnel::RunPendingRekey()
{
    // One exchange at a time: a due rekey waits for the one under way.
    if (m_ended || m_ike->Busy() || m_rekeyIke)
    {
        return;
    }
    if (m_ipsecRekeyDue)
    {
        StartIpsecRekey();
    }
    else if (m_ikeRekeyDue)
    {
        StartIkeRekey();
    }
}

void
IpsecTunnel::StartIpsecRekey()
{
    m_ipsecRekeyDue = false;
    m_ike->StartQuickMode();
}

void
IpsecTunnel::StartIkeRekey()
{
    m_ikeRekeyDue = false;
    IkeConfig ike = m_config.ike;
    ike.phase1Only = true;
    ike.udpEncapsulated = m_config.encapsulation == IpsecEncapsulation::Natt;
    m_rekeyIke = std::make_unique<IkeExchange>(
        m_host, m_role == IpsecRole::Client ? IkeRole::Initiator : IkeRole::Responder, ike);
    m_rekeyIke->SetCallbacks(ExchangeCallbacks(m_rekeyIke.get()));
    m_rekeyIke->Start();
}

bool
IpsecTunnel::TakeIkeRekey(const wire::IsakmpMessage& m)
{
    // The headend meets the client's phase 1 rekey as a Main Mode 1 of a new IKE SA.
    bool first = m.header.exchangeType == wire::isakmpexchange::IdentityProtection
                 && m.header.responderCookie == wire::IsakmpCookie{}
                 && m.header.initiatorCookie != m_ike->InitiatorCookie();
    if (m_role != IpsecRole::Headend || m_state != TunnelState::Up || !first)
    {
        return false;
    }
    StartIkeRekey();
    return true;
}

void
IpsecTunnel::OnIpsecRekeyed()
{
    if (m_ended || !InstallSas())
    {
        return;
    }
    ++m_counters.ipsecRekeys;
    StartLifetimes(false, true);
    RunPendingRekey();
}

void
IpsecTunnel::OnIkeRekeyed()
{
    if (m_ended)
    {
        return;
    }
    // The new IKE SA takes over DPD and later Quick Modes; the old one is no more.
    m_ike = std::move(m_rekeyIke);
    ++m_counters.ikeRekeys;
    StartLifetimes(true, false);
    RunPendingRekey();
}

IpsecTunnel::~IpsecTunnel()
{
    for (const auto& timer : {m_idleTimer, m_replacedTimer})
    {
        if (timer)
        {
            m_host.CancelTimer(*timer);
        }
    }
}

void
IpsecTunnel::SetStatusCallback(std::function<void(const TunnelStatus&)> callback)
{
    m_statusCallback = std::move(callback);
}

void
IpsecTunnel::SetObserver(TunnelObserver observer)
{
    m_observer = std::move(observer);
}

wire::EspSaConfig
IpsecTunnel::OutboundSa() const
{
    return SaConfig(m_config, m_role == IpsecRole::Client);
}

wire::EspSaConfig
IpsecTunnel::InboundSa() const
{
    return SaConfig(m_config, m_role != IpsecRole::Client);
}

TunnelCounters
IpsecTunnel::Summary() const
{
    TunnelCounters t;
    t.innerSent = m_counters.innerSent;
    t.innerReceived = m_counters.innerReceived;
    t.innerDroppedNotUp = m_counters.innerDroppedNotUp;
    t.framingErrors = m_counters.framingErrors;
    t.espAuthenticationFailed = m_counters.espAuthenticationFailed;
    t.espReplayed = m_counters.espReplayed;
    t.espMalformed = m_counters.espMalformed;
    t.espReceivedNotUp = m_counters.espReceivedNotUp;
    t.espSequenceExhausted = m_counters.espSequenceExhausted;
    t.dpdRequestsSent = m_dpd->Counters().rUThereSent;
    t.dpdRequestsReceived = m_counters.dpdRequestsReceived;
    t.dpdResponsesSent = m_counters.dpdAcksSent;
    t.dpdResponsesReceived = m_dpd->Counters().acksReceived;
    t.ikeRekeys = m_counters.ikeRekeys;
    t.ipsecRekeys = m_counters.ipsecRekeys;
    if (const auto* natt = dynamic_cast<const NattTransport*>(m_transport.get()))
    {
        t.keepalivesSent = natt->Counters().keepalivesSent;
        t.keepalivesReceived = natt->Counters().keepalivesReceived;
    }
    return t;
}

template<typename F>
void
IpsecTunnel::Handling(wire::ByteView packet, bool received, F&& f)
{
    wire::ByteView outerPacket = m_handling;
    bool outerReceived = m_handlingReceived;
    m_handling = packet;
    m_handlingReceived = received;
    f();
    m_handling = outerPacket;
    m_handlingReceived = outerReceived;
}

void
IpsecTunnel::Start()
{
    m_transport->Start();
    m_ike->Start();
}

void
IpsecTunnel::OnTransportEvent(TransportEvent event, const std::string& detail)
{
    switch (event)
    {
        case TransportEvent::FramingError:
            ++m_counters.framingErrors;
            ++m_framingErrorsSinceHeard;
            m_observer.Drop(DropReason::Framing, m_handling, detail);
            break;
        case TransportEvent::BadChecksum:
            m_observer.Drop(DropReason::BadChecksum, m_handling, detail);
            break;
        case TransportEvent::Dropped:
            // Received: not something this transport carries. Otherwise the transport could
            // not send it (no cTCP connection), or lost what it held (handshake timeout).
            m_observer.Drop(m_handlingReceived ? DropReason::OuterMalformed
                                               : DropReason::TransportNotReady,
                            m_handling, detail);
            break;
        case TransportEvent::KeepaliveReceived:
            m_observer.Report(LivenessEvent::NatKeepaliveReceived);
            break;
        case TransportEvent::Ready:
        case TransportEvent::Reset:
            break;
    }
}

void
IpsecTunnel::OnEstablished()
{
    if (m_ended || !InstallSas())
    {
        return;
    }
    m_state = TunnelState::Up;
    m_status = TunnelStatus{TunnelState::Up, std::nullopt, "ike: main mode and quick mode done"};
    m_lastInner = m_host.Now();
    StartLifetimes(true, true);
    m_dpd->Start();
    if (m_keepalive)
    {
        m_keepalive->Start();
    }
    if (m_role == IpsecRole::Headend && m_config.idleTimeout.count() > 0)
    {
        ArmIdle();
    }
    if (m_statusCallback)
    {
        m_statusCallback(m_status);
    }
}

void
IpsecTunnel::ArmIdle()
{
    m_idleTimer = m_host.StartTimer(
        m_lastInner + m_config.idleTimeout,
        [this]()
        {
            m_idleTimer.reset();
            if (m_state != TunnelState::Up)
            {
                return;
            }
            if (m_host.Now() - m_lastInner >= m_config.idleTimeout)
            {
                GoDown(DownReason::IdleTimeout, "headend: no inner traffic for vpn-idle-timeout");
                return;
            }
            ArmIdle();
        });
}

void
IpsecTunnel::Heard()
{
    m_framingErrorsSinceHeard = 0;
    if (m_state == TunnelState::Up)
    {
        m_dpd->OnPeerHeard();
    }
}

void
IpsecTunnel::Sent()
{
    if (m_state == TunnelState::Up)
    {
        m_dpd->OnTrafficSent();
    }
    if (m_keepalive)
    {
        m_keepalive->OnSent();
    }
}

void
IpsecTunnel::SendInner(wire::ByteView inner)
{
    if (m_state != TunnelState::Up)
    {
        ++m_counters.innerDroppedNotUp;
        m_observer.Drop(DropReason::NotUp, inner, "ipsec: inner packet while the tunnel is not up");
        return;
    }
    m_scratch.clear();
    if (!m_out->Encapsulate(inner, wire::kNextHeaderIpv4, m_scratch))
    {
        ++m_counters.espSequenceExhausted; // only with no volume lifetime to rekey it first
        m_observer.Drop(DropReason::EspSequenceExhausted, inner,
                        "esp: outbound sequence space exhausted");
        return;
    }
    ++m_counters.innerSent;
    m_lastInner = m_host.Now();
    Handling(m_scratch, false,
             [this]()
             {
                 m_transport->SendEsp(m_scratch);
             });
    Sent();
    m_ipsecLife->Protected(0, inner.size());
}

void
IpsecTunnel::Receive(const OuterPacket& packet)
{
    if (m_ended)
    {
        m_observer.Drop(DropReason::NotUp, packet.payload, "ipsec: the tunnel has ended");
        return;
    }
    Handling(packet.payload, true,
             [this, &packet]()
             {
                 m_transport->Receive(packet);
             });
}

void
IpsecTunnel::ReceiveStream(wire::ByteView chunk)
{
    m_observer.Drop(DropReason::OuterMalformed, chunk, "ipsec: stream bytes, not a datagram");
}

std::optional<PeerAddress>
IpsecTunnel::SeenPeer() const
{
    return m_transport->IkePeer();
}

uint32_t
IpsecTunnel::PeerOfferedSpi() const
{
    return m_role == IpsecRole::Headend ? m_config.headendToClientSpi
                                        : m_config.clientToHeadendSpi;
}

void
IpsecTunnel::OnEsp(wire::ByteView packet)
{
    if (m_state != TunnelState::Up)
    {
        ++m_counters.espReceivedNotUp;
        m_observer.Drop(DropReason::NotUp, packet, "esp: received while the tunnel is not up");
        return;
    }
    wire::Bytes payload;
    // The current SA, or the one it replaced while packets sent on that one may still come.
    bool replaced = m_replacedIn && packet.size() >= 4
                    && wire::GetU32(packet.data()) == m_replacedIn->Spi()
                    && m_replacedIn->Spi() != m_in->Spi();
    auto r = (replaced ? *m_replacedIn : *m_in).Decapsulate(packet, payload);
    if (!r)
    {
        switch (r.GetError().code)
        {
            case wire::ErrorCode::AuthenticationFailed:
                ++m_counters.espAuthenticationFailed;
                m_observer.Drop(DropReason::EspIcv, packet, r.GetError().detail);
                break;
            case wire::ErrorCode::Replayed:
            case wire::ErrorCode::TooOld:
                ++m_counters.espReplayed;
                m_observer.Drop(DropReason::EspReplay, packet, r.GetError().detail);
                break;
            default:
                ++m_counters.espMalformed;
                m_observer.Drop(DropReason::EspMalformed, packet, r.GetError().detail);
                break;
        }
        return;
    }
    m_transport->PeerConfirmed(); // authenticated: the peer really is where this came from
    Heard();
    if (r->nextHeader == wire::kNextHeaderDummy)
    {
        return; // TFC dummy packet (RFC 4303 2.6)
    }
    ++m_counters.innerReceived;
    m_lastInner = m_host.Now();
    if (!replaced)
    {
        m_ipsecLife->Protected(1, payload.size());
    }
    m_host.DeliverInner(payload);
}

void
IpsecTunnel::OnIke(wire::ByteView message)
{
    auto m = wire::ParseIsakmpMessage(message);
    if (!m)
    {
        m_observer.Drop(DropReason::IkeMalformed, message, m.GetError().detail);
        return;
    }
    if (m->header.exchangeType != wire::isakmpexchange::Informational)
    {
        bool rekey = (m_rekeyIke && m->header.initiatorCookie == m_rekeyIke->InitiatorCookie())
                     || TakeIkeRekey(*m);
        if ((rekey ? *m_rekeyIke : *m_ike).Receive(*m))
        {
            m_transport->PeerConfirmed();
        }
        else
        {
            m_observer.Drop(DropReason::IkeUnexpected, message,
                            "ike: not the next message of the exchange");
        }
        if (m_ike->Established())
        {
            Heard(); // any IKE message from the peer counts as heard (RFC 3706)
        }
        return;
    }
    wire::Bytes storage;
    auto chain = m_ike->Open(*m, storage);
    if (!chain)
    {
        m_observer.Drop(DropReason::IkeMalformed, message, "ike: informational does not decrypt");
        return;
    }
    m_transport->PeerConfirmed(); // it decrypted under the IKE SA
    Heard();
    for (const auto& p : *chain)
    {
        if (p.type != wire::isakmppayload::Notification)
        {
            continue;
        }
        auto dpd = wire::ParseDpdNotify(p.body);
        if (!dpd)
        {
            continue;
        }
        if (dpd->ack)
        {
            m_observer.Report(LivenessEvent::RUThereAckReceived);
            m_dpd->OnAck(dpd->sequence);
        }
        else
        {
            ++m_counters.dpdRequestsReceived;
            m_observer.Report(LivenessEvent::RUThereReceived);
            SendDpd(true, dpd->sequence); // R-U-THERE-ACK echoes the sequence (RFC 3706 5)
        }
    }
}

void
IpsecTunnel::SendDpd(bool ack, uint32_t sequence)
{
    if (m_ended)
    {
        return;
    }
    wire::Bytes m = m_ike->BuildInformational(
        wire::MakeDpdNotify(ack, m_ike->InitiatorCookie(), m_ike->ResponderCookie(), sequence));
    if (ack)
    {
        ++m_counters.dpdAcksSent;
    }
    m_observer.Report(ack ? LivenessEvent::RUThereAckSent : LivenessEvent::RUThereSent);
    Handling(m, false,
             [this, &m]()
             {
                 m_transport->SendIke(m);
             });
    if (m_keepalive)
    {
        m_keepalive->OnSent();
    }
}

void
IpsecTunnel::GoDown(DownReason reason, const std::string& detail)
{
    if (m_ended)
    {
        return;
    }
    m_ended = true;
    m_state = TunnelState::Down;
    m_status = TunnelStatus{TunnelState::Down, reason, detail};
    m_dpd->Stop();
    if (m_keepalive)
    {
        m_keepalive->Stop();
    }
    if (m_idleTimer)
    {
        m_host.CancelTimer(*m_idleTimer);
        m_idleTimer.reset();
    }
    if (m_statusCallback)
    {
        m_statusCallback(m_status);
    }
}

} // namespace engine
} // namespace vpnsim
