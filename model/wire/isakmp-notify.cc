#include "model/wire/isakmp-notify.h"

#include <algorithm>
#include <string>

namespace vpnsim
{
namespace wire
{

Bytes
BuildNotificationBody(const Notification& n)
{
    Bytes out;
    ByteWriter w(out);
    w.U32(n.doi);
    w.U8(n.protocolId);
    w.U8(static_cast<uint8_t>(n.spi.size()));
    w.U16(n.type);
    w.Append(n.spi);
    w.Append(n.data);
    return out;
}

Result<NotificationView>
ParseNotificationBody(ByteView body)
{
    using R = Result<NotificationView>;
    if (body.size() < 8)
    {
        return R::Fail(ErrorCode::Truncated, "notify: shorter than 8 bytes");
    }
    uint8_t spiSize = body[5];
    if (size_t{spiSize} > body.size() - 8)
    {
        return R::Fail(ErrorCode::BadLength,
                       "notify: SPI size " + std::to_string(spiSize) + " exceeds the payload");
    }
    return NotificationView{GetU32(&body[0]), body[4], GetU16(&body[6]), body.subspan(8, spiSize),
                            body.subspan(8 + spiSize)};
}

IsakmpPayload
MakeDpdNotify(bool ack, const IsakmpCookie& initiator, const IsakmpCookie& responder,
              uint32_t sequence)
{
    Notification n;
    n.type = ack ? kRUThereAck : kRUThere;
    n.spi.assign(initiator.begin(), initiator.end());
    n.spi.insert(n.spi.end(), responder.begin(), responder.end());
    n.data.resize(4);
    PutU32(n.data.data(), sequence);
    return IsakmpPayload{isakmppayload::Notification, BuildNotificationBody(n)};
}

Result<DpdNotify>
ParseDpdNotify(ByteView body)
{
    using R = Result<DpdNotify>;
    auto n = ParseNotificationBody(body);
    if (!n)
    {
        return n.GetError();
    }
    if (n->type != kRUThere && n->type != kRUThereAck)
    {
        return R::Fail(ErrorCode::BadValue,
                       "dpd: notify type " + std::to_string(n->type) + " is not 36136/36137");
    }
    if (n->protocolId != kProtocolIsakmp || n->spi.size() != 16 || n->data.size() != 4)
    {
        return R::Fail(ErrorCode::BadValue,
                       "dpd: needs protocol 1, a 16-byte SPI and a 4-byte sequence number");
    }
    DpdNotify d{n->type == kRUThereAck, GetU32(n->data.data()), {}, {}};
    std::copy(n->spi.begin(), n->spi.begin() + 8, d.initiator.begin());
    std::copy(n->spi.begin() + 8, n->spi.end(), d.responder.begin());
    return d;
}

IsakmpPayload
MakeVendorId(ByteView id)
{
    return IsakmpPayload{isakmppayload::VendorId, Bytes(id.begin(), id.end())};
}

} // namespace wire
} // namespace vpnsim
