/*
 * What many seeds of one configuration say, kept apart as the record keeps them
 * (doc/record.md): tunnels that never came up (setup failures), and of those that did, how many
 * died within the session and when. Rates come with a Wilson score interval, which unlike the
 * normal approximation stays meaningful at 0 of n and n of n, where the tech note's cases sit.
 */
#ifndef VPNSIM_OUTCOME_SUMMARY_H
#define VPNSIM_OUTCOME_SUMMARY_H

#include "model/engine/run-record.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/// A two-sided confidence interval of a proportion.
struct Interval
{
    double low{0};
    double high{1};

    double HalfWidth() const
    {
        return (high - low) / 2;
    }
};

/// The z of a two-sided 95 % interval.
constexpr double kZ95 = 1.959963984540054;

/// Wilson score interval of `successes` in `trials` (Wilson 1927; the method statsmodels'
/// proportion_confint calls "wilson"); [0, 1] for no trials.
Interval WilsonInterval(uint64_t successes, uint64_t trials, double z = kZ95);

/// The outcomes of runs of one configuration.
class OutcomeSummary
{
  public:
    void Add(const vpnsim::engine::RunRecord& record);

    uint64_t Runs() const
    {
        return m_records.size();
    }

    uint64_t SetupFailures() const;
    uint64_t Established() const;
    /// Established tunnels that went down within the session.
    uint64_t Died() const;
    /// Died / Established, nullopt without an established tunnel.
    std::optional<double> DeathRate() const;
    Interval DeathInterval() const;
    Interval SetupFailureInterval() const;
    /// Median time to failure of the tunnels that died (from tunnel up), seconds.
    std::optional<double> MedianTimeToFailure() const;
    /// How many died of each cause.
    std::map<std::string, uint64_t> Causes() const;

    const std::vector<vpnsim::engine::RunRecord>& Records() const
    {
        return m_records;
    }

  private:
    std::vector<vpnsim::engine::RunRecord> m_records;
};

} // namespace ns3

#endif // VPNSIM_OUTCOME_SUMMARY_H
