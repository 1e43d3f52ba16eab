// AnyConnect CSTP packets (doc/protocols.md §CSTP framing) and their TLS 1.2 record framing.
#include "model/wire/cstp.h"
#include "model/wire/tls-record.h"

#include <gtest/gtest.h>
#include <random>

using namespace vpnsim::wire;

TEST(Cstp, FixedControlPacketsHaveOpenconnectsBytes)
{
    EXPECT_EQ(ToHex(BuildCstpPacket(CstpType::Keepalive, {})), "5354460100000700");
    EXPECT_EQ(ToHex(BuildCstpPacket(CstpType::DpdRequest, {})), "5354460100000300");
    EXPECT_EQ(ToHex(BuildCstpPacket(CstpType::DpdResponse, {})), "5354460100000400");
}

TEST(Cstp, DataRoundTripsWithALengthThatExcludesTheHeader)
{
    Bytes ip = FromHex("4500001c0000400040010000c6120001c6130001");
    Bytes p = BuildCstpPacket(CstpType::Data, ip);
    EXPECT_EQ(ToHex(ByteView(p).first(8)), "5354460100140000");
    auto r = ParseCstpPacket(p);
    ASSERT_TRUE(r.Ok());
    EXPECT_EQ(r->type, CstpType::Data);
    EXPECT_EQ(ToHex(r->payload), ToHex(ip));
}

TEST(Cstp, DisconnectCarriesB0AndTheReason)
{
    Bytes p = BuildCstpPacket(CstpType::Disconnect, CstpDisconnectPayload("bye"));
    EXPECT_EQ(ToHex(p), "5354460100040500"
                        "b0627965");
}

TEST(Cstp, BadMagicReservedByteLengthOrTypeIsRejected)
{
    Bytes good = BuildCstpPacket(CstpType::Data, Bytes(4, 1));
    Bytes magic = good;
    magic[2] = 'X';
    EXPECT_EQ(ParseCstpPacket(magic).GetError().code, ErrorCode::BadValue);
    Bytes reserved = good;
    reserved[7] = 1;
    EXPECT_EQ(ParseCstpPacket(reserved).GetError().code, ErrorCode::BadValue);
    Bytes longer = good;
    longer.push_back(0);
    EXPECT_EQ(ParseCstpPacket(longer).GetError().code, ErrorCode::BadLength);
    Bytes type = good;
    type[6] = 0x42;
    EXPECT_EQ(ParseCstpPacket(type).GetError().code, ErrorCode::Unsupported);
    for (size_t len = 0; len < good.size(); ++len)
    {
        EXPECT_FALSE(ParseCstpPacket(ByteView(good).first(len)).Ok());
    }
}

TEST(TlsRecord, ApplicationDataRecordHasAes128GcmOverhead)
{
    TlsRecordStream tls;
    Bytes r = tls.Seal(Bytes(100, 0x42));
    // type 23, version 3.3, length 8 + 100 + 16 = 124, explicit nonce = record number 0.
    EXPECT_EQ(ToHex(ByteView(r).first(13)), "170303007c0000000000000000");
    EXPECT_EQ(r.size(), 5u + 8 + 100 + 16);
    EXPECT_EQ(tls.Overhead(), 29u);
    Bytes second = tls.Seal(Bytes(1, 0));
    EXPECT_EQ(ToHex(ByteView(second).subspan(5, 8)), "0000000000000001");
}

TEST(TlsRecord, StreamYieldsTheSameRecordsWhateverTheChunking)
{
    TlsRecordStream sender;
    Bytes stream;
    std::vector<Bytes> sent;
    for (size_t n : {0u, 1u, 60u, 1400u, 8u})
    {
        Bytes cstp = BuildCstpPacket(CstpType::Data, Bytes(n, static_cast<uint8_t>(n)));
        sent.push_back(cstp);
        Bytes rec = sender.Seal(cstp);
        stream.insert(stream.end(), rec.begin(), rec.end());
    }
    std::mt19937 rng(11);
    for (int trial = 0; trial < 50; ++trial)
    {
        TlsRecordStream receiver;
        std::vector<Bytes> got;
        std::string error;
        size_t pos = 0;
        while (pos < stream.size())
        {
            size_t n = trial == 0 ? 1 : 1 + rng() % 300; // trial 0: one byte at a time
            n = std::min(n, stream.size() - pos);
            ASSERT_TRUE(receiver.Feed(
                ByteView(stream).subspan(pos, n),
                [&](ByteView p)
                {
                    got.emplace_back(p.begin(), p.end());
                },
                error))
                << error;
            pos += n;
        }
        ASSERT_EQ(got, sent);
        EXPECT_EQ(receiver.Buffered(), 0u);
    }
}

TEST(TlsRecord, WrongTypeVersionOrOversizeLengthFailsTheStream)
{
    for (const char* header : {"160303001d", "1703010020", "17030348ff", "1703030010"})
    {
        TlsRecordStream receiver;
        std::string error;
        Bytes b = FromHex(header);
        b.resize(b.size() + 40, 0);
        EXPECT_FALSE(receiver.Feed(
            b, [](ByteView) {}, error))
            << header;
        EXPECT_FALSE(error.empty());
        EXPECT_FALSE(receiver.Feed(
            FromHex("00"), [](ByteView) {}, error)); // stays failed
    }
}
