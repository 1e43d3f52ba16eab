/*
 * An IPsec remote-access tunnel: an ESP SA pair, a transport (cTCP, NAT-T or native ESP), IKE
 * to bring it up, and liveness (DPD; NAT keepalives on NAT-T; the headend's idle timeout).
 *
 * The data path, top to bottom: SendInner -> ESP encapsulate (tunnel mode, next header 4) ->
 * Transport::SendEsp -> Host::SendOuter. Receive: Host -> Transport::Receive -> ESP (anti-replay,
 * ICV, decrypt) -> Host::DeliverInner; IKE -> the exchange, or DPD when Informational.
 *
 * Rekeying (sa-lifetime.h): the client negotiates each SA's successor before it ends, a Quick
 * Mode on the IKE SA for the IPsec SAs and a Main Mode for the IKE SA, on the same transport
 * as everything else (behind the same hole on cTCP). A replaced inbound SA takes packets for
 * kReplacedSaGrace more; an SA that ends without a successor ends the tunnel (rekey-failure).
 */
#ifndef VPNSIM_ENGINE_IPSEC_TUNNEL_H
#define VPNSIM_ENGINE_IPSEC_TUNNEL_H

#include "model/engine/ctcp-connection.h"
#include "model/engine/dpd.h"
#include "model/engine/endpoint-config.h"
#include "model/engine/host.h"
#include "model/engine/ike-exchange.h"
#include "model/engine/nat-keepalive.h"
#include "model/engine/sa-lifetime.h"
#include "model/engine/transport.h"
#include "model/engine/tunnel.h"
#include "model/engine/tunnel-events.h"
#include "model/engine/tunnel-state.h"
#include "model/wire/esp.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vpnsim
{
namespace engine
{

/// Which transport carries IKE and ESP.
enum class IpsecEncapsulation : uint8_t
{
    Ctcp, ///< Cisco IPsec over TCP, port 10000
    Natt, ///< UDP 4500 (RFC 3948)
    Esp,  ///< IP protocol 50, IKE on UDP 500
};

const char* ToString(IpsecEncapsulation e);

enum class IpsecRole : uint8_t
{
    Client,  ///< the Cisco VPN Client: IKE initiator, cTCP initiator, Cisco client DPD
    Headend, ///< the ASA: IKE responder, cTCP responder, ASA DPD
};

/// The SPIs of a lone tunnel (SPI block 0). The testbed's loss rules match 0xc0ffee01.
constexpr uint32_t kDefaultClientToHeadendSpi = parameter::kClientToHeadendSpi.DefaultAs<uint32_t>();
constexpr uint32_t kDefaultHeadendToClientSpi = parameter::kHeadendToClientSpi.DefaultAs<uint32_t>();

/// Every parameter of one end, with Cisco's defaults (doc/protocols.md §Cisco timers and defaults).
struct IpsecTunnelConfig
{
    IpsecEncapsulation encapsulation{IpsecEncapsulation::Ctcp};
    uint32_t localAddress{0};  ///< IPv4, host order
    uint32_t remoteAddress{0}; ///< IPv4, host order
    /// The legacy Cisco VPN Client's transform (it has no GCM, doc/protocols.md §ESP transforms).
    wire::EspTransformId transform{wire::EspTransformId::AesCbc128HmacSha1_96};
    /// The SPI of each direction. An end receives on its own (the headend on
    /// clientToHeadendSpi, the client on headendToClientSpi) and offers it in Quick Mode; the
    /// other one is replaced by what the peer offers (RFC 2409 section 5.5), so a headend can
    /// give each of its clients an SPI of its own. Config() shows both once the tunnel is up.
    uint32_t clientToHeadendSpi{kDefaultClientToHeadendSpi};
    uint32_t headendToClientSpi{kDefaultHeadendToClientSpi};
    /// Static keys (no Diffie-Hellman): each direction's encryption and authentication keys
    /// are derived from this seed and the SPI, identically at both ends (SaConfig).
    uint8_t keySeed{parameter::kKeySeed.DefaultAs<uint8_t>()};
    uint32_t replayWindow{64};
    IkeConfig ike{};
    CtcpConfig ctcp{};
    CiscoClientDpdConfig clientDpd{};
    AsaDpdConfig headendDpd{};
    Nanos natKeepalive{parameter::kNatKeepalive.DefaultDuration()}; ///< 0 disables
    /// Headend only: group-policy vpn-idle-timeout; 0 disables.
    Nanos idleTimeout{parameter::kIdleTimeout.DefaultDuration()};
    SaLifetimes lifetimes{};
};

/// Moves both SPIs of `config` up by `block` * 256. From the default pair this gives SPI block
/// `block`, whose keys differ from every other block's (SaConfig): a headend receives its n-th
/// client on block n, and VpnHelper gives its n-th client block n to receive on. About 2^22
/// blocks fit above the defaults.
void ShiftSpis(IpsecTunnelConfig& config, uint32_t block);

/// Counters for the run record (Summary() adds the DPD and transport ones).
struct IpsecTunnelCounters
{
    uint64_t innerSent{0};
    uint64_t innerReceived{0};
    uint64_t innerDroppedNotUp{0};
    uint64_t espAuthenticationFailed{0};
    uint64_t espReplayed{0};
    uint64_t espMalformed{0};
    uint64_t espReceivedNotUp{0};
    uint64_t espSequenceExhausted{0};
    uint64_t framingErrors{0};
    uint64_t dpdRequestsReceived{0};
    uint64_t dpdAcksSent{0};
    uint64_t ikeRekeys{0};   ///< IKE SAs replaced by a new Main Mode
    uint64_t ipsecRekeys{0}; ///< IPsec SA pairs replaced by a new Quick Mode
};

class IpsecTunnel : public Tunnel
{
  public:
    IpsecTunnel(Host& host, IpsecRole role, IpsecTunnelConfig config);
    ~IpsecTunnel() override;
    IpsecTunnel(const IpsecTunnel&) = delete;
    IpsecTunnel& operator=(const IpsecTunnel&) = delete;

    /// Checks a configuration; the message names the field and what is allowed.
    static std::optional<std::string> Validate(const IpsecTunnelConfig& config);

    /// Called on every state change (Up; Down with its reason).
    void SetStatusCallback(std::function<void(const TunnelStatus&)> callback) override;

    /// Where drops and liveness messages (DPD, NAT keepalives) are reported.
    void SetObserver(TunnelObserver observer) override;

    /// Opens the transport and, for the client, starts IKE.
    void Start() override;

    /// Encrypts and sends one inner IP packet (dropped, and counted, unless Up).
    void SendInner(wire::ByteView innerPacket) override;

    /// Handles one packet from the outer wire.
    void Receive(const OuterPacket& packet) override;

    /// IPsec has no stream: bytes are dropped ("outer-malformed").
    void ReceiveStream(wire::ByteView chunk) override;

    /// The transport's IKE peer (NAT-T and native ESP); none for cTCP.
    std::optional<PeerAddress> SeenPeer() const override;

    /// The SPI the peer offered in Quick Mode (before that, the configured one).
    uint32_t PeerOfferedSpi() const override;

    TunnelState State() const
    {
        return m_state;
    }

    const TunnelStatus& Status() const
    {
        return m_status;
    }

    const IpsecTunnelCounters& Counters() const
    {
        return m_counters;
    }

    /// The counters every kind of tunnel has (tunnel-events.h), DPD and keepalives included.
    TunnelCounters Summary() const override;

    /// The configuration in use.
    const IpsecTunnelConfig& Config() const
    {
        return m_config;
    }

    /// The SA this end sends with (SPI, transform, keys), as SaConfig derives it.
    wire::EspSaConfig OutboundSa() const;

    /// The SA this end receives with.
    wire::EspSaConfig InboundSa() const;

    /// Every ESP SA this end has installed, both directions, oldest first (for key logs).
    const std::vector<wire::EspSaConfig>& InstalledSas() const
    {
        return m_installed;
    }

    /// The SPI of rekey `generation` (0: the first SA) from the SPI `first`: the next odd or
    /// even low byte of the same block (ShiftSpis), 127 generations before they come round.
    static uint32_t RekeyedSpi(uint32_t first, uint32_t generation);

    const Transport& GetTransport() const
    {
        return *m_transport;
    }

    const IkeExchange& Ike() const
    {
        return *m_ike;
    }

    const DeadPeerDetection& Dpd() const
    {
        return *m_dpd;
    }

    /// The ESP SA configuration of one direction, as both ends derive it (for pcaps and tshark).
    /// Key byte i is seed + i + the SPI's low byte (+ 0x80 for authentication) as it always
    /// was, XOR-ed with byte i mod 3 of the SPI's block (ShiftSpis): block 0 keeps the
    /// lone tunnel's keys, and two blocks differ in at least one byte of every key.
    static wire::EspSaConfig SaConfig(const IpsecTunnelConfig& config, bool clientToHeadend);

  private:
    void OnIke(wire::ByteView message);
    void OnEsp(wire::ByteView packet);
    void OnTransportEvent(TransportEvent event, const std::string& detail);
    /// Runs `f` with `packet` noted as the one being handled, for drops a transport reports.
    template<typename F>
    void Handling(wire::ByteView packet, bool received, F&& f);
    IkeCallbacks ExchangeCallbacks(const IkeExchange* exchange);
    void OnExchangeDone(const IkeExchange* exchange);
    void OnEstablished();
    bool InstallSas();
    void StartLifetimes(bool ike, bool ipsec);
    void StartIpsecRekey();
    void StartIkeRekey();
    void OnIpsecRekeyed();
    void OnIkeRekeyed();
    void RunPendingRekey();
    bool TakeIkeRekey(const wire::IsakmpMessage& message);
    uint32_t NextInboundSpi();
    void SendDpd(bool ack, uint32_t sequence);
    void Heard();
    void Sent();
    void GoDown(DownReason reason, const std::string& detail);
    void ArmIdle();

    Host& m_host;
    IpsecRole m_role;
    IpsecTunnelConfig m_config;
    std::unique_ptr<Transport> m_transport;
    std::unique_ptr<IkeExchange> m_ike;
    std::unique_ptr<IkeExchange> m_rekeyIke; ///< a Main Mode making the next IKE SA
    std::unique_ptr<DeadPeerDetection> m_dpd;
    std::unique_ptr<NatKeepalive> m_keepalive;
    std::optional<wire::EspOutboundSa> m_out;
    std::optional<wire::EspInboundSa> m_in;
    std::optional<wire::EspInboundSa> m_replacedIn; ///< the previous pair's, for its grace
    std::optional<TimerId> m_replacedTimer;
    std::unique_ptr<SaLifetime> m_ikeLife;
    std::unique_ptr<SaLifetime> m_ipsecLife;
    uint32_t m_firstInboundSpi{0};
    uint32_t m_generation{0};
    bool m_ikeRekeyDue{false};
    bool m_ipsecRekeyDue{false};
    std::vector<wire::EspSaConfig> m_installed;
    TunnelState m_state{TunnelState::Down};
    TunnelStatus m_status;
    bool m_ended{false};
    uint64_t m_framingErrorsSinceHeard{0};
    Nanos m_lastInner{0};
    std::optional<TimerId> m_idleTimer;
    wire::Bytes m_scratch;
    IpsecTunnelCounters m_counters;
    std::function<void(const TunnelStatus&)> m_statusCallback;
    TunnelObserver m_observer;
    wire::ByteView m_handling;      ///< the packet being sent or received, if any
    bool m_handlingReceived{false}; ///< whether it came from the wire
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_IPSEC_TUNNEL_H
