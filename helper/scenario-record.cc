// The record of a run: each tunnel's outcome, the inner flows, the counters, the timeline, and
// with --pcap what Wireshark needs to decrypt the captures.
#include "helper/capture-names.h"
#include "helper/scenario-run.h"
#include "helper/vpn-helper.h"
#include "helper/wireshark-keys.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace ns3::scenario
{

namespace
{

using vpnsim::engine::NumberText;

std::string
KeySeedText(uint8_t seed)
{
    char text[8];
    std::snprintf(text, sizeof(text), "0x%02x", seed);
    return text;
}

} // namespace

/// Client `k`'s tunnel from both ends: its client, and the headend's tunnel for it (with one
/// client, every tunnel the headend has is that client's; with several, the one that routes to
/// its inner address).
TunnelOutcome
ScenarioRun::OutcomeOf(size_t k) const
{
    TunnelOutcome o;
    o.ends[0] = &m_clientEnds[k];
    if (m_clients.size() == 1)
    {
        o.ends[1] = &m_headendEnd;
    }
    else if (auto session = m_headend->FindClient(
                 VpnHelper::ClientTunnelAddress(kTunnelNetwork, static_cast<uint32_t>(k))))
    {
        auto it = m_headendSessions.ends.find(*session);
        o.ends[1] = it == m_headendSessions.ends.end() ? nullptr : &it->second;
    }
    for (int i = 0; i < 2; ++i)
    {
        const EndWatcher* e = o.ends[i];
        if (e && e->down && (o.first < 0 || *e->down < *o.ends[o.first]->down))
        {
            o.first = i;
        }
    }
    // Up once both ends are; an end that went down before the other came up means the tunnel
    // was never established.
    if (o.ends[0]->up && o.ends[1] && o.ends[1]->up)
    {
        double both = std::max(*o.ends[0]->up, *o.ends[1]->up);
        if (o.first < 0 || *o.ends[o.first]->down >= both)
        {
            o.up = both;
        }
    }
    return o;
}

/// Whether the first client's tunnel failed, when and why.
void
ScenarioRun::RecordOutcome(vpnsim::engine::RunRecord& r, const TunnelOutcome& outcome) const
{
    const std::optional<double>& up = outcome.up;
    const int first = outcome.first;
    const EndWatcher* const* ends = outcome.ends;
    uint64_t natMappingDrops = 0;
    for (const auto& nat : m_nats)
    {
        natMappingDrops += nat->GetDrops("no-translation") + nat->GetDrops("no-connection");
    }
    r.established = up.has_value();
    r.tunnelUpS = up;
    if (!up)
    {
        // A setup failure: nothing to count a time to failure from, whatever either end did.
        r.failed = true;
        r.cause = "not-established";
    }
    else if (first >= 0)
    {
        r.failed = true;
        r.timeToFailureS = *ends[first]->down - *up;
        r.cause = ends[first]->downReason;
        bool dpd = *r.cause == "client-dpd" || *r.cause == "headend-dpd";
        if (dpd && natMappingDrops > 0)
        {
            r.cause = "nat-mapping-lost";
        }
    }
}

/// The inner flows, summed over all clients.
void
ScenarioRun::RecordTraffic(vpnsim::engine::RunRecord& r) const
{
    double trafficTime = std::max(m_p.duration - kTrafficStartS, 1.0);
    uint64_t bytesReceived = 0;
    for (const auto& flow : m_traffic)
    {
        r.innerSent += flow->PacketsSent();
        r.innerReceived += flow->PacketsReceived();
        bytesReceived += flow->BytesReceived();
    }
    r.innerGoodputBps = bytesReceived * 8.0 / trafficTime;
    r.innerLoss = r.innerSent == 0 || m_p.traffic == "bulk"
                      ? 0.0
                      : 1.0 - double(std::min(r.innerReceived, r.innerSent)) / r.innerSent;
}

std::vector<const vpnsim::engine::EndpointTunnel*>
ScenarioRun::AllTunnels() const
{
    std::vector<const vpnsim::engine::EndpointTunnel*> tunnels;
    for (const auto& client : m_clients)
    {
        tunnels.push_back(&client->GetClient(0));
    }
    for (uint32_t i = 0; i < m_headend->GetClientCount(); ++i)
    {
        tunnels.push_back(&m_headend->GetClient(i));
    }
    return tunnels;
}

/// Framing errors of every tunnel, the first client's rekeys, and what each ASA held and
/// dropped.
void
ScenarioRun::RecordCounters(vpnsim::engine::RunRecord& r) const
{
    if (const auto* ipsec = m_clients.front()->GetClient(0).Ipsec())
    {
        r.ikeRekeys = ipsec->Counters().ikeRekeys;
        r.ipsecRekeys = ipsec->Counters().ipsecRekeys;
    }
    for (const vpnsim::engine::EndpointTunnel* tunnel : AllTunnels())
    {
        if (const auto* ipsec = tunnel->Ipsec())
        {
            r.framingErrors += ipsec->Counters().framingErrors;
        }
    }
    for (const auto& asa : m_asas)
    {
        r.asaBytesHeld += asa->GetPeakBytesHeld();
        r.asaDrops += asa->GetTotalDrops();
        for (const auto& [reason, count] : asa->GetCounters().drops)
        {
            r.asaDropsByReason[reason] += count;
        }
    }
}

void
ScenarioRun::RecordParameters(vpnsim::engine::RunRecord& r) const
{
    const ScenarioParameters& p = m_p;
    r.encap = p.encap;
    r.asa = p.asa;
    r.lossModel = p.lossModel;
    r.loss = p.loss;
    r.seed = p.seed;
    r.durationS = p.duration;
    r.parameters = {{"transform", p.transform},
                    {"peer_timeout_s", NumberText(p.peerTimeout)},
                    {"dpd_idle_s", NumberText(p.dpdIdle)},
                    {"dpd_retry_s", NumberText(p.dpdRetry)},
                    {"asa_dpd_threshold_s", NumberText(p.asaDpdThreshold)},
                    {"asa_dpd_retry_s", NumberText(p.asaDpdRetry)},
                    {"nat_keepalive_s", NumberText(p.natKeepalive)},
                    {"anyconnect_dpd_s", NumberText(p.anyConnectDpd)},
                    {"anyconnect_keepalive_s", NumberText(p.anyConnectKeepalive)},
                    {"idle_timeout_s", NumberText(p.idleTimeout)},
                    {"ike_lifetime_s", NumberText(p.ikeLifetime)},
                    {"ipsec_lifetime_s", NumberText(p.ipsecLifetime)},
                    {"ipsec_lifetime_kb", NumberText(p.ipsecLifetimeKb)},
                    {"jitter_s", NumberText(p.jitter)},
                    {"traffic", p.traffic},
                    {"traffic_interval_s", NumberText(p.trafficInterval)},
                    {"traffic_size_bytes", std::to_string(p.trafficSize)},
                    {"topology", p.topology.empty() ? "tech-note-line" : p.topology},
                    {"key_seed", KeySeedText(p.keySeed)}};
    if (p.lossModel == "gilbert")
    {
        r.parameters["burst_packets"] = NumberText(p.burst);
    }
    if (p.lossModel == "trace")
    {
        r.parameters["loss_trace"] = p.lossTrace;
    }
    if (p.queueDisc != ScenarioParameters().queueDisc)
    {
        // Only when chosen: a record names the parameters that differ from the defaults a
        // reader assumes, so records of sweeps that never set it compare byte for byte.
        r.parameters["queue_disc"] = p.queueDisc;
    }
    if (m_clients.size() > 1)
    {
        // Only with several clients: a one-client record has no other tunnels to count.
        size_t clientsFailed = 0;
        for (size_t k = 0; k < m_clients.size(); ++k)
        {
            TunnelOutcome o = OutcomeOf(k);
            clientsFailed += o.first >= 0 || !o.up;
        }
        r.parameters["clients"] = std::to_string(m_clients.size());
        r.parameters["clients_failed"] = std::to_string(clientsFailed);
    }
}

void
ScenarioRun::RecordTimeline(ScenarioTimeline& timeline, const TunnelOutcome& outcome) const
{
    timeline.events = Simulator::GetEventCount();
    timeline.tunnelUpS = outcome.up;
    for (const auto& l : m_losses)
    {
        if (l.first && (!timeline.firstUpstreamLossS || *l.first < *timeline.firstUpstreamLossS))
        {
            timeline.firstUpstreamLossS = l.first;
        }
    }
    if (outcome.first >= 0)
    {
        timeline.firstDownS = outcome.ends[outcome.first]->down;
        timeline.firstDownSide = outcome.first == 0 ? "client" : "headend";
    }
}

/// What Wireshark needs to decrypt the captures: every SA of every tunnel, and the command.
void
ScenarioRun::WriteDecryption() const
{
    std::vector<vpnsim::wire::EspSaConfig> sas;
    std::vector<std::string> tlsKeyLog;
    for (const vpnsim::engine::EndpointTunnel* tunnel : AllTunnels())
    {
        if (const auto* ipsec = tunnel->Ipsec())
        {
            // Every SA it had, so that packets after a rekey decrypt too (the configured pair
            // if it never came up).
            const auto& installed = ipsec->InstalledSas();
            if (installed.empty())
            {
                sas.push_back(ipsec->OutboundSa());
                sas.push_back(ipsec->InboundSa());
            }
            sas.insert(sas.end(), installed.begin(), installed.end());
        }
        if (const auto* anyConnect = tunnel->AnyConnect())
        {
            tlsKeyLog.push_back(anyConnect->KeyLogLine());
        }
    }
    // The capture the command reads unless told otherwise: where the loss is, outside the
    // ASA, or the first client's own if there is no ASA.
    std::string name = "client-1";
    for (const auto& edge : CaptureNames(m_topology))
    {
        for (const auto& side : edge)
        {
            name = side == "asa-outside" ? side : name;
        }
    }
    std::string file = std::filesystem::path(m_p.pcap).filename().string() + "-" + name + ".pcap";
    std::string error = WriteWiresharkDecryption(m_p.pcap, sas, tlsKeyLog, file);
    NS_ABORT_MSG_IF(!error.empty(), "--pcap=" << m_p.pcap << ": " << error);
}

vpnsim::engine::RunRecord
ScenarioRun::Record(ScenarioTimeline* timeline) const
{
    vpnsim::engine::RunRecord r;
    RecordParameters(r);
    // The record is the first client's (vertex order): its fields keep their one-tunnel meaning.
    TunnelOutcome outcome = OutcomeOf(0);
    RecordOutcome(r, outcome);
    RecordTraffic(r);
    RecordCounters(r);
    if (timeline)
    {
        RecordTimeline(*timeline, outcome);
    }
    return r;
}

} // namespace ns3::scenario
