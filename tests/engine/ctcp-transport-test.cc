/*
 * IKE and ESP over cTCP (doc/protocols.md §cTCP segment, §cTCP connection): what each goes out as,
 * the trigger packet held during the handshake, and two transports back to back.
 */
#include "model/engine/ctcp-transport.h"
#include "tests/engine/fake-host.h"
#include "tests/engine/segment-wire.h"

#include <gtest/gtest.h>

namespace vpnsim
{
namespace test
{
namespace
{

using namespace engine;
using namespace std::chrono_literals;

constexpr uint32_t kClient = 0x0a000001;
constexpr uint32_t kServer = 0xc0a80001;

wire::Bytes
Isakmp(size_t n, uint8_t fill)
{
    return wire::Bytes(n, fill);
}

wire::Bytes
Esp(uint32_t seq)
{
    wire::Bytes b;
    wire::ByteWriter w(b);
    w.U32(0xdeadbeef);
    w.U32(seq);
    w.Fill(40, 0x5a);
    return b;
}

/// A client and a headend transport on two fake hosts, with a wire that carries segments.
class CtcpTransportPair : public ::testing::Test
{
  protected:
    CtcpTransportPair()
        : clientHost(11)
        , serverHost(22)
        , client(clientHost, CtcpRole::Initiator, kClient, kServer)
        , server(serverHost, CtcpRole::Responder, kServer, 0)
    {
        client.SetCallbacks(TransportCallbacks{[this](wire::ByteView m)
                                               {
                                                   ikeAtClient.emplace_back(m.begin(), m.end());
                                               },
                                               [this](wire::ByteView e)
                                               {
                                                   espAtClient.emplace_back(e.begin(), e.end());
                                               },
                                               [this](TransportEvent e, const std::string&)
                                               {
                                                   clientEvents.push_back(e);
                                               }});
        server.SetCallbacks(TransportCallbacks{[this](wire::ByteView m)
                                               {
                                                   ikeAtServer.emplace_back(m.begin(), m.end());
                                               },
                                               [this](wire::ByteView e)
                                               {
                                                   espAtServer.emplace_back(e.begin(), e.end());
                                               },
                                               [this](TransportEvent e, const std::string&)
                                               {
                                                   serverEvents.push_back(e);
                                               }});
        server.Start();
    }

    /// The cTCP payload (packet + trailer) of a segment a host sent.
    static wire::Bytes Payload(const SentOuter& o, uint32_t src, uint32_t dst)
    {
        auto s = wire::ParseTcpSegment(o.payload, src, dst);
        EXPECT_TRUE(s.Ok());
        return s.Ok() ? wire::Bytes(s->payload.begin(), s->payload.end()) : wire::Bytes{};
    }

    FakeHost clientHost;
    FakeHost serverHost;
    CtcpTransport client;
    CtcpTransport server;
    SegmentWire link{clientHost,
                     kClient,
                     [this](const OuterPacket& p)
                     {
                         client.Receive(p);
                     },
                     serverHost,
                     kServer,
                     [this](const OuterPacket& p)
                     {
                         server.Receive(p);
                     }};
    std::vector<wire::Bytes> ikeAtClient, ikeAtServer, espAtClient, espAtServer;
    std::vector<TransportEvent> clientEvents, serverEvents;
};

TEST_F(CtcpTransportPair, FirstIkePacketIsHeldWhileTheSynIsOut)
{
    client.Start();
    client.SendIke(Isakmp(28, 0x01));

    ASSERT_EQ(clientHost.outer.size(), 1u); // only the SYN
    EXPECT_EQ(clientHost.outer[0].payload[13], wire::tcpflag::Syn);
    EXPECT_FALSE(client.IsReady());
    EXPECT_EQ(client.Counters().ikeHeld, 1u);

    link.Pump();
    // SYN, ACK, then the held IKE packet; the server got it.
    ASSERT_EQ(clientHost.outer.size(), 3u);
    EXPECT_TRUE(client.IsReady());
    EXPECT_TRUE(server.IsReady());
    ASSERT_EQ(ikeAtServer.size(), 1u);
    EXPECT_EQ(ikeAtServer[0], Isakmp(28, 0x01));
    EXPECT_EQ(clientEvents.front(), TransportEvent::Ready);
}

TEST_F(CtcpTransportPair, IkeGoesAsUdp500To500WithChecksumZeroAndIkeTrailer)
{
    client.Start();
    link.Pump();
    FakeHost twin(11); // same seed as clientHost: its first Random32 is the IP ID counter start
    uint16_t ipId = static_cast<uint16_t>(twin.Random32());

    client.SendIke(Isakmp(28, 0x01));
    client.SendIke(Isakmp(28, 0x02));

    wire::Bytes first = Payload(clientHost.outer.at(2), kClient, kServer);
    wire::Bytes second = Payload(clientHost.outer.at(3), kClient, kServer);
    ASSERT_EQ(first.size(), 8u + 28 + 16);
    EXPECT_EQ(wire::ToHex(wire::ByteView(first).first(8)),
              "01f401f400240000"); // len 36, csum 0
    wire::Bytes trailer(first.end() - 16, first.end());
    wire::Bytes expected = wire::FromHex("00000000 0000 4000 21456c6910 11 0100");
    wire::PutU16(&expected[4], ipId);
    EXPECT_EQ(wire::ToHex(trailer), wire::ToHex(expected));
    // The IP ID counter advances with each IKE packet.
    EXPECT_EQ(wire::GetU16(&second[second.size() - 12]), static_cast<uint16_t>(ipId + 1));
}

TEST_F(CtcpTransportPair, HeadendIkeTrailerHasDirectionZero)
{
    client.Start();
    link.Pump();
    server.SendIke(Isakmp(20, 0x03));
    wire::Bytes p = Payload(serverHost.outer.back(), kServer, kClient);
    EXPECT_EQ(wire::GetU16(&p[p.size() - 10]), 0x0000);
    EXPECT_EQ(p[p.size() - 3], wire::ctcpproto::Ike);
}

TEST_F(CtcpTransportPair, EspGoesAsItIsWithEspTrailer)
{
    client.Start();
    link.Pump();
    client.SendEsp(Esp(1));
    wire::Bytes p = Payload(clientHost.outer.back(), kClient, kServer);
    wire::Bytes expected = Esp(1);
    wire::Bytes trailer = wire::FromHex("00000000 0000 0000 21456c6910 32 0100");
    expected.insert(expected.end(), trailer.begin(), trailer.end());
    EXPECT_EQ(wire::ToHex(p), wire::ToHex(expected));
    EXPECT_EQ(client.EspOverhead(), 36u);
    EXPECT_EQ(client.Name(), "ctcp");
}

TEST_F(CtcpTransportPair, EspBeforeTheHandshakeIsDroppedAndCounted)
{
    client.Start();
    client.SendEsp(Esp(1));
    EXPECT_EQ(clientHost.outer.size(), 1u); // the SYN only
    EXPECT_EQ(client.Counters().espDroppedNotReady, 1u);
}

TEST_F(CtcpTransportPair, IkeAfterAHandshakeTimeoutStartsANewHandshake)
{
    client.Start();
    client.SendIke(Isakmp(28, 0x01));
    clientHost.Advance(3s); // the SYN was lost: nothing pumped
    EXPECT_EQ(client.Connection().State(), CtcpState::Closed);
    EXPECT_EQ(client.Counters().ikeDroppedNotReady, 1u);
    link.LoseInFlightFromA(); // the lost SYN never arrives

    client.SendIke(Isakmp(28, 0x02)); // IKE retransmission: the new trigger
    ASSERT_EQ(clientHost.outer.size(), 2u);
    EXPECT_EQ(clientHost.outer[1].payload[13], wire::tcpflag::Syn);
    link.Pump();
    ASSERT_EQ(ikeAtServer.size(), 1u);
    EXPECT_EQ(ikeAtServer[0], Isakmp(28, 0x02));
}

TEST_F(CtcpTransportPair, IkeAndEspFlowBothWaysBackToBack)
{
    client.Start();
    client.SendIke(Isakmp(100, 0x11));
    link.Pump();
    server.SendIke(Isakmp(80, 0x22));
    client.SendEsp(Esp(1));
    server.SendEsp(Esp(7));
    client.SendEsp(Esp(2));
    link.Pump();

    ASSERT_EQ(ikeAtServer.size(), 1u);
    ASSERT_EQ(ikeAtClient.size(), 1u);
    EXPECT_EQ(ikeAtClient[0], Isakmp(80, 0x22));
    ASSERT_EQ(espAtServer.size(), 2u);
    EXPECT_EQ(espAtServer[0], Esp(1));
    EXPECT_EQ(espAtServer[1], Esp(2));
    ASSERT_EQ(espAtClient.size(), 1u);
    EXPECT_EQ(espAtClient[0], Esp(7));
    EXPECT_EQ(client.Connection().Counters().framingErrors, 0u);
    EXPECT_EQ(server.Connection().Counters().holesJumped, 0u);
}

TEST_F(CtcpTransportPair, LostSegmentLeavesAHoleThatIsNeverFilled)
{
    client.Start();
    link.Pump();
    client.SendEsp(Esp(1));
    link.LoseInFlightFromA(); // lost on the way
    client.SendEsp(Esp(2));
    link.Pump();
    clientHost.Advance(60s);

    ASSERT_EQ(espAtServer.size(), 1u);
    EXPECT_EQ(espAtServer[0], Esp(2));
    EXPECT_EQ(server.Connection().Counters().holesJumped, 1u);
    EXPECT_EQ(clientHost.outer.size(), 4u); // SYN, ACK, 2 ESP: no retransmission
}

TEST_F(CtcpTransportPair, CoalescedSegmentIsReportedAsFramingError)
{
    client.Start();
    link.Pump();
    client.SendEsp(Esp(1));
    client.SendEsp(Esp(2));
    // A full TCP proxy merges the two segments into one.
    wire::Bytes a = Payload(clientHost.outer[2], kClient, kServer);
    wire::Bytes b = Payload(clientHost.outer[3], kClient, kServer);
    a.insert(a.end(), b.begin(), b.end());
    auto first = wire::ParseTcpSegment(clientHost.outer[2].payload, kClient, kServer);
    wire::Bytes merged = wire::BuildTcpSegment(first->header, a, kClient, kServer);
    server.Receive(OuterPacket{OuterProtocol::Tcp, kClient, kServer, 0, 0, merged});

    EXPECT_TRUE(espAtServer.empty());
    ASSERT_FALSE(serverEvents.empty());
    EXPECT_EQ(serverEvents.back(), TransportEvent::FramingError);
}

} // namespace
} // namespace test
} // namespace vpnsim
