/*
 * Whether a tunnel carries traffic and, once it does not, why: the answer every run record
 * needs (doc/design.md §What a run produces). Shared by the IPsec tunnel and the AnyConnect
 * tunnel so that results compare across encapsulations.
 */
#ifndef VPNSIM_ENGINE_TUNNEL_STATE_H
#define VPNSIM_ENGINE_TUNNEL_STATE_H

#include <cstdint>
#include <optional>
#include <string>

namespace vpnsim
{
namespace engine
{

/// Tunnel state as a user sees it.
enum class TunnelState : uint8_t
{
    Up,   ///< carries inner packets
    Down, ///< gave up; see DownReason
};

/// Why a tunnel went down.
enum class DownReason : uint8_t
{
    ClientDpd,    ///< the client's dead peer detection declared the headend dead
    HeadendDpd,   ///< the headend's dead peer detection declared the client dead
    FramingError, ///< a received segment or record could not be framed
    IkeFailure,   ///< IKE negotiation failed or timed out
    IdleTimeout,  ///< an idle timer (tunnel or middlebox) ended it
    RekeyFailure, ///< an SA ended before its successor was negotiated, or the rekey failed
};

/// A state change of the tunnel.
struct TunnelStatus
{
    TunnelState state{TunnelState::Down};
    /// Why it went down; empty for Up and for an orderly DISCONNECT/TERMINATE by either side.
    std::optional<DownReason> reason;
    std::string detail;
};

/// Short names for records: "client-dpd", "headend-dpd", "framing-error", ...
const char* ToString(DownReason reason);

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_TUNNEL_STATE_H
