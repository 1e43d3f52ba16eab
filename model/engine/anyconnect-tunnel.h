/*
 * An AnyConnect tunnel (doc/protocols.md §AnyConnect TLS, §AnyConnect authentication, §CSTP
 * tunnel setup, §CSTP framing): a TLS 1.2 connection on the host's real TCP stream, on it the
 * HTTP authentication and `CONNECT /CSCOSSLC/tunnel`, then inner packets as CSTP DATA in TLS
 * records, liveness by CSTP DPD and keepalives (openconnect keepalive_action, doc/protocols.md
 * §CSTP DPD and keepalive), and the end of the session by DISCONNECT/TERMINATE, the peer
 * closing TLS, or an error.
 *
 * The tunnel is Up once the headend has answered `200 CONNECTED`; the client then runs DPD
 * and keepalives at the lower of its own intervals and the headend's X-CSTP-DPD and
 * X-CSTP-Keepalive, as openconnect does. DTLS is not modelled.
 */
#ifndef VPNSIM_ENGINE_ANYCONNECT_TUNNEL_H
#define VPNSIM_ENGINE_ANYCONNECT_TUNNEL_H

#include "model/engine/cstp-connect.h"
#include "model/engine/cstp-keepalive.h"
#include "model/engine/cstp-session.h"
#include "model/engine/endpoint-config.h"
#include "model/engine/host.h"
#include "model/engine/tunnel-events.h"
#include "model/engine/tunnel.h"
#include "model/engine/tunnel-state.h"
#include "model/engine/tls-session.h"

#include <chrono>
#include <functional>
#include <memory>
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
    Nanos dpd{parameter::kAnyConnectDpd.DefaultDuration()};
    /// Keepalive interval, client->server only; 0 disables. `anyconnect ssl keepalive` is
    /// commonly 20 s but not confirmed (doc/protocols.md §Open questions).
    Nanos keepalive{parameter::kAnyConnectKeepalive.DefaultDuration()};
    /// What the headend grants as X-CSTP-Idle-Timeout (0: none).
    Nanos idleTimeout{parameter::kIdleTimeout.DefaultDuration()};
    /// What the headend grants as X-CSTP-MTU.
    uint32_t mtu{1399};
    /// Client: how it names the headend and logs in.
    CstpClientSettings client{};
    /// Headend: the user it accepts (empty user name: anyone).
    std::string username{"vpnsim"};
    std::string password{"vpnsim"};
    /// Headend: the client's inner address and netmask, asked when the tunnel is granted.
    std::function<std::pair<uint32_t, uint32_t>()> lease;
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

    /// The TCP stream is open: a client sends its ClientHello, a headend waits for one.
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
    /// TLS close_notify, and goes Down without a failure reason.
    void Disconnect(const std::string& reason);

    /// The TLS session's key-log line (SSLKEYLOGFILE format); empty before the handshake.
    std::string KeyLogLine() const
    {
        return m_tls->KeyLogLine();
    }

    /// The tunnel's parameters as granted by the headend (valid once Up).
    const CstpGrant& Grant() const
    {
        return m_grant;
    }

    /// The intervals in use (the client's: the lower of its own and the headend's).
    Nanos Dpd() const
    {
        return m_dpd;
    }

    Nanos Keepalive() const
    {
        return m_keepalive;
    }

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
    void OnEstablished();
    void OnPlaintext(wire::ByteView plaintext);
    void OnExchange(const CstpConnectStep& step);
    void OnTlsFailed(const std::string& detail);
    void GoUp(const CstpGrant& grant);
    void OnControl(wire::CstpType type, wire::ByteView payload);
    void OnTimer();
    void Evaluate();
    void GoDown(std::optional<DownReason> reason, const std::string& detail);
    void CancelTimer();

    Host& m_host;
    AnyConnectRole m_role;
    AnyConnectConfig m_config;
    CstpSession m_session;
    std::unique_ptr<TlsSession> m_tls;
    std::unique_ptr<CstpConnectClient> m_connectClient;
    std::unique_ptr<CstpConnectServer> m_connectServer;
    CstpGrant m_grant;
    Nanos m_dpd;
    Nanos m_keepalive;
    TunnelState m_state{TunnelState::Down};
    bool m_started{false};
    Nanos m_startedAt{0};
    bool m_ended{false}; ///< went down after starting: nothing more is handled
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
