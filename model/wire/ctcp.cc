#include "model/wire/ctcp.h"

#include "model/wire/isakmp.h"
#include "model/wire/udp-header.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

namespace vpnsim
{
namespace wire
{

namespace
{

/// Trailer bytes 8-12: QuickSec's cookie "\x21\x45\x6c\x69" ("!Eli") and 0x10.
constexpr std::array<uint8_t, 5> kTrailerMagic{0x21, 0x45, 0x6c, 0x69, 0x10};
/// Trailer bytes 14-15 (Wireshark's "magic2").
constexpr std::array<uint8_t, 2> kTrailerMagic2{0x01, 0x00};

bool
IsKnownProtocol(uint8_t p)
{
    return p == ctcpproto::Ike || p == ctcpproto::Esp || p == ctcpproto::Ah;
}

} // namespace

void
AppendCtcpTrailer(Bytes& out, const CtcpTrailer& t)
{
    ByteWriter w(out);
    w.U32(0);
    w.U16(t.seq16);
    w.U16(t.direction);
    w.Append(kTrailerMagic);
    w.U8(t.protocol);
    w.Append(kTrailerMagic2);
}

Result<CtcpTrailer>
ParseCtcpTrailer(ByteView payload)
{
    using R = Result<CtcpTrailer>;
    if (payload.size() < kCtcpTrailerLength)
    {
        return R::Fail(ErrorCode::Truncated, "ctcp: segment shorter than the trailer");
    }
    ByteView t = payload.last(kCtcpTrailerLength);
    bool zeros = GetU32(&t[0]) == 0 && (GetU16(&t[6]) & 0x0fff) == 0;
    bool magic = std::equal(kTrailerMagic.begin(), kTrailerMagic.end(), t.begin() + 8)
                 && std::equal(kTrailerMagic2.begin(), kTrailerMagic2.end(), t.begin() + 14);
    if (!zeros || !magic || !IsKnownProtocol(t[13]))
    {
        return R::Fail(ErrorCode::NotCtcp, "ctcp: last 16 bytes are not a trailer");
    }
    return CtcpTrailer{GetU16(&t[4]), GetU16(&t[6]), t[13]};
}

bool
ContainsCtcpTrailerMagic(ByteView bytes)
{
    constexpr size_t kSpan = 8; // magic(5) proto(1) magic2(2)
    if (bytes.size() < kSpan)
    {
        return false;
    }
    // Every received segment is searched whole: memchr finds candidate first bytes at memory
    // speed, and only those are compared.
    const uint8_t* p = bytes.data();
    const uint8_t* last = bytes.data() + bytes.size() - kSpan; // the last place a span starts
    while (p <= last)
    {
        p = static_cast<const uint8_t*>(std::memchr(p, kTrailerMagic[0], last - p + 1));
        if (p == nullptr)
        {
            return false;
        }
        if (std::equal(kTrailerMagic.begin(), kTrailerMagic.end(), p) && IsKnownProtocol(p[5])
            && p[6] == kTrailerMagic2[0] && p[7] == kTrailerMagic2[1])
        {
            return true;
        }
        ++p;
    }
    return false;
}

Bytes
BuildCtcpEspPayload(ByteView espPacket)
{
    Bytes out;
    out.reserve(espPacket.size() + kCtcpTrailerLength);
    out.insert(out.end(), espPacket.begin(), espPacket.end());
    AppendCtcpTrailer(out, CtcpTrailer{0, 0, ctcpproto::Esp});
    return out;
}

Bytes
BuildCtcpIkePayload(ByteView isakmpMessage, uint16_t ipId, bool clientToServer)
{
    // Checksum zero, as QuickSec sends it; no addresses enter it.
    Bytes out = BuildUdpDatagram(kIkePort, kIkePort, isakmpMessage, UdpChecksum::Zero, 0, 0);
    AppendCtcpTrailer(out,
                      CtcpTrailer{ipId, clientToServer ? kCtcpDirectionClientToServer : uint16_t{0},
                                  ctcpproto::Ike});
    return out;
}

} // namespace wire
} // namespace vpnsim
