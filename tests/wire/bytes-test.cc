#include "model/wire/bytes.h"

#include <gtest/gtest.h>

using namespace vpnsim::wire;

TEST(Bytes, ReaderRefusesToReadPastTheEnd)
{
    Bytes in{0x12, 0x34, 0x56};
    ByteReader r(in);
    uint16_t v16 = 0;
    uint32_t v32 = 0;
    EXPECT_TRUE(r.U16(v16));
    EXPECT_EQ(v16, 0x1234);
    EXPECT_FALSE(r.U32(v32));
    EXPECT_EQ(r.Remaining(), 1u);
}

TEST(Bytes, WriterIsBigEndian)
{
    Bytes out;
    ByteWriter w(out);
    w.U16(0x0102);
    w.U32(0x03040506);
    w.U64(0x0708090a0b0c0d0eULL);
    EXPECT_EQ(ToHex(out), "0102030405060708090a0b0c0d0e");
}

TEST(Bytes, HexRoundTripAndRejectsOddDigits)
{
    EXPECT_EQ(ToHex(FromHex("de AD be\nef")), "deadbeef");
    EXPECT_TRUE(FromHex("abc").empty());
    EXPECT_TRUE(FromHex("zz").empty());
}
