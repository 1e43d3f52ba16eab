#include "model/engine/headend-demux.h"

#include "model/wire/esp-in-udp.h"
#include "model/wire/isakmp.h"
#include "model/wire/tcp-header.h"

namespace vpnsim
{
namespace engine
{

namespace
{


uint64_t
CookieKey(const wire::IsakmpCookie& cookie)
{
    uint64_t k = 0;
    for (uint8_t b : cookie)
    {
        k = (k << 8) | b;
    }
    return k;
}

bool
IsZero(const wire::IsakmpCookie& cookie)
{
    for (uint8_t b : cookie)
    {
        if (b != 0)
        {
            return false;
        }
    }
    return true;
}

} // namespace

const char*
ToString(HeadendDemux::DropReason reason)
{
    switch (reason)
    {
        case HeadendDemux::DropReason::None:
            return "none";
        case HeadendDemux::DropReason::NoClient:
            return "no-client";
        case HeadendDemux::DropReason::OtherPort:
            return "other-port";
        case HeadendDemux::DropReason::Malformed:
            return "malformed";
    }
    return "?";
}

HeadendDemux::HeadendDemux(uint16_t ctcpPort)
    : m_ctcpPort(ctcpPort)
{
}

HeadendDemux::Verdict
HeadendDemux::Classify(const OuterPacket& p) const
{
    auto to = [](ClientId c)
    {
        return Verdict{Action::Client, c, DropReason::None};
    };
    auto drop = [](DropReason r)
    {
        return Verdict{Action::Drop, 0, r};
    };
    auto lookup = [&](const auto& map, const auto& key)
    {
        auto it = map.find(key);
        return it == map.end() ? drop(DropReason::NoClient) : to(it->second);
    };
    // An IKE message: its SA by the initiator cookie, or a new client for a Main Mode 1.
    auto ike = [&](wire::ByteView message, const Endpoint& from)
    {
        auto h = wire::ParseIsakmpHeader(message);
        if (!h)
        {
            return drop(DropReason::Malformed);
        }
        Verdict v = lookup(m_cookies, CookieKey(h->initiatorCookie));
        bool first = h->exchangeType == wire::isakmpexchange::IdentityProtection
                     && IsZero(h->responderCookie) && !IsZero(h->initiatorCookie);
        if (v.action == Action::Drop && first)
        {
            auto known = m_ikeSources.find(from);
            v = known == m_ikeSources.end()
                    ? Verdict{Action::NewClient, 0, DropReason::None}
                    : Verdict{Action::Client, known->second, DropReason::None, true};
        }
        return v;
    };
    auto esp = [&](wire::ByteView packet)
    {
        if (packet.size() < 4)
        {
            return drop(DropReason::Malformed);
        }
        return lookup(m_spiBlocks, wire::GetU32(packet.data()) >> 8);
    };

    switch (p.protocol)
    {
        case OuterProtocol::Tcp:
        {
            // The tunnel checks the checksum; the key needs only the ports and flags.
            auto tcp = wire::ParseTcpSegmentUnchecked(p.payload);
            if (!tcp)
            {
                return drop(DropReason::Malformed);
            }
            if (tcp->header.destinationPort != m_ctcpPort)
            {
                return drop(DropReason::OtherPort);
            }
            Verdict v = lookup(m_connections, Endpoint{p.sourceAddress, tcp->header.sourcePort});
            uint8_t flags = tcp->header.flags;
            bool syn = (flags & wire::tcpflag::Syn) && !(flags & wire::tcpflag::Ack);
            if (v.action == Action::Drop && syn)
            {
                v = Verdict{Action::NewClient, 0, DropReason::None};
            }
            return v;
        }
        case OuterProtocol::Esp:
            return esp(p.payload);
        case OuterProtocol::Udp:
            if (p.destinationPort == wire::kIkePort)
            {
                return ike(p.payload, Endpoint{p.sourceAddress, p.sourcePort});
            }
            if (p.destinationPort == wire::kNattPort)
            {
                auto n = wire::ClassifyNattPayload(p.payload);
                if (!n)
                {
                    return drop(DropReason::Malformed);
                }
                switch (n->kind)
                {
                    case wire::NattPacketKind::Ike:
                        return ike(n->packet, Endpoint{p.sourceAddress, p.sourcePort});
                    case wire::NattPacketKind::Esp:
                        return esp(n->packet);
                    case wire::NattPacketKind::Keepalive:
                        return lookup(m_nattSources, Endpoint{p.sourceAddress, p.sourcePort});
                }
            }
            return drop(DropReason::Malformed);
    }
    return drop(DropReason::Malformed);
}

void
HeadendDemux::AddClient(ClientId client, const OuterPacket& first, uint32_t inboundSpi)
{
    ++m_clients;
    if (inboundSpi != 0)
    {
        m_spiBlocks[inboundSpi >> 8] = client;
    }
    if (first.protocol == OuterProtocol::Tcp)
    {
        if (auto tcp = wire::ParseTcpSegmentUnchecked(first.payload))
        {
            m_connections[Endpoint{first.sourceAddress, tcp->header.sourcePort}] = client;
        }
        return;
    }
    Delivered(client, first);
}

void
HeadendDemux::Delivered(ClientId client, const OuterPacket& packet)
{
    if (packet.protocol != OuterProtocol::Udp)
    {
        return;
    }
    Endpoint from{packet.sourceAddress, packet.sourcePort};
    wire::ByteView message = packet.payload;
    if (packet.destinationPort == wire::kNattPort)
    {
        m_nattSources[from] = client;
        auto n = wire::ClassifyNattPayload(packet.payload);
        if (!n || n->kind != wire::NattPacketKind::Ike)
        {
            return;
        }
        message = n->packet;
    }
    if (auto h = wire::ParseIsakmpHeader(message))
    {
        m_ikeSources[from] = client;
        m_cookies.emplace(CookieKey(h->initiatorCookie), client);
    }
}

} // namespace engine
} // namespace vpnsim
