// Fuzzes the RFC 3948 demultiplexer of UDP 4500 payloads.
#include "model/wire/esp-in-udp.h"

#include <cstdlib>

using namespace vpnsim::wire;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    auto p = ClassifyNattPayload(ByteView(data, size));
    if (p && p->kind == NattPacketKind::Esp && GetU32(p->packet.data()) == 0)
    {
        std::abort(); // ESP with SPI 0 must never come out
    }
    return 0;
}
