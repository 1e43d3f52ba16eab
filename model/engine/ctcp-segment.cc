#include "model/engine/ctcp-segment.h"

#include <algorithm>
#include <array>

namespace vpnsim
{
namespace engine
{

namespace
{

/// Trailer bytes 8-12: the "!Eli" cookie (QuickSec SSH_ENGINE_TCP_ENCAPS_COOKIE_VALUE) and 0x10.
constexpr std::array<uint8_t, 5> kTrailerMagic{0x21, 0x45, 0x6c, 0x69, 0x10};
/// Trailer bytes 14-15 (reference §1.2, "magic2").
constexpr std::array<uint8_t, 2> kTrailerMagic2{0x01, 0x00};

constexpr uint8_t kIpProtocolTcp = 6;

bool
IsKnownProtocol (uint8_t p)
{
    return p == ctcpproto::Ike || p == ctcpproto::Esp || p == ctcpproto::Ah;
}

/// RFC 1071 one's-complement sum of the TCP pseudo-header and segment, folded, not inverted.
uint16_t
PseudoHeaderSum (wire::ByteView segment, uint32_t src, uint32_t dst)
{
    uint32_t sum = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + kIpProtocolTcp
                   + static_cast<uint32_t> (segment.size ());
    size_t i = 0;
    for (; i + 1 < segment.size (); i += 2)
    {
        sum += wire::GetU16 (&segment[i]);
    }
    if (i < segment.size ())
    {
        sum += uint32_t{segment[i]} << 8;
    }
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<uint16_t> (sum);
}

} // namespace

wire::Bytes
BuildTcpSegment (const TcpSegmentHeader& h, wire::ByteView payload, uint32_t sourceAddress,
                 uint32_t destinationAddress)
{
    wire::Bytes out;
    out.reserve (kTcpHeaderLength + payload.size ());
    wire::ByteWriter w (out);
    w.U16 (h.sourcePort);
    w.U16 (h.destinationPort);
    w.U32 (h.sequence);
    w.U32 (h.acknowledgment);
    w.U8 (5 << 4); // data offset 5 words: no options, as cTCP sends (reference §1.2)
    w.U8 (h.flags);
    w.U16 (h.window);
    w.U16 (0); // checksum, filled below
    w.U16 (0); // urgent pointer
    w.Append (payload);
    uint16_t checksum
        = static_cast<uint16_t> (~PseudoHeaderSum (out, sourceAddress, destinationAddress));
    wire::PutU16 (&out[16], checksum);
    return out;
}

wire::Result<TcpSegment>
ParseTcpSegment (wire::ByteView segment, uint32_t sourceAddress, uint32_t destinationAddress)
{
    using R = wire::Result<TcpSegment>;
    if (segment.size () < kTcpHeaderLength)
    {
        return R::Fail (wire::ErrorCode::Truncated, "tcp: segment shorter than 20 bytes");
    }
    size_t headerLength = size_t{static_cast<uint8_t> (segment[12] >> 4)} * 4;
    if (headerLength < kTcpHeaderLength || headerLength > segment.size ())
    {
        return R::Fail (wire::ErrorCode::BadLength, "tcp: bad data offset");
    }
    if (PseudoHeaderSum (segment, sourceAddress, destinationAddress) != 0xffff)
    {
        return R::Fail (wire::ErrorCode::BadChecksum, "tcp: checksum does not verify");
    }
    TcpSegment s;
    s.header.sourcePort = wire::GetU16 (&segment[0]);
    s.header.destinationPort = wire::GetU16 (&segment[2]);
    s.header.sequence = wire::GetU32 (&segment[4]);
    s.header.acknowledgment = wire::GetU32 (&segment[8]);
    s.header.flags = segment[13];
    s.header.window = wire::GetU16 (&segment[14]);
    s.payload = segment.subspan (headerLength);
    return s;
}

void
AppendCtcpTrailer (wire::Bytes& out, const CtcpTrailer& t)
{
    wire::ByteWriter w (out);
    w.U32 (0);
    w.U16 (t.seq16);
    w.U16 (t.direction);
    w.Append (kTrailerMagic);
    w.U8 (t.protocol);
    w.Append (kTrailerMagic2);
}

wire::Result<CtcpTrailer>
ParseCtcpTrailer (wire::ByteView payload)
{
    using R = wire::Result<CtcpTrailer>;
    if (payload.size () < kCtcpTrailerLength)
    {
        return R::Fail (wire::ErrorCode::Truncated, "ctcp: segment shorter than the trailer");
    }
    wire::ByteView t = payload.last (kCtcpTrailerLength);
    bool zeros = wire::GetU32 (&t[0]) == 0 && (wire::GetU16 (&t[6]) & 0x0fff) == 0;
    bool magic = std::equal (kTrailerMagic.begin (), kTrailerMagic.end (), t.begin () + 8)
                 && std::equal (kTrailerMagic2.begin (), kTrailerMagic2.end (), t.begin () + 14);
    if (!zeros || !magic || !IsKnownProtocol (t[13]))
    {
        return R::Fail (wire::ErrorCode::NotCtcp, "ctcp: last 16 bytes are not a trailer");
    }
    return CtcpTrailer{wire::GetU16 (&t[4]), wire::GetU16 (&t[6]), t[13]};
}

bool
ContainsCtcpTrailerMagic (wire::ByteView bytes)
{
    constexpr size_t kSpan = 8; // magic(5) proto(1) magic2(2)
    for (size_t i = 0; i + kSpan <= bytes.size (); ++i)
    {
        if (std::equal (kTrailerMagic.begin (), kTrailerMagic.end (), bytes.begin () + i)
            && IsKnownProtocol (bytes[i + 5]) && bytes[i + 6] == kTrailerMagic2[0]
            && bytes[i + 7] == kTrailerMagic2[1])
        {
            return true;
        }
    }
    return false;
}

} // namespace engine
} // namespace vpnsim
