/*
 * The runner's command line: defaults, and every refusal names the flag and the allowed range
 * (main() exits 2 on those).
 */
#include "experiments/runner/runner-config.h"

#include <gtest/gtest.h>

namespace vpnsim
{
namespace runner
{
namespace
{

std::vector<std::string>
Base()
{
    return {"--role",  "client",     "--encap",  "ctcp",
            "--local", "198.18.1.2", "--remote", "198.18.2.2"};
}

std::string
Refusal(std::vector<std::string> extra)
{
    auto args = Base();
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = ParseRunnerArgs(args);
    auto* e = std::get_if<ConfigError>(&r);
    return e == nullptr ? std::string() : e->message;
}

TEST(RunnerConfig, DefaultsAreCiscos)
{
    auto r = ParseRunnerArgs(Base());
    ASSERT_TRUE(std::holds_alternative<RunnerConfig>(r));
    const auto& c = std::get<RunnerConfig>(r);
    EXPECT_EQ(c.ctcpPort, 10000);
    EXPECT_EQ(c.peerTimeoutS, 90);
    EXPECT_EQ(c.asaDpdThresholdS, 300);
    EXPECT_EQ(c.transform, wire::EspTransformId::AesCbc128HmacSha1_96);
    EXPECT_EQ(c.innerLocal, 0xc6130001u);
    EXPECT_EQ(c.innerRemote, 0xc6130002u);
}

TEST(RunnerConfig, BothValueSpellings)
{
    auto r = ParseRunnerArgs({"--role=headend", "--encap=natt", "--local=198.18.2.2", "--remote",
                              "198.18.1.2", "--probe-rate=max", "--echo"});
    ASSERT_TRUE(std::holds_alternative<RunnerConfig>(r));
    const auto& c = std::get<RunnerConfig>(r);
    EXPECT_EQ(c.role, Role::Headend);
    EXPECT_EQ(c.encap, Encap::Natt);
    EXPECT_TRUE(c.probeFlood);
    EXPECT_TRUE(c.echo);
}

TEST(RunnerConfig, RefusalsNameFlagAndRange)
{
    EXPECT_EQ(Refusal({"--peer-timeout", "5"}), "--peer-timeout=5: allowed 30 to 480 seconds");
    EXPECT_EQ(Refusal({"--asa-dpd-retry=11"}), "--asa-dpd-retry=11: allowed 2 to 10 seconds");
    EXPECT_EQ(Refusal({"--client-port=80"}),
              "--client-port=80: allowed 1024 to 65535, or 0 (random from the seed)");
    EXPECT_EQ(Refusal({"--ctcp-port=0"}), "--ctcp-port=0: allowed 1 to 65535");
    EXPECT_EQ(Refusal({"--probe-size=2000"}), "--probe-size=2000: allowed 64..1400");
    EXPECT_EQ(Refusal({"--duration=abc"}), "--duration=abc: allowed 0.1..86400");
    EXPECT_NE(Refusal({"--transform=des"}).find("--transform=des: allowed aes-cbc-128"),
              std::string::npos);
    EXPECT_NE(Refusal({"--tun=x"}).find("--tun-address: required"), std::string::npos);
    EXPECT_NE(Refusal({"--bogus=1"}).find("unknown option --bogus"), std::string::npos);
    EXPECT_NE(Refusal({"--seed"}).find("--seed: needs a value"), std::string::npos);
    auto r = ParseRunnerArgs({"--encap=ctcp"});
    ASSERT_TRUE(std::holds_alternative<ConfigError>(r));
    EXPECT_EQ(std::get<ConfigError>(r).message, "--role: required (client, headend)");
}

} // namespace
} // namespace runner
} // namespace vpnsim
