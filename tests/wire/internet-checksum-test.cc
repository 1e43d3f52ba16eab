// RFC 1071 one's-complement checksum and the pseudo-header of RFC 793 / RFC 768.
#include "model/wire/internet-checksum.h"

#include <gtest/gtest.h>

using namespace vpnsim::wire;

TEST(InternetChecksum, Rfc1071WorkedExample)
{
    // RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2 (one's complement).
    Bytes data = FromHex("0001f203f4f5f6f7");
    EXPECT_EQ(ChecksumFinish(ChecksumAdd(0, data)), static_cast<uint16_t>(~0xddf2));
}

TEST(InternetChecksum, OddLengthPadsTheLastByteWithZero)
{
    EXPECT_EQ(InternetChecksum(FromHex("abcdef")), InternetChecksum(FromHex("abcdef00")));
}

TEST(InternetChecksum, AKnownIpv4HeaderVerifies)
{
    // A textbook header: 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7 (checksum b861).
    Bytes header = FromHex("450000730000400040110000c0a80001c0a800c7");
    EXPECT_EQ(InternetChecksum(header), 0xb861);
    PutU16(&header[10], 0xb861);
    EXPECT_EQ(InternetChecksum(header), 0);
}

TEST(InternetChecksum, IncrementalSumsEqualOneSum)
{
    Bytes a = FromHex("0102030405060708");
    Bytes b = FromHex("090a0b0c");
    Bytes all = FromHex("0102030405060708090a0b0c");
    EXPECT_EQ(ChecksumFinish(ChecksumAdd(ChecksumAdd(0, a), b)), InternetChecksum(all));
}
