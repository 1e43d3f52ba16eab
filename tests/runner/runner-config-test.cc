/*
 * The runner's command line: defaults, and every refusal names the flag and the allowed range
 * (main() exits 2 on those).
 */
#include "experiments/runner/runner-config.h"

#include <cmath>
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
    EXPECT_EQ(c.parameters.ctcpPort, 10000);
    EXPECT_EQ(c.parameters.peerTimeout, std::chrono::seconds(90));
    EXPECT_EQ(c.parameters.headendDpdThreshold, std::chrono::seconds(300));
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

TEST(RunnerConfig, OnlyANattClientMovesItsUdpPorts)
{
    // Several NAT-T clients on one address differ by the ports IKE and NAT-T leave from.
    auto r = ParseRunnerArgs({"--role", "client", "--encap", "natt", "--local", "198.18.1.2",
                              "--remote", "198.18.2.2", "--udp-source-port", "42002"});
    ASSERT_TRUE(std::holds_alternative<RunnerConfig>(r));
    EXPECT_EQ(std::get<RunnerConfig>(r).udpSourcePort, 42002);
    EXPECT_EQ(std::get<RunnerConfig>(ParseRunnerArgs(Base())).udpSourcePort, 0);
    EXPECT_EQ(Refusal({"--udp-source-port=42000"}),
              "--udp-source-port: allowed only with --role client --encap natt");
    EXPECT_EQ(Refusal({"--udp-source-port=65535"}), "--udp-source-port=65535: allowed 1024..65534");
    EXPECT_EQ(Refusal({"--udp-source-port=500"}), "--udp-source-port=500: allowed 1024..65534");
}

TEST(RunnerConfig, ARepeatedFlagIsRefusedNotOverridden)
{
    EXPECT_EQ(Refusal({"--role", "headend"}),
              "--role given twice; each flag once (--param once per KEY)");
    EXPECT_EQ(Refusal({"--seed=1", "--seed=1"}),
              "--seed given twice; each flag once (--param once per KEY)");
    EXPECT_EQ(Refusal({"--echo", "--echo"}),
              "--echo given twice; each flag once (--param once per KEY)");
    EXPECT_EQ(Refusal({"--param=a=1", "--param", "a=2"}),
              "--param=a=2: KEY a given twice; each KEY once");
    EXPECT_EQ(Refusal({"--param=a=1", "--param=b=2"}), "");
}

TEST(RunnerConfig, PositionalArgumentsAreRefused)
{
    for (std::string arg : {"client", "-", "--", "-role=client", "loss=0.1"})
    {
        EXPECT_NE(Refusal({arg}).find("unexpected argument '" + arg + "'"), std::string::npos)
            << arg;
    }
}

TEST(RunnerConfig, NumbersAreWholeDecimalValuesInRange)
{
    // Trailing text, blanks, other bases and spellings, non-finite and subnormal values.
    for (std::string v : {"90 ", " 90", "90s", "9e1x", "0x5a", "+90", "nan", "inf", "", "90,5"})
    {
        EXPECT_EQ(Refusal({"--peer-timeout=" + v}), "--peer-timeout=" + v + ": allowed 30 to 480 seconds")
            << v;
    }
    for (std::string v : {"1e-320", "4.9e-324", "2.2250738585072009e-308", "-1e-320"})
    {
        EXPECT_EQ(Refusal({"--loss=" + v}), "--loss=" + v + ": allowed 0..1") << v;
    }
    for (std::string v : {"1 2", "1.0", "-1", "18446744073709551616", "0x10", " 1"})
    {
        EXPECT_NE(Refusal({"--seed=" + v}).find("--seed=" + v + ": allowed"), std::string::npos)
            << v;
    }
}

TEST(RunnerConfig, NegativeZeroIsZero)
{
    auto args = Base();
    args.insert(args.end(), {"--loss=-0", "--nat-keepalive=-0.0"});
    auto r = ParseRunnerArgs(args);
    ASSERT_TRUE(std::holds_alternative<RunnerConfig>(r));
    EXPECT_FALSE(std::signbit(std::get<RunnerConfig>(r).lossLabel));
    EXPECT_EQ(std::get<RunnerConfig>(r).parameters.natKeepalive.count(), 0);
}

TEST(RunnerConfig, TextThatIsNotUtf8IsRefused)
{
    EXPECT_EQ(Refusal({"--user=\xff"}), "argument --user=\\xff: not valid UTF-8");
    EXPECT_EQ(Refusal({"--param", "k=\xc0\xaf"}), "--param=k=\\xc0\\xaf: not valid UTF-8");
}

} // namespace
} // namespace runner
} // namespace vpnsim
