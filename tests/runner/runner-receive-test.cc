/*
 * The runner's receive path without sockets: two RunnerEndpoints (client and headend) joined by
 * in-memory queues stand in for the kernel, so the bytes each one hands the other are exactly
 * what its sockets would carry. Once the tunnel is up, crafted packets are thrown at the
 * headend: garbage, every truncation of a real packet, other flows' packets, a replayed ESP
 * packet and one with a corrupted ICV. Each must be dropped and counted, the runner must not
 * crash, and the tunnel must still carry traffic afterwards.
 */
#include "experiments/runner/posix-host.h"
#include "experiments/runner/probe.h"
#include "experiments/runner/runner-endpoint.h"
#include "model/engine/run-record.h"
#include "model/wire/esp-in-udp.h"
#include "model/wire/ipv4-datagram.h"

#include <deque>
#include <gtest/gtest.h>
#include <random>

namespace vpnsim
{
namespace runner
{
namespace
{

constexpr uint32_t kClient = 0xc6120102;  // 198.18.1.2
constexpr uint32_t kHeadend = 0xc6120202; // 198.18.2.2

/// One packet in flight between the two endpoints.
struct InFlight
{
    bool raw{true};
    wire::Bytes bytes; ///< the whole IPv4 datagram (raw) or the UDP payload
    uint32_t source{0};
    uint16_t sourcePort{0};
    uint16_t destinationPort{0};
};

/// The kernel, as far as one endpoint can tell: what it sends lands in the peer's queue.
class QueueWire : public RunnerWire
{
  public:
    QueueWire(uint32_t local, std::deque<InFlight>& toPeer)
        : m_local(local)
        , m_toPeer(toPeer)
    {
    }

    bool SendRaw(wire::ByteView d, uint32_t) override
    {
        sent.push_back(InFlight{true, wire::Bytes(d.begin(), d.end()), m_local, 0, 0});
        m_toPeer.push_back(sent.back());
        return true;
    }

    bool SendUdp(uint16_t sp, uint32_t, uint16_t dp, wire::ByteView p) override
    {
        sent.push_back(InFlight{false, wire::Bytes(p.begin(), p.end()), m_local, sp, dp});
        m_toPeer.push_back(sent.back());
        return true;
    }

    void SendStream(engine::TunnelId, wire::ByteView) override {}

    bool WriteTun(wire::ByteView p) override
    {
        tun.emplace_back(p.begin(), p.end());
        return true;
    }

    std::vector<InFlight> sent;
    std::vector<wire::Bytes> tun;

  private:
    uint32_t m_local;
    std::deque<InFlight>& m_toPeer;
};

void
Deliver(RunnerEndpoint& to, const InFlight& p)
{
    if (p.raw)
    {
        to.ReceiveRaw(p.bytes);
    }
    else
    {
        to.ReceiveUdp(p.source, p.sourcePort, p.destinationPort, p.bytes);
    }
}

RunnerConfig
Config(Role role, const std::string& encap)
{
    std::vector<std::string> args{"--role",      role == Role::Client ? "client" : "headend",
                                  "--encap",     encap,
                                  "--local",     role == Role::Client ? "198.18.1.2" : "198.18.2.2",
                                  "--remote",    role == Role::Client ? "198.18.2.2" : "198.18.1.2",
                                  "--transform", "aes-gcm-128"};
    if (role == Role::Headend)
    {
        args.push_back("--echo");
    }
    auto r = ParseRunnerArgs(args);
    return std::get<RunnerConfig>(r);
}

class RunnerReceive : public ::testing::TestWithParam<std::string>
{
  protected:
    RunnerReceive()
        : clientHost(7)
        , headendHost(8)
        , clientWire(kClient, toHeadend)
        , headendWire(kHeadend, toClient)
        , client(Config(Role::Client, GetParam()), clientHost, clientWire)
        , headend(Config(Role::Headend, GetParam()), headendHost, headendWire)
    {
    }

    /// Moves everything in flight and fires due timers until both queues are empty.
    void Pump()
    {
        for (int turn = 0; turn < 10000 && (!toHeadend.empty() || !toClient.empty()); ++turn)
        {
            while (!toHeadend.empty())
            {
                InFlight p = std::move(toHeadend.front());
                toHeadend.pop_front();
                Deliver(headend, p);
            }
            while (!toClient.empty())
            {
                InFlight p = std::move(toClient.front());
                toClient.pop_front();
                Deliver(client, p);
            }
            clientHost.RunDueTimers();
            headendHost.RunDueTimers();
        }
    }

    /// Sends one probe from the client's TUN side; returns the datagrams the client sent for it.
    std::vector<InFlight> SendProbe(uint64_t sequence)
    {
        size_t before = clientWire.sent.size();
        wire::Bytes probe = BuildProbe(0xc6130001, 0xc6130002, sequence, 0, 200, 1);
        client.ReceiveTun(probe);
        std::vector<InFlight> sent(clientWire.sent.begin() + static_cast<long>(before),
                                   clientWire.sent.end());
        Pump();
        return sent;
    }

    /// A copy of `p` whose last ESP byte (inside the ICV) is flipped, with every outer checksum
    /// made good again, so that only ESP authentication can catch it.
    InFlight CorruptIcv(const InFlight& p)
    {
        InFlight q = p;
        if (!q.raw)
        {
            q.bytes.back() ^= 0x01; // NAT-T: the UDP payload ends with the ICV
            return q;
        }
        auto d = wire::ParseIpv4Datagram(p.bytes);
        EXPECT_TRUE(d.Ok());
        wire::Ipv4Addressing a{d->header.source, d->header.destination, 77};
        if (d->header.protocol == wire::ipproto::Esp)
        {
            wire::Bytes esp(d->payload.begin(), d->payload.end());
            esp.back() ^= 0x01;
            q.bytes = wire::BuildIpv4Datagram(a, wire::ipproto::Esp, esp);
            return q;
        }
        // cTCP: the ICV sits just before the 16-byte trailer; rebuild the segment's checksum.
        auto s = wire::ParseTcpSegment(d->payload, d->header.source, d->header.destination);
        EXPECT_TRUE(s.Ok());
        wire::Bytes payload(s->payload.begin(), s->payload.end());
        payload[payload.size() - 17] ^= 0x01;
        q.bytes = wire::BuildIpv4Tcp(a, s->header, payload);
        return q;
    }

    std::deque<InFlight> toHeadend;
    std::deque<InFlight> toClient;
    PosixHost clientHost;
    PosixHost headendHost;
    QueueWire clientWire;
    QueueWire headendWire;
    RunnerEndpoint client;
    RunnerEndpoint headend;
};

TEST_P(RunnerReceive, HostileInputIsCountedNeverFatal)
{
    ASSERT_FALSE(client.Validate().has_value());
    client.Start();
    headend.Start();
    Pump();
    ASSERT_TRUE(client.IsUp()) << client.StatusLine();
    ASSERT_TRUE(headend.IsUp()) << headend.StatusLine();

    std::vector<InFlight> first = SendProbe(0);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(headend.Counters().probesReceived, 1u);
    EXPECT_EQ(client.Counters().echoesReceived, 1u);

    const engine::IpsecTunnelCounters& esp = headend.Ipsec()->Counters();
    // A replay of the packet the headend has already taken.
    Deliver(headend, first[0]);
    EXPECT_EQ(esp.espReplayed, 1u);
    EXPECT_EQ(headend.Counters().probesReceived, 1u);
    // A new packet with a corrupted ICV (the anti-replay check comes first, RFC 4303 3.4.3, so
    // only a sequence number not seen yet reaches the ICV check), then the real one.
    client.ReceiveTun(BuildProbe(0xc6130001, 0xc6130002, 1, 0, 200, 1));
    ASSERT_EQ(toHeadend.size(), 1u);
    InFlight fresh = toHeadend.front();
    toHeadend.clear();
    Deliver(headend, CorruptIcv(fresh));
    EXPECT_EQ(esp.espAuthenticationFailed, 1u);
    EXPECT_EQ(headend.Counters().probesReceived, 1u);
    Deliver(headend, fresh);
    EXPECT_EQ(headend.Counters().probesReceived, 2u);
    Pump();

    // Every truncation of a real packet.
    for (size_t n = 0; n < first[0].bytes.size(); ++n)
    {
        InFlight cut = first[0];
        cut.bytes.resize(n);
        Deliver(headend, cut);
    }
    // Garbage of every small size on every entry point.
    std::mt19937 random(1);
    for (int i = 0; i < 2000; ++i)
    {
        wire::Bytes junk(random() % 120);
        for (auto& b : junk)
        {
            b = static_cast<uint8_t>(random());
        }
        if (i % 3 == 0 && !junk.empty())
        {
            junk[0] = 0x45; // look like IPv4 to get past the first check
        }
        headend.ReceiveRaw(junk);
        headend.ReceiveUdp(kClient, 500, 500, junk);
        headend.ReceiveUdp(kClient, 4500, 4500, junk);
        headend.ReceiveUdp(kClient, 4500, 9999, junk);
        headend.ReceiveStream(0, junk);
        headend.ReceiveTun(junk);
    }
    // Another flow's well-formed packets: a TCP segment to another port, ESP from a stranger.
    wire::Bytes other
        = wire::BuildIpv4Tcp(wire::Ipv4Addressing{kClient, kHeadend, 1},
                             wire::TcpHeader{40000, 22, 1, 0, wire::tcpflag::Syn, 65535, 0}, {});
    headend.ReceiveRaw(other);
    const RunnerCounters& k = headend.Counters();
    if (GetParam() == "natt")
    {
        EXPECT_GT(k.udpNotOurs, 0u); // the datagrams to port 9999
        EXPECT_GT(k.rawNotOurs, 0u); // NAT-T takes nothing from a raw socket
    }
    else
    {
        EXPECT_GT(k.rawMalformed, 0u);
        EXPECT_GT(k.rawNotOurs, 0u);
    }
    EXPECT_GT(k.innerFromTunNotIpv4, 0u);
    EXPECT_GE(esp.espReplayed + esp.espMalformed + esp.espAuthenticationFailed, 2u);
    EXPECT_EQ(headend.Counters().probesReceived, 2u);

    // Still up, still carrying traffic both ways.
    Pump();
    SendProbe(2);
    EXPECT_TRUE(headend.IsUp());
    EXPECT_EQ(headend.Counters().probesReceived, 3u);
    EXPECT_EQ(client.Counters().echoesReceived, 3u);

    engine::RunRecord r = headend.Record(1.0);
    EXPECT_EQ(r.source, "testbed");
    EXPECT_EQ(r.encap, GetParam());
    EXPECT_FALSE(r.failed);
    EXPECT_EQ(r.parameters.at("probes_received"), "3");
    std::string json = engine::ToJson(r);
    EXPECT_NE(json.find("\"source\":\"testbed\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Encapsulations, RunnerReceive,
                         ::testing::Values(std::string("ctcp"), std::string("natt"),
                                           std::string("esp")),
                         [](const ::testing::TestParamInfo<std::string>& i)
                         {
                             return i.param;
                         });

TEST(PosixHost, TimersFireInOrderAndCancel)
{
    PosixHost host(1);
    std::vector<int> fired;
    engine::Nanos now = host.Now();
    host.StartTimer(now + std::chrono::milliseconds(2),
                    [&]()
                    {
                        fired.push_back(2);
                    });
    engine::TimerId cancelled = host.StartTimer(now,
                                                [&]()
                                                {
                                                    fired.push_back(99);
                                                });
    host.StartTimer(now,
                    [&]()
                    {
                        fired.push_back(1);
                        // Started by a callback for a time already past: fires in this call.
                        host.StartTimer(host.Now(),
                                        [&]()
                                        {
                                            fired.push_back(3);
                                        });
                    });
    host.CancelTimer(cancelled);
    host.CancelTimer(12345); // unknown: nothing happens
    host.RunDueTimers();
    EXPECT_EQ(fired, (std::vector<int>{1, 3}));
    while (host.PendingTimers() > 0)
    {
        host.RunDueTimers();
    }
    EXPECT_EQ(fired, (std::vector<int>{1, 3, 2}));
}

} // namespace
} // namespace runner
} // namespace vpnsim
