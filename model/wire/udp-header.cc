#include "model/wire/udp-header.h"

#include "model/wire/internet-checksum.h"

#include <string>

namespace vpnsim
{
namespace wire
{

namespace
{
constexpr uint8_t kUdp = 17;
}

Bytes
BuildUdpDatagram(uint16_t sourcePort, uint16_t destinationPort, ByteView payload, UdpChecksum mode,
                 uint32_t source, uint32_t destination)
{
    Bytes out;
    out.reserve(kUdpHeaderLength + payload.size());
    ByteWriter w(out);
    w.U16(sourcePort);
    w.U16(destinationPort);
    w.U16(static_cast<uint16_t>(kUdpHeaderLength + payload.size()));
    w.U16(0);
    w.Append(payload);
    if (mode == UdpChecksum::Compute)
    {
        uint16_t sum = TransportChecksum(source, destination, kUdp, out);
        // RFC 768: a computed zero is sent as all ones, since zero means "no checksum".
        PutU16(&out[6], sum == 0 ? 0xffff : sum);
    }
    return out;
}

Result<UdpDatagram>
ParseUdpDatagram(ByteView d, uint32_t source, uint32_t destination)
{
    using R = Result<UdpDatagram>;
    if (d.size() < kUdpHeaderLength)
    {
        return R::Fail(ErrorCode::Truncated, "udp: shorter than 8 bytes");
    }
    uint16_t length = GetU16(&d[4]);
    if (length != d.size())
    {
        return R::Fail(ErrorCode::BadLength, "udp: length field " + std::to_string(length) + " but "
                                                 + std::to_string(d.size()) + " bytes");
    }
    UdpDatagram u{GetU16(&d[0]), GetU16(&d[2]), GetU16(&d[6]), d.subspan(kUdpHeaderLength)};
    if (u.checksum != 0 && TransportChecksum(source, destination, kUdp, d) != 0)
    {
        return R::Fail(ErrorCode::BadChecksum, "udp: checksum does not verify");
    }
    return u;
}

} // namespace wire
} // namespace vpnsim
