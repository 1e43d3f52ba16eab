/*
 * CSTP framing on the TLS plaintext (doc/protocols.md §CSTP framing): the bytes of each packet,
 * packets that survive any chunking of the plaintext (several in one record, one over several),
 * DPD answered, and framing errors.
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

/// A session whose sent packets are kept, one per send.
struct Recorded
{
    FakeHost host;
    CstpSession session{host};
    std::vector<wire::Bytes> sent;
    std::vector<wire::CstpType> control;
    std::vector<std::string> errors;

    Recorded()
    {
        session.SetCallbacks(CstpCallbacks{[this](wire::ByteView p)
                                           {
                                               sent.emplace_back(p.begin(), p.end());
                                           },
                                           [this](wire::CstpType t, wire::ByteView)
                                           {
                                               control.push_back(t);
                                           },
                                           [this](const std::string& d)
                                           {
                                               errors.push_back(d);
                                           }});
    }
};

TEST(CstpSession, DataIsOneStfPacketPerSend)
{
    Recorded r;
    r.session.SendData(wire::FromHex("4500000401020304"));
    ASSERT_EQ(r.sent.size(), 1u);
    EXPECT_EQ(wire::ToHex(r.sent[0]), "5354460100080000" "4500000401020304");
}

TEST(CstpSession, ControlPacketsAreTheFixedEightByteForms)
{
    Recorded r;
    r.session.SendControl(wire::CstpType::DpdRequest);
    r.session.SendControl(wire::CstpType::DpdResponse);
    r.session.SendControl(wire::CstpType::Keepalive);
    ASSERT_EQ(r.sent.size(), 3u);
    EXPECT_EQ(wire::ToHex(r.sent[0]), "5354460100000300");
    EXPECT_EQ(wire::ToHex(r.sent[1]), "5354460100000400");
    EXPECT_EQ(wire::ToHex(r.sent[2]), "5354460100000700");
    EXPECT_EQ(r.session.Counters().dpdRequestsSent, 1u);
    EXPECT_EQ(r.session.Counters().keepalivesSent, 1u);
}

TEST(CstpSession, PacketsSurviveAnyChunkingOfThePlaintext)
{
    Recorded from;
    std::vector<wire::Bytes> inner = {Inner(60, 1), Inner(1400, 2), Inner(20, 3)};
    for (const auto& p : inner)
    {
        from.session.SendData(p);
    }
    from.session.SendControl(wire::CstpType::Keepalive);
    wire::Bytes stream;
    for (const auto& p : from.sent)
    {
        stream.insert(stream.end(), p.begin(), p.end());
    }
    for (size_t chunk : {size_t(1), size_t(7), size_t(100), stream.size()})
    {
        Recorded to;
        for (size_t i = 0; i < stream.size(); i += chunk)
        {
            to.session.Receive(
                wire::ByteView(stream.data() + i, std::min(chunk, stream.size() - i)));
        }
        EXPECT_EQ(to.host.delivered, inner) << chunk;
        EXPECT_EQ(to.control, (std::vector<wire::CstpType>{wire::CstpType::Keepalive}));
        EXPECT_TRUE(to.errors.empty());
    }
}

TEST(CstpSession, NothingIsDeliveredUntilThePacketIsComplete)
{
    Recorded from;
    from.session.SendData(Inner(100, 9));
    Recorded to;
    to.session.Receive(wire::ByteView(from.sent[0].data(), 107));
    EXPECT_TRUE(to.host.delivered.empty());
    to.session.Receive(wire::ByteView(from.sent[0].data() + 107, 1));
    EXPECT_EQ(to.host.delivered.size(), 1u);
}

TEST(CstpSession, DpdRequestIsAnsweredWithDpdResponse)
{
    Recorded r;
    r.session.Receive(wire::FromHex("5354460100000300"));
    ASSERT_EQ(r.sent.size(), 1u);
    EXPECT_EQ(wire::ToHex(r.sent[0]), "5354460100000400");
    EXPECT_EQ(r.session.Counters().dpdRequestsReceived, 1u);
    EXPECT_EQ(r.session.Counters().dpdResponsesSent, 1u);
}

TEST(CstpSession, LastReceivedAndLastSentFollowTraffic)
{
    Recorded r;
    r.host.Advance(std::chrono::seconds(5));
    r.session.Receive(wire::FromHex("5354460100000700"));
    EXPECT_EQ(r.session.LastReceived(), std::chrono::seconds(5));
    EXPECT_EQ(r.session.LastSent(), std::chrono::seconds(0));
    r.host.Advance(std::chrono::seconds(2));
    r.session.SendControl(wire::CstpType::Keepalive);
    EXPECT_EQ(r.session.LastSent(), std::chrono::seconds(7));
}

TEST(CstpSession, BadMagicIsAFramingErrorAndNothingAfterItCounts)
{
    Recorded r;
    r.session.Receive(wire::FromHex("5354460200000700" "5354460100000700"));
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_TRUE(r.control.empty());
    EXPECT_TRUE(r.session.Failed());
    r.session.Receive(wire::FromHex("5354460100000700"));
    EXPECT_TRUE(r.control.empty());
    EXPECT_EQ(r.session.Counters().framingErrors, 1u);
}

TEST(CstpSession, UnknownTypeIsAFramingError)
{
    Recorded r;
    r.session.Receive(wire::FromHex("5354460100006100"));
    EXPECT_EQ(r.errors.size(), 1u);
}

} // namespace
} // namespace test
} // namespace vpnsim
