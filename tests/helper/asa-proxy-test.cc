// The ASA as a full TCP proxy against crafted segment sequences, on a real ns-3 path
// (client 198.18.1.1 - ASA - server 198.18.2.2): the client side sends hand-made segments
// through a raw socket (its own TCP kept quiet), the server side answers the proxy's handshake
// by hand and records every segment the proxy forwards. Asserts what passes, what the proxy
// holds, and what it acknowledges (doc/protocols.md §ASA proxy).
#include "model/asa-firewall.h"
#include "model/wire/ipv4-datagram.h"
#include "model/wire/tcp-header.h"
#include "tests/support/three-node-line.h"
// Single headers, not the *-module.h aggregates (not valid C++20 in ns-3 3.37).
#include "ns3/boolean.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-end-point.h"
#include "ns3/ipv4-raw-socket-factory.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>
#include <vector>

using namespace ns3;
namespace wire = vpnsim::wire;
namespace flag = vpnsim::wire::tcpflag;

namespace
{

constexpr uint16_t kClientPort = 40000;
constexpr uint16_t kServerPort = 10000;
constexpr uint32_t kClientIsn = 1000;
constexpr uint32_t kServerIsn = 70000;
constexpr uint32_t kSegment = 100;

void
Ignore(Ptr<Packet>, Ipv4Header, uint16_t, Ptr<Ipv4Interface>)
{
}

/// A segment as one end saw it.
struct Seen
{
    uint8_t flags;
    uint32_t seq;
    uint32_t ack;
    wire::Bytes payload;
};

/// One end of the path that speaks TCP by hand through a raw socket.
struct HandEnd
{
    HandEnd(Ptr<Node> node, Ipv4Address local, uint16_t port)
        : local(local)
    {
        // Keep the node's own TCP from resetting what it does not know.
        guard = node->GetObject<TcpL4Protocol>()->Allocate(nullptr, local, port);
        guard->SetRxCallback(MakeCallback(&Ignore));
        raw = Socket::CreateSocket(node, Ipv4RawSocketFactory::GetTypeId());
        raw->SetAttribute("Protocol", UintegerValue(6));
        raw->Bind(InetSocketAddress(local, 0));
        raw->SetRecvCallback(MakeCallback(&HandEnd::Receive, this));
    }

    void Send(Ipv4Address to, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq,
              uint32_t ack, const wire::Bytes& payload = {})
    {
        wire::TcpHeader h;
        h.sourcePort = sport;
        h.destinationPort = dport;
        h.sequence = seq;
        h.acknowledgment = ack;
        h.flags = flags;
        h.window = 65535;
        wire::Bytes segment = wire::BuildTcpSegment(h, payload, local.Get(), to.Get());
        raw->SendTo(Create<Packet>(segment.data(), segment.size()), 0, InetSocketAddress(to, 0));
    }

    void Receive(Ptr<Socket> socket)
    {
        while (Ptr<Packet> p = socket->Recv())
        {
            wire::Bytes bytes(p->GetSize());
            p->CopyData(bytes.data(), bytes.size());
            auto ip = wire::ParseIpv4Datagram(bytes);
            auto tcp = ip ? wire::ParseTcpSegmentUnchecked(ip->payload)
                          : wire::Result<wire::TcpSegment>::Fail(wire::ErrorCode::Truncated, "");
            if (tcp)
            {
                seen.push_back({tcp->header.flags, tcp->header.sequence, tcp->header.acknowledgment,
                                wire::Bytes(tcp->payload.begin(), tcp->payload.end())});
                if (onSegment)
                {
                    onSegment(seen.back());
                }
            }
        }
    }

    Ipv4Address local;
    Ipv4EndPoint* guard{nullptr};
    Ptr<Socket> raw;
    std::vector<Seen> seen;
    std::function<void(const Seen&)> onSegment;
};

wire::Bytes
Payload(uint32_t n)
{
    return wire::Bytes(kSegment, static_cast<uint8_t>(n));
}

/// The proxied path, the hand-made ends, and a server that completes the proxy's handshake and
/// acknowledges whatever arrives in order.
struct ProxyBench : test::ThreeNodeLine
{
    explicit ProxyBench(bool resegment = false)
        : ThreeNodeLine("10Mbps", "1ms")
        , client(nodes.Get(0), leftInterfaces.GetAddress(0), kClientPort)
        , server(nodes.Get(2), rightInterfaces.GetAddress(1), kServerPort)
    {
        asa = CreateObject<AsaFirewall>();
        asa->SetAttribute("Mode", StringValue("proxy"));
        asa->SetAttribute("ProxyResegment", BooleanValue(resegment));
        asa->Install(left.Get(1), right.Get(0));
        server.onSegment = [this](const Seen& s)
        {
            Answer(s);
        };
    }

    ~ProxyBench()
    {
        Simulator::Destroy();
    }

    void Answer(const Seen& s)
    {
        Ipv4Address proxySide = leftInterfaces.GetAddress(0); // the proxy speaks as the client
        if ((s.flags & flag::Syn) && !(s.flags & flag::Ack))
        {
            serverNext = s.seq + 1;
            server.Send(proxySide, kServerPort, kClientPort, flag::Syn | flag::Ack, kServerIsn,
                        serverNext);
        }
        else if (!s.payload.empty() && s.seq == serverNext)
        {
            serverNext += static_cast<uint32_t>(s.payload.size());
            forwarded.push_back(s.payload);
            server.Send(proxySide, kServerPort, kClientPort, flag::Ack, kServerIsn + 1, serverNext);
        }
    }

    void ClientSends(uint8_t flags, uint32_t seq, uint32_t ack, const wire::Bytes& payload = {})
    {
        client.Send(rightInterfaces.GetAddress(1), kClientPort, kServerPort, flags, seq, ack,
                    payload);
    }

    /// Client data segment `n` at `t` seconds.
    void DataAt(double t, uint32_t n)
    {
        Simulator::Schedule(Seconds(t),
                            [this, n]()
                            {
                                ClientSends(flag::Ack | flag::Psh, kClientIsn + 1 + n * kSegment,
                                            proxyIsn + 1, Payload(n));
                            });
    }

    void Handshake()
    {
        // From inside the simulation: the nodes' traffic control starts with it.
        Simulator::Schedule(Seconds(0.01),
                            [this]()
                            {
                                ClientSends(flag::Syn, kClientIsn, 0);
                            });
        Run(0.1);
        ASSERT_FALSE(client.seen.empty());
        ASSERT_EQ(client.seen[0].flags & (flag::Syn | flag::Ack), flag::Syn | flag::Ack);
        EXPECT_EQ(client.seen[0].ack, kClientIsn + 1);
        proxyIsn = client.seen[0].seq;
        Simulator::Schedule(Seconds(0.01),
                            [this]()
                            {
                                ClientSends(flag::Ack, kClientIsn + 1, proxyIsn + 1);
                            });
        Run(0.2);
    }

    void Run(double until)
    {
        Simulator::Stop(Seconds(until) - Simulator::Now());
        Simulator::Run();
    }

    /// Acknowledgments the proxy sent the client that did not move forward (duplicates).
    uint32_t DuplicateAcksTo(uint32_t ack) const
    {
        uint32_t n = 0;
        for (const auto& s : client.seen)
        {
            n += s.payload.empty() && !(s.flags & flag::Syn) && s.ack == ack;
        }
        return n;
    }

    HandEnd client;
    HandEnd server;
    Ptr<AsaFirewall> asa;
    uint32_t proxyIsn{0};
    uint32_t serverNext{0};
    std::vector<wire::Bytes> forwarded; ///< payloads the server got in order, one per segment
};

TEST(AsaProxyCrafted, InOrderSegmentsPassOneForOne)
{
    ProxyBench b;
    b.Handshake();
    for (uint32_t n = 0; n < 3; ++n)
    {
        b.DataAt(0.3 + 0.1 * n, n);
    }
    b.Run(2);
    ASSERT_EQ(b.forwarded.size(), 3u) << "each in-order segment is forwarded as one segment";
    for (uint32_t n = 0; n < 3; ++n)
    {
        EXPECT_EQ(b.forwarded[n], Payload(n));
    }
    EXPECT_EQ(b.asa->GetPeakBytesHeld(), 0u);
}

TEST(AsaProxyCrafted, AGapNeverFilledHoldsEverythingBehindItAndDuplicateAcksTheHole)
{
    ProxyBench b;
    b.Handshake();
    b.DataAt(0.3, 0);
    for (uint32_t n = 2; n < 6; ++n) // segment 1 never comes
    {
        b.DataAt(0.4 + 0.1 * n, n);
    }
    b.Run(60);
    ASSERT_EQ(b.forwarded.size(), 1u);
    EXPECT_EQ(b.forwarded[0], Payload(0));
    // The proxy ACKs on the server's behalf: every out-of-order segment gets a duplicate ACK
    // for the hole, which a real TCP would answer with a retransmission and cTCP ignores.
    EXPECT_GE(b.DuplicateAcksTo(kClientIsn + 1 + kSegment), 4u);
    EXPECT_EQ(b.asa->GetPeakBytesHeld(), 4u * kSegment);
}

TEST(AsaProxyCrafted, AGapFilledLateReleasesTheHeldBytesInOrder)
{
    ProxyBench b;
    b.Handshake();
    b.DataAt(0.3, 0);
    b.DataAt(0.4, 2);
    b.DataAt(0.5, 3);
    b.DataAt(5.0, 1); // late, as a real TCP's retransmission would be
    b.Run(10);
    wire::Bytes all;
    for (const auto& f : b.forwarded)
    {
        all.insert(all.end(), f.begin(), f.end());
    }
    wire::Bytes expected;
    for (uint32_t n = 0; n < 4; ++n)
    {
        auto p = Payload(n);
        expected.insert(expected.end(), p.begin(), p.end());
    }
    EXPECT_EQ(all, expected);
    // What was held behind the hole goes on as one chunk: the segment boundaries are the
    // proxy's now (harmless for a byte stream, fatal for cTCP framing).
    EXPECT_EQ(b.forwarded.size(), 2u);
    EXPECT_EQ(b.asa->GetCounters().bytesHeld, 0u);
}

TEST(AsaProxyCrafted, ADuplicateSegmentIsAcknowledgedButNotForwardedAgain)
{
    ProxyBench b;
    b.Handshake();
    b.DataAt(0.3, 0);
    b.DataAt(0.4, 1);
    b.DataAt(0.5, 0);
    b.Run(2);
    ASSERT_EQ(b.forwarded.size(), 2u);
    EXPECT_EQ(b.forwarded[1], Payload(1));
}

TEST(AsaProxyCrafted, ASegmentPastTheWindowIsDiscarded)
{
    ProxyBench b;
    b.Handshake();
    b.DataAt(0.3, 0);
    b.DataAt(0.4, 5000); // 500 kB ahead: far past the proxy's receive window
    b.DataAt(0.5, 1);
    b.Run(2);
    ASSERT_EQ(b.forwarded.size(), 2u);
    EXPECT_EQ(b.forwarded[1], Payload(1));
    EXPECT_EQ(b.asa->GetPeakBytesHeld(), 0u) << "nothing beyond the window is kept";
}

/// Sizes of what the server received, one per segment.
std::vector<size_t>
SegmentSizes(const ProxyBench& b)
{
    std::vector<size_t> sizes;
    for (const auto& f : b.forwarded)
    {
        sizes.push_back(f.size());
    }
    return sizes;
}

TEST(AsaProxyCrafted, AByteStreamRelayRecutsSegmentsWithoutAnyLoss)
{
    // What re-segmentation does to cTCP's one-packet-per-segment framing, with no loss at all:
    // a 1396-byte segment (a 1300-byte inner packet in cTCP with AES-CBC) and, 1 ms apart,
    // three small ones. Kept whole, the server sees exactly those segments. As a byte stream
    // (segments cut at 1380 bytes, Nagle on), the large one arrives cut in two and small ones
    // arrive joined: either way a cTCP receiver finds no trailer where it expects one.
    for (bool resegment : {false, true})
    {
        ProxyBench b(resegment);
        b.Handshake();
        uint32_t seq = kClientIsn + 1;
        double t = 0.3;
        for (uint32_t size : {1396u, 100u, 100u, 100u})
        {
            t += 0.001;
            Simulator::Schedule(Seconds(t),
                                [&b, seq, size]()
                                {
                                    b.ClientSends(flag::Ack | flag::Psh, seq, b.proxyIsn + 1,
                                                  wire::Bytes(size, static_cast<uint8_t>(size)));
                                });
            seq += size;
        }
        b.Run(2);
        size_t total = 0;
        for (size_t s : SegmentSizes(b))
        {
            total += s;
        }
        EXPECT_EQ(total, 1696u) << "every byte arrives, in order";
        if (!resegment)
        {
            EXPECT_EQ(SegmentSizes(b), (std::vector<size_t>{1396, 100, 100, 100}));
        }
        else
        {
            ASSERT_FALSE(b.forwarded.empty());
            EXPECT_EQ(b.forwarded[0].size(), 1380u) << "cut at the relay's segment size";
            EXPECT_LT(b.forwarded.size(), 5u) << "small segments joined behind unacknowledged data";
            EXPECT_NE(SegmentSizes(b), (std::vector<size_t>{1396, 100, 100, 100}));
        }
    }
}

} // namespace
