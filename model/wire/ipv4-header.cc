#include "model/wire/ipv4-header.h"

#include "model/wire/internet-checksum.h"

namespace vpnsim
{
namespace wire
{

void
SerializeIpv4Header(const Ipv4Header& h, size_t payloadLength, Bytes& out)
{
    size_t start = out.size();
    ByteWriter w(out);
    w.U8(0x45); // version 4, IHL 5
    w.U8(h.tos);
    w.U16(static_cast<uint16_t>(kIpv4HeaderLength + payloadLength));
    w.U16(h.identification);
    uint16_t fragment
        = static_cast<uint16_t>((h.dontFragment ? 0x4000 : 0) | (h.moreFragments ? 0x2000 : 0)
                                | (h.fragmentOffset & 0x1fff));
    w.U16(fragment);
    w.U8(h.ttl);
    w.U8(h.protocol);
    w.U16(0);
    w.U32(h.source);
    w.U32(h.destination);
    uint16_t sum = InternetChecksum(ByteView(out).subspan(start, kIpv4HeaderLength));
    PutU16(&out[start + 10], sum);
}

namespace
{

Result<Ipv4Header>
Parse(ByteView d, bool verifyChecksum)
{
    using R = Result<Ipv4Header>;
    if (d.size() < kIpv4HeaderLength)
    {
        return R::Fail(ErrorCode::Truncated, "ipv4: shorter than 20 bytes");
    }
    if ((d[0] >> 4) != 4)
    {
        return R::Fail(ErrorCode::BadValue, "ipv4: version " + std::to_string(d[0] >> 4));
    }
    Ipv4Header h;
    h.headerLength = size_t{static_cast<uint8_t>(d[0] & 0x0f)} * 4;
    h.tos = d[1];
    h.totalLength = GetU16(&d[2]);
    if (h.headerLength < kIpv4HeaderLength || h.headerLength > d.size())
    {
        return R::Fail(ErrorCode::BadLength, "ipv4: header length " + std::to_string(h.headerLength)
                                                 + " outside 20.." + std::to_string(d.size()));
    }
    if (h.totalLength < h.headerLength || h.totalLength > d.size())
    {
        return R::Fail(ErrorCode::BadLength, "ipv4: total length " + std::to_string(h.totalLength)
                                                 + " but " + std::to_string(d.size()) + " bytes");
    }
    if (verifyChecksum && InternetChecksum(d.subspan(0, h.headerLength)) != 0)
    {
        return R::Fail(ErrorCode::BadChecksum, "ipv4: header checksum does not verify");
    }
    h.identification = GetU16(&d[4]);
    uint16_t fragment = GetU16(&d[6]);
    h.dontFragment = fragment & 0x4000;
    h.moreFragments = fragment & 0x2000;
    h.fragmentOffset = fragment & 0x1fff;
    h.ttl = d[8];
    h.protocol = d[9];
    h.checksum = GetU16(&d[10]);
    h.source = GetU32(&d[12]);
    h.destination = GetU32(&d[16]);
    return h;
}

} // namespace

Result<Ipv4Header>
ParseIpv4Header(ByteView d)
{
    return Parse(d, true);
}

Result<Ipv4Header>
ParseIpv4HeaderUnchecked(ByteView d)
{
    return Parse(d, false);
}

std::string
Ipv4ToString(uint32_t a)
{
    return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xff) + "."
           + std::to_string((a >> 8) & 0xff) + "." + std::to_string(a & 0xff);
}

Result<uint32_t>
ParseIpv4Address(const std::string& text)
{
    uint32_t address = 0;
    int parts = 0;
    size_t i = 0;
    while (parts < 4)
    {
        size_t start = i;
        uint32_t octet = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 3)
        {
            octet = octet * 10 + static_cast<uint32_t>(text[i] - '0');
            ++i;
        }
        if (i == start || octet > 255)
        {
            break;
        }
        address = (address << 8) | octet;
        ++parts;
        if (parts < 4)
        {
            if (i >= text.size() || text[i] != '.')
            {
                break;
            }
            ++i;
        }
    }
    if (parts != 4 || i != text.size())
    {
        return Result<uint32_t>::Fail(ErrorCode::BadValue,
                                      "'" + text + "' is not an IPv4 address (a.b.c.d)");
    }
    return address;
}

} // namespace wire
} // namespace vpnsim
