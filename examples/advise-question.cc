#include "examples/advise-question.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <regex>
#include <set>

namespace vpnsim
{
namespace advise
{

namespace
{

bool
ToNumber(const std::string& text, double& out)
{
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && std::isfinite(out);
}

} // namespace

std::string
ParseLoss(const std::string& text, double& fraction)
{
    const std::string allowed = ": allowed 0% to 99.9%, as a percentage (0.5%) or a fraction "
                                "below 1 (0.005)";
    bool percent = !text.empty() && text.back() == '%';
    double value = 0;
    if (!ToNumber(percent ? text.substr(0, text.size() - 1) : text, value))
    {
        return "--loss=" + text + allowed;
    }
    if (!percent && value >= 1)
    {
        return "--loss=" + text + allowed + " (for " + text + " percent write " + text + "%)";
    }
    value = percent ? value / 100 : value;
    if (!(value >= 0 && value < 1))
    {
        return "--loss=" + text + allowed;
    }
    fraction = value;
    return "";
}

std::optional<PingLoss>
ParsePingLog(std::istream& log)
{
    // iputils: "64 bytes from 198.51.100.1: icmp_seq=12 ttl=57 time=21.3 ms" and
    // "600 packets transmitted, 597 received, 0.5% packet loss, time 599812ms".
    // Windows: "Reply from 198.51.100.1: bytes=32 time=21ms TTL=57" (no sequence numbers) and
    // "Packets: Sent = 600, Received = 597, Lost = 3 (0% loss)".
    static const std::regex reply(R"(icmp_seq=(\d+))");
    static const std::regex windowsReply(R"(Reply from .*time)");
    static const std::regex summary(R"((\d+) packets transmitted, (\d+) (packets )?received)");
    static const std::regex windowsSummary(R"(Sent = (\d+), Received = (\d+))");
    std::set<uint64_t> seqs;
    uint64_t windowsReplies = 0;
    std::optional<std::pair<uint64_t, uint64_t>> totals;
    std::string line;
    while (std::getline(log, line))
    {
        std::smatch m;
        if (std::regex_search(line, m, reply) && line.find("bytes from") != std::string::npos)
        {
            seqs.insert(std::stoull(m[1]));
        }
        else if (std::regex_search(line, windowsReply))
        {
            ++windowsReplies;
        }
        if (std::regex_search(line, m, summary) || std::regex_search(line, m, windowsSummary))
        {
            totals = std::make_pair(std::stoull(m[1]), std::stoull(m[2]));
        }
    }
    if (seqs.empty() && windowsReplies == 0 && !totals)
    {
        return std::nullopt;
    }
    PingLoss p;
    uint64_t first = seqs.empty() ? 1 : std::min<uint64_t>(*seqs.begin(), 1);
    uint64_t last = seqs.empty() ? 0 : *seqs.rbegin();
    p.sent = totals ? totals->first : (seqs.empty() ? windowsReplies : last - first + 1);
    p.received = totals ? totals->second : (seqs.empty() ? windowsReplies : seqs.size());
    if (p.sent == 0 || p.received > p.sent)
    {
        return std::nullopt;
    }
    p.loss = 1.0 - static_cast<double>(p.received) / static_cast<double>(p.sent);
    // Runs of missing sequence numbers among those sent (iputils counts from 1).
    uint64_t runs = 0;
    uint64_t missing = 0;
    bool inRun = false;
    for (uint64_t s = first; !seqs.empty() && s < first + p.sent; ++s)
    {
        bool lost = !seqs.count(s);
        missing += lost;
        runs += lost && !inRun;
        inRun = lost;
    }
    p.meanBurst = runs > 0 ? static_cast<double>(missing) / static_cast<double>(runs) : 1.0;
    return p;
}

std::string
ParseSession(const std::string& text, double& seconds)
{
    static const std::vector<std::pair<std::string, double>> kUnits{
        {"min", 60}, {"h", 3600}, {"s", 1}, {"", 1}};
    for (const auto& [suffix, scale] : kUnits)
    {
        if (text.size() > suffix.size()
            && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0)
        {
            double value = 0;
            if (ToNumber(text.substr(0, text.size() - suffix.size()), value))
            {
                seconds = value * scale;
                if (seconds >= 10 && seconds <= 7 * 86400)
                {
                    return "";
                }
                break;
            }
        }
    }
    return "--session=" + text
           + ": allowed 10 s to 7 days, in seconds or with a unit (90s, 30min, 8h)";
}

const std::vector<TrafficProfile>&
TrafficProfiles()
{
    static const std::vector<TrafficProfile> kProfiles{
        {"idle", "nothing but the tunnel's own keepalives and DPD", "idle", 1, 200},
        {"keepalive", "the same as idle", "idle", 1, 200},
        {"echo", "a monitoring probe: a 200-byte UDP echo and its reply every second", "echo", 1,
         200},
        {"voip", "one G.711 call: 160-byte RTP payloads every 20 ms each way", "voip", 1, 200},
        {"office",
         "intermittent interactive use: a 1000-byte request and its reply every 5 s", "echo", 5,
         1000},
        {"bulk", "one TCP upload as fast as the path allows (slow to simulate: minutes a run)",
         "bulk", 1, 200},
    };
    return kProfiles;
}

const std::vector<FirewallFeature>&
FirewallFeatures()
{
    // doc/protocols.md §ASA gives each mode's behaviour with Cisco's text.
    static const std::vector<FirewallFeature> kFeatures{
        {"inspection", "proxy", "an ASA whose inspection proxies TCP",
         "application inspection that makes the ASA a full TCP proxy (TAC document 113578; "
         "ASA Firewall CLI Configuration Guide, Connection Settings: tcp-proxy-reassembly)"},
        {"ips", "ips-strict", "an ASA with IPS inline",
         "IPS inline with strict TCP evasion protection: after a missed packet nothing more of "
         "that direction passes (Cisco IPS 7.1 CLI Configuration Guide, "
         "inline-TCP-evasion-protection-mode strict)"},
        {"normalizer", "normalizer", "an ASA's TCP normalizer",
         "the TCP normalizer's in-order queue that inspected and IPS flows get: 3 segments held "
         "4 s (ASA Firewall CLI Configuration Guide, Connection Settings: tcp-map queue-limit)"},
        {"stateful", "stateful", "a stateful-only ASA",
         "stateful inspection only, no application inspection or IPS: out-of-order segments "
         "pass untouched (tcp-map queue-limit 0, the default)"},
        {"bypass", "bypass", "an ASA with tcp-state-bypass",
         "tcp-state-bypass already applied to the VPN flow (set connection advanced-options "
         "tcp-state-bypass)"},
        {"none", "none", "no firewall", "no firewall in the path"},
    };
    return kFeatures;
}

const std::vector<TunnelOption>&
TunnelOptions()
{
    // The reasons are TAC document 113578's: its problem statement and its list of fixes.
    static const std::vector<TunnelOption> kOptions{
        {"cTCP (IPsec over TCP)", "ctcp", std::nullopt,
         "cTCP is not a real TCP: it never retransmits, so a device that tracks the TCP stream "
         "waits forever for a lost segment"},
        {"NAT-T (IPsec over UDP)", "natt", std::nullopt,
         "Cisco's first fix: switch from IPsec over TCP to IPsec over UDP"},
        {"native ESP", "esp", std::nullopt,
         "Cisco's first fix, the other form: native encapsulation with the ESP protocol"},
        {"AnyConnect", "anyconnect", std::nullopt,
         "Cisco's second fix: AnyConnect uses a fully implemented TCP stack, which retransmits"},
        {"cTCP + tcp-state-bypass", "ctcp", std::string("bypass"),
         "Cisco's third fix, a stop-gap: tcp-state-bypass disables all security checks for "
         "the matching flows"},
    };
    return kOptions;
}

} // namespace advise
} // namespace vpnsim
