/*
 * CSTP framing inside TLS records on a byte stream (doc/protocols.md §CSTP framing): the bytes
 * sent, records that survive any re-chunking of the stream, DPD answered, and framing errors.
 */
#include "model/engine/cstp-session.h"
#include "tests/engine/fake-host.h"

#include <gtest/gtest.h>

namespace vpnsim
{
namespace test
{
namespace
{

using namespace engine;

wire::Bytes
Inner(size_t n, uint8_t fill)
{
    wire::Bytes b(n, fill);
    b[0] = 0x45; // looks like IPv4
    return b;
}

/// Two sessions on two hosts; what one writes to its stream the test hands to the other.
struct SessionPair
{
    FakeHost aHost{1};
    FakeHost bHost{2};
    CstpSession a{aHost};
    CstpSession b{bHost};
    size_t aSent{0};
    size_t bSent{0};

    /// Hands A's new stream bytes to B in chunks of `chunk` bytes (and B's to A).
    void Pump(size_t chunk)
    {
        while (aSent < aHost.stream.size() || bSent < bHost.stream.size())
        {
            while (aSent < aHost.stream.size())
            {
                size_t n = std::min(chunk, aHost.stream.size() - aSent);
                wire::Bytes piece(aHost.stream.begin() + aSent, aHost.stream.begin() + aSent + n);
                aSent += n;
                b.ReceiveStream(piece);
            }
            while (bSent < bHost.stream.size())
            {
                size_t n = std::min(chunk, bHost.stream.size() - bSent);
                wire::Bytes piece(bHost.stream.begin() + bSent, bHost.stream.begin() + bSent + n);
                bSent += n;
                a.ReceiveStream(piece);
            }
        }
    }
};

TEST(CstpSession, DataIsOneStfPacketInOneTls12ApplicationDataRecord)
{
    FakeHost host;
    CstpSession s(host);
    s.SendData(wire::FromHex("45000004"));

    // 17 0303 len=8+12+16 | explicit nonce (record 0) | STF 01, len 4, type 0, 0 | inner | tag
    std::string expected = "170303"
                           "0024"
                           "0000000000000000"
                           "5354460100040000"
                           "45000004"
                           + std::string(32, '0');
    EXPECT_EQ(wire::ToHex(host.stream), expected);
}

TEST(CstpSession, ControlPacketsAreTheFixedEightByteForms)
{
    EXPECT_EQ(wire::ToHex(wire::BuildCstpPacket(wire::CstpType::Keepalive, {})),
              "5354460100000700");
    EXPECT_EQ(wire::ToHex(wire::BuildCstpPacket(wire::CstpType::DpdRequest, {})),
              "5354460100000300");
    EXPECT_EQ(wire::ToHex(wire::BuildCstpPacket(wire::CstpType::DpdResponse, {})),
              "5354460100000400");
}

TEST(CstpSession, RecordsSurviveOneByteChunks)
{
    SessionPair p;
    std::vector<wire::Bytes> sent;
    for (size_t i = 0; i < 20; ++i)
    {
        sent.push_back(Inner(1 + i * 71, static_cast<uint8_t>(i)));
        p.a.SendData(sent.back());
        if (i % 5 == 0)
        {
            p.a.SendControl(wire::CstpType::Keepalive);
        }
    }
    p.Pump(1);

    EXPECT_EQ(p.bHost.delivered, sent);
    EXPECT_EQ(p.b.Counters().keepalivesReceived, 4u);
    EXPECT_EQ(p.b.Counters().framingErrors, 0u);
}

TEST(CstpSession, RecordsSurviveChunksThatCutAcrossRecordBoundaries)
{
    for (size_t chunk : {2u, 3u, 7u, 100u, 1000u, 5000u})
    {
        SessionPair p;
        std::vector<wire::Bytes> sent;
        for (size_t i = 0; i < 10; ++i)
        {
            sent.push_back(Inner(40 + i * 137, static_cast<uint8_t>(i)));
            p.a.SendData(sent.back());
        }
        p.Pump(chunk);
        EXPECT_EQ(p.bHost.delivered, sent) << "chunk " << chunk;
    }
}

TEST(CstpSession, NothingIsDeliveredUntilTheRecordIsComplete)
{
    SessionPair p;
    p.a.SendData(Inner(100, 1));
    wire::ByteView all(p.aHost.stream);
    p.b.ReceiveStream(all.first(all.size() - 1));
    EXPECT_TRUE(p.bHost.delivered.empty());
    p.b.ReceiveStream(all.last(1));
    EXPECT_EQ(p.bHost.delivered.size(), 1u);
}

TEST(CstpSession, DpdRequestIsAnsweredWithDpdResponse)
{
    SessionPair p;
    p.a.SendControl(wire::CstpType::DpdRequest);
    p.Pump(1);
    EXPECT_EQ(p.b.Counters().dpdRequestsReceived, 1u);
    EXPECT_EQ(p.b.Counters().dpdResponsesSent, 1u);
    EXPECT_EQ(p.a.Counters().dpdResponsesReceived, 1u);
}

TEST(CstpSession, LastReceivedAndLastSentFollowTraffic)
{
    SessionPair p;
    p.aHost.Advance(std::chrono::seconds(5));
    p.bHost.Advance(std::chrono::seconds(7));
    p.a.SendControl(wire::CstpType::Keepalive);
    p.Pump(10);
    EXPECT_EQ(p.a.LastSent(), std::chrono::seconds(5));
    EXPECT_EQ(p.b.LastReceived(), std::chrono::seconds(7));
    EXPECT_EQ(p.b.LastSent(), std::chrono::seconds(0)); // a keepalive is not answered
}

TEST(CstpSession, RecordHoldingTwoCstpPacketsIsAFramingError)
{
    FakeHost host;
    CstpSession s(host);
    std::string error;
    s.SetCallbacks(CstpCallbacks{{},
                                 [&](const std::string& d)
                                 {
                                     error = d;
                                 }});
    wire::Bytes two = wire::BuildCstpPacket(wire::CstpType::Data, Inner(20, 1));
    wire::Bytes second = wire::BuildCstpPacket(wire::CstpType::Data, Inner(20, 2));
    two.insert(two.end(), second.begin(), second.end());
    wire::TlsRecordStream tls;
    s.ReceiveStream(tls.Seal(two));

    EXPECT_TRUE(host.delivered.empty());
    EXPECT_EQ(s.Counters().framingErrors, 1u);
    EXPECT_FALSE(error.empty());
    EXPECT_TRUE(s.Failed());
}

TEST(CstpSession, BadMagicIsAFramingError)
{
    FakeHost host;
    CstpSession s(host);
    wire::TlsRecordStream tls;
    s.ReceiveStream(tls.Seal(wire::FromHex("5354460200000700")));
    EXPECT_EQ(s.Counters().framingErrors, 1u);
}

TEST(CstpSession, NonApplicationDataRecordIsAFramingError)
{
    FakeHost host;
    CstpSession s(host);
    wire::Bytes alert = wire::FromHex("15030300020228");
    s.ReceiveStream(alert); // a TLS alert (21), not application data
    EXPECT_EQ(s.Counters().framingErrors, 1u);
    EXPECT_TRUE(s.Failed());
}

} // namespace
} // namespace test
} // namespace vpnsim
