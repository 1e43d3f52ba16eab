/*
 * VpnEndpoint's host adapter: the engine Endpoint's view of the node it runs on. Time, timers
 * and randomness come from the endpoint's SimulatorClock; outer packets and stream bytes go to
 * its sockets (VpnSockets), inner packets up its
 * VirtualNetDevice; every event becomes a trace source call. Nothing here decides anything.
 */
#ifndef VPNSIM_VPN_ENGINE_HOST_H
#define VPNSIM_VPN_ENGINE_HOST_H

#include "model/engine/endpoint.h"
#include "model/vpn-endpoint.h"
#include "model/vpn-sockets.h"

namespace ns3
{

class VpnEndpoint::EngineHost : public vpnsim::engine::EndpointHost
{
  public:
    explicit EngineHost(VpnEndpoint& endpoint);

    vpnsim::engine::Nanos Now() const override;
    vpnsim::engine::TimerId StartTimer(vpnsim::engine::Nanos at,
                                       std::function<void()> callback) override;
    void CancelTimer(vpnsim::engine::TimerId id) override;
    uint32_t Random32() override;
    void SendOuter(const vpnsim::engine::OuterPacket& packet) override;
    void SendTunnelStream(vpnsim::engine::TunnelId tunnel, vpnsim::wire::ByteView bytes) override;
    void DeliverInner(vpnsim::wire::ByteView inner) override;
    void OuterReceived(vpnsim::engine::TunnelId tunnel, vpnsim::wire::ByteView packet) override;
    void TunnelStatusChanged(vpnsim::engine::TunnelId tunnel,
                             const vpnsim::engine::TunnelStatus& status) override;
    void TunnelDropped(vpnsim::engine::TunnelId tunnel, vpnsim::engine::DropReason reason,
                       vpnsim::wire::ByteView packet, const std::string& detail) override;
    void TunnelLiveness(vpnsim::engine::TunnelId tunnel,
                        vpnsim::engine::LivenessEvent event) override;
    void Unclaimed(const std::string& reason, vpnsim::wire::ByteView packet) override;

  private:
    const char* Who() const;

    VpnEndpoint& m_e;
};

} // namespace ns3

#endif // VPNSIM_VPN_ENGINE_HOST_H
