// The VPN endpoints in a real ns-3 simulation: client - router - headend over point-to-point
// links, ordinary ns-3 applications through the tunnel interface, for every encapsulation.
#include "ns3/v4ping-helper.h"
#include "tests/helper/line-topology.h"
#include "tests/helper/tshark-esp.h"
#include "tests/wire/tshark-runner.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>

using namespace ns3;
using ns3::test::Line;
using vpnsim::test::RunTsharkFields;
using vpnsim::test::TsharkProblemFrames;

namespace
{

class EveryEncapsulation : public testing::TestWithParam<std::string>
{
};

/// A simulation's capture of the client's link, and the SAs the endpoints used.
struct Capture
{
    std::string pcap;
    vpnsim::wire::EspSaConfig clientToHeadend; ///< IPsec only
    vpnsim::wire::EspSaConfig headendToClient;
    std::string tlsKeyLog; ///< AnyConnect only: the session's key-log line
};

/// Five UDP echoes through a tunnel of `encapsulation` in 15 s, captured on the client's link
/// (both directions), as the tech note's packet captures were taken.
Capture
CaptureFiveEchoes(const std::string& encapsulation)
{
    std::string prefix
        = (std::filesystem::temp_directory_path() / ("vpnsim-sim-" + encapsulation)).string();
    Capture c{prefix + "-0-1.pcap", {}, {}, {}};
    Line line(encapsulation);
    line.Echo(5);
    PointToPointHelper p2p;
    p2p.EnablePcap(prefix, line.left.Get(0), false);
    Simulator::Stop(Seconds(15));
    Simulator::Run();
    EXPECT_EQ(line.echoes, 5u);
    if (const auto* t = line.client->GetAnyConnectTunnel())
    {
        c.tlsKeyLog = t->KeyLogLine();
        EXPECT_EQ(c.tlsKeyLog, line.headend->GetAnyConnectTunnel()->KeyLogLine());
    }
    if (const auto* t = line.client->GetIpsecTunnel())
    {
        c.clientToHeadend = t->OutboundSa();
        c.headendToClient = t->InboundSa();
        // Both ends derive the same SA for each direction.
        const auto* h = line.headend->GetIpsecTunnel();
        EXPECT_EQ(h->InboundSa().spi, c.clientToHeadend.spi);
        EXPECT_EQ(h->InboundSa().encryptionKey, c.clientToHeadend.encryptionKey);
        EXPECT_EQ(h->OutboundSa().authenticationKey, c.headendToClient.authenticationKey);
    }
    return c;
}

/// Counts rows by the value of some columns joined with '|'.
std::map<std::string, int>
CountRows(const vpnsim::test::TsharkOutput& out, const std::vector<size_t>& columns)
{
    std::map<std::string, int> counts;
    for (const auto& row : out.rows)
    {
        std::string key;
        for (size_t c : columns)
        {
            key += (key.empty() ? "" : "|") + (c < row.size() ? row[c] : "?");
        }
        ++counts[key];
    }
    return counts;
}

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

void
CountRtt(uint32_t* replies, Time)
{
    ++*replies;
}

TEST_P(EveryEncapsulation, IcmpPingThroughTheTunnelIsAnswered)
{
    // ns-3's own ping (ICMP echo) from the client to the headend's tunnel address: ten
    // requests a second apart, every one answered.
    Line line(GetParam());
    V4PingHelper ping(VpnHelper::TunnelAddress(Ipv4Address("10.8.0.0"), true));
    ping.SetAttribute("Interval", TimeValue(Seconds(1)));
    ApplicationContainer app = ping.Install(line.nodes.Get(0));
    app.Start(Seconds(5));
    app.Stop(Seconds(14.5));
    uint32_t replies = 0;
    app.Get(0)->TraceConnectWithoutContext("Rtt", MakeBoundCallback(&CountRtt, &replies));
    Simulator::Stop(Seconds(20));
    Simulator::Run();
    EXPECT_EQ(replies, 10u);
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
    std::string pcap = CaptureFiveEchoes("ctcp").pcap;
    auto out = RunTsharkFields(
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
    EXPECT_TRUE(TsharkProblemFrames(pcap, {"-d", "tcp.port==10000,tcpencap"}).empty());
}

TEST(VpnEndpoint, SimulationPcapOfNattDecryptsInTshark)
{
    Capture c = CaptureFiveEchoes("natt");
    std::vector<std::string> opts
        = vpnsim::test::TsharkEspOptions({c.clientToHeadend, c.headendToClient});
    opts.insert(opts.end(), {"-o", "udp.check_checksum:TRUE"});
    auto out = RunTsharkFields(c.pcap, opts,
                               {"frame.protocols", "udp.srcport", "esp.spi", "esp.icv_good",
                                "esp.protocol", "udpencap.non_esp_marker", "isakmp.exchangetype",
                                "udp.checksum.status"});
    ASSERT_EQ(out.exitCode, 0) << out.raw;
    std::map<std::string, int> kinds = CountRows(out, {0});
    std::string esp = "ppp:ip:udp:udpencap:esp:ip:udp:data";
    EXPECT_EQ(kinds[esp], 10) << out.raw;
    EXPECT_EQ(kinds["ppp:ip:udp:isakmp"], 4);          // MM1-MM4 on 500
    EXPECT_EQ(kinds["ppp:ip:udp:udpencap:isakmp"], 5); // MM5, MM6, QM1-QM3 floated to 4500
    EXPECT_EQ(out.rows.size(), 19u);
    std::map<std::string, int> spis;
    for (const auto& row : out.rows)
    {
        ASSERT_EQ(row.size(), 8u);
        if (row[0] == esp)
        {
            ++spis[row[2]];
            EXPECT_EQ(row[3], "1");    // ICV verified by Wireshark with the engine's keys
            EXPECT_EQ(row[4], "0x04"); // tunnel mode: an IPv4 packet inside
            // Outer UDP 4500 then the echo's UDP inside: requests from the client's port to
            // 9, replies from 9, each in the SA of its direction.
            bool request = row[1] != "4500,9";
            EXPECT_EQ(row[2], vpnsim::test::TsharkSpi(request ? c.clientToHeadend.spi
                                                              : c.headendToClient.spi));
            // Both checksums verify (ns-3's UDP socket fills in the outer one, which RFC 3948
            // lets a sender leave 0).
            EXPECT_EQ(row[7], "1,1");
        }
        else if (row[0] == "ppp:ip:udp:udpencap:isakmp")
        {
            EXPECT_EQ(row[5], "1"); // non-ESP marker
        }
    }
    EXPECT_EQ(spis[vpnsim::test::TsharkSpi(c.clientToHeadend.spi)], 5);
    EXPECT_EQ(spis[vpnsim::test::TsharkSpi(c.headendToClient.spi)], 5);
    EXPECT_TRUE(TsharkProblemFrames(c.pcap, opts).empty());
}

TEST(VpnEndpoint, SimulationPcapOfNativeEspDecryptsInTshark)
{
    Capture c = CaptureFiveEchoes("esp");
    std::vector<std::string> opts
        = vpnsim::test::TsharkEspOptions({c.clientToHeadend, c.headendToClient});
    auto out = RunTsharkFields(c.pcap, opts,
                               {"frame.protocols", "esp.spi", "esp.icv_good", "esp.protocol",
                                "ip.proto", "udp.dstport", "udp.srcport"});
    ASSERT_EQ(out.exitCode, 0) << out.raw;
    std::map<std::string, int> kinds = CountRows(out, {0});
    std::string esp = "ppp:ip:esp:ip:udp:data";
    EXPECT_EQ(kinds[esp], 10) << out.raw;
    EXPECT_EQ(kinds["ppp:ip:udp:isakmp"], 9); // Main Mode and Quick Mode, all on 500
    EXPECT_EQ(out.rows.size(), 19u);
    std::map<std::string, int> bySpi;
    for (const auto& row : out.rows)
    {
        ASSERT_EQ(row.size(), 7u);
        if (row[0] != esp)
        {
            continue;
        }
        EXPECT_EQ(row[2], "1");
        EXPECT_EQ(row[3], "0x04");
        EXPECT_EQ(row[4], "50,17"); // ESP outside, the echo's UDP inside
        // Requests go to the echo port, replies come from it.
        bool request = row[5] == "9";
        EXPECT_EQ(row[1],
                  vpnsim::test::TsharkSpi(request ? c.clientToHeadend.spi : c.headendToClient.spi));
        ++bySpi[row[1]];
    }
    EXPECT_EQ(bySpi[vpnsim::test::TsharkSpi(c.clientToHeadend.spi)], 5);
    EXPECT_EQ(bySpi[vpnsim::test::TsharkSpi(c.headendToClient.spi)], 5);
    EXPECT_TRUE(TsharkProblemFrames(c.pcap, opts).empty());
}

TEST(VpnEndpoint, SimulationPcapOfAnyConnectDecryptsWithItsKeyLogIntoCstp)
{
    const std::string script = std::string(VPNSIM_SOURCE_DIR) + "/wireshark/vpnsim-cstp.lua";
    ASSERT_TRUE(std::filesystem::exists(script)) << script;
    Capture c = CaptureFiveEchoes("anyconnect");
    std::string keys = c.pcap + ".keys";
    {
        std::ofstream(keys) << c.tlsKeyLog << "\n";
    }
    const std::vector<std::string> opts
        = {"-X", "lua_script:" + script, "-o", "tls.keylog_file:" + keys, "--disable-heuristic",
           "http_tls", "-d", "tls.port==443,cstp", "-o", "tcp.check_checksum:TRUE"};
    auto out = RunTsharkFields(
        c.pcap, opts, {"tcp.srcport", "cstp.type", "udp.dstport", "tcp.checksum.status"});
    ASSERT_EQ(out.exitCode, 0) << out.raw;
    // Each DATA record carries one echo (UDP to port 9, or back from it), in either direction.
    int toHeadend = 0;
    int toClient = 0;
    int records = 0;
    for (const auto& row : out.rows)
    {
        ASSERT_EQ(row.size(), 4u);
        EXPECT_EQ(row[3], "1"); // ns-3's TCP checksums, computed for real
        if (row[1].empty())
        {
            continue; // handshake, login, CONNECT, ACKs
        }
        ++records;
        EXPECT_EQ(row[1], "0x00") << "only DATA in 15 s: no DPD or keepalive is due yet";
        if (row[0] == "443")
        {
            ++toClient;
            EXPECT_NE(row[2], "9"); // a reply, from port 9 to the echo client
        }
        else
        {
            ++toHeadend;
            EXPECT_EQ(row[2], "9");
        }
    }
    EXPECT_EQ(records, 10) << out.raw;
    EXPECT_EQ(toHeadend, 5);
    EXPECT_EQ(toClient, 5);
    EXPECT_TRUE(TsharkProblemFrames(c.pcap, opts).empty());
}

void
RecordSize(std::vector<uint32_t>* sizes, Ptr<const Packet> datagram)
{
    sizes->push_back(datagram->GetSize());
}

TEST(VpnEndpoint, AnyConnectCarriesAFullSizedInnerDatagramInOneSegment)
{
    // The AnyConnect connection's segments are as large as the 1500-byte link allows, as a
    // real client's and ASA's would be after their MSS options: each 1000-byte echo crosses
    // in one segment, not in ns-3's default 536-byte pieces.
    Line line("anyconnect");
    line.Echo(10, 1000);
    std::vector<uint32_t> sizes; // IPv4 datagrams the client puts on its link
    line.left.Get(0)->TraceConnectWithoutContext("MacTx", MakeBoundCallback(&RecordSize, &sizes));
    Simulator::Stop(Seconds(20));
    Simulator::Run();
    ASSERT_EQ(line.echoes, 10u);
    // An echo's inner IPv4 datagram is 1028 bytes; only a segment holding it whole is larger.
    size_t whole = 0;
    for (uint32_t size : sizes)
    {
        EXPECT_LE(size, 1500u);
        whole += size > 1028 ? 1 : 0;
    }
    EXPECT_EQ(whole, 10u);
}
