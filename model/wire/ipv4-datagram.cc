#include "model/wire/ipv4-datagram.h"

#include "model/wire/internet-checksum.h"

namespace vpnsim
{
namespace wire
{

Bytes
BuildIpv4Datagram(const Ipv4Addressing& a, uint8_t protocol, ByteView payload)
{
    Ipv4Header h;
    h.identification = a.identification;
    h.protocol = protocol;
    h.source = a.source;
    h.destination = a.destination;
    Bytes out;
    out.reserve(kIpv4HeaderLength + payload.size());
    SerializeIpv4Header(h, payload.size(), out);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

Bytes
BuildIpv4Udp(const Ipv4Addressing& a, uint16_t sourcePort, uint16_t destinationPort,
             ByteView payload, UdpChecksum mode)
{
    Bytes udp
        = BuildUdpDatagram(sourcePort, destinationPort, payload, mode, a.source, a.destination);
    return BuildIpv4Datagram(a, ipproto::Udp, udp);
}

Bytes
BuildIpv4Tcp(const Ipv4Addressing& a, const TcpHeader& header, ByteView payload)
{
    Bytes tcp = BuildTcpSegment(header, payload, a.source, a.destination);
    return BuildIpv4Datagram(a, ipproto::Tcp, tcp);
}

Bytes
BuildIcmpEchoRequest(const Ipv4Addressing& a, uint16_t identifier, uint16_t sequence,
                     size_t dataLength)
{
    Bytes icmp;
    ByteWriter w(icmp);
    w.U8(8); // echo request
    w.U8(0);
    w.U16(0);
    w.U16(identifier);
    w.U16(sequence);
    for (size_t i = 0; i < dataLength; ++i)
    {
        w.U8(static_cast<uint8_t>(i));
    }
    PutU16(&icmp[2], InternetChecksum(icmp));
    return BuildIpv4Datagram(a, ipproto::Icmp, icmp);
}

Result<Ipv4Datagram>
ParseIpv4Datagram(ByteView datagram)
{
    auto h = ParseIpv4Header(datagram);
    if (!h)
    {
        return h.GetError();
    }
    ByteView payload = datagram.subspan(h->headerLength, h->totalLength - h->headerLength);
    return Ipv4Datagram{h.Value(), payload};
}

} // namespace wire
} // namespace vpnsim
