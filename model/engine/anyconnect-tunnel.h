/*
 * An AnyConnect tunnel over CSTP only (doc/protocols.md §CSTP): inner packets as CSTP DATA on the
 * host's real TLS/TCP stream, liveness by CSTP DPD and keepalives (openconnect keepalive_action,
 * doc/protocols.md §CSTP DPD and keepalive), and the end of the session by DISCONNECT/TERMINATE or
 * a framing error.
 *
 * The HTTP CONNECT exchange (doc/protocols.md §CSTP tunnel setup) and DTLS are not modelled: the
 * tunnel is Up when started, i.e. once the host's TCP connection (and TLS handshake) is there.
 */
#ifndef VPNSIM_ENGINE_ANYCONNECT_TUNNEL_H
#define VPNSIM_ENGINE_ANYCONNECT_TUNNEL_H

#include "model/engine/cstp-keepalive.h"
#include "model/engine/cstp-session.h"
#include "model/engine/host.h"
#include "model/engine/tunnel-events.h"
#include "model/engine/tunnel.h"
#include "model/engine/tunnel-state.h"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace vpnsim
{
namespace engine
{

/// Which end: the AnyConnect client or the ASA headend.
enum class AnyConnectRole : uint8_t
{
    Client,
    Headend,
};

/// Tunables.
struct AnyConnectConfig
{
    /// DPD interval; 0 disables. ASA `anyconnect dpd-interval` default 30 s for gateway and
    /// client, from a secondary source (doc/protocols.md §CSTP DPD and keepalive).
    Nanos dpd{std::chrono::seconds(30)};
    /// Keepalive interval, client->server only; 0 disables. `anyconnect ssl keepalive` is
    /// commonly 20 s but not confirmed (doc/protocols.md §Open questions).
    Nanos keepalive{std::chrono::seconds(20)};
    /// TLS record sizes (AES-128-GCM by default).
    wire::TlsRecordConfig tls{};
};

/// AnyConnect over CSTP: data, DPD, keepalive, disconnect.
class AnyConnectTunnel : public Tunnel
{
  public:
    AnyConnectTunnel(Host& host, AnyConnectRole role, AnyConnectConfig config = {});
    ~AnyConnectTunnel() override;
    AnyConnectTunnel(const AnyConnectTunnel&) = delete;
    AnyConnectTunnel& operator=(const AnyConnectTunnel&) = delete;

    /// Called on every Up/Down change.
    void SetStatusCallback(std::function<void(const TunnelStatus& status)> callback) override;

    /// Where drops and liveness messages (CSTP DPD, keepalives) are reported.
    void SetObserver(TunnelObserver observer) override;

    /// The TLS stream is open: the tunnel is Up and the DPD/keepalive clock starts now.
    void Start() override;

    /// Sends an inner IP packet (dropped when Down).
    void SendInner(wire::ByteView innerPacket) override;

    /// Bytes from the host's TCP stream, in any chunking.
    void ReceiveStream(wire::ByteView chunk) override;

    /// AnyConnect has no datagrams: they are dropped ("outer-malformed").
    void Receive(const OuterPacket& packet) override;

    /// None: the peer is the stream's other end.
    std::optional<PeerAddress> SeenPeer() const override
    {
        return std::nullopt;
    }

    /// None: CSTP has no SPI.
    uint32_t PeerOfferedSpi() const override
    {
        return 0;
    }

    /// Ends the session: sends DISCONNECT (payload 0xb0 + reason, as openconnect's BYE) and
    /// goes Down without a failure reason.
    void Disconnect(const std::string& reason);

    /// Current state.
    TunnelState State() const
    {
        return m_state;
    }

    /// The CSTP channel (counters, last rx/tx times).
    const CstpSession& Session() const
    {
        return m_session;
    }

    /// The configuration in use.
    const AnyConnectConfig& Config() const
    {
        return m_config;
    }

    /// The counters every kind of tunnel has (tunnel-events.h).
    TunnelCounters Summary() const override;

  private:
    void OnControl(wire::CstpType type, wire::ByteView payload);
    void OnTimer();
    void Evaluate();
    void GoDown(std::optional<DownReason> reason, const std::string& detail);
    void CancelTimer();

    Host& m_host;
    AnyConnectRole m_role;
    AnyConnectConfig m_config;
    CstpSession m_session;
    TunnelState m_state{TunnelState::Down};
    bool m_started{false};
    std::optional<Nanos> m_lastDpd;
    std::optional<TimerId> m_timer;
    std::optional<Nanos> m_timerAt;
    std::function<void(const TunnelStatus&)> m_statusCallback;
    TunnelObserver m_observer;
    wire::ByteView m_receiving; ///< the stream chunk being handled, for framing drops
    uint64_t m_innerDroppedNotUp{0};
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_ANYCONNECT_TUNNEL_H
