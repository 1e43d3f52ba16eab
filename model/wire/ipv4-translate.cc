#include "model/wire/ipv4-translate.h"

#include "model/wire/internet-checksum.h"
#include "model/wire/ipv4-header.h"
#include "model/wire/tcp-header.h"
#include "model/wire/udp-header.h"

namespace vpnsim
{
namespace wire
{

namespace
{

/// Offset of the checksum field inside the transport header.
constexpr size_t kUdpChecksumOffset = 6;
constexpr size_t kTcpChecksumOffset = 16;

/// The transport header bytes a NAT needs: ports and checksum.
size_t
RequiredTransportBytes(uint8_t protocol)
{
    return protocol == ipproto::Tcp ? kTcpChecksumOffset + 2 : kUdpHeaderLength;
}

bool
HasPorts(uint8_t protocol)
{
    return protocol == ipproto::Tcp || protocol == ipproto::Udp;
}

/// Adjusts `checksum` for a 32-bit value (an address) that changed.
uint16_t
Adjust32(uint16_t checksum, uint32_t from, uint32_t to)
{
    checksum = ChecksumAdjust(checksum, static_cast<uint16_t>(from >> 16),
                              static_cast<uint16_t>(to >> 16));
    return ChecksumAdjust(checksum, static_cast<uint16_t>(from), static_cast<uint16_t>(to));
}

} // namespace

Result<Ipv4FlowKey>
ReadIpv4FlowKey(ByteView datagram)
{
    auto h = ParseIpv4Header(datagram);
    if (!h)
    {
        return h.GetError();
    }
    Ipv4FlowKey k;
    k.protocol = h->protocol;
    k.source = h->source;
    k.destination = h->destination;
    k.fragment = h->moreFragments || h->fragmentOffset != 0;
    if (HasPorts(k.protocol) && h->fragmentOffset == 0)
    {
        ByteView l4 = datagram.subspan(h->headerLength, h->totalLength - h->headerLength);
        if (l4.size() < RequiredTransportBytes(k.protocol))
        {
            return Result<Ipv4FlowKey>::Fail(ErrorCode::Truncated,
                                             "ipv4 translate: transport header truncated");
        }
        k.sourcePort = GetU16(&l4[0]);
        k.destinationPort = GetU16(&l4[2]);
    }
    return k;
}

Status
TranslateIpv4Datagram(Bytes& d, const Ipv4Translation& t)
{
    auto h = ParseIpv4Header(d);
    if (!h)
    {
        return h.GetError();
    }
    bool ports = t.sourcePort.has_value() || t.destinationPort.has_value();
    if (ports && !HasPorts(h->protocol))
    {
        return Status::Fail(ErrorCode::BadValue, "ipv4 translate: protocol "
                                                     + std::to_string(h->protocol)
                                                     + " has no ports");
    }
    // Only the first fragment carries the transport header (and with it the checksum that
    // covers the whole datagram's pseudo-header).
    bool transport = HasPorts(h->protocol) && h->fragmentOffset == 0;
    if (ports && !transport)
    {
        return Status::Fail(ErrorCode::Unsupported,
                            "ipv4 translate: ports of a fragment after the first");
    }
    size_t l4 = h->headerLength;
    size_t l4Length = h->totalLength - h->headerLength;
    if (transport && l4Length < RequiredTransportBytes(h->protocol))
    {
        return Status::Fail(ErrorCode::Truncated, "ipv4 translate: transport header truncated");
    }

    uint32_t source = t.source.value_or(h->source);
    uint32_t destination = t.destination.value_or(h->destination);
    if (transport)
    {
        size_t at = l4 + (h->protocol == ipproto::Tcp ? kTcpChecksumOffset : kUdpChecksumOffset);
        uint16_t sum = GetU16(&d[at]);
        bool noUdpChecksum = h->protocol == ipproto::Udp && sum == 0;
        if (!noUdpChecksum)
        {
            sum = Adjust32(sum, h->source, source);
            sum = Adjust32(sum, h->destination, destination);
            uint16_t sourcePort = GetU16(&d[l4]);
            uint16_t destinationPort = GetU16(&d[l4 + 2]);
            sum = ChecksumAdjust(sum, sourcePort, t.sourcePort.value_or(sourcePort));
            sum = ChecksumAdjust(sum, destinationPort, t.destinationPort.value_or(destinationPort));
            // RFC 768: a UDP checksum that comes out zero is sent as all ones, because zero
            // says "no checksum".
            if (h->protocol == ipproto::Udp && sum == 0)
            {
                sum = 0xffff;
            }
            PutU16(&d[at], sum);
        }
        if (t.sourcePort)
        {
            PutU16(&d[l4], *t.sourcePort);
        }
        if (t.destinationPort)
        {
            PutU16(&d[l4 + 2], *t.destinationPort);
        }
    }
    PutU32(&d[12], source);
    PutU32(&d[16], destination);
    PutU16(&d[10], 0);
    PutU16(&d[10], InternetChecksum(ByteView(d).subspan(0, h->headerLength)));
    return Success();
}

} // namespace wire
} // namespace vpnsim
