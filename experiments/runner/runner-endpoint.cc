#include "experiments/runner/runner-endpoint.h"

#include "model/engine/anyconnect-tunnel.h"
#include "model/engine/ctcp-transport.h"
#include "model/engine/ipsec-tunnel.h"
#include "model/engine/udp-transports.h"
#include "model/wire/ipv4-datagram.h"
#include "model/wire/isakmp.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace vpnsim
{
namespace runner
{

namespace
{

engine::Nanos
Seconds(double s)
{
    return engine::Nanos(static_cast<int64_t>(s * 1e9));
}

double
ToSeconds(engine::Nanos t)
{
    return static_cast<double>(t.count()) / 1e9;
}

/// Probes sent per loop turn when flooding: enough to keep the socket busy, few enough that
/// received packets (and timers) are served between batches.
constexpr int kFloodBatch = 32;

engine::EndpointSettings
Settings(const RunnerConfig& config)
{
    engine::EndpointSettings s = config.parameters;
    s.role = config.role;
    s.encapsulation = config.encap;
    s.localAddress = config.local;
    s.remoteAddress = config.remote;
    s.transform = config.transform;
    return s;
}

} // namespace

RunnerEndpoint::RunnerEndpoint(const RunnerConfig& config, PosixHost& host, RunnerWire& wire)
    : m_config(config)
    , m_host(host)
    , m_wire(wire)
{
    // A random stream of the runner's own for the client port and IP IDs, so that the engine
    // draws from the host exactly what it would draw in the simulation.
    std::mt19937 aux(
        static_cast<std::mt19937::result_type>(config.seed * 0x9e3779b97f4a7c15ULL >> 32));
    m_ipId = static_cast<uint16_t>(aux());
    engine::EndpointSettings settings = Settings(config);
    m_invalid = engine::Validate(settings);
    if (m_invalid)
    {
        settings.tunnels = 1; // an endpoint that is never started, for the accessors
    }
    m_endpoint = std::make_unique<engine::Endpoint>(*this, settings,
                                                    [&aux](uint16_t lowest, uint16_t highest)
                                                    {
                                                        return static_cast<uint16_t>(
                                                            lowest + aux() % (highest - lowest + 1));
                                                    });
    if (const char* keyLog = std::getenv("SSLKEYLOGFILE");
        keyLog != nullptr && *keyLog != '\0' && config.encap == Encap::AnyConnect)
    {
        // Opened now, while the runner may still be root, and appended to as sessions come up
        // (the SSLKEYLOGFILE convention of OpenSSL's, GnuTLS's and NSS's applications).
        m_keyLog.reset(std::fopen(keyLog, "a"));
        if (!m_keyLog)
        {
            std::fprintf(stderr, "vpnsim-runner: SSLKEYLOGFILE=%s: cannot be opened\n", keyLog);
        }
    }
    if (config.role == Role::Headend)
    {
        // Each client is routed to by the inner address its tunnel carries (its probes' source:
        // a client with several tunnels sends from one address per tunnel).
        uint32_t mask = config.tunPrefix == 0 ? 0 : ~uint32_t{0} << (32 - config.tunPrefix);
        m_endpoint->SetTunnelNetwork(config.innerLocal, mask);
    }
}

RunnerEndpoint::~RunnerEndpoint() = default;

std::optional<std::string>
RunnerEndpoint::Validate() const
{
    return m_invalid;
}

void
RunnerEndpoint::SetPcap(wire::PcapWriter pcap)
{
    m_pcap.emplace(std::move(pcap));
}

void
RunnerEndpoint::Start()
{
    if (m_invalid)
    {
        return;
    }
    m_endpoint->Start();
    // Each of a client's tunnels sends from an inner address of its own.
    for (engine::TunnelId t = 0; t < m_endpoint->TunnelCount() && m_config.parameters.tunnels > 1; ++t)
    {
        m_endpoint->ClaimInnerAddress(t, m_config.innerLocal + t);
    }
}

engine::TunnelId
RunnerEndpoint::StreamConnected(engine::PeerAddress peer)
{
    engine::TunnelId tunnel = 0;
    if (m_config.encap != Encap::AnyConnect)
    {
        return tunnel;
    }
    if (m_config.role == Role::Headend)
    {
        tunnel = m_endpoint->Accept(peer);
    }
    m_endpoint->StreamOpened(tunnel);
    return tunnel;
}

void
RunnerEndpoint::StreamClosed(engine::TunnelId tunnel, const std::string& detail)
{
    if (m_config.encap == Encap::AnyConnect && tunnel < m_endpoint->TunnelCount())
    {
        // The kernel's TCP gave up (or the peer closed without a CSTP DISCONNECT): the tunnel
        // has no way to carry anything, as openconnect's mainloop ends on a dead socket.
        m_endpoint->StreamClosed(tunnel, "anyconnect: " + detail);
    }
}

void
RunnerEndpoint::Finish()
{
    if (AnyConnect() && IsUp() && m_config.role == Role::Client)
    {
        const_cast<engine::AnyConnectTunnel*>(AnyConnect())->Disconnect("run over");
    }
}

bool
RunnerEndpoint::IsUp() const
{
    return m_endpoint->TunnelCount() > 0 && m_endpoint->GetTunnel(0).IsUp();
}

bool
RunnerEndpoint::EverUp() const
{
    return !m_runs.empty() && m_runs.front().firstUp.has_value();
}

bool
RunnerEndpoint::Ended() const
{
    return !m_runs.empty() && m_runs.front().down.has_value();
}

const engine::IpsecTunnel*
RunnerEndpoint::Ipsec() const
{
    return m_endpoint->TunnelCount() > 0 ? m_endpoint->GetTunnel(0).Ipsec() : nullptr;
}

const engine::AnyConnectTunnel*
RunnerEndpoint::AnyConnect() const
{
    return m_endpoint->TunnelCount() > 0 ? m_endpoint->GetTunnel(0).AnyConnect() : nullptr;
}

RunnerEndpoint::TunnelRun&
RunnerEndpoint::Run(engine::TunnelId tunnel)
{
    if (m_runs.size() <= tunnel)
    {
        m_runs.resize(tunnel + 1);
    }
    return m_runs[tunnel];
}

// The endpoint's host.

engine::Nanos
RunnerEndpoint::Now() const
{
    return m_host.Now();
}

engine::TimerId
RunnerEndpoint::StartTimer(engine::Nanos at, std::function<void()> callback)
{
    return m_host.StartTimer(at, std::move(callback));
}

void
RunnerEndpoint::CancelTimer(engine::TimerId id)
{
    m_host.CancelTimer(id);
}

uint32_t
RunnerEndpoint::Random32()
{
    return m_host.Random32();
}

void
RunnerEndpoint::TunnelStatusChanged(engine::TunnelId tunnel, const engine::TunnelStatus& status)
{
    TunnelRun& run = Run(tunnel);
    engine::Nanos now = m_host.Now();
    bool up = status.state == engine::TunnelState::Up;
    if (up && !run.firstUp)
    {
        run.firstUp = now;
        const engine::AnyConnectTunnel* anyConnect = m_endpoint->GetTunnel(tunnel).AnyConnect();
        if (m_keyLog && anyConnect)
        {
            std::fprintf(m_keyLog.get(), "%s\n", anyConnect->KeyLogLine().c_str());
            std::fflush(m_keyLog.get());
        }
        if (anyConnect)
        {
            const engine::CstpGrant& g = anyConnect->Grant();
            std::fprintf(stderr,
                         "vpnsim-runner: %s: tunnel%s granted address %s netmask %s mtu %u, "
                         "dpd %.0f s, keepalive %.0f s\n",
                         ToString(m_config.role),
                         tunnel == 0 ? "" : (" " + std::to_string(tunnel)).c_str(),
                         wire::Ipv4ToString(g.address).c_str(),
                         wire::Ipv4ToString(g.netmask).c_str(), g.mtu,
                         ToSeconds(anyConnect->Dpd()), ToSeconds(anyConnect->Keepalive()));
        }
        if (!m_nextProbe)
        {
            // The first probe waits one interval: through a TCP proxy, a probe right behind
            // the last IKE message could be read and re-sent with it as one segment.
            double rate = m_config.probeRate > 0 ? m_config.probeRate : 1000;
            m_nextProbe = now + Seconds(1.0 / rate);
        }
    }
    else if (!up && !run.down)
    {
        run.down = now;
    }
    std::string which = tunnel == 0 ? "" : " " + std::to_string(tunnel);
    std::fprintf(stderr, "vpnsim-runner: %s: t=%.3f s tunnel%s %s%s%s\n", ToString(m_config.role),
                 ToSeconds(now), which.c_str(), up ? "up" : "down",
                 status.reason
                     ? std::string(" (" + std::string(ToString(*status.reason)) + ")").c_str()
                     : "",
                 status.detail.empty() ? "" : (": " + status.detail).c_str());
}

void
RunnerEndpoint::TunnelDropped(engine::TunnelId, engine::DropReason, wire::ByteView,
                              const std::string&)
{
    // Counted by the tunnels themselves (StatusLine, Record).
}

void
RunnerEndpoint::TunnelLiveness(engine::TunnelId, engine::LivenessEvent)
{
}

void
RunnerEndpoint::OuterReceived(engine::TunnelId, wire::ByteView)
{
    ++m_counters.outerReceived;
    if (m_captureReceived)
    {
        m_captureReceived();
    }
}

void
RunnerEndpoint::Unclaimed(const std::string&, wire::ByteView)
{
    ++m_counters.unclaimed;
}

void
RunnerEndpoint::Capture(wire::ByteView datagram)
{
    if (m_pcap)
    {
        // Wall-clock time, so that the capture lines up with tshark's on the same machine.
        timespec ts{};
        clock_gettime(CLOCK_REALTIME, &ts);
        m_pcap->Write(uint64_t(ts.tv_sec) * 1'000'000'000 + uint64_t(ts.tv_nsec), datagram);
    }
}

void
RunnerEndpoint::SendOuter(const engine::OuterPacket& p)
{
    bool ok = false;
    wire::Ipv4Addressing a{p.sourceAddress, p.destinationAddress, NextIpId()};
    switch (p.protocol)
    {
        case engine::OuterProtocol::Udp:
        {
            ok = m_wire.SendUdp(p.sourcePort, p.destinationAddress, p.destinationPort, p.payload);
            if (m_pcap)
            {
                // The kernel adds the IPv4 header (its own IP ID); the UDP checksum is sent as
                // zero (SO_NO_CHECK, RFC 3948 2.1), as written here.
                Capture(wire::BuildIpv4Udp(a, p.sourcePort, p.destinationPort, p.payload,
                                           wire::UdpChecksum::Zero));
            }
            break;
        }
        case engine::OuterProtocol::Esp:
        case engine::OuterProtocol::Tcp:
        {
            uint8_t proto = p.protocol == engine::OuterProtocol::Esp ? wire::ipproto::Esp
                                                                     : wire::ipproto::Tcp;
            wire::Bytes datagram = wire::BuildIpv4Datagram(a, proto, p.payload);
            ok = m_wire.SendRaw(datagram, p.destinationAddress);
            Capture(datagram);
            break;
        }
    }
    ++(ok ? m_counters.outerSent : m_counters.outerSendErrors);
}

void
RunnerEndpoint::SendTunnelStream(engine::TunnelId tunnel, wire::ByteView bytes)
{
    m_counters.streamBytesSent += bytes.size();
    m_wire.SendStream(tunnel, bytes);
}

void
RunnerEndpoint::DeliverInner(wire::ByteView inner)
{
    ++m_counters.innerDelivered;
    m_counters.innerBytesDelivered += inner.size();
    if (auto probe = ParseProbe(inner))
    {
        engine::Nanos now = m_host.Now();
        if (probe->destinationPort == kEchoPort)
        {
            ++m_counters.probesReceived;
            m_counters.probeBytesReceived += probe->length;
            m_lastProbeReceived = now;
            if (m_config.echo)
            {
                ++m_counters.echoesSent;
                SendInner(BuildEcho(*probe, inner, NextIpId()));
            }
            return;
        }
        if (probe->sourcePort == kEchoPort && probe->destinationPort == kProbePort)
        {
            ++m_counters.echoesReceived;
            uint32_t tunnel = probe->destination - m_config.innerLocal;
            if (tunnel < m_runs.size())
            {
                ++m_runs[tunnel].echoesReceived;
            }
            m_counters.echoRttSumMs += static_cast<double>(now.count() - probe->sentNs) / 1e6;
            return;
        }
    }
    ++(m_wire.WriteTun(inner) ? m_counters.innerToTun : m_counters.innerNoTun);
}

void
RunnerEndpoint::SendInner(wire::ByteView inner)
{
    m_endpoint->SendInner(inner);
}

// The sockets' way in.

void
RunnerEndpoint::ReceiveRaw(wire::ByteView datagram)
{
    m_captureReceived = [this, datagram]()
    {
        Capture(datagram);
    };
    engine::RawVerdict verdict = m_endpoint->ReceiveRaw(datagram);
    m_captureReceived = nullptr;
    switch (verdict)
    {
        case engine::RawVerdict::Accept:
            break;
        case engine::RawVerdict::Malformed:
            ++m_counters.rawMalformed;
            break;
        case engine::RawVerdict::Fragment:
            ++m_counters.rawFragments;
            break;
        default:
            ++m_counters.rawNotOurs;
            break;
    }
}

void
RunnerEndpoint::ReceiveUdp(uint32_t source, uint16_t sourcePort, uint16_t localPort,
                           wire::ByteView payload)
{
    m_captureReceived = [&]()
    {
        // Rebuilt from what the UDP socket gives: the peer's IP ID and checksum are not kept.
        if (m_pcap)
        {
            Capture(wire::BuildIpv4Udp(wire::Ipv4Addressing{source, m_config.local, 0}, sourcePort,
                                       localPort, payload, wire::UdpChecksum::Zero));
        }
    };
    if (!m_endpoint->ReceiveUdp(source, sourcePort, localPort, payload))
    {
        ++m_counters.udpNotOurs;
    }
    m_captureReceived = nullptr;
}

void
RunnerEndpoint::ReceiveStream(engine::TunnelId tunnel, wire::ByteView bytes)
{
    m_counters.streamBytesReceived += bytes.size();
    if (m_config.encap == Encap::AnyConnect)
    {
        m_endpoint->ReceiveStream(tunnel, bytes);
    }
}

void
RunnerEndpoint::ReceiveTun(wire::ByteView packet)
{
    if (packet.size() < wire::kIpv4HeaderLength || (packet[0] >> 4) != 4)
    {
        ++m_counters.innerFromTunNotIpv4;
        return;
    }
    ++m_counters.innerFromTun;
    SendInner(packet);
}

std::optional<engine::Nanos>
RunnerEndpoint::SendDueProbes()
{
    bool probing = m_config.probeFlood || m_config.probeRate > 0;
    if (!probing || !m_nextProbe)
    {
        return std::nullopt;
    }
    engine::Nanos now = m_host.Now();
    // One probe per tunnel that has come up, each from that tunnel's inner address.
    auto send = [this, now]()
    {
        for (engine::TunnelId t = 0; t < m_runs.size(); ++t)
        {
            TunnelRun& run = m_runs[t];
            if (!run.firstUp)
            {
                continue;
            }
            ++m_counters.probesSent;
            ++run.probesSent;
            uint32_t from = m_config.parameters.tunnels > 1 ? m_config.innerLocal + t : m_config.innerLocal;
            wire::Bytes p = BuildProbe(from, m_config.innerRemote, run.probeSequence++,
                                       now.count(), m_config.probeSize, NextIpId());
            if (m_config.parameters.tunnels > 1)
            {
                m_endpoint->SendInner(t, p);
            }
            else
            {
                SendInner(p);
            }
        }
    };
    if (m_config.probeFlood)
    {
        for (int i = 0; i < kFloodBatch; ++i)
        {
            send();
        }
        return now;
    }
    engine::Nanos interval = Seconds(1.0 / m_config.probeRate);
    // After a stall (a slow loop turn) catch up, but never with more than a second's worth.
    if (now - *m_nextProbe > std::chrono::seconds(1))
    {
        m_nextProbe = now - std::chrono::seconds(1);
    }
    while (*m_nextProbe <= now)
    {
        send();
        *m_nextProbe += interval;
    }
    return m_nextProbe;
}

std::string
RunnerEndpoint::StatusLine() const
{
    std::ostringstream s;
    s << ToString(m_config.role) << " t=" << ToSeconds(m_host.Now()) << "s "
      << (IsUp() ? "up" : (Ended() ? "down" : "not-up-yet")) << " probes-sent "
      << m_counters.probesSent << " echoes " << m_counters.echoesReceived << " probes-received "
      << m_counters.probesReceived << " outer-rx " << m_counters.outerReceived << " outer-tx "
      << m_counters.outerSent;
    if (const engine::IpsecTunnel* ipsec = Ipsec())
    {
        const auto& c = ipsec->Counters();
        s << " esp-icv-fail " << c.espAuthenticationFailed << " esp-replayed " << c.espReplayed
          << " esp-malformed " << c.espMalformed << " framing " << c.framingErrors;
    }
    return s.str();
}

engine::RunRecord
RunnerEndpoint::Record(double elapsedS) const
{
    engine::RunRecord r;
    r.source = "testbed";
    r.encap = ToString(m_config.encap);
    r.asa = m_config.asaLabel;
    r.lossModel = m_config.lossModelLabel;
    r.loss = m_config.lossLabel;
    r.seed = m_config.seed;
    r.durationS = elapsedS;

    static const TunnelRun kNone;
    const TunnelRun& first = m_runs.empty() ? kNone : m_runs.front();
    const std::optional<engine::Nanos>& down = first.down;
    const std::optional<engine::Nanos>& firstUp = first.firstUp;
    engine::TunnelStatus status;
    if (m_endpoint->TunnelCount() > 0)
    {
        status = m_endpoint->GetTunnel(0).Status();
    }
    const engine::IpsecTunnel* ipsec = Ipsec();
    const engine::AnyConnectTunnel* anyconnect = AnyConnect();
    r.established = firstUp.has_value();
    if (firstUp)
    {
        r.tunnelUpS = ToSeconds(*firstUp);
    }
    if (!firstUp)
    {
        // A setup failure, whatever ended the attempt: no time to failure without a tunnel.
        r.failed = true;
        r.cause = "not-established";
    }
    else if (down && status.reason)
    {
        r.failed = true;
        r.cause = engine::ToString(*status.reason);
    }
    else if (down && anyconnect && status.detail.rfind("anyconnect: ", 0) == 0)
    {
        r.failed = true;
        r.cause = "stream-closed";
    }
    if (r.failed && down && firstUp)
    {
        r.timeToFailureS = ToSeconds(*down - *firstUp);
    }

    auto& p = r.parameters;
    auto put = [&p](const std::string& k, auto v)
    {
        std::ostringstream s;
        s << v;
        p[k] = s.str();
    };
    if (ipsec)
    {
        const auto& c = ipsec->Counters();
        r.innerSent = c.innerSent;
        r.innerReceived = c.innerReceived;
        r.framingErrors = c.framingErrors;
        r.ikeRekeys = c.ikeRekeys;
        r.ipsecRekeys = c.ipsecRekeys;
        put("esp_authentication_failed", c.espAuthenticationFailed);
        put("esp_replayed", c.espReplayed);
        put("esp_malformed", c.espMalformed);
        put("inner_dropped_not_up", c.innerDroppedNotUp);
        put("esp_received_not_up", c.espReceivedNotUp);
        put("esp_sequence_exhausted", c.espSequenceExhausted);
        put("dpd_requests_received", c.dpdRequestsReceived);
        put("ike_ignored", ipsec->Ike().Counters().ignored);
        put("ike_retransmitted", ipsec->Ike().Counters().retransmitted);
        if (const auto* t = dynamic_cast<const engine::CtcpTransport*>(&ipsec->GetTransport()))
        {
            const auto& k = t->Connection().Counters();
            put("ctcp_segments_sent", k.segmentsSent);
            put("ctcp_segments_received", k.segmentsReceived);
            put("ctcp_holes_jumped", k.holesJumped);
            put("ctcp_duplicate_acks_ignored", k.duplicateAcksIgnored);
            put("ctcp_bad_checksums", k.badChecksums);
            put("ctcp_resets_received", k.resetsReceived);
            put("ctcp_local_port", CtcpLocalPort());
        }
        if (const auto* t
            = dynamic_cast<const engine::DatagramTransport*>(&ipsec->GetTransport()))
        {
            put("transport_dropped", t->Counters().dropped);
            put("nat_keepalives_received", t->Counters().keepalivesReceived);
        }
    }
    else if (anyconnect)
    {
        const auto& c = anyconnect->Session().Counters();
        r.innerSent = c.dataSent;
        r.innerReceived = c.dataReceived;
        r.framingErrors = c.framingErrors;
        put("cstp_dpd_requests_sent", c.dpdRequestsSent);
        put("cstp_dpd_requests_received", c.dpdRequestsReceived);
    }
    if (elapsedS > 0)
    {
        r.innerGoodputBps = static_cast<double>(m_counters.innerBytesDelivered) * 8 / elapsedS;
    }
    // Round trip of the runner's own probes: a probe counts as delivered when its echo is back.
    if (m_counters.probesSent > 0)
    {
        r.innerLoss = 1.0
                      - static_cast<double>(m_counters.echoesReceived)
                            / static_cast<double>(m_counters.probesSent);
    }

    put("role", ToString(m_config.role));
    put("local", wire::Ipv4ToString(m_config.local));
    if (m_config.udpSourcePort != 0)
    {
        // A headend tells this client from others on its address by these ports.
        put("udp_source_port", m_config.udpSourcePort);
    }
    put("remote", wire::Ipv4ToString(m_config.remote));
    put("transform", wire::ToString(m_config.transform));
    put("peer_timeout_s", ToSeconds(m_config.parameters.peerTimeout));
    put("asa_dpd_threshold_s", ToSeconds(m_config.parameters.headendDpdThreshold));
    put("asa_dpd_retry_s", ToSeconds(m_config.parameters.headendDpdRetry));
    if (m_config.probeFlood)
    {
        put("probe_rate", "max");
    }
    else
    {
        put("probe_rate", m_config.probeRate);
    }
    put("probe_size", m_config.probeSize);
    put("time_up_s", firstUp ? ToSeconds(*firstUp) : -1.0);
    put("time_down_s", down ? ToSeconds(*down) : -1.0);
    put("down_detail", down ? status.detail : std::string());
    put("last_probe_received_s", m_lastProbeReceived ? ToSeconds(*m_lastProbeReceived) : -1.0);
    const RunnerCounters& k = m_counters;
    put("outer_sent", k.outerSent);
    put("outer_send_errors", k.outerSendErrors);
    put("outer_received", k.outerReceived);
    put("raw_malformed", k.rawMalformed);
    put("raw_fragments", k.rawFragments);
    put("raw_not_ours", k.rawNotOurs);
    put("udp_not_ours", k.udpNotOurs);
    put("unclaimed", k.unclaimed);
    put("stream_bytes_sent", k.streamBytesSent);
    put("stream_bytes_received", k.streamBytesReceived);
    put("inner_from_tun", k.innerFromTun);
    put("inner_to_tun", k.innerToTun);
    put("inner_no_tun", k.innerNoTun);
    put("probes_sent", k.probesSent);
    put("probes_received", k.probesReceived);
    put("probe_bytes_received", k.probeBytesReceived);
    put("echoes_sent", k.echoesSent);
    put("echoes_received", k.echoesReceived);
    put("echo_rtt_mean_ms", k.echoesReceived > 0 ? k.echoRttSumMs / double(k.echoesReceived) : 0);
    // Every tunnel's outcome when there are several (a client's --tunnels, a headend's clients).
    size_t tunnels = m_endpoint->TunnelCount();
    if (tunnels > 1 || m_config.parameters.tunnels > 1)
    {
        put("tunnels", tunnels);
        size_t failed = 0;
        for (engine::TunnelId t = 0; t < tunnels; ++t)
        {
            const engine::EndpointTunnel& tunnel = m_endpoint->GetTunnel(t);
            const TunnelRun& run = t < m_runs.size() ? m_runs[t] : kNone;
            std::string key = "tunnel." + std::to_string(t) + ".";
            bool dead = run.down.has_value() || !run.firstUp.has_value();
            failed += dead;
            put(key + "failed", dead ? "true" : "false");
            put(key + "cause", tunnel.Status().reason ? engine::ToString(*tunnel.Status().reason)
                                                      : (run.firstUp ? "" : "not-established"));
            put(key + "peer_address", wire::Ipv4ToString(tunnel.Peer().address));
            put(key + "peer_port", tunnel.Peer().port);
            if (m_config.role == Role::Client && m_config.encap == Encap::Ctcp)
            {
                put(key + "local_port", CtcpLocalPort(t));
            }
            // Each tunnel's own times, so that each can be a trial of its own (validate
            // --batch): seconds since the runner started, -1 for never.
            put(key + "time_up_s", run.firstUp ? ToSeconds(*run.firstUp) : -1.0);
            put(key + "time_down_s", run.down ? ToSeconds(*run.down) : -1.0);
            put(key + "inner_address", wire::Ipv4ToString(tunnel.InnerAddress()));
            put(key + "inner_received", tunnel.Counters().innerReceived);
            put(key + "probes_sent", run.probesSent);
            put(key + "echoes_received", run.echoesReceived);
        }
        put("tunnels_failed", failed);
    }
    for (const auto& [key, value] : m_config.extraParameters)
    {
        p[key] = value;
    }
    return r;
}

} // namespace runner
} // namespace vpnsim
