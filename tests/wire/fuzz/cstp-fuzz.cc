// Fuzzes CSTP packets and the TLS record stream fed in input-chosen chunks.
#include "model/wire/cstp.h"
#include "model/wire/tls-record.h"

#include <cstdlib>
#include <string>

using namespace vpnsim::wire;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    ByteView in(data, size);
    (void)ParseCstpPacket(in);
    if (size < 1)
    {
        return 0;
    }
    // The first byte picks the chunk size, so record boundaries fall anywhere in segments.
    size_t chunk = 1 + data[0] % 64;
    TlsRecordStream tls;
    std::string error;
    size_t records = 0;
    for (size_t pos = 1; pos < size; pos += chunk)
    {
        size_t n = std::min(chunk, size - pos);
        bool ok = tls.Feed(
            in.subspan(pos, n),
            [&](ByteView record)
            {
                ++records;
                (void)ParseCstpPacket(record);
            },
            error);
        if (!ok)
        {
            break;
        }
    }
    if (tls.Buffered() > size)
    {
        std::abort();
    }
    return 0;
}
