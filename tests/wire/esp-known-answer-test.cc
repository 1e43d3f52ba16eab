// Known answers for the ESP codec: RFC 3602 section 4 cases 5-8 (AES-128-CBC ESP packets),
// draft-mcgrew-gcm-test-01 packets p6 (ESN) and p7 (AES-GCM-16), RFC 2202 HMAC-SHA1.
// The sources are listed in doc/protocols.md §ESP known answers.
#include "model/wire/esp-cbc-hmac-transform.h"
#include "model/wire/esp.h"

#include <gtest/gtest.h>

using namespace vpnsim::wire;

namespace
{

struct CbcCase
{
    const char* name;
    const char* key;
    uint32_t spi;
    uint64_t sequence;
    const char* iv;
    const char* packet;
    uint8_t padLength;
    uint8_t nextHeader;
    size_t payloadLength;
};

const CbcCase kRfc3602[] = {
    {"case5", "90d382b410eeba7ad938c46cec1a82bf", 0x4321, 1, "e96e8c08ab465763fd098d45dd3ff893",
     "0000432100000001e96e8c08ab465763fd098d45dd3ff893f663c25d325c18c6a9453e194e120849"
     "a4870b66cc6b9965330013b4898dc856a4699e523a55db080b59ec3a8e4b7e52775b07d1db34ed9c"
     "538ab50c551b874aa269add047ad2d5913ac19b7cfbad4a6",
     14, 1, 64},
    {"case6", "90d382b410eeba7ad938c46cec1a82bf", 0x4321, 8, "69d08df7d203329db093fc4924e5bd80",
     "000043210000000869d08df7d203329db093fc4924e5bd80f51995881ec4e0c4488987ce742e8109"
     "689bb379d2d750c0d915dca346a89f75",
     2, 1, 28},
    {"case7", "0123456789abcdef0123456789abcdef", 0x8765, 2, "f4e765244f6407adf13dc1380f673f37",
     "0000876500000002f4e765244f6407adf13dc1380f673f37773b5241a4c449225e4f3ce5ed611b0c"
     "237ca96cf74a93013c1b0ea1a0cf70f8e4ecaec78ac53aad7a0f022b859243c647752e94a859352b"
     "8a4d4d2decd136e5c177f132ad3fbfb2201ac9904c74ee0a109e0ca1e4dfe9d5a100b842f1c22f0d",
     10, 4, 84},
    {"case8", "0123456789abcdef0123456789abcdef", 0x8765, 5, "85d47224b5f3dd5d2101d4ea8dffab22",
     "000087650000000585d47224b5f3dd5d2101d4ea8dffab2215b92683819596a8047232cc00f7048f"
     "e45318e11f8a0f62ede3c3fc61203bb50f980a08c9843fd3a1b06d5c07ff9639b7eb7dfb3512e5de"
     "435e7207ed971ef3d2726d9b5ef6affc6d17a0decbb13892",
     10, 4, 68},
};

EspSaConfig
Sa(uint32_t spi, EspTransformId t, const char* key, bool esn = false)
{
    EspSaConfig c;
    c.spi = spi;
    c.transform = t;
    c.encryptionKey = FromHex(key);
    c.extendedSequenceNumbers = esn;
    return c;
}

} // namespace

TEST(EspKnownAnswer, Rfc3602CasesDecryptToTheirPaddingAndNextHeader)
{
    for (const auto& c : kRfc3602)
    {
        SCOPED_TRACE(c.name);
        auto in = EspInboundSa::Create(Sa(c.spi, EspTransformId::AesCbc128NoAuth, c.key));
        ASSERT_TRUE(in.Ok()) << in.GetError().detail;
        Bytes payload;
        auto r = in->Decapsulate(FromHex(c.packet), payload);
        ASSERT_TRUE(r.Ok()) << r.GetError().detail;
        EXPECT_EQ(r->sequence, c.sequence);
        EXPECT_EQ(r->padLength, c.padLength);
        EXPECT_EQ(r->nextHeader, c.nextHeader);
        EXPECT_EQ(payload.size(), c.payloadLength);
    }
}

TEST(EspKnownAnswer, Rfc3602Case5PayloadIsTheIcmpEcho)
{
    const auto& c = kRfc3602[0];
    auto in = EspInboundSa::Create(Sa(c.spi, EspTransformId::AesCbc128NoAuth, c.key));
    ASSERT_TRUE(in.Ok());
    Bytes payload;
    ASSERT_TRUE(in->Decapsulate(FromHex(c.packet), payload).Ok());
    EXPECT_EQ(ToHex(ByteView(payload).subspan(0, 20)), "08000ebda70a00008e9c083db95b070008090a0b");
    EXPECT_EQ(ToHex(ByteView(payload).subspan(62)), "3637");
}

TEST(EspKnownAnswer, Rfc3602CasesReEncapsulateBitExact)
{
    for (const auto& c : kRfc3602)
    {
        SCOPED_TRACE(c.name);
        EspSaConfig cfg = Sa(c.spi, EspTransformId::AesCbc128NoAuth, c.key);
        auto in = EspInboundSa::Create(cfg);
        auto out = EspOutboundSa::Create(cfg);
        ASSERT_TRUE(in.Ok() && out.Ok());
        Bytes payload;
        auto r = in->Decapsulate(FromHex(c.packet), payload);
        ASSERT_TRUE(r.Ok());
        Bytes wire;
        ASSERT_TRUE(
            out->EncapsulateWithIv(payload, r->nextHeader, c.sequence, FromHex(c.iv), wire));
        EXPECT_EQ(ToHex(wire), ToHex(FromHex(c.packet)));
    }
}

namespace
{

const char* kP6Plain = "45000048699a000080114db7c0a80102c0a801010a9bf15638d301000001000000000000"
                       "045f736970045f756470037369700963796265726369747902646b0000210001";
const char* kP6Wire = "0000432100000000"
                      "4956ed7e3b244cfe"
                      "fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34cfa2436f"
                      "14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce61bc17d768fd9732"
                      "459018148f6cbe722fd04796562dfdb4";
const char* kP7Plain = "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d00100000100"
                       "0000000000037369700963796265726369747902646b0000010001";
const char* kP7Wire = "0000a5f80000000a"
                      "facedbaddecaf888"
                      "deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c"
                      "3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd1"
                      "83b70d3aa8bc6ee4c309e9d85a41ad4a";

} // namespace

TEST(EspKnownAnswer, GcmP6WithExtendedSequenceNumberEncapsulatesBitExact)
{
    EspSaConfig cfg = Sa(0x4321, EspTransformId::AesGcm128Icv16,
                         "4c80cdefbb5d10da906ac73c3613a634"
                         "2e443b68",
                         true);
    auto out = EspOutboundSa::Create(cfg);
    ASSERT_TRUE(out.Ok()) << out.GetError().detail;
    Bytes wire;
    // ESN 0x87654321_00000000: only the low half (0) is on the wire; the high half is in the AAD.
    ASSERT_TRUE(out->EncapsulateWithIv(FromHex(kP6Plain), 1, 0x8765432100000000ULL,
                                       FromHex("4956ed7e3b244cfe"), wire));
    EXPECT_EQ(ToHex(wire), ToHex(FromHex(kP6Wire)));
}

TEST(EspKnownAnswer, GcmP6DecapsulatesOnlyWithTheRightHighBits)
{
    EspSaConfig cfg = Sa(0x4321, EspTransformId::AesGcm128Icv16,
                         "4c80cdefbb5d10da906ac73c3613a634"
                         "2e443b68",
                         true);
    auto in = EspInboundSa::Create(cfg);
    ASSERT_TRUE(in.Ok());
    in->ResumeAfter(0x8765432100000000ULL - 1); // window just below 2^32 * 0x87654321
    Bytes payload;
    auto r = in->Decapsulate(FromHex(kP6Wire), payload);
    ASSERT_TRUE(r.Ok()) << r.GetError().detail;
    EXPECT_EQ(r->sequence, 0x8765432100000000ULL);
    EXPECT_EQ(r->padLength, 2);
    EXPECT_EQ(r->nextHeader, 1);
    EXPECT_EQ(ToHex(payload), ToHex(FromHex(kP6Plain)));

    // The same bytes with the window in another 2^32 subspace fail authentication.
    auto other = EspInboundSa::Create(cfg);
    ASSERT_TRUE(other.Ok());
    other->ResumeAfter(0x1234567800000000ULL - 1);
    auto bad = other->Decapsulate(FromHex(kP6Wire), payload);
    ASSERT_FALSE(bad.Ok());
    EXPECT_EQ(bad.GetError().code, ErrorCode::AuthenticationFailed);
}

TEST(EspKnownAnswer, GcmP7RoundTripsBitExact)
{
    EspSaConfig cfg = Sa(0xa5f8, EspTransformId::AesGcm128Icv16,
                         "feffe9928665731c6d6a8f9467308308"
                         "cafebabe");
    auto out = EspOutboundSa::Create(cfg);
    auto in = EspInboundSa::Create(cfg);
    ASSERT_TRUE(out.Ok() && in.Ok());
    Bytes wire;
    ASSERT_TRUE(
        out->EncapsulateWithIv(FromHex(kP7Plain), 1, 0x0a, FromHex("facedbaddecaf888"), wire));
    EXPECT_EQ(ToHex(wire), ToHex(FromHex(kP7Wire)));

    Bytes payload;
    auto r = in->Decapsulate(FromHex(kP7Wire), payload);
    ASSERT_TRUE(r.Ok()) << r.GetError().detail;
    EXPECT_EQ(r->sequence, 0x0au);
    EXPECT_EQ(r->padLength, 0);
    EXPECT_EQ(r->nextHeader, 1);
    EXPECT_EQ(ToHex(payload), ToHex(FromHex(kP7Plain)));
}

TEST(EspKnownAnswer, HmacSha1_96IsTheFirstTwelveBytesOfRfc2202)
{
    // With NULL encryption the ICV covers exactly SPI|Seq|payload, so RFC 2202's HMAC-SHA1
    // inputs can be fed through the transform: case 1 ("Hi There" is 8 bytes, the header),
    // case 3 (50 bytes of 0xdd: 8 in the header, 42 as payload).
    struct HmacCase
    {
        Bytes key;
        Bytes data;
        const char* digest;
    };
    const std::string hiThere = "Hi There";
    HmacCase cases[] = {
        {Bytes(20, 0x0b), Bytes(hiThere.begin(), hiThere.end()),
         "b617318655057264e28bc0b6fb378c8ef146be00"},
        {Bytes(20, 0xaa), Bytes(50, 0xdd), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
    };
    for (const auto& c : cases)
    {
        auto t = MakeEspTransform(EspTransformId::NullHmacSha1_96, {}, c.key);
        ASSERT_TRUE(t.Ok());
        ByteView header = ByteView(c.data).subspan(0, 8);
        ByteView rest = ByteView(c.data).subspan(8);
        Bytes body(rest.size());
        uint8_t icv[12];
        ASSERT_TRUE(t.Value()->Seal({header, std::nullopt}, {}, rest, body.data(), icv));
        EXPECT_EQ(ToHex(ByteView(icv, 12)), std::string(c.digest).substr(0, 24));
        EXPECT_EQ(ToHex(body), ToHex(rest)); // NULL encryption leaves the payload as it is
    }
}
