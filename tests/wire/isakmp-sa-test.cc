// The SA payload of IKEv1 (RFC 2408 sections 3.3-3.6) with the IPsec DOI (RFC 2407): known
// bytes written out field by field, and the parser held to them.
#include "model/wire/isakmp-sa.h"

#include <gtest/gtest.h>

using namespace vpnsim::wire;

namespace
{

/// An ESP proposal with SPI c0ffee02 and one transform: ESP_AES, life 28800 s,
/// UDP-Encapsulated-Tunnel, HMAC-SHA, 128-bit key.
IsakmpProposal
EspProposal()
{
    IsakmpProposal p;
    p.protocol = ipsecprotocol::Esp;
    p.spi = {0xc0, 0xff, 0xee, 0x02};
    p.transforms.push_back({1,
                            isakmptransform::EspAes,
                            {{ipsecattr::SaLifeType, ipsecvalue::Seconds},
                             {ipsecattr::SaLifeDuration, 28800},
                             {ipsecattr::EncapsulationMode, ipsecvalue::UdpEncapsulatedTunnel},
                             {ipsecattr::AuthenticationAlgorithm, ipsecvalue::HmacSha},
                             {ipsecattr::KeyLength, 128}}});
    return p;
}

const char* const kEspSaHex = "00000001" // DOI: IPsec
                              "00000001" // SIT_IDENTITY_ONLY
                              "0000"
                              "0028" // proposal payload: last, 40 bytes
                              "01"
                              "03"
                              "04"
                              "01"       // #1, PROTO_IPSEC_ESP, SPI 4, 1 transform
                              "c0ffee02" // SPI
                              "0000"
                              "001c" // transform payload: last, 28 bytes
                              "01"
                              "0c"
                              "0000" // #1, ESP_AES, reserved
                              "8001"
                              "0001" // SA life type: seconds
                              "8002"
                              "7080" // SA life duration: 28800
                              "8004"
                              "0003" // encapsulation: UDP-Encapsulated-Tunnel
                              "8005"
                              "0002" // authentication: HMAC-SHA
                              "8006"
                              "0080"; // key length: 128

} // namespace

TEST(IsakmpSa, IkeTransformIsNumberIdReservedThenBasicAttributes)
{
    IsakmpTransform t{1,
                      isakmptransform::KeyIke,
                      {{ikeattr::EncryptionAlgorithm, ikevalue::AesCbc},
                       {ikeattr::KeyLength, 256},
                       {ikeattr::HashAlgorithm, ikevalue::Sha},
                       {ikeattr::AuthenticationMethod, ikevalue::XauthInitPreShared},
                       {ikeattr::GroupDescription, ikevalue::Modp1024},
                       {ikeattr::LifeType, ikevalue::Seconds},
                       {ikeattr::LifeDuration, 28800}}};
    EXPECT_EQ(ToHex(BuildTransformBody(t)), "01010000"
                                            "80010007"   // encryption: AES-CBC
                                            "800e0100"   // key length: 256
                                            "80020002"   // hash: SHA
                                            "8003fde9"   // authentication: XAUTHInitPreShared
                                            "80040002"   // group 2
                                            "800b0001"   // life type: seconds
                                            "800c7080"); // life duration: 28800
}

TEST(IsakmpSa, QuickModeSaNestsOneProposalWithItsSpiAndTransforms)
{
    EXPECT_EQ(ToHex(BuildSaBody(EspProposal())), kEspSaHex);
}

TEST(IsakmpSa, ParseReadsBackEveryField)
{
    auto p = ParseSaBody(FromHex(kEspSaHex));
    ASSERT_TRUE(p.Ok()) << p.GetError().detail;
    IsakmpProposal expected = EspProposal();
    EXPECT_EQ(p->number, 1);
    EXPECT_EQ(p->protocol, ipsecprotocol::Esp);
    EXPECT_EQ(p->spi, expected.spi);
    ASSERT_EQ(p->transforms.size(), 1u);
    EXPECT_EQ(p->transforms[0].id, isakmptransform::EspAes);
    ASSERT_EQ(p->transforms[0].attributes.size(), expected.transforms[0].attributes.size());
    for (size_t i = 0; i < expected.transforms[0].attributes.size(); ++i)
    {
        EXPECT_EQ(p->transforms[0].attributes[i].type, expected.transforms[0].attributes[i].type);
        EXPECT_EQ(p->transforms[0].attributes[i].value, expected.transforms[0].attributes[i].value);
    }
}

TEST(IsakmpSa, MainModeOfferOfSeveralTransformsRoundTrips)
{
    IsakmpProposal offer;
    for (uint8_t n = 1; n <= 6; ++n)
    {
        offer.transforms.push_back(
            {n, isakmptransform::KeyIke, {{ikeattr::HashAlgorithm, uint16_t(n % 2 ? 1 : 2)}}});
    }
    Bytes sa = BuildSaBody(offer);
    auto p = ParseSaBody(sa);
    ASSERT_TRUE(p.Ok()) << p.GetError().detail;
    EXPECT_TRUE(p->spi.empty());
    ASSERT_EQ(p->transforms.size(), 6u);
    EXPECT_EQ(p->transforms[5].number, 6);
    EXPECT_EQ(p->transforms[4].attributes.at(0).value, ikevalue::Md5);
    EXPECT_EQ(BuildSaBody(*p), sa);
}

TEST(IsakmpSa, ParseRefusesWhatItCannotRead)
{
    Bytes sa = FromHex(kEspSaHex);
    for (size_t n = 0; n < sa.size(); ++n)
    {
        EXPECT_FALSE(ParseSaBody(ByteView(sa).first(n)).Ok()) << n << " bytes";
    }
    Bytes otherDoi = sa;
    otherDoi[3] = 2;
    EXPECT_EQ(ParseSaBody(otherDoi).GetError().code, ErrorCode::Unsupported);
    Bytes twoTransformsSaid = sa;
    twoTransformsSaid[15] = 2;
    EXPECT_EQ(ParseSaBody(twoTransformsSaid).GetError().code, ErrorCode::BadValue);
    Bytes variableAttribute = sa;
    variableAttribute[28] = 0x00; // AF bit clear on the first attribute
    EXPECT_EQ(ParseSaBody(variableAttribute).GetError().code, ErrorCode::Unsupported);
}

TEST(IsakmpSa, QuickModeProposalGivesTheSpiTheSenderReceivesOn)
{
    auto spi = ParseEspProposalSpi(FromHex(kEspSaHex));
    ASSERT_TRUE(spi.Ok()) << spi.GetError().detail;
    EXPECT_EQ(*spi, 0xc0ffee02u);
    IsakmpProposal ike;
    ike.transforms.push_back({1, isakmptransform::KeyIke, {}});
    EXPECT_EQ(ParseEspProposalSpi(BuildSaBody(ike)).GetError().code, ErrorCode::Unsupported);
    IsakmpProposal shortSpi = EspProposal();
    shortSpi.spi = {1, 2};
    EXPECT_EQ(ParseEspProposalSpi(BuildSaBody(shortSpi)).GetError().code, ErrorCode::BadLength);
    Bytes sa = FromHex(kEspSaHex);
    for (size_t n = 0; n < sa.size(); ++n)
    {
        EXPECT_FALSE(ParseEspProposalSpi(ByteView(sa).first(n)).Ok()) << n << " bytes";
    }
}
