#include "model/engine/cstp-keepalive.h"

#include <algorithm>

namespace vpnsim
{
namespace engine
{

namespace
{

void
Earliest(std::optional<Nanos>& next, Nanos t)
{
    next = next ? std::min(*next, t) : t;
}

} // namespace

KeepaliveDecision
DecideKeepalive(Nanos now, const KeepaliveTimes& times, Nanos dpd, Nanos keepalive)
{
    KeepaliveDecision d;
    if (dpd > Nanos::zero())
    {
        Nanos due = times.lastReceived + dpd;
        Nanos overdue = times.lastReceived + 2 * dpd;
        if (now >= overdue)
        {
            d.action = KeepaliveAction::Dead;
            return d;
        }
        // A request is outstanding: repeat it, but only every dpd/2 (no flooding).
        if (times.lastDpd && *times.lastDpd > times.lastReceived)
        {
            due = *times.lastDpd + dpd / 2;
        }
        if (now >= due)
        {
            d.action = KeepaliveAction::SendDpd;
            return d;
        }
        Earliest(d.next, std::min(due, overdue));
    }
    if (keepalive > Nanos::zero())
    {
        // Keepalives only keep NAT and firewall state alive: not needed while traffic flows.
        Nanos due = times.lastSent + keepalive;
        if (now >= due)
        {
            d.action = KeepaliveAction::SendKeepalive;
            return d;
        }
        Earliest(d.next, due);
    }
    return d;
}

} // namespace engine
} // namespace vpnsim
