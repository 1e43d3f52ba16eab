// The ASA in whole simulations (client - ASA - headend): one segment lost upstream of the ASA.
// A sender that never retransmits (cTCP) is stopped for good by the proxy, the normalizer and
// the strict IPS, and not by the plain stateful firewall or tcp-state-bypass; a real TCP sender
// (ns-3's) has the same loss repaired in every mode. See doc/protocols.md §ASA.
#include "model/asa-firewall.h"
#include "model/trace-error-model.h"
#include "tests/helper/line-topology.h"

#include <algorithm>
#include <gtest/gtest.h>

using namespace ns3;
using ns3::test::Line;

namespace
{

/// An ASA in `mode` on the middle node, with the first packet from the client that reaches it
/// at or after `dropAt` seconds lost on the link just before it.
struct AsaOnTheLine
{
    AsaOnTheLine(Line& line, const std::string& mode, double dropAt)
    {
        asa = CreateObject<AsaFirewall>();
        asa->SetAttribute("Mode", StringValue(mode));
        asa->Install(line.left.Get(1), line.right.Get(0));
        Ptr<TraceErrorModel> loss = CreateObject<TraceErrorModel>();
        loss->SetDropTimes({Seconds(dropAt)});
        line.left.Get(1)->SetAttribute("ReceiveErrorModel", PointerValue(loss));
        line.left.Get(1)->TraceConnectWithoutContext("PhyRxDrop",
                                                     MakeCallback(&AsaOnTheLine::Lost, this));
    }

    void Lost(Ptr<const Packet>)
    {
        ++lost;
    }

    Ptr<AsaFirewall> asa;
    uint32_t lost{0};
};

struct Expectation
{
    std::string mode;
    bool directionSurvives;
};

class CtcpWithOneLostSegment : public testing::TestWithParam<Expectation>
{
};

TEST_P(CtcpWithOneLostSegment, DirectionStopsOnlyWhereTheAsaWaitsForTheHole)
{
    Line line("ctcp");
    AsaOnTheLine middle(line, GetParam().mode, 20.0);
    line.Echo(60); // t = 5 ... 64 s; the request sent at 20 s is lost before the ASA
    Simulator::Stop(Seconds(200));
    Simulator::Run();
    EXPECT_EQ(middle.lost, 1u);
    if (GetParam().directionSurvives)
    {
        EXPECT_EQ(line.echoes, 59u);
        EXPECT_TRUE(line.client->IsUp()) << line.client->GetStatus().detail;
        EXPECT_TRUE(line.headend->IsUp()) << line.headend->GetStatus().detail;
    }
    else
    {
        EXPECT_EQ(line.echoes, 15u) << "nothing from the client passes after the hole";
        if (GetParam().mode != "ips-strict")
        {
            EXPECT_GT(middle.asa->GetPeakBytesHeld(), 0u) << "segments wait behind the hole";
        }
        // The client still hears nothing back, so its DPD (90 s) ends the tunnel.
        EXPECT_FALSE(line.client->IsUp());
        ASSERT_TRUE(line.client->GetStatus().reason.has_value());
        EXPECT_EQ(*line.client->GetStatus().reason, vpnsim::engine::DownReason::ClientDpd)
            << line.client->GetStatus().detail;
    }
}

std::string
ModeName(const std::string& mode)
{
    std::string name = mode;
    name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
    return name;
}

INSTANTIATE_TEST_SUITE_P(Modes, CtcpWithOneLostSegment,
                         testing::Values(Expectation{"stateful", true}, Expectation{"bypass", true},
                                         Expectation{"normalizer", false},
                                         Expectation{"ips-strict", false},
                                         Expectation{"proxy", false}),
                         [](const auto& info)
                         {
                             return ModeName(info.param.mode);
                         });

TEST(AsaProxy, ResegmentingByteStreamStopsCtcpWithoutAnyLoss)
{
    // Echo requests 5 ms apart through the proxy, no loss. Kept whole, every one passes. As a
    // byte stream with Nagle on, the relay holds new data while any is unacknowledged, and cTCP
    // acknowledges only with data of its own: after the handshake's last message the headend
    // has nothing to send, so the relay never sends again and the tunnel carries nothing. (What
    // the re-cutting itself does to the framing is shown segment by segment in
    // AsaProxyCrafted.AByteStreamRelayRecutsSegmentsWithoutAnyLoss.)
    for (bool resegment : {false, true})
    {
        Line line("ctcp");
        Ptr<AsaFirewall> asa = CreateObject<AsaFirewall>();
        asa->SetAttribute("Mode", StringValue("proxy"));
        asa->SetAttribute("ProxyResegment", BooleanValue(resegment));
        asa->Install(line.left.Get(1), line.right.Get(0));
        line.Echo(100, 200, MilliSeconds(5));
        Simulator::Stop(Seconds(40));
        Simulator::Run();
        if (!resegment)
        {
            EXPECT_EQ(line.echoes, 100u);
            EXPECT_TRUE(line.headend->IsUp());
            EXPECT_EQ(line.headend->GetCounters().framingErrors, 0u);
        }
        else
        {
            EXPECT_EQ(line.echoes, 0u);
            EXPECT_EQ(line.headend->GetCounters().innerReceived, 0u) << "nothing gets through";
        }
        Simulator::Destroy();
    }
}

class RealTcpWithOneLostSegment : public testing::TestWithParam<std::string>
{
};

TEST_P(RealTcpWithOneLostSegment, TheLossIsRepairedAndEveryByteArrives)
{
    Line line("natt"); // the tunnel is not used: a plain TCP transfer on the outer network
    AsaOnTheLine middle(line, GetParam(), 5.05);
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 5001));
    ApplicationContainer s = sink.Install(line.nodes.Get(2));
    BulkSendHelper bulk("ns3::TcpSocketFactory",
                        InetSocketAddress(Ipv4Address("198.18.2.2"), 5001));
    bulk.SetAttribute("MaxBytes", UintegerValue(500'000));
    bulk.Install(line.nodes.Get(0)).Start(Seconds(5));
    Simulator::Stop(Seconds(60));
    Simulator::Run();
    EXPECT_EQ(DynamicCast<PacketSink>(s.Get(0))->GetTotalRx(), 500'000u);
    EXPECT_EQ(middle.lost, 1u);
}

} // namespace

INSTANTIATE_TEST_SUITE_P(Modes, RealTcpWithOneLostSegment,
                         testing::Values("stateful", "bypass", "normalizer", "ips-strict", "proxy"),
                         [](const auto& info)
                         {
                             return ModeName(info.param);
                         });
