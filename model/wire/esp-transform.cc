#include "model/wire/esp-transform.h"

#include "model/wire/esp-cbc-hmac-transform.h"
#include "model/wire/esp-gcm-transform.h"

#include <string>

namespace vpnsim
{
namespace wire
{

namespace
{

struct TransformName
{
    EspTransformId id;
    const char* name;
};

constexpr TransformName kNames[] = {
    {EspTransformId::NullHmacSha1_96, "null-hmac-sha1-96"},
    {EspTransformId::AesCbc128HmacSha1_96, "aes-cbc-128-hmac-sha1-96"},
    {EspTransformId::AesCbc256HmacSha1_96, "aes-cbc-256-hmac-sha1-96"},
    {EspTransformId::AesGcm128Icv16, "aes-gcm-128"},
    {EspTransformId::AesGcm256Icv16, "aes-gcm-256"},
    {EspTransformId::AesCbc128NoAuth, "aes-cbc-128-no-auth"},
};

} // namespace

const char*
ToString(EspTransformId id)
{
    for (const auto& n : kNames)
    {
        if (n.id == id)
        {
            return n.name;
        }
    }
    return "unknown";
}

Result<EspTransformId>
ParseEspTransformId(const std::string& name)
{
    std::string allowed;
    for (const auto& n : kNames)
    {
        if (name == n.name)
        {
            return n.id;
        }
        if (!allowed.empty())
        {
            allowed.push_back('|');
        }
        allowed.append(n.name);
    }
    return Result<EspTransformId>::Fail(ErrorCode::BadValue,
                                        "esp transform '" + name + "': allowed " + allowed);
}

EspKeyLengths
KeyLengths(EspTransformId id)
{
    switch (id)
    {
        case EspTransformId::NullHmacSha1_96:
            return {0, EspCbcHmacTransform::kHmacKeySize};
        case EspTransformId::AesCbc128HmacSha1_96:
            return {16, EspCbcHmacTransform::kHmacKeySize};
        case EspTransformId::AesCbc256HmacSha1_96:
            return {32, EspCbcHmacTransform::kHmacKeySize};
        case EspTransformId::AesGcm128Icv16:
            return {16 + EspGcmTransform::kSaltSize, 0};
        case EspTransformId::AesGcm256Icv16:
            return {32 + EspGcmTransform::kSaltSize, 0};
        case EspTransformId::AesCbc128NoAuth:
            return {16, 0};
    }
    return {0, 0};
}

Result<std::unique_ptr<EspTransform>>
MakeEspTransform(EspTransformId id, ByteView encryptionKey, ByteView authenticationKey)
{
    using R = Result<std::unique_ptr<EspTransform>>;
    EspKeyLengths want = KeyLengths(id);
    std::string name = ToString(id);
    if (encryptionKey.size() != want.encryption)
    {
        std::string detail = "esp " + name + ": encryption key is "
                             + std::to_string(encryptionKey.size()) + " bytes, must be "
                             + std::to_string(want.encryption);
        if (id == EspTransformId::AesGcm128Icv16 || id == EspTransformId::AesGcm256Icv16)
        {
            detail.append(" (AES key followed by the 4-byte salt)");
        }
        return R::Fail(ErrorCode::BadValue, detail);
    }
    if (authenticationKey.size() != want.authentication)
    {
        return R::Fail(ErrorCode::BadValue, "esp " + name + ": authentication key is "
                                                + std::to_string(authenticationKey.size())
                                                + " bytes, must be "
                                                + std::to_string(want.authentication));
    }
    switch (id)
    {
        case EspTransformId::NullHmacSha1_96:
            return EspCbcHmacTransform::Create(0, encryptionKey, true, authenticationKey);
        case EspTransformId::AesCbc128HmacSha1_96:
            return EspCbcHmacTransform::Create(128, encryptionKey, true, authenticationKey);
        case EspTransformId::AesCbc256HmacSha1_96:
            return EspCbcHmacTransform::Create(256, encryptionKey, true, authenticationKey);
        case EspTransformId::AesCbc128NoAuth:
            return EspCbcHmacTransform::Create(128, encryptionKey, false, authenticationKey);
        case EspTransformId::AesGcm128Icv16:
        case EspTransformId::AesGcm256Icv16:
            return EspGcmTransform::Create(encryptionKey);
    }
    return R::Fail(ErrorCode::Unsupported, "esp: unknown transform");
}

} // namespace wire
} // namespace vpnsim
