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
    RawDemuxResult r;
    auto parsed = wire::ParseIpv4Datagram(datagram);
    if (!parsed)
    {
        r.verdict = RawVerdict::Malformed;
        return r;
    }
    const wire::Ipv4Header& h = parsed->header;
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
    bool esp = config.protocol == 50;
    bool anySource = config.headend && esp;
    if (!anySource && h.source != config.remote)
    {
        r.verdict = RawVerdict::OtherPeer;
        return r;
    }
    wire::ByteView payload = parsed->payload;
    if (!esp && config.tcpLocalPort != 0)
    {
        // The destination port is bytes 2-3 of the TCP header; the engine checks the rest.
        if (payload.size() < 4 || wire::GetU16(&payload[2]) != config.tcpLocalPort)
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
