#include "model/engine/tunnel-events.h"

namespace vpnsim
{
namespace engine
{

const char*
ToString(DropReason reason)
{
    switch (reason)
    {
        case DropReason::NotUp:
            return "not-up";
        case DropReason::TransportNotReady:
            return "transport-not-ready";
        case DropReason::EspIcv:
            return "esp-icv";
        case DropReason::EspReplay:
            return "esp-replay";
        case DropReason::EspMalformed:
            return "esp-malformed";
        case DropReason::EspSequenceExhausted:
            return "esp-sequence-exhausted";
        case DropReason::Framing:
            return "framing";
        case DropReason::BadChecksum:
            return "bad-checksum";
        case DropReason::OuterMalformed:
            return "outer-malformed";
        case DropReason::IkeMalformed:
            return "ike-malformed";
        case DropReason::IkeUnexpected:
            return "ike-unexpected";
    }
    return "?";
}

const char*
ToString(LivenessEvent event)
{
    switch (event)
    {
        case LivenessEvent::RUThereSent:
            return "r-u-there-sent";
        case LivenessEvent::RUThereReceived:
            return "r-u-there-received";
        case LivenessEvent::RUThereAckSent:
            return "r-u-there-ack-sent";
        case LivenessEvent::RUThereAckReceived:
            return "r-u-there-ack-received";
        case LivenessEvent::NatKeepaliveSent:
            return "nat-keepalive-sent";
        case LivenessEvent::NatKeepaliveReceived:
            return "nat-keepalive-received";
        case LivenessEvent::CstpDpdRequestSent:
            return "cstp-dpd-request-sent";
        case LivenessEvent::CstpDpdRequestReceived:
            return "cstp-dpd-request-received";
        case LivenessEvent::CstpDpdResponseSent:
            return "cstp-dpd-response-sent";
        case LivenessEvent::CstpDpdResponseReceived:
            return "cstp-dpd-response-received";
        case LivenessEvent::CstpKeepaliveSent:
            return "cstp-keepalive-sent";
        case LivenessEvent::CstpKeepaliveReceived:
            return "cstp-keepalive-received";
        case LivenessEvent::PeerDead:
            return "peer-dead";
    }
    return "?";
}

} // namespace engine
} // namespace vpnsim
