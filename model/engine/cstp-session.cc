#include "model/engine/cstp-session.h"

namespace vpnsim
{
namespace engine
{

namespace
{

/// "STF" 0x01 (reference §6.2).
constexpr uint32_t kMagicValue = 0x53544601;

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

wire::Bytes
BuildCstpPacket(CstpType type, wire::ByteView payload)
{
    wire::Bytes out;
    out.reserve(kCstpHeaderLength + payload.size());
    wire::ByteWriter w(out);
    w.U32(kMagicValue);
    w.U16(static_cast<uint16_t>(payload.size())); // payload only, not the header (§6.2)
    w.U8(static_cast<uint8_t>(type));
    w.U8(0);
    w.Append(payload);
    return out;
}

CstpSession::CstpSession(Host& host, TlsRecordConfig tls)
    : m_host(host)
    , m_tlsOut(tls)
    , m_tlsIn(tls)
    , m_lastReceived(host.Now())
    , m_lastSent(host.Now())
{
}

void
CstpSession::SetCallbacks(CstpCallbacks callbacks)
{
    m_callbacks = std::move(callbacks);
}

void
CstpSession::SendData(wire::ByteView innerPacket)
{
    ++m_counters.dataSent;
    Send(CstpType::Data, innerPacket);
}

void
CstpSession::SendControl(CstpType type, wire::ByteView payload)
{
    switch (type)
    {
        case CstpType::DpdRequest:
            ++m_counters.dpdRequestsSent;
            break;
        case CstpType::DpdResponse:
            ++m_counters.dpdResponsesSent;
            break;
        case CstpType::Keepalive:
            ++m_counters.keepalivesSent;
            break;
        default:
            break;
    }
    Send(type, payload);
}

void
CstpSession::Send(CstpType type, wire::ByteView payload)
{
    if (m_failed)
    {
        return;
    }
    // One CSTP packet per TLS record, as openconnect writes each packet with one SSL write.
    wire::Bytes record = m_tlsOut.Seal(BuildCstpPacket(type, payload));
    m_counters.streamBytesSent += record.size();
    m_lastSent = m_host.Now();
    m_host.SendStream(record);
}

void
CstpSession::ReceiveStream(wire::ByteView chunk)
{
    if (m_failed)
    {
        return;
    }
    m_counters.streamBytesReceived += chunk.size();
    std::string error;
    if (!m_tlsIn.Feed(
            chunk,
            [this](wire::ByteView plaintext)
            {
                OnRecord(plaintext);
            },
            error))
    {
        Fail(error);
    }
}

void
CstpSession::OnRecord(wire::ByteView p)
{
    if (m_failed)
    {
        return;
    }
    // openconnect: magic "STF\x1", byte 7 zero, and len == 8 + payload length per record (§6.2).
    if (p.size() < kCstpHeaderLength || wire::GetU32(&p[0]) != kMagicValue || p[7] != 0
        || wire::GetU16(&p[4]) != p.size() - kCstpHeaderLength)
    {
        Fail("cstp: record is not exactly one CSTP packet");
        return;
    }
    m_lastReceived = m_host.Now();
    auto type = static_cast<CstpType>(p[6]);
    wire::ByteView payload = p.subspan(kCstpHeaderLength);
    switch (type)
    {
        case CstpType::Data:
            ++m_counters.dataReceived;
            m_host.DeliverInner(payload);
            return;
        case CstpType::DpdRequest:
            ++m_counters.dpdRequestsReceived;
            SendControl(CstpType::DpdResponse); // answered at once (openconnect cstp.c)
            break;
        case CstpType::DpdResponse:
            ++m_counters.dpdResponsesReceived;
            break;
        case CstpType::Keepalive:
            ++m_counters.keepalivesReceived;
            break;
        default:
            break;
    }
    if (m_callbacks.onControl)
    {
        m_callbacks.onControl(type, payload);
    }
}

void
CstpSession::Fail(const std::string& detail)
{
    m_failed = true;
    ++m_counters.framingErrors;
    if (m_callbacks.onFramingError)
    {
        m_callbacks.onFramingError(detail);
    }
}

} // namespace engine
} // namespace vpnsim
