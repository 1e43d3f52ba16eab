// Cisco cTCP framing (doc/protocols.md §cTCP trailer, §cTCP recognition): trailer bytes,
// Wireshark's heuristic, and the one-packet-per-segment rule a receiver relies on.
#include "model/wire/ctcp.h"

#include <gtest/gtest.h>
#include <random>

using namespace vpnsim::wire;

TEST(Ctcp, EspTrailerBytesAreQuickSecs)
{
    Bytes p = BuildCtcpEspPayload(FromHex("c0ffee0100000001aabbccdd"));
    ASSERT_EQ(p.size(), 12u + 16);
    EXPECT_EQ(ToHex(ByteView(p).last(16)), "000000000000000021456c6910320100");
}

TEST(Ctcp, IkeIsAUdp500DatagramWithZeroChecksumAndAClientDirection)
{
    Bytes isakmp(28, 0x11);
    Bytes p = BuildCtcpIkePayload(isakmp, 0x0abc, true);
    ASSERT_EQ(p.size(), 8u + 28 + 16);
    EXPECT_EQ(ToHex(ByteView(p).first(8)), "01f401f400240000"); // 500, 500, len 36, csum 0
    EXPECT_EQ(ToHex(ByteView(p).last(16)), "000000000abc400021456c6910110100");
    Bytes fromServer = BuildCtcpIkePayload(isakmp, 0x0abd, false);
    EXPECT_EQ(ToHex(ByteView(fromServer).last(16)), "000000000abd000021456c6910110100");
}

TEST(Ctcp, ParseReturnsTheOnePacketAndItsTrailer)
{
    Bytes esp = FromHex("c0ffee0100000001aabbccddeeff0011");
    Bytes espSegment = BuildCtcpEspPayload(esp);
    auto e = ParseCtcpPayload(espSegment);
    ASSERT_TRUE(e.Ok()) << e.GetError().detail;
    EXPECT_EQ(e->trailer.protocol, ctcpproto::Esp);
    EXPECT_EQ(ToHex(e->packet), ToHex(esp));

    Bytes isakmp(40, 0x22);
    Bytes ikeSegment = BuildCtcpIkePayload(isakmp, 7, true);
    auto i = ParseCtcpPayload(ikeSegment);
    ASSERT_TRUE(i.Ok()) << i.GetError().detail;
    EXPECT_EQ(i->trailer.protocol, ctcpproto::Ike);
    EXPECT_EQ(i->trailer.seq16, 7);
    EXPECT_EQ(ToHex(i->packet), ToHex(isakmp));
}

TEST(Ctcp, HeuristicMatchesWiresharkTcpencap)
{
    Bytes esp = BuildCtcpEspPayload(Bytes(20, 0x5a));
    EXPECT_TRUE(LooksLikeCtcp(esp));
    // Wireshark does not check the magic bytes, only zeros and the protocol byte.
    Bytes noMagic = esp;
    noMagic[noMagic.size() - 8] = 0x00;
    EXPECT_TRUE(LooksLikeCtcp(noMagic));
    EXPECT_FALSE(ParseCtcpTrailer(noMagic).Ok()); // vpnsim's receiver is stricter
    // Length must exceed 24 bytes.
    Bytes shortOne = BuildCtcpEspPayload(Bytes(8, 0x5a));
    EXPECT_EQ(shortOne.size(), 24u);
    EXPECT_FALSE(LooksLikeCtcp(shortOne));
    // Non-zero first word, non-zero low 12 bits of bytes 6-7, or an unknown protocol: no.
    Bytes a = esp;
    a[a.size() - 16] = 1;
    EXPECT_FALSE(LooksLikeCtcp(a));
    Bytes b = esp;
    b[b.size() - 9] = 1; // low byte of dir16
    EXPECT_FALSE(LooksLikeCtcp(b));
    Bytes c = esp;
    c[c.size() - 3] = 0x33; // AH: QuickSec has it, Wireshark's heuristic does not
    EXPECT_FALSE(LooksLikeCtcp(c));
    EXPECT_TRUE(ParseCtcpTrailer(c).Ok());
}

TEST(Ctcp, CoalescedSegmentIsAFramingError)
{
    // A byte-stream proxy may join two segments: the receiver takes the last 16 bytes as the
    // trailer, and the first trailer is left inside the "packet".
    Bytes one = BuildCtcpEspPayload(Bytes(40, 0x01));
    Bytes two = BuildCtcpEspPayload(Bytes(40, 0x02));
    Bytes joined = one;
    joined.insert(joined.end(), two.begin(), two.end());
    auto r = ParseCtcpPayload(joined);
    ASSERT_FALSE(r.Ok());
    EXPECT_EQ(r.GetError().code, ErrorCode::BadLength);
}

TEST(Ctcp, TrailerMagicIsFoundAnywhereInsideASegment)
{
    // The 8 bytes a receiver recognises (magic, a known protocol, magic2) are the last 8 of a
    // trailer; decoys share the first byte only.
    Bytes trailer = BuildCtcpEspPayload(Bytes(40, 0x01));
    Bytes span(trailer.end() - 8, trailer.end());
    Bytes decoys(64, span[0]);
    for (size_t at : {size_t{0}, size_t{1}, size_t{31}, decoys.size() - span.size()})
    {
        Bytes b = decoys;
        std::copy(span.begin(), span.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
        EXPECT_TRUE(ContainsCtcpTrailerMagic(b)) << "at " << at;
    }
    EXPECT_FALSE(ContainsCtcpTrailerMagic(decoys));
    EXPECT_TRUE(ContainsCtcpTrailerMagic(span));
    // Cut short by one byte at either end: not a trailer.
    EXPECT_FALSE(ContainsCtcpTrailerMagic(ByteView(span).first(7)));
    EXPECT_FALSE(ContainsCtcpTrailerMagic(ByteView(span).last(7)));
    Bytes unknown = span;
    unknown[5] = 0x99; // not ESP, IKE or AH
    EXPECT_FALSE(ContainsCtcpTrailerMagic(unknown));
}

TEST(Ctcp, SplitSegmentIsAFramingError)
{
    Bytes ike = BuildCtcpIkePayload(Bytes(60, 0x33), 1, true);
    // First half: no trailer at its end.
    EXPECT_FALSE(ParseCtcpPayload(ByteView(ike).first(30)).Ok());
    // An IKE segment whose UDP length disagrees with the bytes (e.g. a proxy split the IKE
    // datagram and the rest landed in another segment with a trailer of its own).
    Bytes cut(ike.begin(), ike.begin() + 20);
    AppendCtcpTrailer(cut, CtcpTrailer{1, kCtcpDirectionClientToServer, ctcpproto::Ike});
    auto r = ParseCtcpPayload(cut);
    ASSERT_FALSE(r.Ok());
    EXPECT_EQ(r.GetError().code, ErrorCode::BadLength);
}

TEST(Ctcp, InnerIkeMustUsePort500BothWays)
{
    Bytes ike = BuildCtcpIkePayload(Bytes(30, 0x33), 1, true);
    ike[1] = 0xf5; // source port 501
    EXPECT_EQ(ParseCtcpPayload(ike).GetError().code, ErrorCode::BadValue);
}

TEST(Ctcp, TruncationsAndGarbageNeverCrash)
{
    Bytes ike = BuildCtcpIkePayload(Bytes(30, 0x33), 1, true);
    for (size_t len = 0; len < ike.size(); ++len)
    {
        EXPECT_FALSE(ParseCtcpPayload(ByteView(ike).first(len)).Ok()) << len;
    }
    std::mt19937 rng(3);
    for (int i = 0; i < 20000; ++i)
    {
        Bytes b(rng() % 64);
        for (auto& x : b)
        {
            x = static_cast<uint8_t>(rng());
        }
        if (b.size() >= 16 && (rng() & 1))
        {
            // Often give it a real trailer so the inner checks run too.
            b.resize(b.size() - 16);
            AppendCtcpTrailer(b, CtcpTrailer{0, 0, (rng() & 1) ? ctcpproto::Ike : ctcpproto::Esp});
        }
        auto r = ParseCtcpPayload(b);
        if (r)
        {
            ASSERT_LE(r->packet.size(), b.size());
        }
    }
}
