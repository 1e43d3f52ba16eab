// The loss models for lossy Internet links: GilbertElliottErrorModel against its closed-form
// statistics (Gilbert 1960, Elliott 1963, Hasslinger & Hohlfeld 2008) and TraceErrorModel
// against the packets its trace names.
#include "model/gilbert-elliott-error-model.h"
#include "model/trace-error-model.h"
// Single headers, not the *-module.h aggregates (not valid C++20 in ns-3 3.37).
#include "ns3/callback.h"
#include "ns3/double.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <limits>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace ns3;

namespace
{

/// Feeds `count` 100-byte packets through the model; true marks a lost packet.
std::vector<bool>
Feed(Ptr<ErrorModel> model, std::size_t count)
{
    std::vector<bool> lost(count);
    for (std::size_t i = 0; i < count; ++i)
    {
        lost[i] = model->IsCorrupt(Create<Packet>(100));
    }
    return lost;
}

double
LossRate(const std::vector<bool>& lost)
{
    std::size_t n = 0;
    for (bool l : lost)
    {
        n += l ? 1 : 0;
    }
    return static_cast<double>(n) / static_cast<double>(lost.size());
}

/// Mean length of the runs of consecutive losses.
double
MeanBurstLength(const std::vector<bool>& lost)
{
    std::size_t bursts = 0;
    std::size_t losses = 0;
    for (std::size_t i = 0; i < lost.size(); ++i)
    {
        if (lost[i])
        {
            ++losses;
            if (i == 0 || !lost[i - 1])
            {
                ++bursts;
            }
        }
    }
    return bursts == 0 ? 0.0 : static_cast<double>(losses) / static_cast<double>(bursts);
}

Ptr<GilbertElliottErrorModel>
MakeGe(double k, double h, double p, double r, int64_t stream = 11)
{
    auto model = CreateObject<GilbertElliottErrorModel>();
    model->SetAttribute("GoodLossProbability", DoubleValue(k));
    model->SetAttribute("BadLossProbability", DoubleValue(h));
    model->SetAttribute("GoodToBad", DoubleValue(p));
    model->SetAttribute("BadToGood", DoubleValue(r));
    model->AssignStreams(stream);
    return model;
}

std::vector<uint64_t>
DroppedIndices(const std::vector<bool>& lost)
{
    std::vector<uint64_t> dropped;
    for (std::size_t i = 0; i < lost.size(); ++i)
    {
        if (lost[i])
        {
            dropped.push_back(i);
        }
    }
    return dropped;
}

/// A scratch trace file, unique to this process and test, removed afterwards.
class ScratchFile
{
  public:
    explicit ScratchFile(const std::string& text)
    {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_path = ::testing::TempDir() + "vpnsim-" + info->name() + "-" + std::to_string(::getpid())
                 + ".trace";
        std::ofstream(m_path) << text;
    }

    ~ScratchFile()
    {
        std::remove(m_path.c_str());
    }

    const std::string& Path() const
    {
        return m_path;
    }

  private:
    std::string m_path;
};

std::string
ParseError(const std::string& text)
{
    std::istringstream input(text);
    TraceErrorModel::Trace trace;
    return TraceErrorModel::Parse(input, "loss.trace", trace);
}

constexpr std::size_t kPackets = 200000;

} // namespace

TEST(GilbertElliottErrorModel, DefaultsAreTheDocumentedAttributes)
{
    auto model = CreateObject<GilbertElliottErrorModel>();
    EXPECT_EQ(model->GetGoodLossProbability(), 0.0);
    EXPECT_EQ(model->GetBadLossProbability(), 1.0);
    EXPECT_EQ(model->GetGoodToBad(), 0.01);
    EXPECT_EQ(model->GetBadToGood(), 0.5);
    EXPECT_EQ(model->GetState(), GilbertElliottErrorModel::GOOD);
    EXPECT_NEAR(model->GetStationaryLossRate(), 0.01 / 0.51, 1e-12);
}

TEST(GilbertElliottErrorModel, StationaryLossMatchesTheory)
{
    struct Case
    {
        double k, h, p, r;
    };

    // Successive packets are correlated (lag-1 autocorrelation of the state 1 - p - r), which
    // inflates the variance of the measured rate; these sets keep 0.3 percentage points at
    // about 4 standard errors or more over 200k packets, so the check holds for any seed.
    for (const Case& c : {Case{0.0, 1.0, 0.01, 0.5},    // the defaults: rare short bursts
                          Case{0.01, 0.6, 0.02, 0.4},   // Elliott: loss in both states
                          Case{0.0, 1.0, 0.01546, 0.5}, // ~3 % in bursts of 2
                          Case{0.05, 0.5, 0.05, 0.55}}) // lossy good state
    {
        auto model = MakeGe(c.k, c.h, c.p, c.r);
        const double expected = model->GetStationaryLossRate();
        const double pi = c.p / (c.p + c.r);
        EXPECT_NEAR(expected, (1 - pi) * c.k + pi * c.h, 1e-12);
        EXPECT_NEAR(LossRate(Feed(model, kPackets)), expected, 0.003)
            << "k=" << c.k << " h=" << c.h << " p=" << c.p << " r=" << c.r;
    }
}

TEST(GilbertElliottErrorModel, MeanLossAndBurstGiveThatLossAndBurstLength)
{
    for (const auto& [loss, burst] : {std::pair{0.05, 4.0}, {0.02, 2.0}, {0.10, 8.0}})
    {
        auto model = CreateObject<GilbertElliottErrorModel>();
        model->SetMeanLossAndBurst(loss, burst);
        model->AssignStreams(3);
        EXPECT_EQ(model->GetGoodLossProbability(), 0.0);
        EXPECT_EQ(model->GetBadLossProbability(), 1.0);
        EXPECT_NEAR(model->GetBadToGood(), 1.0 / burst, 1e-12);
        EXPECT_NEAR(model->GetStationaryLossRate(), loss, 1e-12);

        // k = 0, h = 1: the loss indicator is the chain itself, with variance L(1 - L) and
        // lag-j autocorrelation rho^j, rho = 1 - p - r, so the mean of n packets has variance
        // L(1 - L)(1 + rho) / ((1 - rho) n). Long bursts need more than 0.3 points.
        const double rho = 1.0 - model->GetGoodToBad() - model->GetBadToGood();
        const double standardError = std::sqrt(loss * (1 - loss) * (1 + rho)
                                               / ((1 - rho) * static_cast<double>(kPackets)));
        const std::vector<bool> lost = Feed(model, kPackets);
        EXPECT_NEAR(LossRate(lost), loss, std::max(0.003, 5 * standardError))
            << "loss=" << loss << " burst=" << burst;
        EXPECT_NEAR(MeanBurstLength(lost), burst, 0.1 * burst)
            << "loss=" << loss << " burst=" << burst;
    }
}

TEST(GilbertElliottErrorModel, AMillionPacketsMatchTheParametersWithinTwoPercent)
{
    // The acceptance check: over 10^6 packets, mean loss and mean burst length within
    // 2% (relative) of the parameters. With 5% loss in bursts of 3 the standard error of the
    // loss estimate is about 0.8% relative (see the test above), of the burst length about
    // 0.4%, so 2% is well clear of chance at this fixed stream.
    auto model = CreateObject<GilbertElliottErrorModel>();
    model->SetMeanLossAndBurst(0.05, 3.0);
    model->AssignStreams(17);
    const std::vector<bool> lost = Feed(model, 1'000'000);
    EXPECT_NEAR(LossRate(lost), 0.05, 0.02 * 0.05);
    EXPECT_NEAR(MeanBurstLength(lost), 3.0, 0.02 * 3.0);
}

TEST(GilbertElliottErrorModel, PPlusROneIsBernoulli)
{
    // p + r = 1: the next state is bad with probability p whatever the current one is, so a
    // loss says nothing about the next packet.
    auto model = MakeGe(0.0, 1.0, 0.1, 0.9);
    const std::vector<bool> lost = Feed(model, kPackets);
    std::size_t afterLoss = 0;
    std::size_t lossAfterLoss = 0;
    std::size_t afterDelivery = 0;
    std::size_t lossAfterDelivery = 0;
    for (std::size_t i = 1; i < lost.size(); ++i)
    {
        (lost[i - 1] ? afterLoss : afterDelivery)++;
        if (lost[i])
        {
            (lost[i - 1] ? lossAfterLoss : lossAfterDelivery)++;
        }
    }
    const double givenLoss = static_cast<double>(lossAfterLoss) / afterLoss;
    const double givenDelivery = static_cast<double>(lossAfterDelivery) / afterDelivery;
    EXPECT_NEAR(LossRate(lost), 0.1, 0.003);
    EXPECT_NEAR(givenLoss, 0.1, 0.015);
    EXPECT_NEAR(givenDelivery, 0.1, 0.003);
    EXPECT_NEAR(MeanBurstLength(lost), 1.0 / 0.9, 0.03); // geometric, as for Bernoulli loss
}

TEST(GilbertElliottErrorModel, ValidationNamesTheBadParameter)
{
    using GE = GilbertElliottErrorModel;
    EXPECT_EQ(GE::ValidateMeanLossAndBurst(0.05, 4.0), "");
    EXPECT_EQ(GE::ValidateMeanLossAndBurst(0.5, 1.0), ""); // p = 1 exactly: alternating
    EXPECT_EQ(GE::ValidateMeanLossAndBurst(0.9, 9.0), "");

    for (double loss : {0.0, 1.0, -0.1, 1.5, std::numeric_limits<double>::quiet_NaN()})
    {
        const std::string error = GE::ValidateMeanLossAndBurst(loss, 4.0);
        EXPECT_NE(error.find("meanLoss"), std::string::npos) << error;
        EXPECT_NE(error.find("(0, 1)"), std::string::npos) << error;
    }
    for (double burst : {0.0, 0.5, -2.0, std::numeric_limits<double>::infinity(),
                         std::numeric_limits<double>::quiet_NaN()})
    {
        const std::string error = GE::ValidateMeanLossAndBurst(0.05, burst);
        EXPECT_NE(error.find("meanBurstLength"), std::string::npos) << error;
        EXPECT_NE(error.find(">= 1"), std::string::npos) << error;
    }
    // 90 % loss cannot come in bursts of 2: GoodToBad would be 4.5.
    const std::string error = GE::ValidateMeanLossAndBurst(0.9, 2.0);
    EXPECT_NE(error.find("meanBurstLength must be >= meanLoss / (1 - meanLoss) = 9"),
              std::string::npos)
        << error;
}

TEST(GilbertElliottErrorModelDeathTest, SetMeanLossAndBurstAbortsWithTheMessage)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH(CreateObject<GilbertElliottErrorModel>()->SetMeanLossAndBurst(1.5, 4.0),
                 "meanLoss must be in the open interval \\(0, 1\\), got 1.5");
}

TEST(GilbertElliottErrorModel, SameStreamSamePattern)
{
    auto a = MakeGe(0.01, 0.6, 0.05, 0.3, 42);
    auto b = MakeGe(0.01, 0.6, 0.05, 0.3, 42);
    auto c = MakeGe(0.01, 0.6, 0.05, 0.3, 43);
    const std::vector<bool> lostA = Feed(a, 20000);
    EXPECT_EQ(lostA, Feed(b, 20000));
    EXPECT_NE(lostA, Feed(c, 20000));
    EXPECT_EQ(a->AssignStreams(5), 1);
}

TEST(GilbertElliottErrorModel, StateChangeTraceAndReset)
{
    auto model = MakeGe(0.0, 1.0, 0.2, 0.3);
    int changes = 0;
    bool consistent = true;
    GilbertElliottErrorModel::State last = GilbertElliottErrorModel::GOOD;
    using State = GilbertElliottErrorModel::State;
    model->TraceConnectWithoutContext("StateChange", Callback<void, State, State>(
                                                         [&](State from, State to)
                                                         {
                                                             ++changes;
                                                             consistent = consistent && from == last
                                                                          && to != from;
                                                             last = to;
                                                         }));
    const std::vector<bool> lost = Feed(model, 1000);
    EXPECT_GT(changes, 100);
    EXPECT_TRUE(consistent);
    // k = 0, h = 1: a packet is lost exactly when the chain is bad after the move.
    EXPECT_EQ(lost.back(), model->GetState() == GilbertElliottErrorModel::BAD);
    model->Reset();
    EXPECT_EQ(model->GetState(), GilbertElliottErrorModel::GOOD);
}

TEST(TraceErrorModel, DropsExactlyTheListedIndices)
{
    auto model = CreateObject<TraceErrorModel>();
    EXPECT_EQ(DroppedIndices(Feed(model, 10)), std::vector<uint64_t>{}); // empty trace
    model->SetDropIndices({17, 0, 5, 3, 17});
    EXPECT_EQ(model->GetMode(), TraceErrorModel::INDEX);
    EXPECT_EQ(DroppedIndices(Feed(model, 30)), (std::vector<uint64_t>{0, 3, 5, 17}));
    EXPECT_EQ(model->GetPacketsSeen(), 30u);
    model->Reset(); // rewinds the count
    EXPECT_EQ(DroppedIndices(Feed(model, 6)), (std::vector<uint64_t>{0, 3, 5}));
}

TEST(TraceErrorModel, TimeModeDropsTheFirstPacketAtOrAfterEachTime)
{
    auto model = CreateObject<TraceErrorModel>();
    // 4.1 s and 4.2 s have no packet between them: the packet at 4.5 s is the first after
    // both and is dropped once.
    model->SetDropTimes({Seconds(2.5), Seconds(1.0), Seconds(4.1), Seconds(4.2)});
    EXPECT_EQ(model->GetMode(), TraceErrorModel::TIME);
    std::vector<std::pair<double, bool>> seen;
    for (double t : {0.5, 1.0, 1.5, 2.0, 2.6, 2.7, 3.0, 4.5, 4.6})
    {
        Simulator::Schedule(Seconds(t),
                            [&seen, model]()
                            {
                                seen.emplace_back(Simulator::Now().GetSeconds(),
                                                  model->IsCorrupt(Create<Packet>(100)));
                            });
    }
    Simulator::Run();
    Simulator::Destroy();
    std::vector<double> dropped;
    for (const auto& [t, lost] : seen)
    {
        if (lost)
        {
            dropped.push_back(t);
        }
    }
    EXPECT_EQ(seen.size(), 9u);
    EXPECT_EQ(dropped, (std::vector<double>{1.0, 2.6, 4.5}));
}

TEST(TraceErrorModel, LoadsAnIndexFile)
{
    ScratchFile file("# packets to drop\n"
                     "\n"
                     "mode index\n"
                     "  7   # the eighth\n"
                     "2\r\n"
                     "\t11\n");
    auto model = CreateObject<TraceErrorModel>();
    model->SetAttribute("File", StringValue(file.Path()));
    StringValue path;
    model->GetAttribute("File", path);
    EXPECT_EQ(path.Get(), file.Path());
    EXPECT_EQ(DroppedIndices(Feed(model, 20)), (std::vector<uint64_t>{2, 7, 11}));
}

TEST(TraceErrorModel, LoadsATimeFileWithUnits)
{
    ScratchFile file("mode time\n1.5\n250ms\n3s\n4000000us\n5000000000ns\n");
    TraceErrorModel::Trace trace;
    ASSERT_EQ(TraceErrorModel::Load(file.Path(), trace), "");
    EXPECT_EQ(trace.mode, TraceErrorModel::TIME);
    EXPECT_EQ(trace.times, (std::vector<Time>{Seconds(1.5), MilliSeconds(250), Seconds(3),
                                              Seconds(4), Seconds(5)}));
    EXPECT_TRUE(trace.indices.empty());
}

TEST(TraceErrorModel, MalformedTraceNamesFileLineAndProblem)
{
    auto contains = [](const std::string& error, const std::string& part)
    {
        return error.find(part) != std::string::npos;
    };
    std::string error = ParseError("# header\n1\nabc\n");
    EXPECT_TRUE(contains(error, "loss.trace:3: ")) << error;
    EXPECT_TRUE(contains(error, "non-negative integer packet index, got 'abc'")) << error;

    error = ParseError("4\n-1\n");
    EXPECT_TRUE(contains(error, "loss.trace:2: ")) << error;
    EXPECT_TRUE(contains(error, "'-1'")) << error;

    error = ParseError("1.5\n");
    EXPECT_TRUE(contains(error, "loss.trace:1: ")) << error; // a time in index mode

    error = ParseError("99999999999999999999999\n");
    EXPECT_TRUE(contains(error, "loss.trace:1: ")) << error;
    EXPECT_TRUE(contains(error, "too large")) << error;

    error = ParseError("\n1 2\n");
    EXPECT_TRUE(contains(error, "loss.trace:2: expected one number per line, got '1 2'")) << error;

    error = ParseError("mode bytes\n");
    EXPECT_TRUE(contains(error, "loss.trace:1: expected 'mode index' or 'mode time'")) << error;

    error = ParseError("1\nmode time\n");
    EXPECT_TRUE(contains(error, "loss.trace:2: 'mode' must be the first line")) << error;

    error = ParseError("mode time\n1\n5min\n");
    EXPECT_TRUE(contains(error, "loss.trace:3: ")) << error;
    EXPECT_TRUE(contains(error, "unit s, ms, us or ns), got '5min'")) << error;

    error = ParseError("mode time\n-2\n");
    EXPECT_TRUE(contains(error, "loss.trace:2: time '-2' is negative")) << error;

    error = ParseError("mode time\nnan\n");
    EXPECT_TRUE(contains(error, "loss.trace:2: ")) << error;

    error = ParseError("mode time\n1e300\n");
    EXPECT_TRUE(contains(error, "loss.trace:2: time '1e300' is beyond")) << error;

    TraceErrorModel::Trace trace;
    error = TraceErrorModel::Load("/nonexistent/vpnsim.trace", trace);
    EXPECT_EQ(error, "/nonexistent/vpnsim.trace: cannot be read (No such file or directory)");
}

TEST(TraceErrorModel, LoadFileErrorLeavesTheModelUnchanged)
{
    ScratchFile file("3\nx\n");
    auto model = CreateObject<TraceErrorModel>();
    model->SetDropIndices({1});
    const std::string error = model->LoadFile(file.Path());
    EXPECT_EQ(error, file.Path() + ":2: expected a non-negative integer packet index, got 'x'");
    EXPECT_EQ(DroppedIndices(Feed(model, 5)), std::vector<uint64_t>{1});
}

TEST(TraceErrorModelDeathTest, MalformedFileAttributeIsFatalWithFileAndLine)
{
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    ScratchFile file("mode time\n\n1s\n2 s\n");
    EXPECT_DEATH(CreateObject<TraceErrorModel>()->SetAttribute("File", StringValue(file.Path())),
                 "TraceErrorModel attribute File: .*:4: expected one number per line");
}
