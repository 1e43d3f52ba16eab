#include "model/vpn-endpoint-traces.h"

#include "ns3/trace-source-accessor.h"

namespace ns3
{

void
VpnEndpointTraces::AddTraceSources(TypeId& tid)
{
    tid
        .AddTraceSource("TunnelState",
                        "The tunnel went up or down (with the reason); at a headend, any "
                        "client's tunnel.",
                        MakeTraceSourceAccessor(&VpnEndpointTraces::m_stateTrace),
                        "ns3::VpnEndpoint::TunnelStateCallback")
        .AddTraceSource("ClientState",
                        "A tunnel went up or down, with its client's number (GetClient).",
                        MakeTraceSourceAccessor(&VpnEndpointTraces::m_clientStateTrace),
                        "ns3::VpnEndpoint::ClientStateCallback")
        .AddTraceSource("InnerTx", "An inner packet entered the tunnel.",
                        MakeTraceSourceAccessor(&VpnEndpointTraces::m_innerTxTrace),
                        "ns3::Packet::TracedCallback")
        .AddTraceSource("InnerRx", "An inner packet came out of the tunnel.",
                        MakeTraceSourceAccessor(&VpnEndpointTraces::m_innerRxTrace),
                        "ns3::Packet::TracedCallback")
        .AddTraceSource("OuterTx",
                        "The engine put a packet on the outer wire: a UDP payload, an ESP "
                        "packet, a whole cTCP segment, or AnyConnect stream bytes.",
                        MakeTraceSourceAccessor(&VpnEndpointTraces::m_outerTxTrace),
                        "ns3::Packet::TracedCallback")
        .AddTraceSource("OuterRx",
                        "A packet from the outer wire went to the engine (without its "
                        "IPv4 and UDP headers; AnyConnect: a chunk of the stream).",
                        MakeTraceSourceAccessor(&VpnEndpointTraces::m_outerRxTrace),
                        "ns3::Packet::TracedCallback")
        .AddTraceSource("Drop",
                        "The engine dropped a packet: esp-icv, esp-replay, esp-malformed, "
                        "framing, not-up, ...; a headend also drops what belongs to no "
                        "client (no-client, malformed) and inner packets to no client "
                        "(no-route).",
                        MakeTraceSourceAccessor(&VpnEndpointTraces::m_dropTrace),
                        "ns3::VpnEndpoint::DropCallback")
        .AddTraceSource("Dpd",
                        "A liveness message was sent or received (IKE DPD, NAT-T or CSTP "
                        "keepalive, CSTP DPD), or the peer was declared dead.",
                        MakeTraceSourceAccessor(&VpnEndpointTraces::m_dpdTrace),
                        "ns3::VpnEndpoint::DpdCallback");
}

} // namespace ns3
