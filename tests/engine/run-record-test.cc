// The run record reads back as written: tools that collect records from worker processes
// (vpnsim-advise, the tech-note table) see the same fields the run set.
#include "model/engine/run-record.h"

#include <gtest/gtest.h>

using vpnsim::engine::FromJson;
using vpnsim::engine::RunRecord;
using vpnsim::engine::ToJson;

TEST(RunRecord, ReadsBackWhatToJsonWrote)
{
    RunRecord r;
    r.encap = "ctcp";
    r.asa = "normalizer";
    r.lossModel = "bernoulli";
    r.loss = 0.005;
    r.seed = 7;
    r.durationS = 1800;
    r.established = true;
    r.tunnelUpS = 0.625;
    r.failed = true;
    r.timeToFailureS = 212.5;
    r.cause = "client-dpd";
    r.innerSent = 1795;
    r.asaDropsByReason["tcp-buffer-timeout"] = 12;
    r.parameters["key_seed"] = "0x42";
    auto back = FromJson(ToJson(r));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(ToJson(*back), ToJson(r));
    EXPECT_EQ(back->tunnelUpS, 0.625);
    EXPECT_EQ(back->cause, "client-dpd");
}

TEST(RunRecord, ASetupFailureReadsBackWithoutTimes)
{
    RunRecord r;
    r.failed = true;
    r.cause = "not-established";
    auto back = FromJson(ToJson(r));
    ASSERT_TRUE(back.has_value());
    EXPECT_FALSE(back->established);
    EXPECT_FALSE(back->tunnelUpS.has_value());
    EXPECT_FALSE(back->timeToFailureS.has_value());
}

TEST(RunRecord, SomethingElseIsNotARecord)
{
    EXPECT_FALSE(FromJson("not json").has_value());
    EXPECT_FALSE(FromJson("{\"failed\":true}").has_value());
    std::string json = ToJson(RunRecord{});
    json.replace(json.find("\"established\":false"), 19, "\"established\":\"no\"");
    EXPECT_FALSE(FromJson(json).has_value());
}
