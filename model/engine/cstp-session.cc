#include "model/engine/cstp-session.h"

namespace vpnsim
{
namespace engine
{

namespace
{

/// "STF" 0x01 (doc/protocols.md §CSTP framing).
constexpr uint8_t kMagic[4] = {'S', 'T', 'F', 0x01};

} // namespace

CstpSession::CstpSession(Host& host)
    : m_host(host)
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
    m_lastSent = m_host.Now();
    if (m_callbacks.send)
    {
        m_callbacks.send(wire::BuildCstpPacket(type, payload));
    }
}

void
CstpSession::Receive(wire::ByteView plaintext)
{
    if (m_failed)
    {
        return;
    }
    m_buffer.insert(m_buffer.end(), plaintext.begin(), plaintext.end());
    size_t offset = 0;
    while (!m_failed && m_buffer.size() - offset >= wire::kCstpHeaderLength)
    {
        const uint8_t* h = m_buffer.data() + offset;
        if (!std::equal(std::begin(kMagic), std::end(kMagic), h))
        {
            Fail("cstp: the stream does not continue with \"STF\\x01\"");
            return;
        }
        size_t length = wire::kCstpHeaderLength + ((size_t(h[4]) << 8) | h[5]);
        if (m_buffer.size() - offset < length)
        {
            break;
        }
        OnPacket(wire::ByteView(h, length));
        offset += length;
    }
    if (!m_failed)
    {
        m_buffer.erase(m_buffer.begin(), m_buffer.begin() + static_cast<std::ptrdiff_t>(offset));
    }
}

void
CstpSession::OnPacket(wire::ByteView p)
{
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
    m_buffer.clear();
    ++m_counters.framingErrors;
    if (m_callbacks.onFramingError)
    {
        m_callbacks.onFramingError(detail);
    }
}

} // namespace engine
} // namespace vpnsim
