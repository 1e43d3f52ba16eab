// Fuzzes ESP decapsulation for each transform. With no integrity (the RFC 3602 test
// transform) random bytes reach the padding and next-header checks; with an ICV they stop at
// authentication, which must fail cleanly.
#include "model/wire/esp.h"

#include <cstdlib>
#include <utility>

using namespace vpnsim::wire;

namespace
{

EspInboundSa&
Sa(int which)
{
    static EspInboundSa* sas[4] = {};
    if (sas[which] == nullptr)
    {
        EspSaConfig c;
        c.spi = 0x1000;
        EspTransformId ids[4]
            = {EspTransformId::AesCbc128NoAuth, EspTransformId::AesCbc128HmacSha1_96,
               EspTransformId::AesGcm128Icv16, EspTransformId::NullHmacSha1_96};
        c.transform = ids[which];
        EspKeyLengths k = KeyLengths(c.transform);
        c.encryptionKey.assign(k.encryption, 0x42);
        c.authenticationKey.assign(k.authentication, 0x24);
        c.extendedSequenceNumbers = which == 2;
        sas[which] = new EspInboundSa(std::move(EspInboundSa::Create(c).Value()));
    }
    return *sas[which];
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
    {
        return 0;
    }
    ByteView in(data + 1, size - 1);
    (void)ParseEspHeader(in);
    Bytes payload;
    auto r = Sa(data[0] % 4).Decapsulate(in, payload);
    if (r && (r->payloadLength != payload.size() || payload.size() > in.size()))
    {
        std::abort();
    }
    return 0;
}
