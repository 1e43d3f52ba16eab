#include "model/engine/raw-demux.h"

#include "model/wire/ipv4-datagram.h"

namespace vpnsim
{
namespace engine
{

const char*
ToString(RawVerdict verdict)
{
    switch (verdict)
    {
        case RawVerdict::Accept:
            return "accept";
        case RawVerdict::Malformed:
            return "malformed";
        case RawVerdict::Fragment:
            return "fragment";
        case RawVerdict::OtherProtocol:
            return "other-protocol";
        case RawVerdict::OtherDestination:
            return "other-destination";
        case RawVerdict::OtherPeer:
            return "other-peer";
        case RawVerdict::OtherPort:
            return "other-port";
    }
    return "?";
}

RawDemuxResult
DemuxRawIpv4(wire::ByteView datagram, const RawDemuxConfig& config)
{
    auto parsed = wire::ParseIpv4Datagram(datagram);
    if (!parsed)
    {
        return RawDemuxResult{RawVerdict::Malformed};
    }
    return DemuxRawIpv4(parsed->header, parsed->payload, config);
}

RawDemuxResult
DemuxRawIpv4(const wire::Ipv4Header& h, wire::ByteView payload, const RawDemuxConfig& config)
{
    RawDemuxResult r;
    if (h.moreFragments || h.fragmentOffset != 0)
    {
        r.verdict = RawVerdict::Fragment;
        return r;
    }
    if (h.protocol != config.protocol)
    {
        r.verdict = RawVerdict::OtherProtocol;
        return r;
    }
    if (config.local != 0 && h.destination != config.local)
    {
        r.verdict = RawVerdict::OtherDestination;
        return r;
    }
    if (!config.headend && h.source != config.remote)
    {
        r.verdict = RawVerdict::OtherPeer;
        return r;
    }
    bool esp = config.protocol == wire::ipproto::Esp;
    if (!esp && config.tcpLocalPort != 0)
    {
        // The engine checks the checksum and the rest; this only needs the ports.
        auto tcp = wire::ParseTcpSegmentUnchecked(payload);
        if (!tcp || tcp->header.destinationPort != config.tcpLocalPort)
        {
            r.verdict = RawVerdict::OtherPort;
            return r;
        }
    }
    r.verdict = RawVerdict::Accept;
    r.packet = OuterPacket{
        esp ? OuterProtocol::Esp : OuterProtocol::Tcp, h.source, h.destination, 0, 0, payload};
    return r;
}

} // namespace engine
} // namespace vpnsim
