#include "model/engine/tunnel-state.h"

namespace vpnsim
{
namespace engine
{

const char*
ToString(DownReason reason)
{
    switch (reason)
    {
        case DownReason::ClientDpd:
            return "client-dpd";
        case DownReason::HeadendDpd:
            return "headend-dpd";
        case DownReason::FramingError:
            return "framing-error";
        case DownReason::IkeFailure:
            return "ike-failure";
        case DownReason::IdleTimeout:
            return "idle-timeout";
        case DownReason::RekeyFailure:
            return "rekey-failure";
    }
    return "unknown";
}

} // namespace engine
} // namespace vpnsim
