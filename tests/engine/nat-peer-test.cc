// A client behind a NAT, a headend that only knows the client's private address: the headend
// must answer where the client's packets come from (RFC 3947/3948), and only packets that it
// accepted (ESP that authenticates, IKE the exchange takes) may move it.
#include "model/engine/ipsec-tunnel.h"
#include "model/engine/udp-transports.h"
#include "model/wire/ipv4-datagram.h"
#include "tests/engine/ipsec-pair.h"

#include <gtest/gtest.h>

using namespace vpnsim;
using namespace vpnsim::engine;
using namespace std::chrono_literals;
using vpnsim::test::Ping;

namespace
{

constexpr uint32_t kPrivateClient = 0xc6130102; // 198.19.1.2, behind the NAT
constexpr uint32_t kNatPublic = 0xc6120101;     // 198.18.1.1, the NAT's outside address
constexpr uint32_t kHeadend = 0xc6120202;       // 198.18.2.2
constexpr uint32_t kStranger = 0xc6120909;      // 198.18.9.9, not the client

/// The NAT between client (end a) and headend (end b). It moves the client's IKE port 500 and
/// NAT-T port 4500 to other outside ports (so following the address alone is not enough), and
/// drops whatever the headend sends anywhere but to its mappings.
struct Nat
{
    void Install(test::PairedHosts& net)
    {
        net.SetDropRule(
            [this](int from, uint64_t, const OuterPacket& p)
            {
                if (from == 0)
                {
                    return false;
                }
                bool mapped
                    = p.destinationAddress == kNatPublic
                      && (p.protocol != OuterProtocol::Udp || p.destinationPort == ikeOutside
                          || p.destinationPort == nattOutside);
                misdirected += !mapped;
                return !mapped;
            });
        net.SetRewriteRule(
            [this](int from, OuterPacket& p)
            {
                bool udp = p.protocol == OuterProtocol::Udp;
                if (from == 0)
                {
                    p.sourceAddress = kNatPublic;
                    if (udp)
                    {
                        p.sourcePort = p.sourcePort == 4500 ? nattOutside : ikeOutside;
                    }
                    return;
                }
                p.destinationAddress = kPrivateClient;
                if (udp)
                {
                    p.destinationPort = p.destinationPort == nattOutside ? 4500 : 500;
                }
            });
    }

    uint16_t ikeOutside{1500};
    uint16_t nattOutside{61000};
    uint64_t misdirected{0};
};

/// Client - NAT - headend; the NAT comes first so that its mappings exist before either end
/// sends.
struct NatPair : Nat, test::Pair
{
    explicit NatPair(IpsecEncapsulation e)
        : test::Pair(EndConfig(e, kPrivateClient, kHeadend),
                     EndConfig(e, kHeadend, kPrivateClient), // all it was told; not reachable
                     [this](test::PairedHosts& path)
                     {
                         Install(path);
                     })
    {
    }

    static IpsecTunnelConfig EndConfig(IpsecEncapsulation e, uint32_t local, uint32_t remote)
    {
        IpsecTunnelConfig c;
        c.encapsulation = e;
        c.localAddress = local;
        c.remoteAddress = remote;
        return c;
    }

    const DatagramTransport& HeadendTransport() const
    {
        return dynamic_cast<const DatagramTransport&>(headend->GetTransport());
    }
};

class BehindNat : public testing::TestWithParam<IpsecEncapsulation>
{
};

} // namespace

TEST_P(BehindNat, HeadendAnswersTheClientWhereTheNatPutsIt)
{
    NatPair p(GetParam());
    p.net.RunUntil(5s);
    ASSERT_EQ(p.client->State(), TunnelState::Up);
    ASSERT_EQ(p.headend->State(), TunnelState::Up);
    test::ExchangePings(p, 10);
    EXPECT_EQ(p.net.b.delivered.size(), 10u);
    ASSERT_EQ(p.net.a.delivered.size(), 10u);
    EXPECT_EQ(p.net.a.delivered[9], Ping(110));
    EXPECT_EQ(p.misdirected, 0u);
    EXPECT_EQ(p.HeadendTransport().RemoteAddress(), kNatPublic);
    EXPECT_EQ(p.HeadendTransport().RemotePort(500), p.ikeOutside);
    if (GetParam() == IpsecEncapsulation::Natt)
    {
        EXPECT_EQ(p.HeadendTransport().RemotePort(4500), p.nattOutside);
    }
}

INSTANTIATE_TEST_SUITE_P(Encapsulations, BehindNat,
                         testing::Values(IpsecEncapsulation::Natt, IpsecEncapsulation::Esp),
                         [](const auto& info)
                         {
                             return std::string(ToString(info.param));
                         });

TEST(NatPeer, PacketsThatAreNotAcceptedDoNotMoveThePeer)
{
    NatPair p(IpsecEncapsulation::Natt);
    p.net.RunUntil(5s);
    ASSERT_EQ(p.headend->State(), TunnelState::Up);
    auto from = [](uint16_t port, const wire::Bytes& payload)
    {
        return OuterPacket{OuterProtocol::Udp, kStranger, kHeadend, port, 4500, payload};
    };
    // A NAT-keepalive, ESP with the right SPI but no valid ICV, and IKE no exchange takes.
    wire::Bytes keepalive{0xff};
    wire::Bytes forged{0xc0, 0xff, 0xee, 0x01, 0, 0, 0, 9};
    forged.resize(8 + 16 + 32 + 12, 0x5a); // SPI, seq | IV | two AES blocks | ICV
    wire::Bytes ike(40, 0);
    ike[3] = 0x01; // non-ESP marker, then an ISAKMP header with unknown cookies
    p.headend->Receive(from(4501, keepalive));
    p.headend->Receive(from(4502, forged));
    p.headend->Receive(from(4503, ike));
    EXPECT_EQ(p.headend->Counters().espAuthenticationFailed, 1u);
    EXPECT_EQ(p.HeadendTransport().RemoteAddress(), kNatPublic);
    EXPECT_EQ(p.HeadendTransport().RemotePort(4500), p.nattOutside);
    p.headend->SendInner(Ping(7));
    p.net.RunUntil(p.net.Now() + 100ms);
    ASSERT_EQ(p.net.a.delivered.size(), 1u);
    EXPECT_EQ(p.misdirected, 0u);
}

TEST(NatPeer, HeadendFollowsTheClientToANewMapping)
{
    // The NAT lost the mapping and made a new one on another port: the first authenticated
    // ESP from the new port moves the headend there (RFC 3948's peers track the NAT).
    NatPair p(IpsecEncapsulation::Natt);
    p.net.RunUntil(5s);
    ASSERT_EQ(p.headend->State(), TunnelState::Up);
    p.nattOutside = 62000;
    p.headend->SendInner(Ping(1)); // still to the old port: the NAT drops it
    p.net.RunUntil(p.net.Now() + 100ms);
    EXPECT_EQ(p.misdirected, 1u);
    p.client->SendInner(Ping(2));
    p.net.RunUntil(p.net.Now() + 100ms);
    p.headend->SendInner(Ping(3));
    p.net.RunUntil(p.net.Now() + 100ms);
    EXPECT_EQ(p.misdirected, 1u);
    ASSERT_EQ(p.net.a.delivered.size(), 1u);
    EXPECT_EQ(p.net.a.delivered[0], Ping(3));
    EXPECT_EQ(p.HeadendTransport().RemotePort(4500), 62000);
}
