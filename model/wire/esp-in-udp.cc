#include "model/wire/esp-in-udp.h"

#include <cstring>

namespace vpnsim
{
namespace wire
{

namespace
{
constexpr size_t kNonEspMarkerLength = 4;
}

Result<NattPacket>
ClassifyNattPayload(ByteView p)
{
    using R = Result<NattPacket>;
    if (p.size() == 1 && p[0] == kNatKeepalive)
    {
        return NattPacket{NattPacketKind::Keepalive, p};
    }
    if (p.size() < kNonEspMarkerLength)
    {
        return R::Fail(ErrorCode::Truncated, "natt: payload shorter than an SPI or a marker");
    }
    if (GetU32(p.data()) == 0)
    {
        return NattPacket{NattPacketKind::Ike, p.subspan(kNonEspMarkerLength)};
    }
    return NattPacket{NattPacketKind::Esp, p};
}

Bytes
NattIkePayload(ByteView isakmpMessage)
{
    // The non-ESP marker: four zero bytes where an ESP SPI would be.
    Bytes out(kNonEspMarkerLength + isakmpMessage.size(), 0);
    if (!isakmpMessage.empty())
    {
        std::memcpy(out.data() + kNonEspMarkerLength, isakmpMessage.data(), isakmpMessage.size());
    }
    return out;
}

Bytes
NattKeepalivePayload()
{
    return Bytes{kNatKeepalive};
}

} // namespace wire
} // namespace vpnsim
