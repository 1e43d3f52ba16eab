#include "model/wire/internet-checksum.h"

namespace vpnsim
{
namespace wire
{

uint32_t
ChecksumAdd(uint32_t sum, ByteView data)
{
    uint64_t s = sum;
    size_t i = 0;
    for (; i + 1 < data.size(); i += 2)
    {
        s += GetU16(&data[i]);
    }
    if (i < data.size())
    {
        s += uint32_t{data[i]} << 8;
    }
    while (s >> 32)
    {
        s = (s & 0xffffffff) + (s >> 32);
    }
    return static_cast<uint32_t>(s);
}

uint16_t
ChecksumFinish(uint32_t sum)
{
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<uint16_t>(~sum);
}

uint32_t
PseudoHeaderSum(uint32_t source, uint32_t destination, uint8_t protocol, size_t length)
{
    return (source >> 16) + (source & 0xffff) + (destination >> 16) + (destination & 0xffff)
           + protocol + static_cast<uint32_t>(length);
}

uint16_t
InternetChecksum(ByteView data)
{
    return ChecksumFinish(ChecksumAdd(0, data));
}

uint16_t
TransportChecksum(uint32_t source, uint32_t destination, uint8_t protocol, ByteView l4)
{
    return ChecksumFinish(
        ChecksumAdd(PseudoHeaderSum(source, destination, protocol, l4.size()), l4));
}

uint16_t
ChecksumAdjust(uint16_t checksum, uint16_t oldWord, uint16_t newWord)
{
    uint32_t sum = uint32_t{static_cast<uint16_t>(~checksum)}
                   + uint32_t{static_cast<uint16_t>(~oldWord)} + newWord;
    return ChecksumFinish(sum);
}

} // namespace wire
} // namespace vpnsim
