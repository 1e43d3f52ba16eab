// Fuzzes the hex parser used for keys given on command lines and in scenario files.
#include "model/wire/bytes.h"

#include <cstdlib>
#include <string>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string text(reinterpret_cast<const char*>(data), size);
    vpnsim::wire::Bytes b = vpnsim::wire::FromHex(text);
    // Whatever parses must print back to the same digits, case and spaces aside.
    std::string back = vpnsim::wire::ToHex(b);
    if (b.size() * 2 != back.size())
    {
        std::abort();
    }
    return 0;
}
