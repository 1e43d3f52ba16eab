// Fuzzes the IPv4, UDP and TCP parsers on whole datagrams.
#include "model/wire/ipv4-datagram.h"

#include <cstdlib>

using namespace vpnsim::wire;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    ByteView in(data, size);
    auto d = ParseIpv4Datagram(in);
    if (!d)
    {
        return 0;
    }
    if (d->payload.data() < data || d->payload.data() + d->payload.size() > data + size)
    {
        std::abort();
    }
    auto u = ParseUdpDatagram(d->payload, d->header.source, d->header.destination);
    auto t = ParseTcpSegment(d->payload, d->header.source, d->header.destination);
    if (t && t->payload.size() + t->headerLength != d->payload.size())
    {
        std::abort();
    }
    (void)u;
    return 0;
}
