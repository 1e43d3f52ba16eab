// Cisco cTCP framing (doc/protocols.md §cTCP trailer, §cTCP recognition): trailer bytes, the
// trailer a receiver accepts, and the trailer magic that reveals a coalesced segment. The
// one-packet-per-segment rule itself is the receiver's (tests/engine/ctcp-connection-test.cc).
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

TEST(Ctcp, TrailerParserChecksTheMagicAndKnowsAh)
{
    Bytes esp = BuildCtcpEspPayload(Bytes(20, 0x5a));
    auto trailer = ParseCtcpTrailer(esp);
    ASSERT_TRUE(trailer.Ok()) << trailer.GetError().detail;
    EXPECT_EQ(trailer->protocol, ctcpproto::Esp);
    // Wireshark's heuristic would take this one (it checks zeros and the protocol byte only);
    // vpnsim's receiver wants the magic too.
    Bytes noMagic = esp;
    noMagic[noMagic.size() - 8] = 0x00;
    EXPECT_FALSE(ParseCtcpTrailer(noMagic).Ok());
    // AH: QuickSec carries it, Wireshark's heuristic does not know it.
    Bytes ah = esp;
    ah[ah.size() - 3] = ctcpproto::Ah;
    ASSERT_TRUE(ParseCtcpTrailer(ah).Ok());
    EXPECT_EQ(ParseCtcpTrailer(ah)->protocol, ctcpproto::Ah);
    Bytes unknown = esp;
    unknown[unknown.size() - 3] = 0x99;
    EXPECT_FALSE(ParseCtcpTrailer(unknown).Ok());
    for (size_t len = 0; len < kCtcpTrailerLength; ++len)
    {
        EXPECT_FALSE(ParseCtcpTrailer(ByteView(esp).last(len)).Ok()) << len;
    }
}
