#include "helper/outcome-summary.h"

#include <algorithm>
#include <cmath>

namespace ns3
{

Interval
WilsonInterval(uint64_t successes, uint64_t trials, double z)
{
    if (trials == 0)
    {
        return {0, 1};
    }
    double n = static_cast<double>(trials);
    double p = static_cast<double>(successes) / n;
    double z2 = z * z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double spread = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return {std::max(0.0, centre - spread), std::min(1.0, centre + spread)};
}

void
OutcomeSummary::Add(const vpnsim::engine::RunRecord& record)
{
    m_records.push_back(record);
}

uint64_t
OutcomeSummary::SetupFailures() const
{
    return Runs() - Established();
}

uint64_t
OutcomeSummary::Established() const
{
    return std::count_if(m_records.begin(), m_records.end(),
                         [](const auto& r)
                         {
                             return r.established;
                         });
}

uint64_t
OutcomeSummary::Died() const
{
    return std::count_if(m_records.begin(), m_records.end(),
                         [](const auto& r)
                         {
                             return r.established && r.failed;
                         });
}

std::optional<double>
OutcomeSummary::DeathRate() const
{
    uint64_t up = Established();
    if (up == 0)
    {
        return std::nullopt;
    }
    return static_cast<double>(Died()) / static_cast<double>(up);
}

Interval
OutcomeSummary::DeathInterval() const
{
    return WilsonInterval(Died(), Established());
}

Interval
OutcomeSummary::SetupFailureInterval() const
{
    return WilsonInterval(SetupFailures(), Runs());
}

std::optional<double>
OutcomeSummary::MedianTimeToFailure() const
{
    std::vector<double> times;
    for (const auto& r : m_records)
    {
        if (r.established && r.failed && r.timeToFailureS)
        {
            times.push_back(*r.timeToFailureS);
        }
    }
    if (times.empty())
    {
        return std::nullopt;
    }
    std::sort(times.begin(), times.end());
    size_t mid = times.size() / 2;
    return times.size() % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
}

std::map<std::string, uint64_t>
OutcomeSummary::Causes() const
{
    std::map<std::string, uint64_t> causes;
    for (const auto& r : m_records)
    {
        if (r.established && r.failed)
        {
            ++causes[r.cause.value_or("unknown")];
        }
    }
    return causes;
}

} // namespace ns3
