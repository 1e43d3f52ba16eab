// Every transform carries every payload size from 0 to 1500 bytes and back; any change to
// the packet is caught; any truncation fails cleanly.
#include "model/wire/esp.h"

#include <gtest/gtest.h>

using namespace vpnsim::wire;

namespace
{

EspSaConfig
SaFor(EspTransformId t, bool esn)
{
    EspSaConfig c;
    c.spi = 0xc0ffee01;
    c.transform = t;
    EspKeyLengths k = KeyLengths(t);
    for (size_t i = 0; i < k.encryption; ++i)
    {
        c.encryptionKey.push_back(static_cast<uint8_t>(i));
    }
    for (size_t i = 0; i < k.authentication; ++i)
    {
        c.authenticationKey.push_back(static_cast<uint8_t>(0x10 + i));
    }
    c.extendedSequenceNumbers = esn;
    return c;
}

struct Variant
{
    EspTransformId transform;
    bool esn;
};

class EspRoundTrip : public testing::TestWithParam<Variant>
{
};

std::string
VariantName(const testing::TestParamInfo<Variant>& info)
{
    std::string n = ToString(info.param.transform);
    for (auto& ch : n)
    {
        if (ch == '-')
        {
            ch = '_';
        }
    }
    return n + (info.param.esn ? "_esn" : "");
}

} // namespace

TEST_P(EspRoundTrip, EveryPayloadSizeFromZeroTo1500ComesBackUnchanged)
{
    EspSaConfig cfg = SaFor(GetParam().transform, GetParam().esn);
    auto out = EspOutboundSa::Create(cfg);
    auto in = EspInboundSa::Create(cfg);
    ASSERT_TRUE(out.Ok() && in.Ok());
    Bytes wire;
    Bytes payload;
    for (size_t size = 0; size <= 1500; ++size)
    {
        Bytes inner(size);
        for (size_t i = 0; i < size; ++i)
        {
            inner[i] = static_cast<uint8_t>(size * 7 + i);
        }
        wire.clear();
        ASSERT_TRUE(out->Encapsulate(inner, kNextHeaderIpv4, wire)) << size;
        ASSERT_EQ(wire.size(), EspPacketLength(out->Transform(), size));
        // RFC 4303 2.4: the ICV starts on a 4-byte boundary.
        ASSERT_EQ((wire.size() - out->Transform().IcvSize()) % 4, 0u);
        auto r = in->Decapsulate(wire, payload);
        ASSERT_TRUE(r.Ok()) << size << ": " << r.GetError().detail;
        ASSERT_EQ(r->sequence, size + 1);
        ASSERT_EQ(r->nextHeader, kNextHeaderIpv4);
        ASSERT_EQ(payload, inner) << size;
    }
}

TEST_P(EspRoundTrip, ChangingAnyByteFailsAuthentication)
{
    EspSaConfig cfg = SaFor(GetParam().transform, GetParam().esn);
    auto out = EspOutboundSa::Create(cfg);
    ASSERT_TRUE(out.Ok());
    Bytes wire;
    ASSERT_TRUE(out->Encapsulate(Bytes(100, 0x42), kNextHeaderIpv4, wire));
    Bytes payload;
    for (size_t i = 0; i < wire.size(); ++i)
    {
        auto in = EspInboundSa::Create(cfg);
        Bytes tampered = wire;
        tampered[i] ^= 0x01;
        auto r = in->Decapsulate(tampered, payload);
        ASSERT_FALSE(r.Ok()) << "byte " << i;
        // Bytes 0-3 are the SPI (not this SA); everything else is covered by the ICV. A flipped
        // sequence number may instead land on 0, which is refused before the ICV.
        if (i >= 8)
        {
            EXPECT_EQ(r.GetError().code, ErrorCode::AuthenticationFailed) << "byte " << i;
        }
        EXPECT_TRUE(payload.empty());
    }
}

TEST_P(EspRoundTrip, EveryTruncationFailsWithoutCrashing)
{
    EspSaConfig cfg = SaFor(GetParam().transform, GetParam().esn);
    auto out = EspOutboundSa::Create(cfg);
    auto in = EspInboundSa::Create(cfg);
    ASSERT_TRUE(out.Ok() && in.Ok());
    Bytes wire;
    ASSERT_TRUE(out->Encapsulate(Bytes(60, 0x42), kNextHeaderIpv4, wire));
    Bytes payload;
    for (size_t len = 0; len < wire.size(); ++len)
    {
        auto r = in->Decapsulate(ByteView(wire).subspan(0, len), payload);
        EXPECT_FALSE(r.Ok()) << len;
    }
    EXPECT_TRUE(in->Decapsulate(wire, payload).Ok());
}

INSTANTIATE_TEST_SUITE_P(AllTransforms, EspRoundTrip,
                         testing::Values(Variant{EspTransformId::NullHmacSha1_96, false},
                                         Variant{EspTransformId::AesCbc128HmacSha1_96, false},
                                         Variant{EspTransformId::AesCbc128HmacSha1_96, true},
                                         Variant{EspTransformId::AesCbc256HmacSha1_96, false},
                                         Variant{EspTransformId::AesGcm128Icv16, false},
                                         Variant{EspTransformId::AesGcm128Icv16, true},
                                         Variant{EspTransformId::AesGcm256Icv16, false}),
                         VariantName);

TEST(Esp, CbcIvsAreDistinctPerPacketAndReproducible)
{
    EspSaConfig cfg = SaFor(EspTransformId::AesCbc128HmacSha1_96, false);
    auto a = EspOutboundSa::Create(cfg);
    auto b = EspOutboundSa::Create(cfg);
    Bytes w1;
    Bytes w2;
    Bytes w3;
    ASSERT_TRUE(a->Encapsulate(Bytes(10), 4, w1));
    ASSERT_TRUE(a->Encapsulate(Bytes(10), 4, w2));
    ASSERT_TRUE(b->Encapsulate(Bytes(10), 4, w3));
    EXPECT_NE(ToHex(ByteView(w1).subspan(8, 16)), ToHex(ByteView(w2).subspan(8, 16)));
    EXPECT_EQ(ToHex(w1), ToHex(w3)); // same SA, same sequence: same bytes (reproducible runs)
}

TEST(Esp, SpiZeroAndReservedValuesAreRefusedNamingTheRange)
{
    EspSaConfig cfg = SaFor(EspTransformId::AesGcm128Icv16, false);
    for (uint32_t spi : {0u, 1u, 255u})
    {
        cfg.spi = spi;
        auto sa = EspOutboundSa::Create(cfg);
        ASSERT_FALSE(sa.Ok());
        EXPECT_NE(sa.GetError().detail.find("256..4294967295"), std::string::npos);
    }
    cfg.spi = 256;
    EXPECT_TRUE(EspOutboundSa::Create(cfg).Ok());
}

TEST(Esp, WrongKeyLengthIsRefusedNamingTheLengthNeeded)
{
    EspSaConfig cfg = SaFor(EspTransformId::AesGcm128Icv16, false);
    cfg.encryptionKey.resize(16); // salt missing
    auto sa = EspOutboundSa::Create(cfg);
    ASSERT_FALSE(sa.Ok());
    EXPECT_NE(sa.GetError().detail.find("must be 20"), std::string::npos);
    EXPECT_NE(sa.GetError().detail.find("salt"), std::string::npos);
}

TEST(Esp, ThirtyTwoBitCounterStopsBeforeWrapping)
{
    EspSaConfig cfg = SaFor(EspTransformId::AesGcm128Icv16, false);
    auto sa = EspOutboundSa::Create(cfg);
    sa->SetNextSequence(0xffffffffULL);
    Bytes w;
    EXPECT_TRUE(sa->Encapsulate(Bytes(4), 4, w));
    EXPECT_FALSE(sa->Encapsulate(Bytes(4), 4, w)); // 2^32 would wrap to 0: the SA must rekey
    cfg.extendedSequenceNumbers = true;
    auto esn = EspOutboundSa::Create(cfg);
    esn->SetNextSequence(0xffffffffULL);
    EXPECT_TRUE(esn->Encapsulate(Bytes(4), 4, w));
    EXPECT_TRUE(esn->Encapsulate(Bytes(4), 4, w));
    EXPECT_EQ(esn->LastSequence(), 0x100000000ULL);
}

TEST(Esp, BadPaddingIsRejectedEvenWhenTheIcvVerifies)
{
    // NULL encryption lets the test write a padding the sender would never use, then
    // re-authenticate it, so only the padding check can catch it.
    EspSaConfig cfg = SaFor(EspTransformId::NullHmacSha1_96, false);
    auto t = MakeEspTransform(cfg.transform, cfg.encryptionKey, cfg.authenticationKey);
    // Payload aa bb cc dd, padding 00 00 instead of 01 02, pad length 2, next header 4.
    Bytes packet = {0xc0, 0xff, 0xee, 0x01, 0, 0, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd, 0, 0, 2, 4};
    packet.resize(16 + 12);
    ASSERT_TRUE(t.Value()->Seal({ByteView(packet).subspan(0, 8), std::nullopt}, {},
                                ByteView(packet).subspan(8, 8), packet.data() + 8,
                                packet.data() + 16));
    auto in = EspInboundSa::Create(cfg);
    Bytes payload;
    auto r = in->Decapsulate(packet, payload);
    ASSERT_FALSE(r.Ok());
    EXPECT_EQ(r.GetError().code, ErrorCode::BadPadding);
}
