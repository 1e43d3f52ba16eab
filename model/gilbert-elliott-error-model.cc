#include "model/gilbert-elliott-error-model.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/string.h"
#include "ns3/trace-source-accessor.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("GilbertElliottErrorModel");

NS_OBJECT_ENSURE_REGISTERED(GilbertElliottErrorModel);

TypeId
GilbertElliottErrorModel::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::GilbertElliottErrorModel")
              .SetParent<ErrorModel>()
              .SetGroupName("Network")
              .AddConstructor<GilbertElliottErrorModel>()
              .AddAttribute("GoodLossProbability", "Loss probability in the good state (k).",
                            DoubleValue(0.0),
                            MakeDoubleAccessor(&GilbertElliottErrorModel::SetGoodLossProbability,
                                               &GilbertElliottErrorModel::GetGoodLossProbability),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("BadLossProbability", "Loss probability in the bad state (h).",
                            DoubleValue(1.0),
                            MakeDoubleAccessor(&GilbertElliottErrorModel::SetBadLossProbability,
                                               &GilbertElliottErrorModel::GetBadLossProbability),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("GoodToBad",
                            "Per-packet probability of moving from the good to the bad state (p).",
                            DoubleValue(0.01),
                            MakeDoubleAccessor(&GilbertElliottErrorModel::SetGoodToBad,
                                               &GilbertElliottErrorModel::GetGoodToBad),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("BadToGood",
                            "Per-packet probability of moving from the bad to the good state (r).",
                            DoubleValue(0.5),
                            MakeDoubleAccessor(&GilbertElliottErrorModel::SetBadToGood,
                                               &GilbertElliottErrorModel::GetBadToGood),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("RandomVariable",
                            "The Uniform(0, 1) decision variable for transitions and losses.",
                            StringValue("ns3::UniformRandomVariable[Min=0.0|Max=1.0]"),
                            MakePointerAccessor(&GilbertElliottErrorModel::m_random),
                            MakePointerChecker<RandomVariableStream>())
              .AddTraceSource("StateChange", "The chain moved between the good and the bad state.",
                              MakeTraceSourceAccessor(&GilbertElliottErrorModel::m_stateChange),
                              "ns3::GilbertElliottErrorModel::StateChangeCallback");
    return tid;
}

GilbertElliottErrorModel::GilbertElliottErrorModel()
    : m_goodLoss(0.0)
    , m_badLoss(1.0)
    , m_goodToBad(0.01)
    , m_badToGood(0.5)
    , m_state(GOOD)
{
    NS_LOG_FUNCTION(this);
}

GilbertElliottErrorModel::~GilbertElliottErrorModel()
{
    NS_LOG_FUNCTION(this);
}

std::string
GilbertElliottErrorModel::ValidateMeanLossAndBurst(double meanLoss, double meanBurstLength)
{
    std::ostringstream error;
    // Written so that NaN fails every check.
    if (!(meanLoss > 0.0 && meanLoss < 1.0))
    {
        error << "meanLoss must be in the open interval (0, 1), got " << meanLoss;
    }
    else if (!(meanBurstLength >= 1.0) || !std::isfinite(meanBurstLength))
    {
        error << "meanBurstLength must be finite and >= 1 (packets), got " << meanBurstLength;
    }
    // The tolerance keeps exact boundary cases (0.9 in bursts of 9) valid despite rounding.
    else if (meanLoss / ((1.0 - meanLoss) * meanBurstLength) > 1.0 + 1e-9)
    {
        // p = meanLoss / ((1 - meanLoss) * meanBurstLength) must stay <= 1: a high loss rate
        // cannot be made of short bursts with gaps of at least one packet between them.
        error << "meanBurstLength must be >= meanLoss / (1 - meanLoss) = "
              << meanLoss / (1.0 - meanLoss) << " for meanLoss " << meanLoss << ", got "
              << meanBurstLength;
    }
    return error.str();
}

void
GilbertElliottErrorModel::SetMeanLossAndBurst(double meanLoss, double meanBurstLength)
{
    NS_LOG_FUNCTION(this << meanLoss << meanBurstLength);
    const std::string error = ValidateMeanLossAndBurst(meanLoss, meanBurstLength);
    if (!error.empty())
    {
        NS_FATAL_ERROR("GilbertElliottErrorModel::SetMeanLossAndBurst: " << error);
    }
    // Simple Gilbert model: the bad state always loses and the good state never does, so a
    // burst is one bad-state sojourn (mean 1/r) and pi_B = p / (p + r) is the loss rate.
    const double r = 1.0 / meanBurstLength;
    m_goodLoss = 0.0;
    m_badLoss = 1.0;
    m_badToGood = r;
    m_goodToBad = std::min(1.0, meanLoss * r / (1.0 - meanLoss)); // rounding at p = 1
}

double
GilbertElliottErrorModel::GetStationaryLossRate() const
{
    const double moving = m_goodToBad + m_badToGood;
    if (moving <= 0.0)
    {
        return m_goodLoss; // the chain starts good and never moves
    }
    const double bad = m_goodToBad / moving;
    return (1.0 - bad) * m_goodLoss + bad * m_badLoss;
}

GilbertElliottErrorModel::State
GilbertElliottErrorModel::GetState() const
{
    return m_state;
}

void
GilbertElliottErrorModel::SetGoodLossProbability(double k)
{
    NS_LOG_FUNCTION(this << k);
    m_goodLoss = k;
}

double
GilbertElliottErrorModel::GetGoodLossProbability() const
{
    return m_goodLoss;
}

void
GilbertElliottErrorModel::SetBadLossProbability(double h)
{
    NS_LOG_FUNCTION(this << h);
    m_badLoss = h;
}

double
GilbertElliottErrorModel::GetBadLossProbability() const
{
    return m_badLoss;
}

void
GilbertElliottErrorModel::SetGoodToBad(double p)
{
    NS_LOG_FUNCTION(this << p);
    m_goodToBad = p;
}

double
GilbertElliottErrorModel::GetGoodToBad() const
{
    return m_goodToBad;
}

void
GilbertElliottErrorModel::SetBadToGood(double r)
{
    NS_LOG_FUNCTION(this << r);
    m_badToGood = r;
}

double
GilbertElliottErrorModel::GetBadToGood() const
{
    return m_badToGood;
}

void
GilbertElliottErrorModel::SetRandomVariable(Ptr<RandomVariableStream> ranvar)
{
    NS_LOG_FUNCTION(this << ranvar);
    m_random = ranvar;
}

int64_t
GilbertElliottErrorModel::AssignStreams(int64_t stream)
{
    NS_LOG_FUNCTION(this << stream);
    m_random->SetStream(stream);
    return 1;
}

bool
GilbertElliottErrorModel::Draw(double probability)
{
    if (probability <= 0.0)
    {
        return false;
    }
    if (probability >= 1.0)
    {
        return true;
    }
    return m_random->GetValue() < probability;
}

bool
GilbertElliottErrorModel::DoCorrupt(Ptr<Packet> p)
{
    NS_LOG_FUNCTION(this << p);
    // Transition first, then the loss draw in the new state (Gilbert 1960): with k = 0, h = 1
    // the packet is lost exactly when the chain is in the bad state after the move.
    const State old = m_state;
    if (m_state == GOOD ? Draw(m_goodToBad) : Draw(m_badToGood))
    {
        m_state = (m_state == GOOD) ? BAD : GOOD;
        m_stateChange(old, m_state);
    }
    const bool lost = Draw(m_state == GOOD ? m_goodLoss : m_badLoss);
    NS_LOG_LOGIC((m_state == GOOD ? "good" : "bad") << (lost ? " lost" : " delivered"));
    return lost;
}

void
GilbertElliottErrorModel::DoReset()
{
    NS_LOG_FUNCTION(this);
    m_state = GOOD;
}

} // namespace ns3
