// RFC 3948 demultiplexing on UDP 4500.
#include "model/wire/esp-in-udp.h"

#include <gtest/gtest.h>

using namespace vpnsim::wire;

TEST(EspInUdp, LoneFfIsANatKeepalive)
{
    Bytes k = NattKeepalivePayload();
    EXPECT_EQ(ToHex(k), "ff");
    auto r = ClassifyNattPayload(k);
    ASSERT_TRUE(r.Ok());
    EXPECT_EQ(r->kind, NattPacketKind::Keepalive);
}

TEST(EspInUdp, NonEspMarkerMeansIkeAndIsStripped)
{
    Bytes ike = FromHex("1122334455667788000000000000000001100200");
    Bytes p = NattIkePayload(ike);
    EXPECT_EQ(ToHex(ByteView(p).first(4)), "00000000");
    auto r = ClassifyNattPayload(p);
    ASSERT_TRUE(r.Ok());
    EXPECT_EQ(r->kind, NattPacketKind::Ike);
    EXPECT_EQ(ToHex(r->packet), ToHex(ike));
}

TEST(EspInUdp, NonZeroFirstWordIsEspStartingAtTheSpi)
{
    Bytes esp = FromHex("c0ffee010000000aabcdef");
    auto r = ClassifyNattPayload(esp);
    ASSERT_TRUE(r.Ok());
    EXPECT_EQ(r->kind, NattPacketKind::Esp);
    EXPECT_EQ(ToHex(r->packet), ToHex(esp));
}

TEST(EspInUdp, ShortPayloadsOtherThanTheKeepaliveAreRejected)
{
    for (const char* hex : {"", "00", "fe", "ffff", "000000"})
    {
        EXPECT_EQ(ClassifyNattPayload(FromHex(hex)).GetError().code, ErrorCode::Truncated) << hex;
    }
}
