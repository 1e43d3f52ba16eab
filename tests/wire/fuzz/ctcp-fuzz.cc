// Fuzzes the cTCP trailer parser and the trailer-magic search a receiver runs on each segment.
#include "model/wire/ctcp.h"

#include <cstdlib>

using namespace vpnsim::wire;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    ByteView in(data, size);
    auto trailer = ParseCtcpTrailer(in);
    if (trailer && size < kCtcpTrailerLength)
    {
        std::abort();
    }
    if (trailer && !ContainsCtcpTrailerMagic(in))
    {
        std::abort(); // a valid trailer carries the magic
    }
    return 0;
}
