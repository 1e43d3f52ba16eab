// Fuzzes the cTCP segment parser and Wireshark's heuristic.
#include "model/wire/ctcp.h"

#include <cstdlib>

using namespace vpnsim::wire;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    ByteView in(data, size);
    (void)LooksLikeCtcp(in);
    auto p = ParseCtcpPayload(in);
    if (p && (p->packet.size() + kCtcpTrailerLength > size))
    {
        std::abort();
    }
    return 0;
}
