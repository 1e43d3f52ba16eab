#include "experiments/runner/runner-endpoint.h"

#include "model/engine/ctcp-transport.h"
#include "model/engine/udp-transports.h"
#include "model/wire/esp-in-udp.h"
#include "model/wire/ipv4-datagram.h"
#include "model/wire/isakmp.h"

#include <cstdio>
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

using wire::kIkePort;
/// Probes sent per loop turn when flooding: enough to keep the socket busy, few enough that
/// received packets (and timers) are served between batches.
constexpr int kFloodBatch = 32;

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
    bool client = config.role == Role::Client;

    if (config.encap == Encap::AnyConnect)
    {
        engine::AnyConnectConfig c;
        c.dpd = Seconds(config.anyConnectDpdS);
        c.keepalive = Seconds(config.anyConnectKeepaliveS);
        m_anyconnect = std::make_unique<engine::AnyConnectTunnel>(
            host, client ? engine::AnyConnectRole::Client : engine::AnyConnectRole::Headend, c);
        m_anyconnect->SetStatusCallback(
            [this](const engine::TunnelStatus& s)
            {
                OnStatus(s);
            });
        return;
    }

    engine::IpsecTunnelConfig c;
    c.encapsulation = config.encap == Encap::Ctcp   ? engine::IpsecEncapsulation::Ctcp
                      : config.encap == Encap::Natt ? engine::IpsecEncapsulation::Natt
                                                    : engine::IpsecEncapsulation::Esp;
    c.localAddress = config.local;
    c.remoteAddress = config.remote;
    c.transform = config.transform;
    c.ctcp.serverPort = config.ctcpPort;
    // The client's source port is random in 1024-65535, as the Cisco client picks it
    // (doc/protocols.md §cTCP segment).
    uint16_t clientPort = config.clientPort != 0
                              ? config.clientPort
                              : static_cast<uint16_t>(1024 + aux() % (65536 - 1024));
    c.ctcp.clientPort = clientPort;
    c.clientDpd.peerTimeout = Seconds(config.peerTimeoutS);
    c.headendDpd.threshold = Seconds(config.asaDpdThresholdS);
    c.headendDpd.retry = Seconds(config.asaDpdRetryS);
    c.natKeepalive = Seconds(config.natKeepaliveS);
    c.idleTimeout = Seconds(config.idleTimeoutS);
    m_ctcpLocalPort = client ? clientPort : config.ctcpPort;
    m_demux = engine::RawDemuxConfig{
        static_cast<uint8_t>(config.encap == Encap::Ctcp ? wire::ipproto::Tcp : wire::ipproto::Esp),
        !client, config.local, config.remote, m_ctcpLocalPort};
    m_invalid = engine::IpsecTunnel::Validate(c);
    if (m_invalid)
    {
        return;
    }
    m_ipsec = std::make_unique<engine::IpsecTunnel>(
        host, client ? engine::IpsecRole::Client : engine::IpsecRole::Headend, c);
    m_ipsec->SetStatusCallback(
        [this](const engine::TunnelStatus& s)
        {
            OnStatus(s);
        });
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
    if (m_ipsec)
    {
        m_ipsec->Start();
    }
}

void
RunnerEndpoint::StreamConnected()
{
    if (m_anyconnect)
    {
        m_anyconnect->Start();
    }
}

void
RunnerEndpoint::StreamClosed(const std::string& detail)
{
    if (m_anyconnect && !m_down)
    {
        // The kernel's TCP gave up (or the peer closed without a CSTP DISCONNECT): the tunnel
        // has no way to carry anything, as openconnect's mainloop ends on a dead socket.
        OnStatus(
            engine::TunnelStatus{engine::TunnelState::Down, std::nullopt, "anyconnect: " + detail});
    }
}

void
RunnerEndpoint::Finish()
{
    if (m_anyconnect && IsUp() && m_config.role == Role::Client)
    {
        m_anyconnect->Disconnect("run over");
    }
}

bool
RunnerEndpoint::IsUp() const
{
    return m_status.state == engine::TunnelState::Up && !m_down;
}

void
RunnerEndpoint::OnStatus(const engine::TunnelStatus& status)
{
    m_status = status;
    engine::Nanos now = m_host.Now();
    if (status.state == engine::TunnelState::Up)
    {
        if (!m_firstUp)
        {
            m_firstUp = now;
            // The first probe waits one interval: through a TCP proxy, a probe right behind the
            // last IKE message could be read and re-sent with it as one segment.
            double rate = m_config.probeRate > 0 ? m_config.probeRate : 1000;
            m_nextProbe = now + Seconds(1.0 / rate);
        }
    }
    else if (!m_down)
    {
        m_down = now;
    }
    std::fprintf(stderr, "vpnsim-runner: %s: t=%.3f s tunnel %s%s%s\n", ToString(m_config.role),
                 ToSeconds(now), status.state == engine::TunnelState::Up ? "up" : "down",
                 status.reason
                     ? std::string(" (" + std::string(ToString(*status.reason)) + ")").c_str()
                     : "",
                 status.detail.empty() ? "" : (": " + status.detail).c_str());
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
RunnerEndpoint::SendStream(wire::ByteView bytes)
{
    m_counters.streamBytesSent += bytes.size();
    m_wire.SendStream(bytes);
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
            m_counters.echoRttSumMs += static_cast<double>(now.count() - probe->sentNs) / 1e6;
            return;
        }
    }
    ++(m_wire.WriteTun(inner) ? m_counters.innerToTun : m_counters.innerNoTun);
}

void
RunnerEndpoint::SendInner(wire::ByteView inner)
{
    if (m_ipsec)
    {
        m_ipsec->SendInner(inner);
    }
    else if (m_anyconnect)
    {
        m_anyconnect->SendInner(inner);
    }
}

void
RunnerEndpoint::ReceiveRaw(wire::ByteView datagram)
{
    if (!m_ipsec || m_config.encap == Encap::Natt)
    {
        ++m_counters.rawNotOurs;
        return;
    }
    engine::RawDemuxResult r = engine::DemuxRawIpv4(datagram, m_demux);
    switch (r.verdict)
    {
        case engine::RawVerdict::Accept:
            break;
        case engine::RawVerdict::Malformed:
            ++m_counters.rawMalformed;
            return;
        case engine::RawVerdict::Fragment:
            ++m_counters.rawFragments;
            return;
        default:
            ++m_counters.rawNotOurs;
            return;
    }
    ++m_counters.outerReceived;
    Capture(datagram);
    m_ipsec->Receive(r.packet);
}

void
RunnerEndpoint::ReceiveUdp(uint32_t source, uint16_t sourcePort, uint16_t localPort,
                           wire::ByteView payload)
{
    bool ours = m_ipsec && m_config.encap != Encap::Ctcp
                && (localPort == kIkePort
                    || (localPort == wire::kNattPort && m_config.encap == Encap::Natt));
    if (!ours)
    {
        ++m_counters.udpNotOurs;
        return;
    }
    ++m_counters.outerReceived;
    if (m_pcap)
    {
        // Rebuilt from what the UDP socket gives: the peer's IP ID and checksum are not kept.
        Capture(wire::BuildIpv4Udp(wire::Ipv4Addressing{source, m_config.local, 0}, sourcePort,
                                   localPort, payload, wire::UdpChecksum::Zero));
    }
    m_ipsec->Receive(engine::OuterPacket{engine::OuterProtocol::Udp, source, m_config.local,
                                         sourcePort, localPort, payload});
}

void
RunnerEndpoint::ReceiveStream(wire::ByteView bytes)
{
    m_counters.streamBytesReceived += bytes.size();
    if (m_anyconnect)
    {
        m_anyconnect->ReceiveStream(bytes);
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
    auto send = [this, now]()
    {
        ++m_counters.probesSent;
        wire::Bytes p = BuildProbe(m_config.innerLocal, m_config.innerRemote, m_probeSequence++,
                                   now.count(), m_config.probeSize, NextIpId());
        SendInner(p);
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
      << (IsUp() ? "up" : (m_down ? "down" : "not-up-yet")) << " probes-sent "
      << m_counters.probesSent << " echoes " << m_counters.echoesReceived << " probes-received "
      << m_counters.probesReceived << " outer-rx " << m_counters.outerReceived << " outer-tx "
      << m_counters.outerSent;
    if (m_ipsec)
    {
        const auto& c = m_ipsec->Counters();
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

    r.established = m_firstUp.has_value();
    if (m_firstUp)
    {
        r.tunnelUpS = ToSeconds(*m_firstUp);
    }
    if (!m_firstUp)
    {
        // A setup failure, whatever ended the attempt: no time to failure without a tunnel.
        r.failed = true;
        r.cause = "not-established";
    }
    else if (m_down && m_status.reason)
    {
        r.failed = true;
        r.cause = engine::ToString(*m_status.reason);
    }
    else if (m_down && m_anyconnect && m_status.detail.rfind("anyconnect: ", 0) == 0)
    {
        r.failed = true;
        r.cause = "stream-closed";
    }
    if (r.failed && m_down && m_firstUp)
    {
        r.timeToFailureS = ToSeconds(*m_down - *m_firstUp);
    }

    auto& p = r.parameters;
    auto put = [&p](const std::string& k, auto v)
    {
        std::ostringstream s;
        s << v;
        p[k] = s.str();
    };
    if (m_ipsec)
    {
        const auto& c = m_ipsec->Counters();
        r.innerSent = c.innerSent;
        r.innerReceived = c.innerReceived;
        r.framingErrors = c.framingErrors;
        put("esp_authentication_failed", c.espAuthenticationFailed);
        put("esp_replayed", c.espReplayed);
        put("esp_malformed", c.espMalformed);
        put("inner_dropped_not_up", c.innerDroppedNotUp);
        put("dpd_requests_received", c.dpdRequestsReceived);
        put("ike_ignored", m_ipsec->Ike().Counters().ignored);
        put("ike_retransmitted", m_ipsec->Ike().Counters().retransmitted);
        if (const auto* t = dynamic_cast<const engine::CtcpTransport*>(&m_ipsec->GetTransport()))
        {
            const auto& k = t->Connection().Counters();
            put("ctcp_segments_sent", k.segmentsSent);
            put("ctcp_segments_received", k.segmentsReceived);
            put("ctcp_holes_jumped", k.holesJumped);
            put("ctcp_duplicate_acks_ignored", k.duplicateAcksIgnored);
            put("ctcp_bad_checksums", k.badChecksums);
            put("ctcp_resets_received", k.resetsReceived);
            put("ctcp_local_port", m_ctcpLocalPort);
        }
        if (const auto* t
            = dynamic_cast<const engine::DatagramTransport*>(&m_ipsec->GetTransport()))
        {
            put("transport_dropped", t->Counters().dropped);
            put("nat_keepalives_received", t->Counters().keepalivesReceived);
        }
    }
    else if (m_anyconnect)
    {
        const auto& c = m_anyconnect->Session().Counters();
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
    put("remote", wire::Ipv4ToString(m_config.remote));
    put("transform", wire::ToString(m_config.transform));
    put("peer_timeout_s", m_config.peerTimeoutS);
    put("asa_dpd_threshold_s", m_config.asaDpdThresholdS);
    put("asa_dpd_retry_s", m_config.asaDpdRetryS);
    if (m_config.probeFlood)
    {
        put("probe_rate", "max");
    }
    else
    {
        put("probe_rate", m_config.probeRate);
    }
    put("probe_size", m_config.probeSize);
    put("time_up_s", m_firstUp ? ToSeconds(*m_firstUp) : -1.0);
    put("time_down_s", m_down ? ToSeconds(*m_down) : -1.0);
    put("down_detail", m_down ? m_status.detail : std::string());
    put("last_probe_received_s", m_lastProbeReceived ? ToSeconds(*m_lastProbeReceived) : -1.0);
    const RunnerCounters& k = m_counters;
    put("outer_sent", k.outerSent);
    put("outer_send_errors", k.outerSendErrors);
    put("outer_received", k.outerReceived);
    put("raw_malformed", k.rawMalformed);
    put("raw_fragments", k.rawFragments);
    put("raw_not_ours", k.rawNotOurs);
    put("udp_not_ours", k.udpNotOurs);
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
    for (const auto& [key, value] : m_config.extraParameters)
    {
        p[key] = value;
    }
    return r;
}

} // namespace runner
} // namespace vpnsim
