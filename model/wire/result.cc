#include "model/wire/result.h"

namespace vpnsim
{
namespace wire
{

const char*
ToString(ErrorCode code)
{
    switch (code)
    {
        case ErrorCode::Truncated:
            return "truncated";
        case ErrorCode::BadLength:
            return "bad-length";
        case ErrorCode::BadValue:
            return "bad-value";
        case ErrorCode::BadChecksum:
            return "bad-checksum";
        case ErrorCode::AuthenticationFailed:
            return "authentication-failed";
        case ErrorCode::BadPadding:
            return "bad-padding";
        case ErrorCode::Replayed:
            return "replayed";
        case ErrorCode::TooOld:
            return "too-old";
        case ErrorCode::NotCtcp:
            return "not-ctcp";
        case ErrorCode::Unsupported:
            return "unsupported";
        case ErrorCode::CryptoFailure:
            return "crypto-failure";
    }
    return "unknown";
}

} // namespace wire
} // namespace vpnsim
