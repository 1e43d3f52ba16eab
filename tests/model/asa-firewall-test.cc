// The ASA model against crafted segment sequences: for each mode, exactly what passes, what is
// queued, and when it is dropped (doc/protocols.md §ASA). The ASA sits between a
// client (outside, 198.18.1.2:40000) and a headend (inside, 198.18.2.2:10000); segments are
// real IPv4/TCP bytes from the wire library.
#include "model/asa-access-list.h"
#include "model/asa-firewall.h"
#include "model/wire/ipv4-datagram.h"
#include "model/wire/tcp-header.h"
// Single headers, not the *-module.h aggregates (not valid C++20 in ns-3 3.37).
#include "ns3/boolean.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace ns3;
namespace wire = vpnsim::wire;

namespace
{

constexpr uint32_t kClient = 0xC6120102;  // 198.18.1.2
constexpr uint32_t kHeadend = 0xC6120202; // 198.18.2.2
constexpr uint32_t kClientIsn = 1000;
constexpr uint32_t kHeadendIsn = 500000;
constexpr uint32_t kSegment = 100; ///< payload bytes per crafted data segment

/// One ASA and what came out of it.
struct Bench
{
    explicit Bench(const std::string& mode, bool adjustQueue = false,
                   const std::string& acl = "tcp any any eq 10000")
    {
        asa = CreateObject<AsaFirewall>();
        asa->SetAttribute("Mode", StringValue(mode));
        asa->SetAttribute("AdjustQueueLimitToWindow", BooleanValue(adjustQueue));
        asa->SetAttribute("BypassAcl", StringValue(acl));
        asa->SetForwardCallback(MakeCallback(&Bench::Passed, this));
    }

    ~Bench()
    {
        asa->Dispose();
        Simulator::Destroy();
    }

    void Passed(AsaSide from, Ptr<const Packet> datagram)
    {
        std::vector<uint8_t> bytes(datagram->GetSize());
        datagram->CopyData(bytes.data(), bytes.size());
        auto ip = wire::ParseIpv4Datagram(bytes);
        ASSERT_TRUE(ip);
        auto tcp = wire::ParseTcpSegmentUnchecked(ip->payload);
        if (ip->header.protocol == wire::ipproto::Tcp && from == AsaSide::Outside && tcp
            && !tcp->payload.empty())
        {
            // Which client data segment (0, 1, 2, ...) passed.
            passed.push_back((tcp->header.sequence - kClientIsn - 1) / kSegment);
        }
        ++forwarded;
    }

    void Send(AsaSide from, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t length,
              uint16_t window = 65535, uint16_t clientPort = 40000)
    {
        wire::TcpHeader h;
        bool fromClient = from == AsaSide::Outside;
        h.sourcePort = fromClient ? clientPort : 10000;
        h.destinationPort = fromClient ? 10000 : clientPort;
        h.sequence = seq;
        h.acknowledgment = ack;
        h.flags = flags;
        h.window = window;
        wire::Bytes payload(length, 0xAB);
        wire::Bytes d = wire::BuildIpv4Tcp(
            {fromClient ? kClient : kHeadend, fromClient ? kHeadend : kClient, 1}, h, payload);
        asa->Receive(from, Create<Packet>(d.data(), d.size()));
    }

    void Handshake()
    {
        Send(AsaSide::Outside, wire::tcpflag::Syn, kClientIsn, 0, 0);
        Send(AsaSide::Inside, wire::tcpflag::Syn | wire::tcpflag::Ack, kHeadendIsn, kClientIsn + 1,
             0);
        Send(AsaSide::Outside, wire::tcpflag::Ack, kClientIsn + 1, kHeadendIsn + 1, 0);
    }

    /// Client data segment number `n` (seq = isn + 1 + n * 100), as cTCP sends it.
    void Data(uint32_t n)
    {
        Send(AsaSide::Outside, wire::tcpflag::Ack | wire::tcpflag::Psh,
             kClientIsn + 1 + n * kSegment, kHeadendIsn + 1, kSegment);
    }

    /// Client data segment `n` at simulated time `t`.
    void DataAt(double t, uint32_t n)
    {
        Simulator::Schedule(Seconds(t), &Bench::Data, this, n);
    }

    /// Runs the simulation up to absolute time `until`.
    void Run(double until)
    {
        Simulator::Stop(Seconds(until) - Simulator::Now());
        Simulator::Run();
    }

    Ptr<AsaFirewall> asa;
    std::vector<uint32_t> passed;
    uint32_t forwarded{0};
};

using Seq = std::vector<uint32_t>;

class EveryFilterMode : public testing::TestWithParam<std::string>
{
};

TEST_P(EveryFilterMode, InOrderSegmentsAllPassAndNothingIsQueued)
{
    Bench b(GetParam());
    b.Handshake();
    for (uint32_t n = 0; n < 5; ++n)
    {
        b.Data(n);
    }
    EXPECT_EQ(b.passed, (Seq{0, 1, 2, 3, 4}));
    EXPECT_EQ(b.forwarded, 8u);
    EXPECT_EQ(b.asa->GetCounters().segmentsQueued, 0u);
    EXPECT_EQ(b.asa->GetTotalDrops(), 0u);
    EXPECT_EQ(b.asa->GetConnectionCount(), 1u);
}

TEST_P(EveryFilterMode, ADuplicateSegmentPasses)
{
    // No check-retransmission by default (doc/protocols.md §ASA normalizer): a copy of data already
    // seen passes.
    Bench b(GetParam());
    b.Handshake();
    b.Data(0);
    b.Data(0);
    b.Data(1);
    EXPECT_EQ(b.passed, (Seq{0, 0, 1}));
    EXPECT_EQ(b.asa->GetTotalDrops(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Modes, EveryFilterMode,
                         testing::Values("stateful", "normalizer", "ips-strict", "bypass"));

TEST(AsaGapNeverFilled, StatefulPassesEverythingAfterTheGap)
{
    Bench b("stateful");
    b.Handshake();
    for (uint32_t n : {0, 2, 3, 4, 5, 6, 7})
    {
        b.Data(n);
    }
    b.Run(60);
    EXPECT_EQ(b.passed, (Seq{0, 2, 3, 4, 5, 6, 7}));
    EXPECT_EQ(b.asa->GetTotalDrops(), 0u);
}

TEST(AsaGapNeverFilled, BypassPassesEverythingAfterTheGap)
{
    Bench b("bypass");
    b.Handshake();
    for (uint32_t n : {0, 2, 3, 4, 5, 6, 7})
    {
        b.Data(n);
    }
    b.Run(60);
    EXPECT_EQ(b.passed, (Seq{0, 2, 3, 4, 5, 6, 7}));
}

TEST(AsaGapNeverFilled, NormalizerQueuesThreeDropsTheRestAndTimesTheQueueOut)
{
    Bench b("normalizer");
    b.Handshake();
    b.DataAt(1.0, 0);
    // Segment 1 is lost upstream. 2, 3, 4 fill the queue (limit 3); 5 finds it full.
    b.DataAt(1.1, 2);
    b.DataAt(1.2, 3);
    b.DataAt(1.3, 4);
    b.DataAt(1.4, 5);
    // After the 4 s timeout the queue is empty again; the next one is queued and times out.
    b.DataAt(6.0, 6);
    b.Run(4.0);
    EXPECT_EQ(b.passed, (Seq{0}));
    EXPECT_EQ(b.asa->GetCounters().segmentsQueued, 3u);
    EXPECT_EQ(b.asa->GetDrops("tcp-buffer-full"), 1u);
    EXPECT_EQ(b.asa->GetDrops("tcp-buffer-timeout"), 0u);
    EXPECT_EQ(b.asa->GetCounters().bytesHeld, 3u * (40 + kSegment));
    b.Run(5.4); // queued at 1.1, 1.2, 1.3: each times out 4 s later on its own timer
    EXPECT_EQ(b.asa->GetDrops("tcp-buffer-timeout"), 3u);
    EXPECT_EQ(b.asa->GetCounters().bytesHeld, 0u);
    b.Run(60);
    EXPECT_EQ(b.passed, (Seq{0})) << "the direction stays blocked behind the hole";
    EXPECT_EQ(b.asa->GetDrops("tcp-buffer-timeout"), 4u);
    EXPECT_EQ(b.asa->GetPeakBytesHeld(), 3u * (40 + kSegment));
}

TEST(AsaGapNeverFilled, IpsStrictPassesNothingAfterTheMissedSegment)
{
    Bench b("ips-strict");
    b.Handshake();
    for (uint32_t n : {0, 2, 3, 4, 5})
    {
        b.Data(n);
    }
    b.Run(60);
    EXPECT_EQ(b.passed, (Seq{0}));
    EXPECT_EQ(b.asa->GetDrops("ips-missed-segment"), 4u);
    EXPECT_EQ(b.asa->GetCounters().segmentsQueued, 0u);
}

TEST(AsaGapFilledLate, NormalizerReleasesTheQueueInOrderWithinTheTimeout)
{
    Bench b("normalizer");
    b.Handshake();
    b.DataAt(1.0, 0);
    b.DataAt(1.1, 2);
    b.DataAt(1.2, 3);
    b.DataAt(2.0, 1); // the retransmission a real TCP would send
    b.Run(60);
    EXPECT_EQ(b.passed, (Seq{0, 1, 2, 3}));
    EXPECT_EQ(b.asa->GetTotalDrops(), 0u);
    EXPECT_EQ(b.asa->GetCounters().bytesHeld, 0u);
}

TEST(AsaGapFilledLate, NormalizerHasDroppedTheQueueWhenTheHoleFillsAfterTheTimeout)
{
    Bench b("normalizer");
    b.Handshake();
    b.DataAt(1.0, 0);
    b.DataAt(1.1, 2);
    b.DataAt(1.2, 3);
    b.DataAt(6.0, 1);
    b.DataAt(6.1, 2); // retransmitted again by a real sender: now in order
    b.Run(60);
    EXPECT_EQ(b.passed, (Seq{0, 1, 2}));
    EXPECT_EQ(b.asa->GetDrops("tcp-buffer-timeout"), 2u);
}

TEST(AsaGapFilledLate, IpsStrictAcceptsTheMissingSegmentButNotWhatItDroppedMeanwhile)
{
    Bench b("ips-strict");
    b.Handshake();
    b.Data(0);
    b.Data(2);
    b.Data(1);
    b.Data(3); // 2 was dropped, so 3 is out of order again
    b.Data(2);
    b.Data(3);
    EXPECT_EQ(b.passed, (Seq{0, 1, 2, 3}));
    EXPECT_EQ(b.asa->GetDrops("ips-missed-segment"), 2u);
}

TEST(AsaGapFilledLate, StatefulPassesTheLateSegmentToo)
{
    Bench b("stateful");
    b.Handshake();
    b.Data(0);
    b.Data(2);
    b.Data(1);
    EXPECT_EQ(b.passed, (Seq{0, 2, 1}));
}

class FilterModesWithWindowChecks : public testing::TestWithParam<std::string>
{
};

TEST_P(FilterModesWithWindowChecks, SegmentPastTheReceiversWindowIsDropped)
{
    Bench b(GetParam());
    b.Handshake();
    b.Data(0);
    // The headend acknowledged segment 0 and advertises 1000 bytes: the window ends at 1101.
    b.Send(AsaSide::Inside, wire::tcpflag::Ack | wire::tcpflag::Psh, kHeadendIsn + 1,
           kClientIsn + 1 + kSegment, 50, 1000);
    b.Data(9);  // seq 1901: inside the window? no: 1001 + 100 + 1000 = 2101 > 1901, passes
    b.Data(11); // seq 2101: at the right edge, past the window
    EXPECT_EQ(b.asa->GetDrops("tcp-seq-past-win"), 1u);
}

TEST_P(FilterModesWithWindowChecks, AckForDataNeverSentIsDropped)
{
    Bench b(GetParam());
    b.Handshake();
    b.Send(AsaSide::Outside, wire::tcpflag::Ack | wire::tcpflag::Psh, kClientIsn + 1,
           kHeadendIsn + 1 + 5000, kSegment);
    EXPECT_TRUE(b.passed.empty());
    EXPECT_EQ(b.asa->GetDrops("tcp-invalid-ack"), 1u);
}

TEST_P(FilterModesWithWindowChecks, SynAckThatDoesNotAcknowledgeTheSynIsDropped)
{
    Bench b(GetParam());
    b.Send(AsaSide::Outside, wire::tcpflag::Syn, kClientIsn, 0, 0);
    b.Send(AsaSide::Inside, wire::tcpflag::Syn | wire::tcpflag::Ack, kHeadendIsn, kClientIsn + 7,
           0);
    EXPECT_EQ(b.asa->GetDrops("tcp-invalid-ack"), 1u);
}

TEST_P(FilterModesWithWindowChecks, DataWithoutAConnectionIsNotSyn)
{
    Bench b(GetParam());
    b.Data(0);
    EXPECT_TRUE(b.passed.empty());
    EXPECT_EQ(b.asa->GetDrops("tcp-not-syn"), 1u);
    EXPECT_EQ(b.asa->GetConnectionCount(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Modes, FilterModesWithWindowChecks,
                         testing::Values("stateful", "normalizer", "ips-strict"));

TEST(AsaBypass, NoStateChecksForMatchingFlows)
{
    Bench b("bypass");
    b.Data(0); // no SYN ever seen
    b.Send(AsaSide::Outside, wire::tcpflag::Ack | wire::tcpflag::Psh, kClientIsn + 1,
           kHeadendIsn + 1 + 5000, kSegment); // an ACK for data never sent
    b.Data(900);                              // far past any window
    EXPECT_EQ(b.passed, (Seq{0, 0, 900}));
    EXPECT_EQ(b.asa->GetTotalDrops(), 0u);
}

TEST(AsaBypass, FlowsOutsideTheAccessListKeepTheNormalizer)
{
    Bench b("bypass", false, "tcp any host 198.18.2.2 eq 443");
    b.Handshake();
    b.Data(0);
    b.Data(2);
    EXPECT_EQ(b.passed, (Seq{0}));
    EXPECT_EQ(b.asa->GetCounters().segmentsQueued, 1u);
}

TEST(AsaQueueLimit, AdjustedToTheAdvertisedWindow)
{
    // 65535-byte window / 1380-byte ASA MSS: 47 segments may wait, not 3.
    Bench b("normalizer", true);
    b.Handshake();
    b.Data(0);
    for (uint32_t n = 2; n < 12; ++n)
    {
        b.Data(n);
    }
    EXPECT_EQ(b.asa->GetCounters().segmentsQueued, 10u);
    EXPECT_EQ(b.asa->GetDrops("tcp-buffer-full"), 0u);
}

TEST(AsaIdleTimeouts, EmbryonicConnectionGoesAfter30Seconds)
{
    Bench b("stateful");
    b.Send(AsaSide::Outside, wire::tcpflag::Syn, kClientIsn, 0, 0);
    b.Run(29);
    EXPECT_EQ(b.asa->GetConnectionCount(), 1u);
    b.Run(31);
    EXPECT_EQ(b.asa->GetConnectionCount(), 0u);
}

TEST(AsaIdleTimeouts, IdleConnectionGoesAfterAnHourAndItsSegmentsAreThenNotSyn)
{
    Bench b("stateful");
    b.Handshake();
    b.DataAt(1800, 0); // activity resets the idle timer
    b.Run(1800 + 3599);
    EXPECT_EQ(b.asa->GetConnectionCount(), 1u);
    b.Run(1800 + 3601);
    EXPECT_EQ(b.asa->GetConnectionCount(), 0u);
    b.Data(1);
    EXPECT_EQ(b.asa->GetDrops("tcp-not-syn"), 1u);
}

TEST(AsaIdleTimeouts, HalfClosedConnectionGoesAfterTenMinutes)
{
    Bench b("stateful");
    b.Handshake();
    b.Send(AsaSide::Outside, wire::tcpflag::Fin | wire::tcpflag::Ack, kClientIsn + 1,
           kHeadendIsn + 1, 0);
    b.Run(599);
    EXPECT_EQ(b.asa->GetConnectionCount(), 1u);
    b.Run(601); // timeout half-closed (10 min), long before timeout conn (1 h)
    EXPECT_EQ(b.asa->GetConnectionCount(), 0u);
}

TEST(AsaIdleTimeouts, UdpConnectionGoesAfterTwoMinutes)
{
    Bench b("normalizer");
    wire::Bytes d = wire::BuildIpv4Udp({kClient, kHeadend, 1}, 4500, 4500, wire::Bytes{0xFF},
                                       wire::UdpChecksum::Zero);
    b.asa->Receive(AsaSide::Outside, Create<Packet>(d.data(), d.size()));
    EXPECT_EQ(b.forwarded, 1u);
    b.Run(119);
    EXPECT_EQ(b.asa->GetConnectionCount(), 1u);
    b.Run(121);
    EXPECT_EQ(b.asa->GetConnectionCount(), 0u);
}

TEST(AsaAccessList, ParsesCiscoStyleLines)
{
    auto e = ParseAsaAccessListEntry("tcp any host 198.18.2.2 eq 10000");
    ASSERT_TRUE(e) << e.GetError().detail;
    EXPECT_TRUE(e->Matches(6, kClient, 40000, kHeadend, 10000));
    EXPECT_FALSE(e->Matches(6, kClient, 40000, kHeadend, 443));
    EXPECT_FALSE(e->Matches(17, kClient, 40000, kHeadend, 10000));
    EXPECT_FALSE(e->Matches(6, kClient, 40000, kHeadend + 1, 10000));
    auto net = ParseAsaAccessListEntry("ip 198.18.1.0 255.255.255.0 198.18.2.0/24");
    ASSERT_TRUE(net);
    EXPECT_TRUE(net->Matches(50, kClient, 0, kHeadend, 0));
    EXPECT_FALSE(net->Matches(50, kHeadend, 0, kClient, 0));
    auto range = ParseAsaAccessListEntry("udp any range 500 4500 any");
    ASSERT_TRUE(range);
    EXPECT_TRUE(range->Matches(17, kClient, 4500, kHeadend, 1));
    EXPECT_FALSE(range->Matches(17, kClient, 4501, kHeadend, 1));
}

TEST(AsaAccessList, ErrorsNameTheOffendingToken)
{
    for (const auto& [line, token] : std::vector<std::pair<std::string, std::string>>{
             {"icmp any any", "'icmp'"},
             {"tcp any host 198.18.2.300 eq 10000", "'198.18.2.300'"},
             {"tcp any any eq 70000", "'70000'"},
             {"tcp any 198.18.2.0/33", "'198.18.2.0/33'"},
             {"ip any any eq 10", "only allowed with tcp or udp"},
             {"tcp any any eq 10 extra", "'extra'"},
             {"tcp any", "'<end>'"}})
    {
        auto e = ParseAsaAccessListEntry(line);
        ASSERT_FALSE(e) << line;
        EXPECT_NE(e.GetError().detail.find(token), std::string::npos)
            << line << " -> " << e.GetError().detail;
    }
}

} // namespace

TEST(AsaModes, TheModeAttributeSelectsOnePartPerModeAndReadsBackItsName)
{
    for (const std::string mode : {"stateful", "normalizer", "ips-strict", "proxy", "bypass"})
    {
        Ptr<AsaFirewall> asa = CreateObject<AsaFirewall>();
        asa->SetAttribute("Mode", StringValue(mode));
        EXPECT_EQ(asa->GetModeName(), mode);
        StringValue readBack;
        asa->GetAttribute("Mode", readBack);
        EXPECT_EQ(readBack.Get(), mode);
    }
    EXPECT_EQ(CreateObject<AsaFirewall>()->GetModeName(), "normalizer"); // the default
}
