// ISAKMP framing (RFC 2408) and the RFC 3706 DPD notify.
#include "model/wire/isakmp-cipher.h"
#include "model/wire/isakmp-notify.h"
#include "model/wire/isakmp.h"

#include <gtest/gtest.h>
#include <random>

using namespace vpnsim::wire;

namespace
{

IsakmpHeader
Header(uint8_t exchange, uint32_t messageId = 0)
{
    IsakmpHeader h;
    h.initiatorCookie = {1, 2, 3, 4, 5, 6, 7, 8};
    h.responderCookie = {9, 10, 11, 12, 13, 14, 15, 16};
    h.exchangeType = exchange;
    h.messageId = messageId;
    return h;
}

} // namespace

TEST(Isakmp, HeaderBytesAreRfc2408)
{
    Bytes m = BuildIsakmpMessage(Header(isakmpexchange::IdentityProtection),
                                 {{isakmppayload::VendorId, Bytes(16, 0xaa)}});
    EXPECT_EQ(ToHex(ByteView(m).first(28)), "0102030405060708090a0b0c0d0e0f10"
                                            "0d100200"
                                            "00000000"
                                            "00000030");
    EXPECT_EQ(ToHex(ByteView(m).subspan(28, 4)), "00000014"); // last payload, length 20
}

TEST(Isakmp, PayloadChainRoundTrips)
{
    std::vector<IsakmpPayload> main3 = {{isakmppayload::KeyExchange, Bytes(128, 0x01)},
                                        {isakmppayload::Nonce, Bytes(20, 0x02)},
                                        {isakmppayload::NatD, Bytes(20, 0x03)},
                                        {isakmppayload::NatD, Bytes(20, 0x04)}};
    Bytes m = BuildIsakmpMessage(Header(isakmpexchange::IdentityProtection), main3);
    EXPECT_EQ(m.size(), 28u + 4 * 4 + 128 + 60);
    auto p = ParseIsakmpMessage(m);
    ASSERT_TRUE(p.Ok()) << p.GetError().detail;
    ASSERT_EQ(p->payloads.size(), 4u);
    for (size_t i = 0; i < 4; ++i)
    {
        EXPECT_EQ(p->payloads[i].type, main3[i].type);
        EXPECT_EQ(Bytes(p->payloads[i].body.begin(), p->payloads[i].body.end()), main3[i].body);
    }
}

TEST(Isakmp, MalformedChainsAreRejected)
{
    Bytes m = BuildIsakmpMessage(Header(5), {{isakmppayload::Hash, Bytes(20, 1)},
                                             {isakmppayload::Notification, Bytes(12, 2)}});
    for (uint16_t badLength : {0, 1, 3, 200})
    {
        Bytes bad = m;
        PutU16(&bad[28 + 2], badLength);
        EXPECT_EQ(ParseIsakmpMessage(bad).GetError().code, ErrorCode::BadLength) << badLength;
    }
    Bytes wrongTotal = m;
    PutU32(&wrongTotal[24], static_cast<uint32_t>(m.size() + 1));
    EXPECT_EQ(ParseIsakmpMessage(wrongTotal).GetError().code, ErrorCode::BadLength);
    for (size_t len = 0; len < m.size(); ++len)
    {
        EXPECT_FALSE(ParseIsakmpMessage(ByteView(m).first(len)).Ok()) << len;
    }
}

TEST(Isakmp, GarbageNeverCrashes)
{
    std::mt19937 rng(5);
    for (int i = 0; i < 20000; ++i)
    {
        Bytes b(28 + rng() % 64);
        for (auto& x : b)
        {
            x = static_cast<uint8_t>(rng());
        }
        PutU32(&b[24], static_cast<uint32_t>(b.size())); // get past the length check
        b[19] &= 0xfe;                                   // cleartext: walk the chain
        auto r = ParseIsakmpMessage(b);
        if (r)
        {
            ASSERT_LE(r->payloads.size(), b.size() / 4);
        }
    }
}

TEST(IsakmpNotify, RUThereAndAckCarryCookiesAndTheSequence)
{
    IsakmpHeader h = Header(isakmpexchange::Informational, 0x11223344);
    IsakmpPayload p = MakeDpdNotify(false, h.initiatorCookie, h.responderCookie, 0x01020304);
    // DOI 1, protocol 1, SPI size 16, type 0x8D28, SPI = CKY-I || CKY-R, data = sequence.
    EXPECT_EQ(ToHex(p.body), "00000001"
                             "01"
                             "10"
                             "8d28"
                             "0102030405060708090a0b0c0d0e0f10"
                             "01020304");
    auto d = ParseDpdNotify(p.body);
    ASSERT_TRUE(d.Ok()) << d.GetError().detail;
    EXPECT_FALSE(d->ack);
    EXPECT_EQ(d->sequence, 0x01020304u);
    EXPECT_EQ(d->responder, h.responderCookie);

    IsakmpPayload ack = MakeDpdNotify(true, h.initiatorCookie, h.responderCookie, 0x01020304);
    EXPECT_EQ(ToHex(ByteView(ack.body).subspan(6, 2)), "8d29");
    EXPECT_TRUE(ParseDpdNotify(ack.body)->ack);
}

TEST(IsakmpNotify, OtherNotifiesAreNotDpd)
{
    Notification n;
    n.type = 24578; // RESPONDER-LIFETIME
    EXPECT_EQ(ParseDpdNotify(BuildNotificationBody(n)).GetError().code, ErrorCode::BadValue);
    Bytes shortSpi = BuildNotificationBody(Notification{1, 1, kRUThere, Bytes(20, 0), {}});
    shortSpi[5] = 40; // SPI size beyond the payload
    EXPECT_EQ(ParseNotificationBody(shortSpi).GetError().code, ErrorCode::BadLength);
}

TEST(IsakmpNotify, EncryptedDpdMessageHasTheBlockPaddedSizeAndDecryptsBack)
{
    auto cipher = IsakmpCipher::Create(Bytes(16, 0x5c));
    ASSERT_TRUE(cipher.Ok());
    IsakmpHeader h = Header(isakmpexchange::Informational, 0xabcdef01);
    std::vector<IsakmpPayload> chain
        = {{isakmppayload::Hash, Bytes(20, 0x77)}, // HMAC-SHA1 HASH(1), RFC 2409 5.7
           MakeDpdNotify(false, h.initiatorCookie, h.responderCookie, 42)};
    Bytes plain = BuildIsakmpPayloadChain(chain);
    EXPECT_EQ(plain.size(), 24u + 32);
    Bytes body = cipher->Encrypt(plain, h.messageId);
    EXPECT_EQ(body.size(), IsakmpCipher::EncryptedLength(plain.size()));
    EXPECT_EQ(body.size(), 64u); // 56 padded to the 16-byte block
    Bytes m = BuildEncryptedIsakmpMessage(h, isakmppayload::Hash, body);
    EXPECT_EQ(m.size(), 92u);

    auto parsed = ParseIsakmpMessage(m);
    ASSERT_TRUE(parsed.Ok());
    EXPECT_TRUE(parsed->header.flags & isakmpflag::Encryption);
    EXPECT_TRUE(parsed->payloads.empty());
    auto clear = cipher->Decrypt(parsed->encryptedBody, parsed->header.messageId);
    ASSERT_TRUE(clear.Ok());
    auto payloads = ParseIsakmpPayloadChain(parsed->header.nextPayload, clear.Value(), true);
    ASSERT_TRUE(payloads.Ok()) << payloads.GetError().detail;
    ASSERT_EQ(payloads->size(), 2u);
    EXPECT_EQ(ParseDpdNotify(payloads.Value()[1].body)->sequence, 42u);
    // Decrypted with the wrong message ID, the IV differs and the chain does not parse.
    auto wrong = cipher->Decrypt(parsed->encryptedBody, 1);
    ASSERT_TRUE(wrong.Ok());
    EXPECT_NE(ToHex(wrong.Value()).substr(0, 16), ToHex(plain).substr(0, 16));
}
