/*
 * The trace sources of a VpnEndpoint, what each reports and the signatures of their callbacks.
 * The endpoint's host adapter (model/vpn-engine-host.h) fires them as the engine reports.
 */
#ifndef VPNSIM_VPN_ENDPOINT_TRACES_H
#define VPNSIM_VPN_ENDPOINT_TRACES_H

#include "ns3/packet.h"
#include "ns3/traced-callback.h"
#include "ns3/type-id.h"

#include <string>

namespace ns3
{

/// The trace sources, a part of VpnEndpoint (which adds them to its TypeId).
class VpnEndpointTraces
{
  public:
    virtual ~VpnEndpointTraces() = default;

    /// Signature of the TunnelState trace: state ("up"/"down"), reason, detail.
    typedef void (*TunnelStateCallback)(std::string state, std::string reason, std::string detail);

    /// Signature of the ClientState trace: the client's number (VpnEndpoint::GetClient), then
    /// as TunnelState.
    typedef void (*ClientStateCallback)(uint32_t client, std::string state, std::string reason,
                                        std::string detail);

    /// Signature of the Drop trace: what was dropped (the inner packet, the ESP packet, the
    /// outer datagram or segment, or the stream chunk; empty if the engine never had its
    /// bytes) and why: "not-up", "esp-icv", "esp-replay", "esp-malformed", "framing", ...
    /// (vpnsim::engine::DropReason), or at a headend "no-client", "no-route", ...
    typedef void (*DropCallback)(Ptr<const Packet> packet, std::string reason);

    /// Signature of the Dpd trace: "r-u-there-sent", "r-u-there-ack-received",
    /// "nat-keepalive-sent", "cstp-dpd-request-sent", "cstp-keepalive-received", "peer-dead",
    /// ... (vpnsim::engine::LivenessEvent).
    typedef void (*DpdCallback)(std::string event);

  protected:
    /// Adds the trace sources to `tid`, the TypeId of a class derived from this one.
    static void AddTraceSources(TypeId& tid);

    TracedCallback<std::string, std::string, std::string> m_stateTrace;
    TracedCallback<uint32_t, std::string, std::string, std::string> m_clientStateTrace;
    TracedCallback<Ptr<const Packet>> m_innerTxTrace;
    TracedCallback<Ptr<const Packet>> m_innerRxTrace;
    TracedCallback<Ptr<const Packet>> m_outerTxTrace;
    TracedCallback<Ptr<const Packet>> m_outerRxTrace;
    TracedCallback<Ptr<const Packet>, std::string> m_dropTrace;
    TracedCallback<std::string> m_dpdTrace;
};

} // namespace ns3

#endif // VPNSIM_VPN_ENDPOINT_TRACES_H
