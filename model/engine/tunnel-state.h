/*
 * Whether a tunnel carries traffic and, once it does not, why: the answer every run record
 * needs (DESIGN.md, "What a run produces"). Shared by the IPsec tunnel and the AnyConnect
 * tunnel so that results compare across encapsulations.
 */
#ifndef VPNSIM_ENGINE_TUNNEL_STATE_H
#define VPNSIM_ENGINE_TUNNEL_STATE_H

#include <cstdint>

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
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_TUNNEL_STATE_H
