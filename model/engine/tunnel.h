/*
 * One tunnel, whichever its kind: IPsec (over cTCP, NAT-T or native ESP) or AnyConnect (CSTP
 * on a real TCP stream). An Endpoint owns its tunnels through this interface, so that what it
 * does around them (demultiplexing, inner routing, counting) is written once for both kinds.
 */
#ifndef VPNSIM_ENGINE_TUNNEL_H
#define VPNSIM_ENGINE_TUNNEL_H

#include "model/engine/host.h"
#include "model/engine/transport.h"
#include "model/engine/tunnel-events.h"
#include "model/engine/tunnel-state.h"

#include <functional>
#include <optional>

namespace vpnsim
{
namespace engine
{

/// What every tunnel takes and gives.
class Tunnel
{
  public:
    virtual ~Tunnel() = default;

    /// Called on every state change (Up; Down with its reason).
    virtual void SetStatusCallback(std::function<void(const TunnelStatus&)> callback) = 0;

    /// Where drops and liveness messages are reported.
    virtual void SetObserver(TunnelObserver observer) = 0;

    /// IPsec: opens the transport (a client starts IKE). AnyConnect: its stream is open.
    virtual void Start() = 0;

    /// Sends one inner IP packet (dropped, and counted, unless the tunnel can carry it).
    virtual void SendInner(wire::ByteView innerPacket) = 0;

    /// One datagram or self-built segment from the outer wire (IPsec; AnyConnect has none).
    virtual void Receive(const OuterPacket& packet) = 0;

    /// Bytes of the tunnel's real TCP stream, in any chunking (AnyConnect; IPsec has none).
    virtual void ReceiveStream(wire::ByteView chunk) = 0;

    /// The counters every kind of tunnel has.
    virtual TunnelCounters Summary() const = 0;

    /// Where a datagram tunnel sends to now (it follows a peer behind a NAT, and NAT-T's IKE
    /// floats to 4500); none for connection-carried tunnels, whose peer is their connection.
    virtual std::optional<PeerAddress> SeenPeer() const = 0;

    /// The ESP SPI the peer offered in Quick Mode, which this end sends with (0: none, as for
    /// AnyConnect). A headend knows its clients by it.
    virtual uint32_t PeerOfferedSpi() const = 0;
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_TUNNEL_H
