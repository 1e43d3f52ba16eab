#include "model/wire/bytes.h"

#include <cctype>

namespace vpnsim
{
namespace wire
{

std::string
ToHex(ByteView v)
{
    static const char* digits = "0123456789abcdef";
    std::string s;
    s.reserve(v.size() * 2);
    for (uint8_t b : v)
    {
        s.push_back(digits[b >> 4]);
        s.push_back(digits[b & 0x0f]);
    }
    return s;
}

Bytes
FromHex(const std::string& hex)
{
    Bytes out;
    int hi = -1;
    for (char c : hex)
    {
        if (std::isspace(static_cast<unsigned char>(c)))
        {
            continue;
        }
        int d;
        if (c >= '0' && c <= '9')
        {
            d = c - '0';
        }
        else if (c >= 'a' && c <= 'f')
        {
            d = c - 'a' + 10;
        }
        else if (c >= 'A' && c <= 'F')
        {
            d = c - 'A' + 10;
        }
        else
        {
            return {};
        }
        if (hi < 0)
        {
            hi = d;
        }
        else
        {
            out.push_back(static_cast<uint8_t>((hi << 4) | d));
            hi = -1;
        }
    }
    if (hi >= 0)
    {
        return {};
    }
    return out;
}

} // namespace wire
} // namespace vpnsim
