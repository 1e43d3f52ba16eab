/*
 * The result record of one run: one scenario, one seed. The simulation (vpnsim-run) and the
 * real-socket runner print the same record, one JSON object on one line, so that sweeps, plots
 * and the validation read both alike (doc/design.md §What a run produces). Every field, its
 * unit and its meaning: doc/record.md.
 *
 * Keys are written in a fixed order and numbers in their shortest exact form, so the same run
 * gives a byte-identical record.
 */
#ifndef VPNSIM_ENGINE_RUN_RECORD_H
#define VPNSIM_ENGINE_RUN_RECORD_H

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace vpnsim
{
namespace engine
{

struct RunRecord
{
    std::string source{"simulation"}; ///< "simulation" or "testbed"
    std::string encap;                ///< ctcp, natt, esp, anyconnect
    std::string asa;                  ///< none, stateful, normalizer, ips-strict, proxy, bypass
    std::string lossModel;            ///< bernoulli, gilbert, trace
    double loss{0};                   ///< mean loss fraction on the client-ASA link
    uint64_t seed{1};
    double durationS{0};

    /// Both ends of the tunnel came up within the session. A tunnel that never did is a setup
    /// failure: failed, cause "not-established", no time to failure and no tunnel_up_s.
    bool established{false};
    std::optional<double> tunnelUpS; ///< when both ends were up, seconds from the session's start
    /// The tunnel did not carry the whole session: it went down, or it never came up.
    bool failed{false};
    std::optional<double> timeToFailureS; ///< from tunnel up to the first end going down (s)
    std::optional<std::string> cause;     ///< client-dpd, headend-dpd, framing-error, ...

    double innerGoodputBps{0}; ///< inner payload bytes delivered * 8 / duration
    double innerLoss{0};       ///< inner packets sent but not delivered, as a fraction
    uint64_t innerSent{0};
    uint64_t innerReceived{0};
    uint64_t framingErrors{0};
    uint64_t ikeRekeys{0};   ///< the client's IKE (phase 1) SAs replaced by a new Main Mode
    uint64_t ipsecRekeys{0}; ///< the client's IPsec SA pairs replaced by a new Quick Mode
    uint64_t asaBytesHeld{0}; ///< peak bytes the ASA held waiting for a hole to fill
    uint64_t asaDrops{0};
    std::map<std::string, uint64_t> asaDropsByReason;
    /// Further parameters of the run (timers, traffic), so the record describes it fully.
    std::map<std::string, std::string> parameters;
};

/// One line of JSON, no trailing newline.
std::string ToJson(const RunRecord& record);

/// The record ToJson wrote; nullopt if `json` is not one (a field missing or of the wrong type).
std::optional<RunRecord> FromJson(const std::string& json);

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_RUN_RECORD_H
