#include "experiments/runner/probe.h"

#include "model/wire/ipv4-datagram.h"

#include <algorithm>
#include <array>

namespace vpnsim
{
namespace runner
{

namespace
{

constexpr std::array<uint8_t, 8> kMagic{'v', 'p', 'n', 's', 'i', 'm', 'P', 'B'};
constexpr size_t kProbeHeader = 24; // magic, sequence, timestamp

wire::Bytes
Payload(uint64_t sequence, int64_t sentNs, size_t length)
{
    wire::Bytes p;
    p.reserve(length);
    wire::ByteWriter w(p);
    w.Append(kMagic);
    w.U64(sequence);
    w.U64(static_cast<uint64_t>(sentNs));
    size_t total
        = std::max(length, kMinimumProbeSize) - wire::kIpv4HeaderLength - wire::kUdpHeaderLength;
    w.Fill(total - kProbeHeader, 0);
    return p;
}

} // namespace

wire::Bytes
BuildProbe(uint32_t source, uint32_t destination, uint64_t sequence, int64_t sentNs, size_t length,
           uint16_t ipId)
{
    wire::Bytes payload = Payload(sequence, sentNs, length);
    return wire::BuildIpv4Udp(wire::Ipv4Addressing{source, destination, ipId}, kProbePort,
                              kEchoPort, payload, wire::UdpChecksum::Compute);
}

wire::Bytes
BuildEcho(const Probe& probe, wire::ByteView original, uint16_t ipId)
{
    auto d = wire::ParseIpv4Datagram(original);
    wire::ByteView payload
        = d ? d->payload.subspan(std::min(d->payload.size(), wire::kUdpHeaderLength))
            : wire::ByteView{};
    return wire::BuildIpv4Udp(wire::Ipv4Addressing{probe.destination, probe.source, ipId},
                              probe.destinationPort, probe.sourcePort, payload,
                              wire::UdpChecksum::Compute);
}

std::optional<Probe>
ParseProbe(wire::ByteView innerPacket)
{
    auto d = wire::ParseIpv4Datagram(innerPacket);
    if (!d || d->header.protocol != wire::ipproto::Udp || d->header.moreFragments
        || d->header.fragmentOffset != 0)
    {
        return std::nullopt;
    }
    auto u = wire::ParseUdpDatagram(d->payload, d->header.source, d->header.destination);
    if (!u || u->payload.size() < kProbeHeader
        || !std::equal(kMagic.begin(), kMagic.end(), u->payload.begin()))
    {
        return std::nullopt;
    }
    Probe p;
    p.source = d->header.source;
    p.destination = d->header.destination;
    p.sourcePort = u->sourcePort;
    p.destinationPort = u->destinationPort;
    p.sequence = (uint64_t{wire::GetU32(&u->payload[8])} << 32) | wire::GetU32(&u->payload[12]);
    p.sentNs = static_cast<int64_t>((uint64_t{wire::GetU32(&u->payload[16])} << 32)
                                    | wire::GetU32(&u->payload[20]));
    p.length = d->header.totalLength;
    return p;
}

} // namespace runner
} // namespace vpnsim
