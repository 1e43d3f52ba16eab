// tshark, an independent implementation, decodes every packet kind vpnsim writes
// (doc/tshark.md has the commands and pitfalls this follows). Exit codes say nothing
// about dissection, so every check is on field values, and every capture must be free of
// malformed or short packets and of expert infos of warning severity or worse.
#include "model/wire/cstp.h"
#include "model/wire/ctcp.h"
#include "model/wire/esp-in-udp.h"
#include "model/wire/esp.h"
#include "model/wire/ipv4-datagram.h"
#include "model/wire/isakmp-notify.h"
#include "model/wire/isakmp.h"
#include "model/wire/pcap-writer.h"
#include "model/wire/tls-record.h"
#include "tests/wire/tshark-runner.h"

#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>

using namespace vpnsim::wire;
using vpnsim::test::RunTsharkFields;
using vpnsim::test::TsharkProblemFrames;

namespace
{

constexpr uint32_t kClient = 0xc6120001;      // 198.18.0.1
constexpr uint32_t kHeadend = 0xc6130001;     // 198.19.0.1
constexpr uint32_t kInnerClient = 0x0a010001; // 10.1.0.1
constexpr uint32_t kInnerServer = 0x0a020001; // 10.2.0.1
constexpr uint32_t kCbcSpi = 0xc0ffee01;
constexpr uint32_t kGcmSpi = 0xc0ffee02;
const char* kCbcKey = "000102030405060708090a0b0c0d0e0f";
const char* kCbcAuth = "101112131415161718191a1b1c1d1e1f20212223";
const char* kGcmKey = "303132333435363738393a3b3c3d3e3fcafebabe";

EspSaConfig
CbcSa()
{
    EspSaConfig c;
    c.spi = kCbcSpi;
    c.transform = EspTransformId::AesCbc128HmacSha1_96;
    c.encryptionKey = FromHex(kCbcKey);
    c.authenticationKey = FromHex(kCbcAuth);
    return c;
}

EspSaConfig
GcmSa()
{
    EspSaConfig c;
    c.spi = kGcmSpi;
    c.transform = EspTransformId::AesGcm128Icv16;
    c.encryptionKey = FromHex(kGcmKey);
    return c;
}

/// The tshark options that decrypt both SAs (doc/tshark.md §esp_sa UAT).
std::vector<std::string>
EspOptions()
{
    return {"-o",
            "esp.enable_encryption_decode:TRUE",
            "-o",
            "esp.enable_authentication_check:TRUE",
            "-o",
            "uat:esp_sa:\"IPv4\",\"*\",\"*\",\"0xc0ffee01\",\"AES-CBC [RFC3602]\",\"0x"
                + std::string(kCbcKey) + "\",\"HMAC-SHA-1-96 [RFC2404]\",\"0x" + kCbcAuth + "\"",
            "-o",
            "uat:esp_sa:\"IPv4\",\"*\",\"*\",\"0xc0ffee02\",\"AES-GCM with 16 octet ICV "
            "[RFC4106]\",\"0x"
                + std::string(kGcmKey) + "\",\"NULL\",\"\""};
}

/// Inner ICMP echo requests, as a tunnelled ping would carry them.
Bytes
Ping(uint16_t seq, size_t data = 56)
{
    return BuildIcmpEchoRequest({kInnerClient, kInnerServer, seq}, 0x4242, seq, data);
}

std::string
TempPcap(const std::string& name)
{
    return (std::filesystem::temp_directory_path() / ("vpnsim-tshark-" + name + ".pcap")).string();
}

/// Writes datagrams one second apart.
void
WritePcap(const std::string& path, const std::vector<Bytes>& datagrams)
{
    auto w = PcapWriter::Open(path);
    ASSERT_TRUE(w.Ok()) << w.GetError().detail;
    uint64_t t = 0;
    for (const auto& d : datagrams)
    {
        w->Write(t, d);
        t += 1'000'000'000ULL;
    }
}

/// ESP packets of both SAs carrying pings 1..n (sequence numbers consecutive per SPI).
std::vector<Bytes>
EspPackets(int n)
{
    auto cbc = EspOutboundSa::Create(CbcSa());
    auto gcm = EspOutboundSa::Create(GcmSa());
    std::vector<Bytes> out;
    for (int i = 1; i <= n; ++i)
    {
        Bytes e;
        EXPECT_TRUE((i % 2 ? cbc : gcm)->Encapsulate(Ping(static_cast<uint16_t>(i)), 4, e));
        out.push_back(e);
    }
    return out;
}

/// Checks one tshark row of a decrypted ESP frame carrying ping `seq`.
void
ExpectDecryptedPing(const std::vector<std::string>& row, int seq)
{
    // Columns: esp.spi esp.icv_good esp.pad_len esp.protocol ip.src icmp.seq
    ASSERT_EQ(row.size(), 6u);
    EXPECT_EQ(row[0], seq % 2 ? "0xc0ffee01" : "0xc0ffee02");
    EXPECT_EQ(row[1], "1");                  // ICV verified by Wireshark's own crypto
    EXPECT_EQ(row[2], seq % 2 ? "10" : "2"); // 84 B payload + 2: CBC pads to 96, GCM to 88
    EXPECT_EQ(row[3], "0x04");               // next header: IPv4 (tunnel mode)
    EXPECT_EQ(row[4], "198.18.0.1,10.1.0.1");
    EXPECT_EQ(row[5], std::to_string(seq));
}

const std::vector<std::string> kEspFields
    = {"esp.spi", "esp.icv_good", "esp.pad_len", "esp.protocol", "ip.src", "icmp.seq"};

/// Raw IPv4 frames of one TCP stream client -> headend port 443, one frame per segment, with
/// contiguous sequence numbers, as the CSTP channel of an AnyConnect tunnel sends them.
std::vector<Bytes>
TcpOn443Frames(const std::vector<Bytes>& segments)
{
    TcpHeader tcp;
    tcp.sourcePort = 40002;
    tcp.destinationPort = 443;
    tcp.sequence = 1;
    tcp.acknowledgment = 1;
    tcp.flags = tcpflag::Ack | tcpflag::Psh;
    tcp.window = 65535;
    std::vector<Bytes> frames;
    uint16_t id = 1;
    for (const auto& s : segments)
    {
        frames.push_back(BuildIpv4Tcp({kClient, kHeadend, id++}, tcp, s));
        tcp.sequence += static_cast<uint32_t>(s.size());
    }
    return frames;
}

} // namespace

TEST(TsharkDissection, NativeEspDecryptsWithIcvGood)
{
    std::vector<Bytes> frames;
    uint16_t id = 1;
    for (const auto& e : EspPackets(4))
    {
        frames.push_back(BuildIpv4Datagram({kClient, kHeadend, id++}, ipproto::Esp, e));
    }
    std::string pcap = TempPcap("esp");
    WritePcap(pcap, frames);
    auto out = RunTsharkFields(pcap, EspOptions(), kEspFields);
    ASSERT_EQ(out.exitCode, 0) << out.raw;
    ASSERT_EQ(out.rows.size(), 4u) << out.raw;
    for (int i = 0; i < 4; ++i)
    {
        SCOPED_TRACE(i);
        ExpectDecryptedPing(out.rows[i], i + 1);
    }
    EXPECT_TRUE(TsharkProblemFrames(pcap, EspOptions()).empty());
}

TEST(TsharkDissection, NattEspIkeAndKeepaliveOn4500)
{
    std::vector<Bytes> frames;
    uint16_t id = 1;
    for (const auto& e : EspPackets(2))
    {
        frames.push_back(
            BuildIpv4Udp({kClient, kHeadend, id++}, kNattPort, kNattPort, e, UdpChecksum::Zero));
    }
    IsakmpHeader h;
    h.initiatorCookie = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    h.responderCookie = {0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01};
    h.exchangeType = isakmpexchange::Informational;
    h.messageId = 0x01020304;
    Bytes dpd
        = BuildIsakmpMessage(h, {{isakmppayload::Hash, Bytes(20, 0x5a)},
                                 MakeDpdNotify(false, h.initiatorCookie, h.responderCookie, 7)});
    frames.push_back(BuildIpv4Udp({kClient, kHeadend, id++}, kNattPort, kNattPort,
                                  NattIkePayload(dpd), UdpChecksum::Compute));
    frames.push_back(BuildIpv4Udp({kClient, kHeadend, id++}, kNattPort, kNattPort,
                                  NattKeepalivePayload(), UdpChecksum::Compute));
    std::string pcap = TempPcap("natt");
    WritePcap(pcap, frames);

    auto esp = RunTsharkFields(pcap, EspOptions(), kEspFields);
    ASSERT_EQ(esp.rows.size(), 4u) << esp.raw;
    ExpectDecryptedPing(esp.rows[0], 1);
    ExpectDecryptedPing(esp.rows[1], 2);

    std::vector<std::string> opts = EspOptions();
    opts.insert(opts.end(), {"-o", "udp.check_checksum:TRUE"});
    auto udp = RunTsharkFields(pcap, opts,
                               {"frame.protocols", "udpencap.non_esp_marker",
                                "udpencap.nat_keepalive", "isakmp.ispi", "isakmp.version",
                                "isakmp.exchangetype", "isakmp.length", "udp.checksum.status"});
    ASSERT_EQ(udp.rows.size(), 4u);
    EXPECT_EQ(udp.rows[0][0], "raw:ip:udp:udpencap:esp:ip:icmp:data");
    EXPECT_EQ(udp.rows[0][7], "3"); // zero checksum: "not present" (RFC 3948 SHOULD)
    EXPECT_EQ(udp.rows[2][0], "raw:ip:udp:udpencap:isakmp");
    EXPECT_EQ(udp.rows[2][1], "1"); // non-ESP marker
    EXPECT_EQ(udp.rows[2][3], "1122334455667788");
    EXPECT_EQ(udp.rows[2][4], "0x10"); // IKEv1
    EXPECT_EQ(udp.rows[2][5], "5");    // Informational
    EXPECT_EQ(udp.rows[2][6], std::to_string(dpd.size()));
    EXPECT_EQ(udp.rows[2][7], "1"); // computed checksum verifies
    EXPECT_EQ(udp.rows[3][0], "raw:ip:udp:udpencap");
    EXPECT_EQ(udp.rows[3][2], "1"); // NAT-keepalive
    EXPECT_TRUE(TsharkProblemFrames(pcap, opts).empty());
}

TEST(TsharkDissection, CtcpTrailerFieldsAndEspDecryptWhenRewrapped)
{
    // One cTCP stream client -> headend: IKE first, then ESP, contiguous sequence numbers.
    std::vector<Bytes> frames;
    std::vector<Bytes> esps = EspPackets(2);
    IsakmpHeader h;
    h.initiatorCookie = {1, 2, 3, 4, 5, 6, 7, 8};
    h.exchangeType = isakmpexchange::IdentityProtection;
    Bytes mm1
        = BuildIsakmpMessage(h, {{isakmppayload::Sa, Bytes(52, 0)}, MakeVendorId(kDpdVendorId)});
    std::vector<Bytes> payloads = {BuildCtcpIkePayload(mm1, 0x0abc, true)};
    for (const auto& e : esps)
    {
        payloads.push_back(BuildCtcpEspPayload(e));
    }
    TcpHeader tcp;
    tcp.sourcePort = 40001;
    tcp.destinationPort = kCtcpDefaultPort;
    tcp.sequence = 1000;
    tcp.acknowledgment = 5000;
    tcp.flags = tcpflag::Ack;
    tcp.window = 65535;
    uint16_t id = 1;
    for (const auto& p : payloads)
    {
        frames.push_back(BuildIpv4Tcp({kClient, kHeadend, id++}, tcp, p));
        tcp.sequence += static_cast<uint32_t>(p.size());
    }
    std::string pcap = TempPcap("ctcp");
    WritePcap(pcap, frames);

    std::vector<std::string> opts
        = {"-d", "tcp.port==10000,tcpencap", "-o", "tcp.check_checksum:TRUE"};
    auto out = RunTsharkFields(
        pcap, opts,
        {"frame.protocols", "tcpencap.zero", "tcpencap.seq", "tcpencap.ikedirection",
         "tcpencap.espzero", "tcpencap.magic", "tcpencap.proto", "tcpencap.magic2", "udp.srcport",
         "isakmp.exchangetype", "esp.spi", "esp.sequence", "tcp.checksum.status"});
    ASSERT_EQ(out.rows.size(), 3u) << out.raw;
    const auto& ike = out.rows[0];
    EXPECT_EQ(ike[0], "raw:ip:tcp:tcpencap:udp:isakmp");
    EXPECT_EQ(ike[1], "00000000");
    EXPECT_EQ(ike[2], "0x0abc");
    EXPECT_EQ(ike[3], "0x4000");
    EXPECT_EQ(ike[5], "21456c6910");
    EXPECT_EQ(ike[6], "0x11");
    EXPECT_EQ(ike[7], "0100");
    EXPECT_EQ(ike[8], "500");
    EXPECT_EQ(ike[9], "2");
    EXPECT_EQ(ike[12], "1");
    for (int i = 1; i <= 2; ++i)
    {
        const auto& esp = out.rows[i];
        EXPECT_EQ(esp[0], "raw:ip:tcp:tcpencap:esp");
        EXPECT_EQ(esp[2], "0x0000");
        EXPECT_EQ(esp[4], "0x0000");
        EXPECT_EQ(esp[6], "0x32");
        EXPECT_EQ(esp[10], i == 1 ? "0xc0ffee01" : "0xc0ffee02");
        EXPECT_EQ(esp[11], "1");
        EXPECT_EQ(esp[12], "1");
    }
    EXPECT_TRUE(TsharkProblemFrames(pcap, opts).empty());

    // tshark 4.0 cannot decrypt ESP inside cTCP (doc/tshark.md §ESP inside cTCP), so
    // the same ESP bytes, cut from the segments above, are re-wrapped as native ESP.
    std::vector<Bytes> rewrapped;
    for (size_t i = 1; i < payloads.size(); ++i)
    {
        auto trailer = ParseCtcpTrailer(payloads[i]);
        ASSERT_TRUE(trailer.Ok() && trailer->protocol == ctcpproto::Esp);
        ByteView esp = ByteView(payloads[i]).first(payloads[i].size() - kCtcpTrailerLength);
        rewrapped.push_back(
            BuildIpv4Datagram({kClient, kHeadend, static_cast<uint16_t>(i)}, ipproto::Esp, esp));
    }
    std::string native = TempPcap("ctcp-rewrapped");
    WritePcap(native, rewrapped);
    auto esp = RunTsharkFields(native, EspOptions(), kEspFields);
    ASSERT_EQ(esp.rows.size(), 2u);
    ExpectDecryptedPing(esp.rows[0], 1);
    ExpectDecryptedPing(esp.rows[1], 2);
}

TEST(TsharkDissection, AnyConnectCstpInTlsRecordsOn443)
{
    TlsRecordStream tls;
    std::vector<Bytes> segments;
    // One record per segment for DATA, then one segment with a DPD request and a keepalive.
    segments.push_back(tls.Seal(BuildCstpPacket(CstpType::Data, Ping(1))));
    segments.push_back(tls.Seal(BuildCstpPacket(CstpType::Data, Ping(2, 1000))));
    Bytes two = tls.Seal(BuildCstpPacket(CstpType::DpdRequest, {}));
    Bytes ka = tls.Seal(BuildCstpPacket(CstpType::Keepalive, {}));
    two.insert(two.end(), ka.begin(), ka.end());
    segments.push_back(two);

    std::string pcap = TempPcap("cstp");
    WritePcap(pcap, TcpOn443Frames(segments));
    auto out = RunTsharkFields(pcap, {},
                               {"frame.protocols", "tls.record.content_type", "tls.record.version",
                                "tls.record.length", "tcp.len"});
    ASSERT_EQ(out.rows.size(), 3u) << out.raw;
    // Record length = 8 (explicit nonce) + 8 (CSTP header) + inner packet + 16 (tag).
    EXPECT_EQ(out.rows[0][1], "23");
    EXPECT_EQ(out.rows[0][2], "0x0303");
    EXPECT_EQ(out.rows[0][3], std::to_string(8 + 8 + 84 + 16));
    EXPECT_EQ(out.rows[1][3], std::to_string(8 + 8 + 1028 + 16));
    EXPECT_EQ(out.rows[2][1], "23,23");
    EXPECT_EQ(out.rows[2][3], "32,32");
    EXPECT_EQ(out.rows[2][4], std::to_string(2 * (5 + 32)));
    EXPECT_TRUE(TsharkProblemFrames(pcap, {}).empty());
}

TEST(TsharkDissection, AnyConnectCstpLuaDissectorShowsEveryRecord)
{
    // Wireshark 4.0 has no CSTP dissector; the project ships one in Lua. tshark runs
    // -X lua_script: also as root because /usr/share/wireshark/init.lua sets
    // run_user_scripts_when_superuser = true (as upstream ships it; Debian 12's 4.0.17 keeps it).
    // Where an installation turns it off the script does not load, tshark rejects the unknown
    // protocol in -d and exits 1, so the test fails instead of passing vacuously.
    const std::string script = std::string(VPNSIM_SOURCE_DIR) + "/wireshark/vpnsim-cstp.lua";
    ASSERT_TRUE(std::filesystem::exists(script)) << script;
    const std::vector<std::string> opts
        = {"-X", "lua_script:" + script, "-d", "tcp.port==443,vpnsim_cstp"};

    // What was sent, in stream order; `pingSeq` 0 means no inner ping.
    struct Sent
    {
        CstpType type;
        size_t payloadLength;
        int pingSeq;
    };
    std::vector<Sent> sent;
    std::vector<size_t> ends; // stream offset just past each record
    Bytes stream;
    TlsRecordStream tls;
    auto send = [&](CstpType type, const Bytes& payload, int pingSeq)
    {
        Bytes record = tls.Seal(BuildCstpPacket(type, payload));
        stream.insert(stream.end(), record.begin(), record.end());
        sent.push_back({type, payload.size(), pingSeq});
        ends.push_back(stream.size());
    };
    send(CstpType::Data, Ping(1), 1);
    send(CstpType::Data, Ping(2, 1000), 2);
    send(CstpType::DpdRequest, {}, 0);
    send(CstpType::Keepalive, {}, 0);
    send(CstpType::Data, Ping(3), 3);
    send(CstpType::DpdResponse, {}, 0);
    send(CstpType::Data, Ping(4, 300), 4);
    send(CstpType::Disconnect, CstpDisconnectPayload("bye"), 0);

    // Segment ends, cut so that the dissector meets every case of a TCP byte stream.
    const std::vector<size_t> cuts = {
        ends[0],       // one whole record
        ends[1] - 100, // the head of a record only: nothing to show yet
        ends[3] + 3,   // its tail, two whole records, 3 bytes of the next TLS header
        ends[5] + 50,  // the rest of that record, a whole one, the head of the next
        ends[6] + 10,  // its tail and the head of the last
        ends[7],       // the tail of the last
    };
    std::vector<Bytes> segments;
    size_t start = 0;
    for (size_t cut : cuts)
    {
        segments.emplace_back(stream.begin() + static_cast<std::ptrdiff_t>(start),
                              stream.begin() + static_cast<std::ptrdiff_t>(cut));
        start = cut;
    }
    std::string pcap = TempPcap("cstp-lua");
    WritePcap(pcap, TcpOn443Frames(segments));

    // A record shows in the frame that brings its last byte, with the names and values tshark
    // should print there.
    std::vector<std::vector<std::string>> types(cuts.size()), lengths(cuts.size()),
        seqs(cuts.size());
    for (size_t r = 0, f = 0; r < sent.size(); ++r)
    {
        while (cuts[f] < ends[r])
        {
            ++f;
        }
        char type[8];
        std::snprintf(type, sizeof(type), "0x%02x", static_cast<unsigned>(sent[r].type));
        types[f].push_back(type);
        lengths[f].push_back(std::to_string(sent[r].payloadLength));
        if (sent[r].pingSeq != 0)
        {
            seqs[f].push_back(std::to_string(sent[r].pingSeq));
        }
    }
    auto join = [](const std::vector<std::string>& v)
    {
        std::string out;
        for (const auto& s : v)
        {
            out += (out.empty() ? "" : ",") + s;
        }
        return out;
    };

    auto out = RunTsharkFields(
        pcap, opts, {"vpnsim_cstp.type", "vpnsim_cstp.length", "icmp.seq", "_ws.col.Info"});
    ASSERT_EQ(out.exitCode, 0) << out.raw;
    ASSERT_EQ(out.rows.size(), cuts.size()) << out.raw;
    for (size_t f = 0; f < cuts.size(); ++f)
    {
        SCOPED_TRACE("frame " + std::to_string(f + 1));
        ASSERT_EQ(out.rows[f].size(), 4u);
        EXPECT_EQ(out.rows[f][0], join(types[f]));
        EXPECT_EQ(out.rows[f][1], join(lengths[f]));
        EXPECT_EQ(out.rows[f][2], join(seqs[f]));
    }
    // The frame that finishes a reassembled record and carries two more lists all three.
    EXPECT_EQ(out.rows[2][3], "DATA, DPD request, KEEPALIVE");
    EXPECT_TRUE(TsharkProblemFrames(pcap, opts).empty());
}
