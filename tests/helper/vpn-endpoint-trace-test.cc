// The VpnEndpoint's trace sources and counters in whole simulations: what an on-path attacker's
// replayed and tampered ESP looks like (Drop), what an idle tunnel's liveness looks like (Dpd),
// and the outer wire seen from both ends (OuterTx, OuterRx, GetCounters).
#include "model/wire/bytes.h"
#include "ns3/udp-socket-factory.h"
#include "tests/helper/line-topology.h"

#include <gtest/gtest.h>
#include <map>
#include <vector>

using namespace ns3;
using ns3::test::Line;

namespace
{

/// What one endpoint's Drop and Dpd traces reported, with times.
struct Traces
{
    explicit Traces(Ptr<VpnEndpoint> endpoint)
    {
        endpoint->TraceConnectWithoutContext("Drop",
                                             Callback<void, Ptr<const Packet>, std::string>(
                                                 [this](Ptr<const Packet> p, std::string reason)
                                                 {
                                                     drops.emplace_back(reason, p->GetSize());
                                                 }));
        endpoint->TraceConnectWithoutContext("Dpd", Callback<void, std::string>(
                                                        [this](std::string event)
                                                        {
                                                            dpd.emplace_back(Simulator::Now(),
                                                                             event);
                                                        }));
    }

    /// Times `event` was reported.
    std::vector<Time> TimesOf(const std::string& event) const
    {
        std::vector<Time> t;
        for (const auto& [at, e] : dpd)
        {
            if (e == event)
            {
                t.push_back(at);
            }
        }
        return t;
    }

    std::vector<std::pair<std::string, uint32_t>> drops; ///< reason, packet size
    std::vector<std::pair<Time, std::string>> dpd;
};

/// Sets a receive error model dropping everything on both devices of the client's link.
void
CutClientLink(const Line& line)
{
    for (uint32_t i = 0; i < 2; ++i)
    {
        Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
        em->SetAttribute("ErrorRate", DoubleValue(1.0));
        em->SetAttribute("ErrorUnit", StringValue("ERROR_UNIT_PACKET"));
        line.left.Get(i)->SetAttribute("ReceiveErrorModel", PointerValue(em));
    }
}

} // namespace

TEST(VpnEndpointTraces, ReplayedAndTamperedEspFromThePathAreDroppedWithTheirReason)
{
    Line line("natt");
    line.Echo(5);
    Traces headend(line.headend);
    // The client's ESP as it left (the UDP 4500 payload, starting with the SPI of its outbound
    // SA), kept to be sent again.
    std::vector<Ptr<Packet>> esp;
    uint32_t outerTx = 0;
    line.client->TraceConnectWithoutContext(
        "OuterTx",
        Callback<void, Ptr<const Packet>>(
            [&](Ptr<const Packet> p)
            {
                ++outerTx;
                uint8_t spi[4] = {};
                p->CopyData(spi, sizeof(spi));
                if (vpnsim::wire::GetU32(spi) == line.client->GetIpsecTunnel()->OutboundSa().spi)
                {
                    esp.push_back(p->Copy());
                }
            }));
    uint32_t outerRx = 0;
    line.headend->TraceConnectWithoutContext("OuterRx", Callback<void, Ptr<const Packet>>(
                                                            [&](Ptr<const Packet>)
                                                            {
                                                                ++outerRx;
                                                            }));
    // At 12 s, after the five echoes, the router in the middle replays the first packet and
    // sends the last with its sequence number changed (so that only the ICV can catch it).
    Ptr<Socket> attacker = Socket::CreateSocket(line.nodes.Get(1), UdpSocketFactory::GetTypeId());
    InetSocketAddress headend4500(Ipv4Address("198.18.2.2"), 4500);
    Simulator::Schedule(Seconds(12),
                        [&]()
                        {
                            ASSERT_EQ(esp.size(), 5u);
                            attacker->SendTo(esp.front()->Copy(), 0, headend4500);
                            vpnsim::wire::Bytes b(esp.back()->GetSize());
                            esp.back()->CopyData(b.data(), b.size());
                            b[7] = 99; // sequence number 99: new to the replay window
                            attacker->SendTo(Create<Packet>(b.data(), b.size()), 0, headend4500);
                        });
    Simulator::Stop(Seconds(15));
    Simulator::Run();

    using Drop = std::pair<std::string, uint32_t>;
    uint32_t size = esp.back()->GetSize();
    EXPECT_EQ(headend.drops, (std::vector<Drop>{{"esp-replay", size}, {"esp-icv", size}}));
    VpnEndpoint::Counters h = line.headend->GetCounters();
    EXPECT_EQ(h.espReplayed, 1u);
    EXPECT_EQ(h.espAuthenticationFailed, 1u);
    EXPECT_EQ(h.innerReceived, 5u);
    EXPECT_TRUE(line.headend->IsUp());
    EXPECT_EQ(line.echoes, 5u);
    // The traces and the counters see the same outer packets; the headend got all the
    // client's (the path is clean) and the attacker's two.
    VpnEndpoint::Counters c = line.client->GetCounters();
    EXPECT_EQ(c.outerPacketsSent, outerTx);
    EXPECT_EQ(h.outerPacketsReceived, outerRx);
    EXPECT_EQ(h.outerPacketsReceived, c.outerPacketsSent + 2);
    EXPECT_EQ(c.innerSent, 5u);
    EXPECT_EQ(c.innerReceived, 5u);
}

TEST(VpnEndpointTraces, IdleCtcpTunnelShowsTheHeadendsDpdThenThePeerDeadWhenCut)
{
    Line line("ctcp");
    line.headend->SetAttribute("AsaDpdThreshold", TimeValue(Seconds(10)));
    Traces client(line.client);
    Traces headend(line.headend);
    Simulator::Schedule(Seconds(30),
                        [&]()
                        {
                            CutClientLink(line);
                        });
    Simulator::Stop(Seconds(60));
    Simulator::Run();

    // Idle: the client asks nothing (its DPD is on demand); the headend asks every 10 s of
    // silence and the client answers, until the link is cut at 30 s.
    std::vector<Time> asked = headend.TimesOf("r-u-there-sent");
    EXPECT_EQ(asked.size(), 3u + 3u); // answered, answered, unanswered and its retries
    EXPECT_EQ(client.TimesOf("r-u-there-sent").size(), 0u);
    std::vector<Time> answered = headend.TimesOf("r-u-there-ack-received");
    ASSERT_EQ(answered.size(), 2u); // at about 10 s and 20 s after the tunnel came up
    EXPECT_EQ(client.TimesOf("r-u-there-received").size(), 2u);
    EXPECT_EQ(client.TimesOf("r-u-there-ack-sent"), client.TimesOf("r-u-there-received"));
    // Each answer restarts the 10 s: the next comes one round trip (40 ms and a little
    // transmission time) later.
    EXPECT_NEAR((answered[1] - answered[0]).GetSeconds(), 10.04, 0.005);
    // Cut: the R-U-THERE 10 s after the last answer and its three retries go unanswered.
    ASSERT_EQ(headend.TimesOf("peer-dead").size(), 1u);
    EXPECT_EQ(headend.TimesOf("peer-dead")[0], answered[1] + Seconds(10) + 4 * Seconds(2));
    EXPECT_EQ(headend.dpd.back().second, "peer-dead");
    EXPECT_FALSE(line.headend->IsUp());
    EXPECT_EQ(line.headend->GetStatus().reason, vpnsim::engine::DownReason::HeadendDpd);
    VpnEndpoint::Counters h = line.headend->GetCounters();
    EXPECT_EQ(h.dpdRequestsSent, asked.size());
    EXPECT_EQ(h.dpdResponsesReceived, 2u);
    EXPECT_EQ(line.client->GetCounters().dpdResponsesSent, 2u);
}

TEST(VpnEndpointTraces, IdleAnyConnectClientKeepsAliveAndItsDpdIsAnswered)
{
    Line line("anyconnect");
    Traces client(line.client);
    Traces headend(line.headend);
    Simulator::Stop(Seconds(45));
    Simulator::Run();

    // The client (up at about 0.75 s: the TCP handshake, then five round trips of 40 ms for
    // TLS, the login and the CONNECT) sends a keepalive after 20 s of sending nothing and a DPD
    // request after 30 s of hearing nothing; the headend answers it and is kept quiet by the
    // keepalive.
    std::vector<std::string> clientEvents;
    for (const auto& [at, e] : client.dpd)
    {
        clientEvents.push_back(e);
    }
    EXPECT_EQ(clientEvents,
              (std::vector<std::string>{"cstp-keepalive-sent", "cstp-dpd-request-sent",
                                        "cstp-dpd-response-received"}));
    std::vector<std::string> headendEvents;
    for (const auto& [at, e] : headend.dpd)
    {
        headendEvents.push_back(e);
    }
    EXPECT_EQ(headendEvents,
              (std::vector<std::string>{"cstp-keepalive-received", "cstp-dpd-request-received",
                                        "cstp-dpd-response-sent"}));
    ASSERT_EQ(client.TimesOf("cstp-dpd-request-sent").size(), 1u);
    EXPECT_NEAR(client.TimesOf("cstp-dpd-request-sent")[0].GetSeconds(), 30.75, 0.05);
    EXPECT_TRUE(client.drops.empty());
    EXPECT_TRUE(headend.drops.empty());

    VpnEndpoint::Counters c = line.client->GetCounters();
    VpnEndpoint::Counters h = line.headend->GetCounters();
    EXPECT_EQ(c.keepalivesSent, 1u);
    EXPECT_EQ(h.keepalivesReceived, 1u);
    EXPECT_EQ(c.dpdRequestsSent, 1u);
    EXPECT_EQ(h.dpdResponsesSent, 1u);
    EXPECT_EQ(c.dpdResponsesReceived, 1u);
    // One write per TLS flight or record: ClientHello, the client's Finished flight, two
    // POSTs, the CONNECT, then the keepalive and the DPD request; TCP carried every byte.
    EXPECT_EQ(c.outerPacketsSent, 7u);
    EXPECT_EQ(c.outerBytesSent, h.outerBytesReceived);
    EXPECT_EQ(h.outerBytesSent, c.outerBytesReceived);
}
