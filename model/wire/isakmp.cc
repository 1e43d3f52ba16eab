#include "model/wire/isakmp.h"

#include <algorithm>
#include <string>

namespace vpnsim
{
namespace wire
{

namespace
{

void
WriteHeader(const IsakmpHeader& h, Bytes& out)
{
    ByteWriter w(out);
    w.Append(h.initiatorCookie);
    w.Append(h.responderCookie);
    w.U8(h.nextPayload);
    w.U8(h.version);
    w.U8(h.exchangeType);
    w.U8(h.flags);
    w.U32(h.messageId);
    w.U32(h.length);
}

} // namespace

Bytes
BuildIsakmpPayloadChain(const std::vector<IsakmpPayload>& payloads)
{
    Bytes out;
    ByteWriter w(out);
    for (size_t i = 0; i < payloads.size(); ++i)
    {
        uint8_t next = i + 1 < payloads.size() ? payloads[i + 1].type : isakmppayload::None;
        w.U8(next);
        w.U8(0); // reserved
        w.U16(static_cast<uint16_t>(kIsakmpPayloadHeaderLength + payloads[i].body.size()));
        w.Append(payloads[i].body);
    }
    return out;
}

Bytes
BuildIsakmpMessage(IsakmpHeader h, const std::vector<IsakmpPayload>& payloads)
{
    Bytes chain = BuildIsakmpPayloadChain(payloads);
    h.nextPayload = payloads.empty() ? isakmppayload::None : payloads.front().type;
    h.length = static_cast<uint32_t>(kIsakmpHeaderLength + chain.size());
    Bytes out;
    out.reserve(h.length);
    WriteHeader(h, out);
    out.insert(out.end(), chain.begin(), chain.end());
    return out;
}

Bytes
BuildEncryptedIsakmpMessage(IsakmpHeader h, uint8_t firstPayload, ByteView ciphertext)
{
    h.flags |= isakmpflag::Encryption;
    h.nextPayload = firstPayload;
    h.length = static_cast<uint32_t>(kIsakmpHeaderLength + ciphertext.size());
    Bytes out;
    out.reserve(h.length);
    WriteHeader(h, out);
    out.insert(out.end(), ciphertext.begin(), ciphertext.end());
    return out;
}

Result<IsakmpHeader>
ParseIsakmpHeader(ByteView m)
{
    if (m.size() < kIsakmpHeaderLength)
    {
        return Result<IsakmpHeader>::Fail(ErrorCode::Truncated, "isakmp: shorter than 28 bytes");
    }
    IsakmpHeader h;
    std::copy(m.begin(), m.begin() + 8, h.initiatorCookie.begin());
    std::copy(m.begin() + 8, m.begin() + 16, h.responderCookie.begin());
    h.nextPayload = m[16];
    h.version = m[17];
    h.exchangeType = m[18];
    h.flags = m[19];
    h.messageId = GetU32(&m[20]);
    h.length = GetU32(&m[24]);
    return h;
}

Result<std::vector<IsakmpPayloadView>>
ParseIsakmpPayloadChain(uint8_t first, ByteView chain, bool allowTrailing)
{
    using R = Result<std::vector<IsakmpPayloadView>>;
    std::vector<IsakmpPayloadView> out;
    uint8_t type = first;
    size_t pos = 0;
    // Each payload consumes at least 4 bytes, so the walk ends within chain.size() / 4 steps.
    while (type != isakmppayload::None)
    {
        if (chain.size() - pos < kIsakmpPayloadHeaderLength)
        {
            return R::Fail(ErrorCode::Truncated, "isakmp: payload " + std::to_string(out.size())
                                                     + " header runs past the message");
        }
        uint8_t next = chain[pos];
        uint16_t length = GetU16(&chain[pos + 2]);
        if (length < kIsakmpPayloadHeaderLength || length > chain.size() - pos)
        {
            return R::Fail(ErrorCode::BadLength, "isakmp: payload " + std::to_string(out.size())
                                                     + " length " + std::to_string(length)
                                                     + " outside 4.."
                                                     + std::to_string(chain.size() - pos));
        }
        out.push_back({type, chain.subspan(pos + kIsakmpPayloadHeaderLength,
                                           length - kIsakmpPayloadHeaderLength)});
        pos += length;
        type = next;
    }
    if (pos != chain.size() && !allowTrailing)
    {
        return R::Fail(ErrorCode::BadLength, "isakmp: " + std::to_string(chain.size() - pos)
                                                 + " bytes after the last payload");
    }
    return out;
}

Bytes
BuildIdentificationBody(uint8_t type, uint8_t protocol, uint16_t port, ByteView data)
{
    constexpr size_t kFixed = 4; // ID type, protocol, port
    Bytes b(kFixed + data.size());
    b[0] = type;
    b[1] = protocol;
    PutU16(&b[2], port);
    std::copy(data.begin(), data.end(), b.begin() + kFixed);
    return b;
}

Result<IsakmpMessage>
ParseIsakmpMessage(ByteView m)
{
    using R = Result<IsakmpMessage>;
    auto h = ParseIsakmpHeader(m);
    if (!h)
    {
        return h.GetError();
    }
    if (h->length != m.size())
    {
        return R::Fail(ErrorCode::BadLength, "isakmp: header length " + std::to_string(h->length)
                                                 + " but " + std::to_string(m.size()) + " bytes");
    }
    IsakmpMessage msg;
    msg.header = h.Value();
    ByteView body = m.subspan(kIsakmpHeaderLength);
    if (h->flags & isakmpflag::Encryption)
    {
        msg.encryptedBody = body;
        return msg;
    }
    auto chain = ParseIsakmpPayloadChain(h->nextPayload, body, false);
    if (!chain)
    {
        return chain.GetError();
    }
    msg.payloads = std::move(chain.Value());
    return msg;
}

} // namespace wire
} // namespace vpnsim
