#include "model/engine/endpoint-config.h"

#include <cmath>
#include <gtest/gtest.h>
#include <set>
#include <string>

using namespace vpnsim::engine;
using namespace std::chrono_literals;

namespace
{

/// The nearest value outside the range below `low` and above `high` that the parameter's own
/// kind of number can express (a whole number for integers, a millisecond for seconds).
double
Step(const ParameterSpec& p)
{
    return p.Integral() ? 1.0 : 0.001;
}

} // namespace

TEST(EndpointConfig, EveryDefaultIsAllowedByItsOwnRange)
{
    for (const ParameterSpec* p : EndpointParameters())
    {
        EXPECT_TRUE(p->Allows(p->defaultValue)) << p->flag;
        EXPECT_LE(p->low, p->high) << p->flag;
        EXPECT_FALSE(p->help.empty()) << p->flag;
        EXPECT_FALSE(p->source.empty()) << p->flag;
        EXPECT_NE(p->interfaces, 0) << p->flag;
    }
}

TEST(EndpointConfig, NamesAreUniqueAndFoundByFlag)
{
    std::set<std::string_view> flags;
    std::set<std::string_view> attributes;
    for (const ParameterSpec* p : EndpointParameters())
    {
        EXPECT_TRUE(flags.insert(p->flag).second) << p->flag;
        EXPECT_EQ(FindEndpointParameter(p->flag), p);
        EXPECT_EQ(p->attribute.empty(), (p->interfaces & kAttribute) == 0) << p->flag;
        if (!p->attribute.empty())
        {
            EXPECT_TRUE(attributes.insert(p->attribute).second) << p->attribute;
        }
    }
    EXPECT_EQ(FindEndpointParameter("no-such-flag"), nullptr);
}

TEST(EndpointConfig, EachRangeAllowsItsEdgesAndRefusesJustOutside)
{
    for (const ParameterSpec* p : EndpointParameters())
    {
        EXPECT_TRUE(p->Allows(p->low)) << p->flag;
        EXPECT_TRUE(p->Allows(p->high)) << p->flag;
        EXPECT_FALSE(p->Allows(p->high + Step(*p))) << p->flag;
        EXPECT_FALSE(p->Allows(NAN)) << p->flag;
        double below = p->low - Step(*p);
        EXPECT_EQ(p->Allows(below), below == 0 && !p->zeroMeans.empty()) << p->flag;
        EXPECT_EQ(p->Allows(0), p->low <= 0 || !p->zeroMeans.empty()) << p->flag;
        if (p->Integral())
        {
            EXPECT_FALSE(p->Allows(p->low + 0.5)) << p->flag;
        }
    }
}

TEST(EndpointConfig, CiscosDocumentedLimitsAreTheRanges)
{
    // Cisco VPN Client PeerTimeout 30..480 s; ASA isakmp keepalive threshold 10..3600 s and
    // retry 2..10 s; ASA NAT-T keepalive 10..3600 s; anyconnect dpd-interval 5..3600 s.
    using namespace parameter;
    EXPECT_EQ(kPeerTimeout.AllowedText(), "30 to 480 seconds");
    EXPECT_EQ(kAsaDpdThreshold.AllowedText(), "10 to 3600 seconds");
    EXPECT_EQ(kAsaDpdRetry.AllowedText(), "2 to 10 seconds");
    EXPECT_EQ(kNatKeepalive.AllowedText(), "10 to 3600 seconds, or 0 (off)");
    EXPECT_EQ(kAnyConnectDpd.AllowedText(), "5 to 3600 seconds");
    EXPECT_EQ(kIdleTimeout.AllowedText(), "60 to 604800 seconds, or 0 (none)");
    EXPECT_EQ(kPeerTimeout.defaultValue, 90);
    EXPECT_EQ(kNatKeepalive.defaultValue, 20);
    EXPECT_EQ(kIdleTimeout.DefaultDuration(), 30min);
}

TEST(EndpointConfig, RefusalNamesTheFlagTheValueAndTheRange)
{
    EXPECT_EQ(parameter::kPeerTimeout.Refusal(29.5),
              "peer-timeout=29.5: allowed 30 to 480 seconds");
    EXPECT_EQ(parameter::kClientToHeadendSpi.Refusal("7"),
              "client-to-headend-spi=7: allowed 256 to 4294967295");
    EXPECT_EQ(parameter::kPeerTimeout.Check(30s), std::nullopt);
    EXPECT_EQ(parameter::kPeerTimeout.Check(481s), "peer-timeout=481: allowed 30 to 480 seconds");
    EXPECT_EQ(parameter::kKeySeed.Check(uint64_t{256}), "key-seed=256: allowed 0 to 255");
}
