/*
 * What a tunnel reports while it works, besides its state (tunnel-state.h): the packets it
 * drops and why, and the liveness messages (DPD, keepalives) it sends and receives. The engine
 * only calls an observer; each driver turns the calls into its own observability (trace sources
 * in the ns-3 VpnEndpoint, log lines in the runner). Shared by the IPsec and the AnyConnect
 * tunnel, like TunnelStatus, so that traces and counters compare across encapsulations.
 */
#ifndef VPNSIM_ENGINE_TUNNEL_EVENTS_H
#define VPNSIM_ENGINE_TUNNEL_EVENTS_H

#include "model/wire/bytes.h"

#include <cstdint>
#include <functional>
#include <string>

namespace vpnsim
{
namespace engine
{

/// Why a tunnel dropped a packet.
enum class DropReason : uint8_t
{
    NotUp,                ///< an inner packet offered, or an ESP/CSTP packet received, while not up
    TransportNotReady,    ///< the transport had no connection to send on (cTCP)
    EspIcv,               ///< ESP failed its integrity check (ICV or GCM tag)
    EspReplay,            ///< ESP sequence number already seen or left of the replay window
    EspMalformed,         ///< ESP that does not decode (length, padding, unknown SPI)
    EspSequenceExhausted, ///< the outbound SA has no sequence number left (a rekey is due)
    Framing,              ///< a cTCP segment or CSTP record that is not exactly one packet
    BadChecksum,          ///< a cTCP segment with a bad TCP checksum
    OuterMalformed,       ///< an outer packet the transport does not carry (port, protocol)
    IkeMalformed,         ///< an ISAKMP message that does not parse or decrypt
    IkeUnexpected,        ///< an IKE message that is not the next of the exchange
};

/// Short names for traces and records: "not-up", "esp-icv", "esp-replay", "framing", ...
const char* ToString(DropReason reason);

/// A liveness message sent or received, or the verdict of dead peer detection.
enum class LivenessEvent : uint8_t
{
    RUThereSent,             ///< IKE DPD R-U-THERE (RFC 3706)
    RUThereReceived,         ///< ... from the peer
    RUThereAckSent,          ///< R-U-THERE-ACK, the answer
    RUThereAckReceived,      ///< ... from the peer
    NatKeepaliveSent,        ///< NAT-T keepalive, 0xFF on UDP 4500 (RFC 3948 section 2.3)
    NatKeepaliveReceived,    ///< ... from the peer (never counts as hearing it)
    CstpDpdRequestSent,      ///< AnyConnect CSTP DPD request
    CstpDpdRequestReceived,  ///< ... from the peer
    CstpDpdResponseSent,     ///< CSTP DPD response, the answer
    CstpDpdResponseReceived, ///< ... from the peer
    CstpKeepaliveSent,       ///< CSTP keepalive (client only)
    CstpKeepaliveReceived,   ///< ... from the peer
    PeerDead,                ///< dead peer detection gave the peer up
};

/// Short names for traces: "r-u-there-sent", "cstp-dpd-request-received", "peer-dead", ...
const char* ToString(LivenessEvent event);

/// Where a tunnel reports; either member may be empty.
struct TunnelObserver
{
    /// `packet` is what was dropped as the tunnel had it (the inner packet, the ESP packet,
    /// the outer datagram or segment, the stream chunk); empty if it never had the bytes.
    std::function<void(DropReason reason, wire::ByteView packet, const std::string& detail)> onDrop;
    std::function<void(LivenessEvent event)> onLiveness;

    /// Tells onDrop, if anyone listens.
    void Drop(DropReason reason, wire::ByteView packet, const std::string& detail) const
    {
        if (onDrop)
        {
            onDrop(reason, packet, detail);
        }
    }

    /// Tells onLiveness, if anyone listens.
    void Report(LivenessEvent event) const
    {
        if (onLiveness)
        {
            onLiveness(event);
        }
    }
};

/// What any tunnel counts, whichever its kind: for run records, and to compare encapsulations.
struct TunnelCounters
{
    uint64_t innerSent{0};               ///< inner packets sent through the tunnel
    uint64_t innerReceived{0};           ///< inner packets delivered out of it
    uint64_t innerDroppedNotUp{0};       ///< inner packets offered while the tunnel was not up
    uint64_t framingErrors{0};           ///< cTCP segments or CSTP records that did not frame
    uint64_t espAuthenticationFailed{0}; ///< IPsec: ICV failures
    uint64_t espReplayed{0};             ///< IPsec: replayed or too old
    uint64_t espMalformed{0};            ///< IPsec: undecodable (length, padding, SPI)
    uint64_t espReceivedNotUp{0};        ///< IPsec: arrived before the tunnel was up
    uint64_t espSequenceExhausted{0};    ///< IPsec: inner packets the outbound SA had no
                                         ///< sequence number left for (a rekey was due)
    uint64_t dpdRequestsSent{0};         ///< R-U-THERE, or CSTP DPD requests
    uint64_t dpdRequestsReceived{0};
    uint64_t dpdResponsesSent{0}; ///< R-U-THERE-ACK, or CSTP DPD responses
    uint64_t dpdResponsesReceived{0};
    uint64_t keepalivesSent{0}; ///< NAT-T keepalives, or CSTP keepalives
    uint64_t keepalivesReceived{0};
    uint64_t ikeRekeys{0};   ///< IPsec: IKE (phase 1) SAs replaced by a new Main Mode
    uint64_t ipsecRekeys{0}; ///< IPsec: IPsec (phase 2) SA pairs replaced by a new Quick Mode
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_TUNNEL_EVENTS_H
