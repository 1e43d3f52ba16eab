/*
 * cTCP connection, rule by rule (doc/protocols.md §cTCP connection): each test feeds whole TCP
 * segments in and checks the segments that come out.
 */
#include "model/engine/ctcp-connection.h"
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

constexpr uint32_t kClient = 0x0a000001; // 10.0.0.1
constexpr uint32_t kServer = 0xc0a80001; // 192.168.0.1
constexpr uint16_t kClientPort = 40000;

/// An ESP-looking packet: SPI, sequence number, then `n` filler bytes.
wire::Bytes
Esp(uint32_t seq, size_t n = 24)
{
    wire::Bytes b;
    wire::ByteWriter w(b);
    w.U32(0x11223344);
    w.U32(seq);
    w.Fill(n, static_cast<uint8_t>(seq));
    return b;
}

/// One packet plus its ESP trailer: a cTCP data payload.
wire::Bytes
EspPayload(uint32_t seq, size_t n = 24)
{
    wire::Bytes b = Esp(seq, n);
    wire::AppendCtcpTrailer(b, wire::CtcpTrailer{0, 0, wire::ctcpproto::Esp});
    return b;
}

/// An IKE-in-UDP payload (UDP 500->500 unless told otherwise, checksum 0) plus its trailer.
wire::Bytes
IkePayload(size_t isakmpLength, uint16_t ipId, uint16_t sourcePort = 500,
           uint16_t destinationPort = 500)
{
    wire::Bytes b;
    wire::ByteWriter w(b);
    w.U16(sourcePort);
    w.U16(destinationPort);
    w.U16(static_cast<uint16_t>(8 + isakmpLength));
    w.U16(0);
    w.Fill(isakmpLength, 0xab);
    wire::AppendCtcpTrailer(
        b, wire::CtcpTrailer{ipId, wire::kCtcpDirectionClientToServer, wire::ctcpproto::Ike});
    return b;
}

/// The outer packet of a segment from `src` to `dst`, with a correct checksum.
struct Incoming
{
    wire::Bytes bytes;
    OuterPacket packet;
};

Incoming
Segment(uint32_t src, uint32_t dst, wire::TcpHeader h, wire::ByteView payload = {})
{
    Incoming in;
    in.bytes = wire::BuildTcpSegment(h, payload, src, dst);
    in.packet = OuterPacket{OuterProtocol::Tcp, src, dst, 0, 0, {}};
    return in;
}

/// Parses a segment the engine sent from `src` to `dst`; fails the test on a bad checksum.
wire::TcpSegment
Sent(const SentOuter& o, uint32_t src, uint32_t dst)
{
    auto r = wire::ParseTcpSegment(o.payload, src, dst);
    EXPECT_TRUE(r.Ok()) << (r.Ok() ? "" : r.GetError().detail);
    return r.Ok() ? r.Value() : wire::TcpSegment{};
}

/// A client connection, with the server side played by the test.
class CtcpClientTest : public ::testing::Test
{
  protected:
    CtcpClientTest()
        : conn(host, CtcpRole::Initiator, kClient, kServer, Config())
    {
        conn.SetCallbacks(CtcpCallbacks{[this](const CtcpPacket& p)
                                        {
                                            received.emplace_back(p.packet.begin(), p.packet.end());
                                            trailers.push_back(p.trailer);
                                        },
                                        [this](CtcpEvent e, const std::string&)
                                        {
                                            events.push_back(e);
                                        }});
    }

    static CtcpConfig Config()
    {
        CtcpConfig c;
        c.clientPort = kClientPort;
        return c;
    }

    void Feed(wire::TcpHeader h, wire::ByteView payload = {})
    {
        Incoming in = Segment(kServer, kClient, h, payload);
        in.packet.payload = in.bytes;
        conn.Receive(in.packet);
    }

    /// Completes the handshake with server ISN `serverIsn`; returns the client's ISN.
    uint32_t Establish(uint32_t serverIsn = 5000)
    {
        conn.Open();
        uint32_t isn = Sent(host.outer.at(0), kClient, kServer).header.sequence;
        Feed({10000, kClientPort, serverIsn, isn + 1, wire::tcpflag::Syn | wire::tcpflag::Ack,
              65535});
        return isn;
    }

    FakeHost host;
    CtcpConnection conn;
    std::vector<wire::Bytes> received;
    std::vector<wire::CtcpTrailer> trailers;
    std::vector<CtcpEvent> events;
};

TEST_F(CtcpClientTest, SynHasRandomIsnWindow65535NoOptionsAndGoesToPort10000)
{
    FakeHost same(1); // the fixture's host has seed 1 too: the ISN is its first Random32
    conn.Open();

    ASSERT_EQ(host.outer.size(), 1u);
    const wire::Bytes& b = host.outer[0].payload;
    ASSERT_EQ(b.size(), 20u); // no options, no payload
    wire::TcpSegment s = Sent(host.outer[0], kClient, kServer);
    EXPECT_EQ(s.header.sourcePort, kClientPort);
    EXPECT_EQ(s.header.destinationPort, 10000);
    EXPECT_EQ(s.header.sequence, same.Random32());
    EXPECT_EQ(s.header.acknowledgment, 0u);
    EXPECT_EQ(b[12], 0x50);                 // data offset 5
    EXPECT_EQ(b[13], wire::tcpflag::Syn);   // SYN only
    EXPECT_EQ(wire::GetU16(&b[14]), 65535); // window
    EXPECT_EQ(wire::GetU16(&b[18]), 0);     // urgent pointer
    EXPECT_EQ(conn.State(), CtcpState::SynSent);
}

TEST_F(CtcpClientTest, ClientPortIsRandomInRange1024To65535WhenNotConfigured)
{
    FakeHost h(7);
    CtcpConnection c(h, CtcpRole::Initiator, kClient, kServer);
    c.Open();
    wire::TcpSegment s = Sent(h.outer.at(0), kClient, kServer);
    EXPECT_GE(s.header.sourcePort, 1024);
    EXPECT_EQ(s.header.sourcePort, c.LocalPort());
}

TEST_F(CtcpClientTest, SynAckWithRightAckIsAnsweredWithPureAckAndEstablishes)
{
    uint32_t isn = Establish(5000);

    ASSERT_EQ(host.outer.size(), 2u);
    const wire::Bytes& b = host.outer[1].payload;
    wire::TcpSegment s = Sent(host.outer[1], kClient, kServer);
    EXPECT_EQ(b.size(), 20u);
    EXPECT_EQ(b[13], wire::tcpflag::Ack);
    EXPECT_EQ(s.header.sequence, isn + 1);
    EXPECT_EQ(s.header.acknowledgment, 5001u);
    EXPECT_EQ(s.header.window, 65535);
    EXPECT_TRUE(conn.IsEstablished());
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0], CtcpEvent::Established);
}

TEST_F(CtcpClientTest, SynAckWithWrongAckIsIgnored)
{
    conn.Open();
    uint32_t isn = Sent(host.outer.at(0), kClient, kServer).header.sequence;
    Feed({10000, kClientPort, 5000, isn + 7, wire::tcpflag::Syn | wire::tcpflag::Ack, 65535});
    EXPECT_EQ(conn.State(), CtcpState::SynSent);
    EXPECT_EQ(host.outer.size(), 1u);
}

TEST_F(CtcpClientTest, DataSegmentIsOnePacketPlusTrailerWithFlagsAckOnly)
{
    uint32_t isn = Establish(5000);
    wire::Bytes esp = Esp(1);
    ASSERT_TRUE(conn.Send(esp, wire::CtcpTrailer{0, 0, wire::ctcpproto::Esp}));

    ASSERT_EQ(host.outer.size(), 3u);
    wire::TcpSegment s = Sent(host.outer[2], kClient, kServer);
    EXPECT_EQ(host.outer[2].payload[13], wire::tcpflag::Ack); // no PSH
    EXPECT_EQ(s.header.sequence, isn + 1);
    EXPECT_EQ(s.header.acknowledgment, 5001u);
    EXPECT_EQ(s.header.window, 65535);
    wire::Bytes expected = esp;
    wire::Bytes trailer = wire::FromHex("00000000 0000 0000 21456c6910 32 0100");
    expected.insert(expected.end(), trailer.begin(), trailer.end());
    EXPECT_EQ(wire::ToHex(s.payload), wire::ToHex(expected));
}

TEST_F(CtcpClientTest, SeqAdvancesByPayloadLengthTrailerIncluded)
{
    uint32_t isn = Establish();
    conn.Send(Esp(1, 24), wire::CtcpTrailer{0, 0, wire::ctcpproto::Esp}); // 32 + 16 = 48 bytes
    conn.Send(Esp(2, 100), wire::CtcpTrailer{0, 0, wire::ctcpproto::Esp});

    wire::TcpSegment first = Sent(host.outer.at(2), kClient, kServer);
    wire::TcpSegment second = Sent(host.outer.at(3), kClient, kServer);
    EXPECT_EQ(first.header.sequence, isn + 1);
    EXPECT_EQ(second.header.sequence, isn + 1 + 48);
    EXPECT_EQ(conn.SendNext(), isn + 1 + 48 + 124);
}

TEST_F(CtcpClientTest, InOrderSegmentAdvancesAckByItsLength)
{
    uint32_t isn = Establish(5000);
    wire::Bytes p = EspPayload(1); // 48 bytes
    Feed({10000, kClientPort, 5001, isn + 1, wire::tcpflag::Ack, 65535}, p);

    EXPECT_EQ(conn.ReceiveNext(), 5001u + 48);
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(wire::ToHex(received[0]), wire::ToHex(Esp(1)));
    EXPECT_EQ(conn.Counters().holesJumped, 0u);
}

TEST_F(CtcpClientTest, AckJumpsOverAHoleAndTheNextDataSegmentCarriesIt)
{
    uint32_t isn = Establish(5000);
    wire::Bytes p = EspPayload(2); // 48 bytes; the segment at 5001 (48 bytes) was lost
    Feed({10000, kClientPort, 5001 + 48, isn + 1, wire::tcpflag::Ack, 65535}, p);

    EXPECT_EQ(conn.ReceiveNext(), 5001u + 96);
    EXPECT_EQ(conn.Counters().holesJumped, 1u);
    EXPECT_EQ(received.size(), 1u); // delivered at once, no waiting for the hole

    conn.Send(Esp(1), wire::CtcpTrailer{0, 0, wire::ctcpproto::Esp});
    EXPECT_EQ(Sent(host.outer.back(), kClient, kServer).header.acknowledgment, 5001u + 96);
}

TEST_F(CtcpClientTest, LateSegmentIntoAHoleIsDeliveredButAckDoesNotMoveBack)
{
    uint32_t isn = Establish(5000);
    Feed({10000, kClientPort, 5001 + 48, isn + 1, wire::tcpflag::Ack, 65535}, EspPayload(2));
    Feed({10000, kClientPort, 5001, isn + 1, wire::tcpflag::Ack, 65535}, EspPayload(1));

    EXPECT_EQ(conn.ReceiveNext(), 5001u + 96);
    EXPECT_EQ(received.size(), 2u);
}

TEST_F(CtcpClientTest, NoPureAckIsSentAfterReceivingData)
{
    uint32_t isn = Establish(5000);
    size_t before = host.outer.size();
    for (uint32_t i = 0; i < 5; ++i)
    {
        Feed({10000, kClientPort, 5001 + 48 * i, isn + 1, wire::tcpflag::Ack, 65535},
             EspPayload(i));
    }
    host.Advance(10s);
    EXPECT_EQ(received.size(), 5u);
    EXPECT_EQ(host.outer.size(), before); // nothing went out
}

TEST_F(CtcpClientTest, DuplicateAcksChangeNothing)
{
    uint32_t isn = Establish(5000);
    conn.Send(Esp(1), wire::CtcpTrailer{0, 0, wire::ctcpproto::Esp});
    conn.Send(Esp(2), wire::CtcpTrailer{0, 0, wire::ctcpproto::Esp});
    size_t before = host.outer.size();
    uint32_t seqBefore = conn.SendNext();
    uint32_t ackBefore = conn.ReceiveNext();

    // A middlebox that lost the first data segment keeps asking for isn+1.
    for (int i = 0; i < 3; ++i)
    {
        Feed({10000, kClientPort, 5001, isn + 1, wire::tcpflag::Ack, 65535});
    }
    EXPECT_EQ(host.outer.size(), before); // no retransmission, no answer
    EXPECT_EQ(conn.SendNext(), seqBefore);
    EXPECT_EQ(conn.ReceiveNext(), ackBefore);
    EXPECT_EQ(conn.Counters().duplicateAcksIgnored, 3u);
    EXPECT_TRUE(conn.IsEstablished());
}

TEST_F(CtcpClientTest, WindowOfPeerIsIgnored)
{
    uint32_t isn = Establish(5000);
    Feed({10000, kClientPort, 5001, isn + 1, wire::tcpflag::Ack, 0}, EspPayload(1)); // zero window
    EXPECT_TRUE(conn.Send(Esp(2), wire::CtcpTrailer{0, 0, wire::ctcpproto::Esp}));
    EXPECT_EQ(host.outer.size(), 3u);
}

TEST_F(CtcpClientTest, ZeroLengthSegmentIsAKeepaliveDroppedWithoutAnswer)
{
    uint32_t isn = Establish(5000);
    size_t before = host.outer.size();
    // TCP keepalive form: seq = rcv_nxt - 1, nothing outstanding on our side.
    Feed({10000, kClientPort, 5000, isn + 1, wire::tcpflag::Ack, 65535});

    EXPECT_EQ(host.outer.size(), before);
    EXPECT_TRUE(received.empty());
    EXPECT_EQ(conn.ReceiveNext(), 5001u);
    EXPECT_EQ(conn.Counters().keepalivesIgnored, 1u);
    EXPECT_TRUE(conn.IsEstablished());
}

TEST_F(CtcpClientTest, FinIsAnsweredWithRstWhoseSeqIsThePeersAck)
{
    uint32_t isn = Establish(5000);
    conn.Send(Esp(1), wire::CtcpTrailer{0, 0, wire::ctcpproto::Esp});
    Feed({10000, kClientPort, 5001, isn + 1 + 48, wire::tcpflag::Fin | wire::tcpflag::Ack, 65535});

    wire::TcpSegment rst = Sent(host.outer.back(), kClient, kServer);
    EXPECT_EQ(rst.header.flags, wire::tcpflag::Rst);
    EXPECT_EQ(rst.header.sequence, isn + 1 + 48);
    EXPECT_TRUE(rst.payload.empty());
    EXPECT_EQ(conn.State(), CtcpState::Closed);
    EXPECT_EQ(events.back(), CtcpEvent::FinReceived);
}

TEST_F(CtcpClientTest, RstRemovesTheConnection)
{
    uint32_t isn = Establish(5000);
    size_t before = host.outer.size();
    Feed({10000, kClientPort, 5001, isn + 1, wire::tcpflag::Rst, 0});

    EXPECT_EQ(conn.State(), CtcpState::Closed);
    EXPECT_EQ(events.back(), CtcpEvent::ResetReceived);
    EXPECT_FALSE(conn.Send(Esp(1), wire::CtcpTrailer{0, 0, wire::ctcpproto::Esp}));
    EXPECT_EQ(host.outer.size(), before); // a RST is never answered
}

TEST_F(CtcpClientTest, HandshakeTimesOutAfterThreeSecondsWithoutSynRetransmission)
{
    conn.Open();
    uint32_t firstIsn = Sent(host.outer.at(0), kClient, kServer).header.sequence;
    host.Advance(2999ms);
    EXPECT_EQ(conn.State(), CtcpState::SynSent);
    EXPECT_TRUE(events.empty());

    host.Advance(1ms);
    EXPECT_EQ(conn.State(), CtcpState::Closed);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0], CtcpEvent::HandshakeTimeout);
    EXPECT_EQ(conn.Counters().handshakeTimeouts, 1u);

    host.Advance(30s);
    EXPECT_EQ(host.outer.size(), 1u); // the SYN was never sent again

    conn.Open(); // a new trigger starts a new handshake
    ASSERT_EQ(host.outer.size(), 2u);
    wire::TcpSegment second = Sent(host.outer[1], kClient, kServer);
    EXPECT_EQ(second.header.flags, wire::tcpflag::Syn);
    EXPECT_NE(second.header.sequence, firstIsn);
    EXPECT_EQ(host.outer[1].at, 3s + 30s);
}

TEST_F(CtcpClientTest, CoalescedSegmentIsAFramingErrorCountedAndReported)
{
    uint32_t isn = Establish(5000);
    wire::Bytes two = EspPayload(1);
    wire::Bytes second = EspPayload(2);
    two.insert(two.end(), second.begin(), second.end());
    Feed({10000, kClientPort, 5001, isn + 1, wire::tcpflag::Ack, 65535}, two);

    EXPECT_TRUE(received.empty());
    EXPECT_EQ(conn.Counters().framingErrors, 1u);
    EXPECT_EQ(events.back(), CtcpEvent::FramingError);
    EXPECT_EQ(conn.ReceiveNext(), 5001u + 96); // the TCP part still saw the bytes
}

TEST_F(CtcpClientTest, SplitIkeSegmentIsTwoFramingErrors)
{
    uint32_t isn = Establish(5000);
    wire::Bytes whole = IkePayload(60, 7); // 8 + 60 + 16 = 84 bytes
    wire::ByteView v(whole);
    Feed({10000, kClientPort, 5001, isn + 1, wire::tcpflag::Ack, 65535}, v.first(40));
    EXPECT_EQ(conn.Counters().framingErrors, 1u); // first part: no trailer at its end
    Feed({10000, kClientPort, 5041, isn + 1, wire::tcpflag::Ack, 65535}, v.subspan(40));
    EXPECT_EQ(conn.Counters().framingErrors, 2u); // second: no UDP header of the right length
    EXPECT_TRUE(received.empty());
}

TEST_F(CtcpClientTest, SplitEspSegmentFirstPartIsAFramingError)
{
    uint32_t isn = Establish(5000);
    wire::Bytes whole = EspPayload(1, 100);
    Feed({10000, kClientPort, 5001, isn + 1, wire::tcpflag::Ack, 65535},
         wire::ByteView(whole).first(60));
    EXPECT_EQ(conn.Counters().framingErrors, 1u);
    EXPECT_EQ(events.back(), CtcpEvent::FramingError);
}

TEST_F(CtcpClientTest, IkeSegmentIsDeliveredWithItsTrailerFields)
{
    uint32_t isn = Establish(5000);
    Feed({10000, kClientPort, 5001, isn + 1, wire::tcpflag::Ack, 65535}, IkePayload(28, 0x1234));
    ASSERT_EQ(trailers.size(), 1u);
    EXPECT_EQ(trailers[0].protocol, wire::ctcpproto::Ike);
    EXPECT_EQ(trailers[0].seq16, 0x1234);
    EXPECT_EQ(received[0].size(), 8u + 28);
}

TEST_F(CtcpClientTest, IkeInsideCtcpIsOnlyTakenFromUdp500To500)
{
    // Cisco's cTCP carries IKE as a UDP datagram from 500 to 500 whatever the outer ports
    // (doc/protocols.md §cTCP segment); any other pair is a segment that cannot be framed.
    uint32_t isn = Establish(5000);
    uint32_t seq = 5001;
    auto feed = [&](uint16_t sourcePort, uint16_t destinationPort)
    {
        wire::Bytes payload = IkePayload(28, 7, sourcePort, destinationPort);
        Feed({10000, kClientPort, seq, isn + 1, wire::tcpflag::Ack, 65535}, payload);
        seq += static_cast<uint32_t>(payload.size());
    };
    uint64_t errors = 0;
    for (auto [source, destination] : {std::pair<uint16_t, uint16_t>{4500, 4500},
                                       {500, 4500},
                                       {4500, 500},
                                       {501, 500},
                                       {500, 10000}})
    {
        feed(source, destination);
        EXPECT_EQ(conn.Counters().framingErrors, ++errors) << source << "->" << destination;
        EXPECT_EQ(events.back(), CtcpEvent::FramingError) << source << "->" << destination;
    }
    EXPECT_TRUE(received.empty());
    feed(500, 500);
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(wire::GetU16(&received[0][0]), 500);
    EXPECT_EQ(wire::GetU16(&received[0][2]), 500);
    EXPECT_EQ(conn.Counters().framingErrors, errors);
}

TEST_F(CtcpClientTest, BadChecksumIsDroppedAndCounted)
{
    uint32_t isn = Establish(5000);
    Incoming in
        = Segment(kServer, kClient, {10000, kClientPort, 5001, isn + 1, wire::tcpflag::Ack, 65535},
                  EspPayload(1));
    in.bytes[30] ^= 0x01;
    in.packet.payload = in.bytes;
    conn.Receive(in.packet);

    EXPECT_TRUE(received.empty());
    EXPECT_EQ(conn.Counters().badChecksums, 1u);
    EXPECT_EQ(events.back(), CtcpEvent::BadChecksum);
    EXPECT_EQ(conn.ReceiveNext(), 5001u);
}

/// The headend side, with the client played by the test.
class CtcpServerTest : public ::testing::Test
{
  protected:
    CtcpServerTest()
        : conn(host, CtcpRole::Responder, kServer, 0)
    {
        conn.SetCallbacks(CtcpCallbacks{[this](const CtcpPacket& p)
                                        {
                                            received.emplace_back(p.packet.begin(), p.packet.end());
                                        },
                                        [this](CtcpEvent e, const std::string&)
                                        {
                                            events.push_back(e);
                                        }});
        conn.Open();
    }

    void Feed(wire::TcpHeader h, wire::ByteView payload = {})
    {
        Incoming in = Segment(kClient, kServer, h, payload);
        in.packet.payload = in.bytes;
        conn.Receive(in.packet);
    }

    FakeHost host;
    CtcpConnection conn;
    std::vector<wire::Bytes> received;
    std::vector<CtcpEvent> events;
};

TEST_F(CtcpServerTest, SynIsAnsweredWithSynAckAckingPeerSeqPlusOne)
{
    Feed({kClientPort, 10000, 1000, 0, wire::tcpflag::Syn, 65535});

    ASSERT_EQ(host.outer.size(), 1u);
    const wire::Bytes& b = host.outer[0].payload;
    wire::TcpSegment s = Sent(host.outer[0], kServer, kClient);
    EXPECT_EQ(b.size(), 20u);
    EXPECT_EQ(b[12], 0x50);
    EXPECT_EQ(s.header.flags, wire::tcpflag::Syn | wire::tcpflag::Ack);
    EXPECT_EQ(s.header.acknowledgment, 1001u);
    EXPECT_EQ(s.header.sourcePort, 10000);
    EXPECT_EQ(s.header.destinationPort, kClientPort);
    EXPECT_EQ(s.header.window, 65535);
    EXPECT_EQ(conn.State(), CtcpState::SynReceived);
}

TEST_F(CtcpServerTest, FinalAckWithOwnIsnPlusOneEstablishes)
{
    Feed({kClientPort, 10000, 1000, 0, wire::tcpflag::Syn, 65535});
    uint32_t isn = Sent(host.outer.at(0), kServer, kClient).header.sequence;
    Feed({kClientPort, 10000, 1001, isn + 2, wire::tcpflag::Ack, 65535}); // wrong ack
    EXPECT_EQ(conn.State(), CtcpState::SynReceived);
    Feed({kClientPort, 10000, 1001, isn + 1, wire::tcpflag::Ack, 65535});
    EXPECT_TRUE(conn.IsEstablished());
    EXPECT_EQ(events.back(), CtcpEvent::Established);
    EXPECT_EQ(host.outer.size(), 1u); // the final ACK is not answered
    EXPECT_EQ(conn.Counters().keepalivesIgnored, 0u);
    EXPECT_EQ(conn.Counters().duplicateAcksIgnored, 0u);
}

TEST_F(CtcpServerTest, FirstDataSegmentCompletesHandshakeIfFinalAckWasLost)
{
    Feed({kClientPort, 10000, 1000, 0, wire::tcpflag::Syn, 65535});
    uint32_t isn = Sent(host.outer.at(0), kServer, kClient).header.sequence;
    Feed({kClientPort, 10000, 1001, isn + 1, wire::tcpflag::Ack, 65535}, EspPayload(1));
    EXPECT_TRUE(conn.IsEstablished());
    EXPECT_EQ(received.size(), 1u);
    EXPECT_EQ(conn.ReceiveNext(), 1001u + 48);
}

TEST_F(CtcpServerTest, NonSynWithoutConnectionIsAnsweredWithRstAck)
{
    Feed({kClientPort, 10000, 7000, 9000, wire::tcpflag::Ack, 65535}, EspPayload(1));

    ASSERT_EQ(host.outer.size(), 1u);
    wire::TcpSegment s = Sent(host.outer[0], kServer, kClient);
    EXPECT_EQ(s.header.flags, wire::tcpflag::Rst | wire::tcpflag::Ack);
    EXPECT_EQ(s.header.sequence, 9000u);       // the segment's ack
    EXPECT_EQ(s.header.acknowledgment, 7048u); // its seq + len
    EXPECT_EQ(s.header.destinationPort, kClientPort);
    EXPECT_TRUE(received.empty());
    EXPECT_EQ(conn.State(), CtcpState::Listen);
}

TEST_F(CtcpServerTest, RstWithoutConnectionIsNotAnswered)
{
    Feed({kClientPort, 10000, 7000, 9000, wire::tcpflag::Rst, 0});
    EXPECT_TRUE(host.outer.empty());
}

TEST_F(CtcpServerTest, HandshakeTimeoutReturnsToListen)
{
    Feed({kClientPort, 10000, 1000, 0, wire::tcpflag::Syn, 65535});
    host.Advance(3s);
    EXPECT_EQ(conn.State(), CtcpState::Listen);
    EXPECT_EQ(events.back(), CtcpEvent::HandshakeTimeout);
    EXPECT_EQ(host.outer.size(), 1u); // no SYN-ACK retransmission
}

TEST_F(CtcpServerTest, RstRemovesConnectionAndLaterSegmentsGetRstAck)
{
    Feed({kClientPort, 10000, 1000, 0, wire::tcpflag::Syn, 65535});
    uint32_t isn = Sent(host.outer.at(0), kServer, kClient).header.sequence;
    Feed({kClientPort, 10000, 1001, isn + 1, wire::tcpflag::Ack, 65535});
    Feed({kClientPort, 10000, 1001, 0, wire::tcpflag::Rst, 0});
    EXPECT_EQ(conn.State(), CtcpState::Listen);
    EXPECT_EQ(events.back(), CtcpEvent::ResetReceived);

    Feed({kClientPort, 10000, 1001, isn + 1, wire::tcpflag::Ack, 65535}, EspPayload(1));
    EXPECT_TRUE(received.empty());
    EXPECT_EQ(Sent(host.outer.back(), kServer, kClient).header.flags,
              wire::tcpflag::Rst | wire::tcpflag::Ack);
}

TEST(CtcpBackToBack, ClientAndServerHandshakeAndExchangePacketsBothWays)
{
    FakeHost clientHost(1);
    FakeHost serverHost(2);
    CtcpConnection client(clientHost, CtcpRole::Initiator, kClient, kServer);
    CtcpConnection server(serverHost, CtcpRole::Responder, kServer, 0);
    std::vector<wire::Bytes> atClient;
    std::vector<wire::Bytes> atServer;
    client.SetCallbacks({[&](const CtcpPacket& p)
                         {
                             atClient.emplace_back(p.packet.begin(), p.packet.end());
                         },
                         {}});
    server.SetCallbacks({[&](const CtcpPacket& p)
                         {
                             atServer.emplace_back(p.packet.begin(), p.packet.end());
                         },
                         {}});
    server.Open();
    client.Open();
    SegmentWire link(
        clientHost, kClient,
        [&](const OuterPacket& p)
        {
            client.Receive(p);
        },
        serverHost, kServer,
        [&](const OuterPacket& p)
        {
            server.Receive(p);
        });
    link.Pump();
    ASSERT_TRUE(client.IsEstablished());
    ASSERT_TRUE(server.IsEstablished());

    client.Send(Esp(1), wire::CtcpTrailer{0, 0, wire::ctcpproto::Esp});
    server.Send(Esp(2), wire::CtcpTrailer{0, 0, wire::ctcpproto::Esp});
    client.Send(Esp(3), wire::CtcpTrailer{0, 0, wire::ctcpproto::Esp});
    link.Pump();

    ASSERT_EQ(atServer.size(), 2u);
    ASSERT_EQ(atClient.size(), 1u);
    EXPECT_EQ(wire::ToHex(atServer[1]), wire::ToHex(Esp(3)));
    EXPECT_EQ(wire::ToHex(atClient[0]), wire::ToHex(Esp(2)));
    // Each side's ack equals everything the other sent: no holes, no pure ACKs after setup.
    EXPECT_EQ(server.ReceiveNext(), client.SendNext());
    EXPECT_EQ(client.ReceiveNext(), server.SendNext());
    EXPECT_EQ(clientHost.outer.size(), 4u); // SYN, ACK, 2 data
    EXPECT_EQ(serverHost.outer.size(), 2u); // SYN-ACK, 1 data
}

} // namespace
} // namespace test
} // namespace vpnsim
