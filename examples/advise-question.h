/*
 * The network engineer's question, in their words, turned into vpnsim scenario parameters:
 * measured loss (a percentage, a ping log or a drop trace), its burstiness, the session length,
 * what the tunnel carries, and what the firewall does to TCP, named as Cisco names the
 * feature. Also the options the answer compares, with Cisco's reason for each
 * (TAC document 113578).
 */
#ifndef VPNSIM_ADVISE_QUESTION_H
#define VPNSIM_ADVISE_QUESTION_H

#include "helper/scenario.h"

#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace vpnsim
{
namespace advise
{

/// "0.5%" or a fraction below 1 ("0.005"). Returns an error naming --loss, empty when fine.
std::string ParseLoss(const std::string& text, double& fraction);

/// Loss measured by ping: how many were sent and answered, and the mean run of consecutive
/// missing replies (1 for isolated losses).
struct PingLoss
{
    uint64_t sent{0};
    uint64_t received{0};
    double loss{0};
    double meanBurst{1};
};

/// Reads the output of Linux (iputils) or Windows ping: the replies' icmp_seq numbers give
/// which were lost and how they bunch; the summary line, if there, how many were sent.
/// Returns nullopt if the text has neither replies nor a summary.
std::optional<PingLoss> ParsePingLog(std::istream& log);

/// "1800" (seconds), "90s", "30min", "8h". Returns an error naming --session, empty when fine.
std::string ParseSession(const std::string& text, double& seconds);

/// Inner traffic profiles: what the tunnel carries.
struct TrafficProfile
{
    std::string name;
    std::string meaning;
    std::string traffic; ///< vpnsim-run's --traffic
    double interval{1};  ///< echo interval, seconds
    uint32_t size{200};  ///< echo payload, bytes
};

const std::vector<TrafficProfile>& TrafficProfiles();

/// A firewall feature in the engineer's words, the ASA mode that models it, and Cisco's
/// document for it.
struct FirewallFeature
{
    std::string name;
    std::string asa;
    std::string phrase; ///< "an ASA with IPS inline", for the question as the answer restates it
    std::string meaning;
};

const std::vector<FirewallFeature>& FirewallFeatures();

/// One row of the answer: a way to run the tunnel, and why Cisco offers it.
struct TunnelOption
{
    std::string label;
    std::string encap;
    std::optional<std::string> asa; ///< replaces the firewall's mode (tcp-state-bypass)
    std::string reason;
};

/// cTCP, NAT-T, native ESP, AnyConnect, cTCP with tcp-state-bypass, in that order.
const std::vector<TunnelOption>& TunnelOptions();

/// The entry of `table` called `name`, or null.
template<typename Entry>
const Entry*
FindNamed(const std::vector<Entry>& table, const std::string& name)
{
    for (const Entry& e : table)
    {
        if (e.name == name)
        {
            return &e;
        }
    }
    return nullptr;
}

/// "a, b, c": the names a table allows, for messages.
template<typename Entry>
std::string
Names(const std::vector<Entry>& table)
{
    std::string names;
    for (const Entry& e : table)
    {
        names += (names.empty() ? "" : ", ") + e.name;
    }
    return names;
}

} // namespace advise
} // namespace vpnsim

#endif // VPNSIM_ADVISE_QUESTION_H
