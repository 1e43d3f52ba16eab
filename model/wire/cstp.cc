#include "model/wire/cstp.h"

namespace vpnsim
{
namespace wire
{

namespace
{

/// "STF" 0x01.
constexpr uint32_t kMagicValue = 0x53544601;

bool
IsKnownType(uint8_t t)
{
    switch (static_cast<CstpType>(t))
    {
        case CstpType::Data:
        case CstpType::DpdRequest:
        case CstpType::DpdResponse:
        case CstpType::Disconnect:
        case CstpType::Keepalive:
        case CstpType::Compressed:
        case CstpType::Terminate:
            return true;
    }
    return false;
}

} // namespace

const char*
ToString(CstpType type)
{
    switch (type)
    {
        case CstpType::Data:
            return "data";
        case CstpType::DpdRequest:
            return "dpd-request";
        case CstpType::DpdResponse:
            return "dpd-response";
        case CstpType::Disconnect:
            return "disconnect";
        case CstpType::Keepalive:
            return "keepalive";
        case CstpType::Compressed:
            return "compressed";
        case CstpType::Terminate:
            return "terminate";
    }
    return "?";
}

Bytes
BuildCstpPacket(CstpType type, ByteView payload)
{
    Bytes out;
    out.reserve(kCstpHeaderLength + payload.size());
    ByteWriter w(out);
    w.U32(kMagicValue);
    w.U16(static_cast<uint16_t>(payload.size())); // payload only, not the header
    w.U8(static_cast<uint8_t>(type));
    w.U8(0);
    w.Append(payload);
    return out;
}

Bytes
CstpDisconnectPayload(const std::string& reason)
{
    Bytes out;
    out.reserve(1 + reason.size());
    out.push_back(0xb0);
    out.insert(out.end(), reason.begin(), reason.end());
    return out;
}

Result<CstpPacket>
ParseCstpPacket(ByteView p)
{
    using R = Result<CstpPacket>;
    if (p.size() < kCstpHeaderLength)
    {
        return R::Fail(ErrorCode::Truncated, "cstp: shorter than the 8-byte header");
    }
    if (GetU32(&p[0]) != kMagicValue)
    {
        return R::Fail(ErrorCode::BadValue, "cstp: magic is not STF\\x01");
    }
    if (p[7] != 0)
    {
        return R::Fail(ErrorCode::BadValue, "cstp: header byte 7 is not zero");
    }
    if (GetU16(&p[4]) != p.size() - kCstpHeaderLength)
    {
        return R::Fail(ErrorCode::BadLength,
                       "cstp: length field " + std::to_string(GetU16(&p[4])) + " but "
                           + std::to_string(p.size() - kCstpHeaderLength) + " payload bytes");
    }
    if (!IsKnownType(p[6]))
    {
        return R::Fail(ErrorCode::Unsupported, "cstp: unknown type " + std::to_string(p[6]));
    }
    return CstpPacket{static_cast<CstpType>(p[6]), p.subspan(kCstpHeaderLength)};
}

} // namespace wire
} // namespace vpnsim
