/*
 * When to send a CSTP DPD request or keepalive, and when the peer is dead: openconnect's
 * keepalive_action (ssl.c; doc/protocols.md §CSTP DPD and keepalive) as a pure function of the
 * times involved.
 *
 *   dead          when nothing was received for 2*dpd
 *   DPD request   when nothing was received for dpd; while one is outstanding, every dpd/2
 *   keepalive     when nothing was sent for `keepalive` (the caller enables it on the client)
 *
 * openconnect counts whole seconds and tests `now > overdue`, so it may send one more request
 * at exactly 2*dpd and give up a second later; with continuous time the model declares the peer
 * dead at 2*dpd, before any request due at that instant.
 */
#ifndef VPNSIM_ENGINE_CSTP_KEEPALIVE_H
#define VPNSIM_ENGINE_CSTP_KEEPALIVE_H

#include "model/engine/host.h"

#include <optional>

namespace vpnsim
{
namespace engine
{

/// What the liveness logic wants done now.
enum class KeepaliveAction : uint8_t
{
    None,          ///< nothing due; wake up again at `next`
    SendDpd,       ///< send a DPD request (and record the time as the last DPD)
    SendKeepalive, ///< send a keepalive
    Dead,          ///< the peer is dead
};

/// A decision and, for None, the time at which something may next be due.
struct KeepaliveDecision
{
    KeepaliveAction action{KeepaliveAction::None};
    std::optional<Nanos> next; ///< empty when neither DPD nor keepalive is enabled
};

/// The times keepalive_action looks at.
struct KeepaliveTimes
{
    Nanos lastReceived{0};
    Nanos lastSent{0};
    std::optional<Nanos> lastDpd; ///< when the last DPD request went out
};

/// openconnect keepalive_action. `dpd` or `keepalive` of zero disables that mechanism.
KeepaliveDecision DecideKeepalive(Nanos now, const KeepaliveTimes& times, Nanos dpd,
                                  Nanos keepalive);

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_CSTP_KEEPALIVE_H
