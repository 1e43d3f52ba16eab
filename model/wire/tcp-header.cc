#include "model/wire/tcp-header.h"

#include "model/wire/internet-checksum.h"

namespace vpnsim
{
namespace wire
{

Bytes
BuildTcpSegment(const TcpHeader& h, ByteView payload, uint32_t source, uint32_t destination)
{
    Bytes out;
    out.reserve(kTcpHeaderLength + payload.size());
    ByteWriter w(out);
    w.U16(h.sourcePort);
    w.U16(h.destinationPort);
    w.U32(h.sequence);
    w.U32(h.acknowledgment);
    w.U8(5 << 4); // data offset: 5 words, no options
    w.U8(h.flags);
    w.U16(h.window);
    w.U16(0); // checksum, filled below
    w.U16(h.urgentPointer);
    w.Append(payload);
    PutU16(&out[16], TransportChecksum(source, destination, kIpProtocolTcp, out));
    return out;
}

Result<TcpSegment>
ParseTcpSegmentUnchecked(ByteView segment)
{
    using R = Result<TcpSegment>;
    if (segment.size() < kTcpHeaderLength)
    {
        return R::Fail(ErrorCode::Truncated, "tcp: segment shorter than 20 bytes");
    }
    size_t headerLength = size_t{static_cast<uint8_t>(segment[12] >> 4)} * 4;
    if (headerLength < kTcpHeaderLength || headerLength > segment.size())
    {
        return R::Fail(ErrorCode::BadLength, "tcp: data offset " + std::to_string(headerLength)
                                                 + " outside 20.."
                                                 + std::to_string(segment.size()));
    }
    TcpSegment s;
    s.header.sourcePort = GetU16(&segment[0]);
    s.header.destinationPort = GetU16(&segment[2]);
    s.header.sequence = GetU32(&segment[4]);
    s.header.acknowledgment = GetU32(&segment[8]);
    s.header.flags = segment[13];
    s.header.window = GetU16(&segment[14]);
    s.checksum = GetU16(&segment[16]);
    s.header.urgentPointer = GetU16(&segment[18]);
    s.headerLength = headerLength;
    s.payload = segment.subspan(headerLength);
    // Options (RFC 793 section 3.1, RFC 7323): end-of-list 0, no-op 1, else kind, length.
    // A malformed option list ends the walk without failing the segment, as receivers do.
    for (size_t i = kTcpHeaderLength; i < headerLength;)
    {
        uint8_t kind = segment[i];
        if (kind == 0)
        {
            break;
        }
        if (kind == 1)
        {
            ++i;
            continue;
        }
        if (i + 1 >= headerLength || segment[i + 1] < 2 || i + segment[i + 1] > headerLength)
        {
            break;
        }
        if (kind == 3 && segment[i + 1] == 3)
        {
            s.windowScale = segment[i + 2];
        }
        i += segment[i + 1];
    }
    return s;
}

Result<TcpSegment>
ParseTcpSegment(ByteView segment, uint32_t source, uint32_t destination)
{
    auto s = ParseTcpSegmentUnchecked(segment);
    if (s && TransportChecksum(source, destination, kIpProtocolTcp, segment) != 0)
    {
        return Result<TcpSegment>::Fail(ErrorCode::BadChecksum, "tcp: checksum does not verify");
    }
    return s;
}

} // namespace wire
} // namespace vpnsim
