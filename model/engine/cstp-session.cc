#include "model/engine/cstp-session.h"

namespace vpnsim
{
namespace engine
{

CstpSession::CstpSession(Host& host, wire::TlsRecordConfig tls)
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
    Send(wire::CstpType::Data, innerPacket);
}

void
CstpSession::SendControl(wire::CstpType type, wire::ByteView payload)
{
    switch (type)
    {
        case wire::CstpType::DpdRequest:
            ++m_counters.dpdRequestsSent;
            break;
        case wire::CstpType::DpdResponse:
            ++m_counters.dpdResponsesSent;
            break;
        case wire::CstpType::Keepalive:
            ++m_counters.keepalivesSent;
            break;
        default:
            break;
    }
    Send(type, payload);
}

void
CstpSession::Send(wire::CstpType type, wire::ByteView payload)
{
    if (m_failed)
    {
        return;
    }
    // One CSTP packet per TLS record, as openconnect writes each packet with one SSL write.
    wire::Bytes record = m_tlsOut.Seal(wire::BuildCstpPacket(type, payload));
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
    auto packet = wire::ParseCstpPacket(p);
    if (!packet)
    {
        Fail(packet.GetError().detail);
        return;
    }
    m_lastReceived = m_host.Now();
    wire::CstpType type = packet->type;
    wire::ByteView payload = packet->payload;
    switch (type)
    {
        case wire::CstpType::Data:
            ++m_counters.dataReceived;
            m_host.DeliverInner(payload);
            return;
        case wire::CstpType::DpdRequest:
            ++m_counters.dpdRequestsReceived;
            SendControl(wire::CstpType::DpdResponse); // answered at once (openconnect cstp.c)
            break;
        case wire::CstpType::DpdResponse:
            ++m_counters.dpdResponsesReceived;
            break;
        case wire::CstpType::Keepalive:
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
