/*
 * openconnect's keepalive_action as a pure function (doc/protocols.md §CSTP DPD and keepalive):
 * each case gives the times in and the action out.
 */
#include "model/engine/cstp-keepalive.h"

#include <gtest/gtest.h>

namespace vpnsim
{
namespace test
{
namespace
{

using namespace engine;
using namespace std::chrono_literals;

TEST(CstpKeepalive, NothingDueBeforeDpdAndNextWakeIsTheDpdDeadline)
{
    KeepaliveDecision d = DecideKeepalive(29s, KeepaliveTimes{0s, 29s, {}}, 30s, 0s);
    EXPECT_EQ(d.action, KeepaliveAction::None);
    EXPECT_EQ(d.next, Nanos(30s));
}

TEST(CstpKeepalive, DpdRequestWhenNothingReceivedForDpd)
{
    EXPECT_EQ(DecideKeepalive(30s, KeepaliveTimes{0s, 29s, {}}, 30s, 0s).action,
              KeepaliveAction::SendDpd);
}

TEST(CstpKeepalive, OutstandingDpdIsRepeatedOnlyAfterHalfDpd)
{
    KeepaliveTimes t{0s, 30s, Nanos(30s)};
    KeepaliveDecision early = DecideKeepalive(44s, t, 30s, 0s);
    EXPECT_EQ(early.action, KeepaliveAction::None);
    EXPECT_EQ(early.next, Nanos(45s));
    EXPECT_EQ(DecideKeepalive(45s, t, 30s, 0s).action, KeepaliveAction::SendDpd);
}

TEST(CstpKeepalive, DeadAtTwiceDpdWithoutReceiving)
{
    KeepaliveTimes t{0s, 45s, Nanos(45s)};
    EXPECT_EQ(DecideKeepalive(59s, t, 30s, 0s).action, KeepaliveAction::None);
    EXPECT_EQ(DecideKeepalive(60s, t, 30s, 0s).action, KeepaliveAction::Dead);
}

TEST(CstpKeepalive, ReceivingAfterADpdRestartsTheClock)
{
    KeepaliveTimes t{31s, 30s, Nanos(30s)}; // the response came at 31 s
    KeepaliveDecision d = DecideKeepalive(45s, t, 30s, 0s);
    EXPECT_EQ(d.action, KeepaliveAction::None);
    EXPECT_EQ(d.next, Nanos(61s));
}

TEST(CstpKeepalive, KeepaliveWhenNothingSentForKeepalive)
{
    EXPECT_EQ(DecideKeepalive(20s, KeepaliveTimes{19s, 0s, {}}, 30s, 20s).action,
              KeepaliveAction::SendKeepalive);
    KeepaliveDecision d = DecideKeepalive(19s, KeepaliveTimes{19s, 0s, {}}, 30s, 20s);
    EXPECT_EQ(d.action, KeepaliveAction::None);
    EXPECT_EQ(d.next, Nanos(20s));
}

TEST(CstpKeepalive, DpdTakesPrecedenceOverKeepalive)
{
    EXPECT_EQ(DecideKeepalive(30s, KeepaliveTimes{0s, 0s, {}}, 30s, 20s).action,
              KeepaliveAction::SendDpd);
}

TEST(CstpKeepalive, BothDisabledMeansNoWakeUp)
{
    KeepaliveDecision d = DecideKeepalive(1000s, KeepaliveTimes{}, 0s, 0s);
    EXPECT_EQ(d.action, KeepaliveAction::None);
    EXPECT_FALSE(d.next.has_value());
}

} // namespace
} // namespace test
} // namespace vpnsim
