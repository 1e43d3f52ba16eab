// A headend's clients told apart: cTCP by the observed address and port, IKE by the initiator
// cookie (across the float from 500 to 4500 and a PAT's new port), ESP by the headend's SPI,
// NAT-keepalives by their 4500 source; what starts a client and what belongs to none.
#include "model/engine/headend-demux.h"
#include "model/wire/esp-in-udp.h"
#include "model/wire/isakmp.h"
#include "model/wire/tcp-header.h"

#include <gtest/gtest.h>

using namespace vpnsim;
using namespace vpnsim::engine;
using Action = HeadendDemux::Action;
using Reason = HeadendDemux::DropReason;

namespace
{

constexpr uint32_t kPat = 0xc6120101; // every client behind one PAT address
constexpr uint32_t kHeadend = 0xc6130001;

/// An IKE message with `icookie` (first byte varies per client); Main Mode 1 when `first`.
wire::Bytes
Ike(uint8_t icookie, bool first)
{
    wire::IsakmpHeader h;
    h.initiatorCookie = {icookie, 1, 2, 3, 4, 5, 6, 7};
    if (!first)
    {
        h.responderCookie = {9, 9, 9, 9, 9, 9, 9, 9};
    }
    h.exchangeType = wire::isakmpexchange::IdentityProtection;
    return wire::BuildIsakmpMessage(h, {{wire::isakmppayload::VendorId, wire::Bytes(16, 0xaa)}});
}

OuterPacket
Udp(uint16_t sourcePort, uint16_t localPort, wire::ByteView payload)
{
    return OuterPacket{OuterProtocol::Udp, kPat, kHeadend, sourcePort, localPort, payload};
}

wire::Bytes
Segment(uint16_t sourcePort, uint16_t destinationPort, uint8_t flags)
{
    wire::TcpHeader h;
    h.sourcePort = sourcePort;
    h.destinationPort = destinationPort;
    h.flags = flags;
    return wire::BuildTcpSegment(h, {}, kPat, kHeadend);
}

wire::Bytes
Esp(uint32_t spi)
{
    wire::Bytes b(40, 0x11);
    wire::PutU32(b.data(), spi);
    return b;
}

} // namespace

TEST(HeadendDemux, CtcpClientsBehindOnePatDifferByPortAndStartWithASyn)
{
    HeadendDemux d(10000);
    wire::Bytes syn1 = Segment(1024, 10000, wire::tcpflag::Syn);
    wire::Bytes syn2 = Segment(1025, 10000, wire::tcpflag::Syn);
    OuterPacket p1{OuterProtocol::Tcp, kPat, kHeadend, 0, 0, syn1};
    OuterPacket p2{OuterProtocol::Tcp, kPat, kHeadend, 0, 0, syn2};
    EXPECT_EQ(d.Classify(p1).action, Action::NewClient);
    d.AddClient(0, p1, 0xc0ffee01);
    EXPECT_EQ(d.Classify(p2).action, Action::NewClient);
    d.AddClient(1, p2, 0xc0ffef01);
    // Later segments of each connection, and a new SYN on the same port (a new handshake of
    // the same client), go to that client.
    for (uint8_t flags : {wire::tcpflag::Ack, wire::tcpflag::Syn})
    {
        wire::Bytes a = Segment(1025, 10000, flags);
        auto v = d.Classify(OuterPacket{OuterProtocol::Tcp, kPat, kHeadend, 0, 0, a});
        EXPECT_EQ(v.action, Action::Client);
        EXPECT_EQ(v.client, 1u);
    }
    // An ACK from a pair nobody opened belongs to no one; other ports are not cTCP.
    wire::Bytes stray = Segment(2000, 10000, wire::tcpflag::Ack);
    auto v = d.Classify(OuterPacket{OuterProtocol::Tcp, kPat, kHeadend, 0, 0, stray});
    EXPECT_EQ(v.reason, Reason::NoClient);
    wire::Bytes other = Segment(1024, 443, wire::tcpflag::Syn);
    v = d.Classify(OuterPacket{OuterProtocol::Tcp, kPat, kHeadend, 0, 0, other});
    EXPECT_EQ(v.reason, Reason::OtherPort);
    EXPECT_EQ(d.Clients(), 2u);
}

TEST(HeadendDemux, NattIkeFollowsTheCookieAcrossTheFloatAndEspTheHeadendsSpi)
{
    HeadendDemux d;
    // Two clients behind one PAT: IKE on 500 from PAT ports 500 and 1024.
    wire::Bytes mm1a = Ike(0xa0, true);
    wire::Bytes mm1b = Ike(0xb0, true);
    EXPECT_EQ(d.Classify(Udp(500, 500, mm1a)).action, Action::NewClient);
    d.AddClient(0, Udp(500, 500, mm1a), 0xc0ffee01);
    EXPECT_EQ(d.Classify(Udp(1024, 500, mm1b)).action, Action::NewClient);
    d.AddClient(1, Udp(1024, 500, mm1b), 0xc0ffef01);
    // A retransmitted MM1 is the same client.
    EXPECT_EQ(d.Classify(Udp(1024, 500, mm1b)).client, 1u);
    // Floated to 4500, from ports the PAT chose anew: still told apart by cookie.
    wire::Bytes mm5b = wire::NattIkePayload(Ike(0xb0, false));
    wire::Bytes mm5a = wire::NattIkePayload(Ike(0xa0, false));
    auto v = d.Classify(Udp(1026, 4500, mm5b));
    EXPECT_EQ(v.action, Action::Client);
    EXPECT_EQ(v.client, 1u);
    d.Delivered(1, Udp(1026, 4500, mm5b));
    EXPECT_EQ(d.Classify(Udp(4500, 4500, mm5a)).client, 0u);
    d.Delivered(0, Udp(4500, 4500, mm5a));
    // ESP by the SPI each client was given, from whatever port.
    wire::Bytes espA = Esp(0xc0ffee01);
    wire::Bytes espB = Esp(0xc0ffef01);
    EXPECT_EQ(d.Classify(Udp(1026, 4500, espA)).client, 0u);
    EXPECT_EQ(d.Classify(Udp(4500, 4500, espB)).client, 1u);
    EXPECT_EQ(d.Classify(Udp(1026, 4500, Esp(0x12345678))).reason, Reason::NoClient);
    // Keepalives name nobody: their 4500 source does.
    wire::Bytes keepalive = wire::NattKeepalivePayload();
    EXPECT_EQ(d.Classify(Udp(1026, 4500, keepalive)).client, 1u);
    EXPECT_EQ(d.Classify(Udp(4500, 4500, keepalive)).client, 0u);
    EXPECT_EQ(d.Classify(Udp(3000, 4500, keepalive)).reason, Reason::NoClient);
    // A message of an IKE SA nobody started (not a Main Mode 1) starts nothing.
    EXPECT_EQ(d.Classify(Udp(3000, 500, Ike(0xc0, false))).reason, Reason::NoClient);
}

TEST(HeadendDemux, NativeEspGoesByTheSpiFromAnySource)
{
    HeadendDemux d;
    wire::Bytes mm1 = Ike(0xa0, true);
    d.AddClient(0, Udp(500, 500, mm1), 0xc0ffee01);
    wire::Bytes esp = Esp(0xc0ffee01);
    for (uint32_t from : {kPat, 0x0a000001u})
    {
        auto v = d.Classify(OuterPacket{OuterProtocol::Esp, from, kHeadend, 0, 0, esp});
        EXPECT_EQ(v.action, Action::Client);
        EXPECT_EQ(v.client, 0u);
    }
}

TEST(HeadendDemux, APhaseOneRekeyFromAClientsIkeSourceIsThatClientAndItsSpisStayInTheBlock)
{
    HeadendDemux d;
    wire::Bytes mm1a = Ike(0xa0, true);
    wire::Bytes mm1b = Ike(0xb0, true);
    d.AddClient(0, Udp(500, 500, mm1a), 0xc0ffee01);
    d.AddClient(1, Udp(1024, 500, mm1b), 0xc0ffef01);
    d.Delivered(1, Udp(1026, 4500, wire::NattIkePayload(Ike(0xb0, false))));
    // Client 1 re-establishes its IKE SA: a new cookie, from where its IKE comes from (4500).
    wire::Bytes rekey = wire::NattIkePayload(Ike(0xb1, true));
    auto v = d.Classify(Udp(1026, 4500, rekey));
    EXPECT_EQ(v.action, Action::Client);
    EXPECT_EQ(v.client, 1u);
    EXPECT_TRUE(v.newIkeSa);
    d.Delivered(1, Udp(1026, 4500, rekey));
    // The new cookie names client 1 from then on, from any port.
    v = d.Classify(Udp(3000, 4500, wire::NattIkePayload(Ike(0xb1, false))));
    EXPECT_EQ(v.client, 1u);
    EXPECT_FALSE(v.newIkeSa);
    // A Main Mode 1 of a cookie nobody has from a port no client's IKE came from is a new
    // client.
    EXPECT_EQ(d.Classify(Udp(3001, 4500, wire::NattIkePayload(Ike(0xc0, true)))).action,
              Action::NewClient);
    // A rekeyed SPI of client 1 (the next low byte of its block) is still client 1; a block
    // no client has is nobody's.
    EXPECT_EQ(d.Classify(Udp(1026, 4500, Esp(0xc0ffef03))).client, 1u);
    EXPECT_EQ(d.Classify(Udp(1026, 4500, Esp(0xc0fff003))).reason, Reason::NoClient);
}

TEST(HeadendDemux, ShortOrForeignPacketsAreMalformedNotCrashes)
{
    HeadendDemux d;
    wire::Bytes bytes(64);
    for (size_t n = 0; n < bytes.size(); ++n)
    {
        wire::ByteView b(bytes.data(), n);
        for (OuterPacket p : {OuterPacket{OuterProtocol::Tcp, kPat, kHeadend, 0, 0, b},
                              OuterPacket{OuterProtocol::Esp, kPat, kHeadend, 0, 0, b},
                              Udp(1, 500, b), Udp(1, 4500, b), Udp(1, 53, b)})
        {
            EXPECT_NE(d.Classify(p).action, Action::Client);
        }
    }
    EXPECT_EQ(d.Classify(Udp(1, 53, Ike(1, true))).reason, Reason::Malformed);
    EXPECT_STREQ(ToString(Reason::NoClient), "no-client");
}
