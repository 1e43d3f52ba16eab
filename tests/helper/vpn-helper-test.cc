// The VPN endpoints in a real ns-3 simulation: client - router - headend over point-to-point
// links, ordinary ns-3 applications through the tunnel interface, for every encapsulation.
#include "tests/helper/line-topology.h"
#include "tests/wire/tshark-runner.h"

#include <filesystem>
#include <gtest/gtest.h>

using namespace ns3;
using ns3::test::Line;

namespace
{

class EveryEncapsulation : public testing::TestWithParam<std::string>
{
};

} // namespace

TEST_P(EveryEncapsulation, EchoThroughTheTunnelAndItStaysUpThirtyMinutes)
{
    Line line(GetParam());
    line.Echo(1800); // one echo a second for the whole half hour
    Simulator::Stop(Seconds(1810));
    Simulator::Run();
    EXPECT_TRUE(line.client->IsUp()) << line.client->GetStatus().detail;
    EXPECT_TRUE(line.headend->IsUp()) << line.headend->GetStatus().detail;
    EXPECT_EQ(line.echoes, 1800u);
}

TEST_P(EveryEncapsulation, BulkTcpThroughTheTunnelArrivesWhole)
{
    Line line(GetParam());
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 5000));
    ApplicationContainer s = sink.Install(line.nodes.Get(2));
    BulkSendHelper bulk(
        "ns3::TcpSocketFactory",
        InetSocketAddress(VpnHelper::TunnelAddress(Ipv4Address("10.8.0.0"), true), 5000));
    bulk.SetAttribute("MaxBytes", UintegerValue(2'000'000));
    ApplicationContainer b = bulk.Install(line.nodes.Get(0));
    b.Start(Seconds(5));
    Simulator::Stop(Seconds(60));
    Simulator::Run();
    EXPECT_EQ(DynamicCast<PacketSink>(s.Get(0))->GetTotalRx(), 2'000'000u);
    EXPECT_TRUE(line.client->IsUp());
}

TEST_P(EveryEncapsulation, OnePercentLossOnAPlainRouterKeepsTheTunnelUp)
{
    Line line(GetParam(), 0.01);
    line.Echo(600);
    Simulator::Stop(Seconds(610));
    Simulator::Run();
    EXPECT_TRUE(line.client->IsUp()) << line.client->GetStatus().detail;
    EXPECT_TRUE(line.headend->IsUp()) << line.headend->GetStatus().detail;
    // About 2% of echoes cross a lossy link twice; most come back.
    EXPECT_GT(line.echoes, 540u);
}

INSTANTIATE_TEST_SUITE_P(Encapsulations, EveryEncapsulation,
                         testing::Values("ctcp", "natt", "esp", "anyconnect"));

TEST(VpnEndpoint, SimulationPcapOfCtcpDecodesInTshark)
{
    std::string prefix = (std::filesystem::temp_directory_path() / "vpnsim-sim-ctcp").string();
    {
        Line line("ctcp");
        line.Echo(5);
        PointToPointHelper p2p;
        p2p.EnablePcap(prefix, line.left.Get(0), false);
        Simulator::Stop(Seconds(15));
        Simulator::Run();
    }
    std::string pcap = prefix + "-0-1.pcap";
    auto out = vpnsim::test::RunTsharkFields(
        pcap, {"-d", "tcp.port==10000,tcpencap", "-Y", "tcpencap", "-o", "tcp.check_checksum:TRUE"},
        {"tcpencap.proto", "tcpencap.magic", "tcp.checksum.status", "esp.spi", "tcp.srcport"});
    ASSERT_EQ(out.exitCode, 0) << out.raw;
    // The capture sees both directions; count each side's messages apart.
    int clientIke = 0;
    int headendIke = 0;
    int clientEsp = 0;
    int headendEsp = 0;
    for (const auto& row : out.rows)
    {
        ASSERT_EQ(row.size(), 5u);
        EXPECT_EQ(row[1], "21456c6910");
        EXPECT_EQ(row[2], "1"); // the engine's own TCP checksum verifies
        bool fromHeadend = row[4] == "10000";
        (fromHeadend ? headendIke : clientIke) += row[0] == "0x11";
        (fromHeadend ? headendEsp : clientEsp) += row[0] == "0x32";
    }
    EXPECT_EQ(clientIke, 5);  // MM1, MM3, MM5, QM1, QM3
    EXPECT_EQ(headendIke, 4); // MM2, MM4, MM6, QM2
    EXPECT_EQ(clientEsp, 5);  // five echo requests
    EXPECT_EQ(headendEsp, 5); // five echo replies
    EXPECT_TRUE(
        vpnsim::test::TsharkProblemFrames(pcap, {"-d", "tcp.port==10000,tcpencap"}).empty());
}
