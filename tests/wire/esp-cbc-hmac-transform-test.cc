// NULL encryption with HMAC-SHA1-96 (RFC 2410, RFC 2404) copies the payload instead of
// encrypting it: an empty payload, whose view may hold a null pointer, is no copy at all.
#include "model/wire/esp-cbc-hmac-transform.h"

#include <gtest/gtest.h>

using namespace vpnsim::wire;

namespace
{

TEST(EspCbcHmacTransform, NullEncryptionSealsAndOpensAnEmptyPayloadFromANullView)
{
    const std::vector<uint8_t> authKey(EspCbcHmacTransform::kHmacKeySize, 0x42);
    auto transform = EspCbcHmacTransform::Create(0, ByteView(), true, authKey);
    ASSERT_TRUE(transform);
    const uint8_t spiAndSequence[8] = {0xc0, 0xff, 0xee, 0x01, 0, 0, 0, 1};
    EspAuthenticatedHeader header{ByteView(spiAndSequence)};
    uint8_t body[16] = {};
    uint8_t icv[EspCbcHmacTransform::kIcvSize] = {};
    // ByteView() has data() == nullptr: memmove from it, even of 0 bytes, is undefined
    // behaviour (C11 7.24.1p2), which the sanitizer build reports.
    ASSERT_TRUE((*transform)->Seal(header, ByteView(), ByteView(), body, icv));
    EXPECT_TRUE((*transform)->Open(header, ByteView(), ByteView(), ByteView(icv), body));
    icv[0] ^= 1;
    EXPECT_FALSE((*transform)->Open(header, ByteView(), ByteView(), ByteView(icv), body));
}

} // namespace
