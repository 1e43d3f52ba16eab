// IPv4, UDP and TCP headers: build, parse back, checksums, and refusal of bad input.
#include "model/wire/internet-checksum.h"
#include "model/wire/ipv4-datagram.h"

#include <gtest/gtest.h>
#include <random>

using namespace vpnsim::wire;

namespace
{

const Ipv4Addressing kAddr{0xc6120001, 0xc6130001, 0x1234}; // 198.18.0.1 -> 198.19.0.1

} // namespace

TEST(Ipv4Datagram, UdpBuildsAndParsesBackWithVerifiedChecksums)
{
    Bytes payload = FromHex("deadbeef01");
    Bytes d = BuildIpv4Udp(kAddr, 4500, 4500, payload, UdpChecksum::Compute);
    ASSERT_EQ(d.size(), 20u + 8 + 5);
    // version/IHL, TOS, total length 33, ID 0x1234, DF, TTL 64, protocol 17.
    EXPECT_EQ(ToHex(ByteView(d).subspan(0, 10)), "45000021123440004011");
    auto p = ParseIpv4Datagram(d);
    ASSERT_TRUE(p.Ok()) << p.GetError().detail;
    EXPECT_EQ(p->header.protocol, ipproto::Udp);
    EXPECT_EQ(p->header.identification, 0x1234);
    EXPECT_TRUE(p->header.dontFragment);
    EXPECT_EQ(p->header.ttl, 64);
    auto u = ParseUdpDatagram(p->payload, kAddr.source, kAddr.destination);
    ASSERT_TRUE(u.Ok()) << u.GetError().detail;
    EXPECT_NE(u->checksum, 0);
    EXPECT_EQ(ToHex(u->payload), "deadbeef01");
}

TEST(Ipv4Datagram, ZeroUdpChecksumIsSentAndAccepted)
{
    Bytes d = BuildIpv4Udp(kAddr, 4500, 4500, FromHex("ff"), UdpChecksum::Zero);
    auto p = ParseIpv4Datagram(d);
    ASSERT_TRUE(p.Ok());
    EXPECT_EQ(GetU16(&p->payload[6]), 0);
    EXPECT_TRUE(ParseUdpDatagram(p->payload, kAddr.source, kAddr.destination).Ok());
}

TEST(Ipv4Datagram, CorruptedChecksumsAreRejected)
{
    Bytes d = BuildIpv4Udp(kAddr, 500, 500, FromHex("0102030405"), UdpChecksum::Compute);
    Bytes badIp = d;
    badIp[8] ^= 1; // TTL changed, header checksum not
    EXPECT_EQ(ParseIpv4Datagram(badIp).GetError().code, ErrorCode::BadChecksum);
    Bytes badUdp = d;
    badUdp[30] ^= 1; // a payload byte
    auto p = ParseIpv4Datagram(badUdp);
    ASSERT_TRUE(p.Ok());
    EXPECT_EQ(ParseUdpDatagram(p->payload, kAddr.source, kAddr.destination).GetError().code,
              ErrorCode::BadChecksum);
}

TEST(Ipv4Datagram, TcpSegmentChecksumCoversThePseudoHeader)
{
    TcpHeader h;
    h.sourcePort = 40000;
    h.destinationPort = 10000;
    h.sequence = 1000;
    h.acknowledgment = 2000;
    h.flags = tcpflag::Ack;
    h.window = 65535;
    Bytes d = BuildIpv4Tcp(kAddr, h, FromHex("0102030405"));
    auto p = ParseIpv4Datagram(d);
    ASSERT_TRUE(p.Ok());
    auto s = ParseTcpSegment(p->payload, kAddr.source, kAddr.destination);
    ASSERT_TRUE(s.Ok()) << s.GetError().detail;
    EXPECT_EQ(s->header.sequence, 1000u);
    EXPECT_EQ(s->header.acknowledgment, 2000u);
    EXPECT_EQ(s->header.flags, tcpflag::Ack);
    EXPECT_EQ(s->header.window, 65535);
    EXPECT_EQ(ToHex(s->payload), "0102030405");
    // The same bytes claimed to come from another address fail the pseudo-header check.
    EXPECT_EQ(ParseTcpSegment(p->payload, kAddr.source + 1, kAddr.destination).GetError().code,
              ErrorCode::BadChecksum);
}

TEST(Ipv4Datagram, IcmpEchoHasAValidChecksum)
{
    Bytes d = BuildIcmpEchoRequest(kAddr, 0x4242, 7, 56);
    auto p = ParseIpv4Datagram(d);
    ASSERT_TRUE(p.Ok());
    EXPECT_EQ(p->header.protocol, ipproto::Icmp);
    EXPECT_EQ(p->payload.size(), 64u);
    EXPECT_EQ(InternetChecksum(p->payload), 0);
}

TEST(Ipv4Datagram, EveryTruncationIsAnErrorNeverACrash)
{
    Bytes d = BuildIpv4Udp(kAddr, 4500, 4500, Bytes(40, 7), UdpChecksum::Compute);
    for (size_t len = 0; len < d.size(); ++len)
    {
        EXPECT_FALSE(ParseIpv4Datagram(ByteView(d).subspan(0, len)).Ok()) << len;
    }
    TcpHeader h;
    Bytes t = BuildTcpSegment(h, Bytes(10, 1), 1, 2);
    for (size_t len = 0; len < 20; ++len)
    {
        EXPECT_FALSE(ParseTcpSegmentUnchecked(ByteView(t).subspan(0, len)).Ok()) << len;
    }
}

TEST(Ipv4Datagram, RandomBytesNeverCrashTheParsers)
{
    std::mt19937 rng(7);
    for (int i = 0; i < 20000; ++i)
    {
        Bytes b(rng() % 80);
        for (auto& x : b)
        {
            x = static_cast<uint8_t>(rng());
        }
        if (!b.empty())
        {
            b[0] = static_cast<uint8_t>(0x45 + (rng() % 3)); // mostly plausible headers
        }
        auto p = ParseIpv4Datagram(b);
        if (p)
        {
            ASSERT_LE(p->payload.size(), b.size());
            (void)ParseUdpDatagram(p->payload, 1, 2);
            (void)ParseTcpSegment(p->payload, 1, 2);
        }
    }
}

TEST(Ipv4Address, ParsesDottedQuadAndRejectsOthersNamingTheText)
{
    EXPECT_EQ(ParseIpv4Address("198.18.0.1").Value(), 0xc6120001u);
    EXPECT_EQ(Ipv4ToString(0xc6120001u), "198.18.0.1");
    for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "a.b.c.d", "1.2.3.4 "})
    {
        auto r = ParseIpv4Address(bad);
        ASSERT_FALSE(r.Ok()) << bad;
        EXPECT_NE(r.GetError().detail.find(std::string("'") + bad + "'"), std::string::npos);
    }
}
