/*
 * One inner packet, every encapsulation vpnsim models: the bytes an engineer would see on the
 * wire between a client and its headend, written to a pcap that Wireshark decodes, with the
 * overhead each encapsulation adds. It is the project's demo until the sweep runner lands.
 *
 *   vpnsim-wire-demo [--pcap=FILE] [--transform=aes-cbc-128-hmac-sha1-96|aes-gcm-128|...]
 *                    [--size=BYTES]
 */
#include "model/wire/cstp.h"
#include "model/wire/ctcp.h"
#include "model/wire/esp-in-udp.h"
#include "model/wire/esp.h"
#include "model/wire/ipv4-datagram.h"
#include "model/wire/isakmp-cipher.h"
#include "model/wire/isakmp-notify.h"
#include "model/wire/pcap-writer.h"
#include "model/wire/tls-record.h"
#include "ns3/command-line.h"

#include <cstdio>
#include <iostream>
#include <string>

using namespace vpnsim::wire;

namespace
{

constexpr uint32_t kClient = 0xc6120001;  // 198.18.0.1 (RFC 2544 benchmarking range)
constexpr uint32_t kHeadend = 0xc6130001; // 198.19.0.1

int
Fail(const std::string& message)
{
    std::cerr << "vpnsim-wire-demo: " << message << "\n";
    return 2;
}

} // namespace

int
main(int argc, char** argv)
{
    std::string pcapPath = "wire-demo.pcap";
    std::string transformName = "aes-cbc-128-hmac-sha1-96";
    uint32_t size = 56;
    ns3::CommandLine cmd(__FILE__);
    cmd.Usage("Writes one inner ICMP echo in every encapsulation vpnsim models to a pcap.");
    cmd.AddValue("pcap", "output pcap file", pcapPath);
    cmd.AddValue("transform", "ESP transform (aes-cbc-128-hmac-sha1-96, aes-gcm-128, ...)",
                 transformName);
    cmd.AddValue("size", "ICMP echo data bytes, 0..1400", size);
    cmd.Parse(argc, argv);

    if (size > 1400)
    {
        return Fail("--size=" + std::to_string(size) + ": allowed 0..1400");
    }
    auto transform = ParseEspTransformId(transformName);
    if (!transform || *transform == EspTransformId::AesCbc128NoAuth)
    {
        return Fail("--transform=" + transformName + ": "
                    + (transform ? "has no integrity, for known-answer tests only"
                                 : transform.GetError().detail));
    }
    EspSaConfig sa;
    sa.spi = 0xc0ffee01;
    sa.transform = *transform;
    EspKeyLengths keys = KeyLengths(sa.transform);
    for (size_t i = 0; i < keys.encryption; ++i)
    {
        sa.encryptionKey.push_back(static_cast<uint8_t>(i));
    }
    for (size_t i = 0; i < keys.authentication; ++i)
    {
        sa.authenticationKey.push_back(static_cast<uint8_t>(0x10 + i));
    }
    auto esp = EspOutboundSa::Create(sa);
    if (!esp)
    {
        return Fail(esp.GetError().detail);
    }
    auto writer = PcapWriter::Open(pcapPath);
    if (!writer)
    {
        return Fail("--pcap: " + writer.GetError().detail);
    }

    Bytes inner = BuildIcmpEchoRequest({0x0a010001, 0x0a020001, 1}, 0x4242, 1, size);
    uint16_t ipId = 1;
    uint64_t t = 0;
    auto emit = [&](const char* name, const Bytes& datagram, bool carriesInner = true)
    {
        writer->Write(t, datagram);
        t += 1'000'000'000ULL;
        std::printf("  %-36s %5zu bytes on the wire", name, datagram.size());
        if (carriesInner)
        {
            std::printf(", +%3zu over the inner packet", datagram.size() - inner.size());
        }
        std::printf("\n");
    };

    std::printf("inner packet: ICMP echo, %zu bytes; ESP transform %s\n", inner.size(),
                transformName.c_str());
    Bytes packet;
    esp->Encapsulate(inner, kNextHeaderIpv4, packet);
    emit("native ESP (IP protocol 50)", BuildIpv4Datagram({kClient, kHeadend, ipId++}, 50, packet));

    packet.clear();
    esp->Encapsulate(inner, kNextHeaderIpv4, packet);
    emit("NAT-T (ESP in UDP 4500)", BuildIpv4Udp({kClient, kHeadend, ipId++}, kNattPort, kNattPort,
                                                 packet, UdpChecksum::Zero));

    TcpHeader tcp;
    tcp.sourcePort = 40001;
    tcp.destinationPort = kCtcpDefaultPort;
    tcp.sequence = 1000;
    tcp.acknowledgment = 5000;
    tcp.flags = tcpflag::Ack;
    tcp.window = 65535;
    packet.clear();
    esp->Encapsulate(inner, kNextHeaderIpv4, packet);
    Bytes segment = BuildCtcpEspPayload(packet);
    emit("cTCP (ESP in TCP 10000 + trailer)",
         BuildIpv4Tcp({kClient, kHeadend, ipId++}, tcp, segment));
    tcp.sequence += static_cast<uint32_t>(segment.size());

    // A DPD R-U-THERE as the client sends it: an encrypted Informational exchange.
    auto ike = IsakmpCipher::Create(Bytes(16, 0x5c));
    IsakmpHeader h;
    h.initiatorCookie = {1, 2, 3, 4, 5, 6, 7, 8};
    h.responderCookie = {9, 10, 11, 12, 13, 14, 15, 16};
    h.exchangeType = isakmpexchange::Informational;
    h.messageId = 0x5eed0001;
    Bytes chain
        = BuildIsakmpPayloadChain({{isakmppayload::Hash, Bytes(20, 0)},
                                   MakeDpdNotify(false, h.initiatorCookie, h.responderCookie, 1)});
    Bytes dpd
        = BuildEncryptedIsakmpMessage(h, isakmppayload::Hash, ike->Encrypt(chain, h.messageId));
    emit("cTCP (IKE DPD R-U-THERE)",
         BuildIpv4Tcp({kClient, kHeadend, ipId++}, tcp, BuildCtcpIkePayload(dpd, ipId, true)),
         false);

    TlsRecordStream tls;
    TcpHeader ssl = tcp;
    ssl.sourcePort = 40002;
    ssl.destinationPort = 443;
    ssl.flags = tcpflag::Ack | tcpflag::Psh;
    emit("AnyConnect (CSTP in TLS on TCP 443)",
         BuildIpv4Tcp({kClient, kHeadend, ipId++}, ssl,
                      tls.Seal(BuildCstpPacket(CstpType::Data, inner))));
    writer->Flush();

    std::printf("\nwrote %llu packets to %s\n", static_cast<unsigned long long>(writer->Count()),
                pcapPath.c_str());
    std::printf("decode with: tshark -r %s -d tcp.port==10000,tcpencap "
                "-o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE "
                "-o 'uat:esp_sa:\"IPv4\",\"*\",\"*\",\"0x%08x\",\"%s\",\"0x%s\",\"%s\",\"%s%s\"'\n",
                pcapPath.c_str(), sa.spi,
                sa.transform == EspTransformId::NullHmacSha1_96 ? "NULL"
                : (sa.transform == EspTransformId::AesGcm128Icv16
                   || sa.transform == EspTransformId::AesGcm256Icv16)
                    ? "AES-GCM with 16 octet ICV [RFC4106]"
                    : "AES-CBC [RFC3602]",
                ToHex(sa.encryptionKey).c_str(),
                keys.authentication ? "HMAC-SHA-1-96 [RFC2404]" : "NULL",
                keys.authentication ? "0x" : "", ToHex(sa.authenticationKey).c_str());
    return 0;
}
