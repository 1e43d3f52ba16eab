/*
 * Dead peer detection (RFC 3706) as each side of the tech note's tunnel runs it. Two policies
 * behind one interface, like TcpCongestionOps behind TcpSocketBase:
 *
 * - CiscoClientDpd, the legacy Cisco VPN Client (doc/protocols.md §Cisco VPN Client DPD):
 *   once it has sent traffic but heard nothing for about 10 s it sends R-U-THERE, repeats
 *   every 5 s, and declares the peer dead when nothing has been heard for PeerTimeout (90 s,
 *   30-480 s).
 * - AsaDpd, the ASA's `isakmp keepalive threshold 300 retry 2` for remote access: after
 *   `threshold` seconds without hearing the peer it sends R-U-THERE, retries every `retry`
 *   seconds, and declares the peer dead after `retries` unanswered retries (third-party
 *   figure: about 3).
 *
 * Anything received from the peer counts as heard (ESP, IKE, a DPD ACK or R-U-THERE); a
 * NAT-keepalive does not (RFC 3948 section 4).
 */
#ifndef VPNSIM_ENGINE_DPD_H
#define VPNSIM_ENGINE_DPD_H

#include "model/engine/endpoint-config.h"
#include "model/engine/host.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace vpnsim
{
namespace engine
{

/// What a DPD policy asks of the tunnel.
struct DpdCallbacks
{
    std::function<void(uint32_t sequence)> sendRUThere;
    std::function<void()> peerDead;
};

/// Counters for the run record.
struct DpdCounters
{
    uint64_t rUThereSent{0};
    uint64_t acksReceived{0};
};

/// A dead peer detection policy.
class DeadPeerDetection
{
  public:
    explicit DeadPeerDetection(Host& host);
    virtual ~DeadPeerDetection();
    DeadPeerDetection(const DeadPeerDetection&) = delete;
    DeadPeerDetection& operator=(const DeadPeerDetection&) = delete;

    void SetCallbacks(DpdCallbacks callbacks);

    /// Begins watching; the peer counts as heard now.
    void Start();

    /// Stops all timers (the tunnel went down).
    void Stop();

    /// Anything arrived from the peer.
    void OnPeerHeard();

    /// The tunnel sent something to the peer.
    void OnTrafficSent();

    /// An R-U-THERE-ACK arrived: it counts as heard.
    void OnAck(uint32_t sequence);

    /// When the peer was last heard.
    Nanos LastHeard() const
    {
        return m_lastHeard;
    }

    const DpdCounters& Counters() const
    {
        return m_counters;
    }

    /// Short name for logs and records: "cisco-client" or "asa".
    virtual const char* Name() const = 0;

  protected:
    /// What the policy decides at `now`.
    struct Decision
    {
        bool dead{false};
        bool sendRUThere{false};
        std::optional<Nanos> wakeAt; ///< when to decide again (none: wait for an event)
    };

    /// The policy: given the state, what to do now and when to look again.
    virtual Decision Decide(Nanos now) const = 0;

    Nanos m_lastHeard{0};
    bool m_sentSinceHeard{false};       ///< traffic went out after the peer was last heard
    Nanos m_firstSentSinceHeard{0};     ///< when that traffic began (valid if m_sentSinceHeard)
    std::optional<Nanos> m_lastRUThere; ///< since the peer was last heard
    uint32_t m_unanswered{0};           ///< R-U-THEREs sent since the peer was last heard

  private:
    void Evaluate();
    void Arm(Nanos at);

    Host& m_host;
    DpdCallbacks m_callbacks;
    DpdCounters m_counters;
    bool m_running{false};
    uint32_t m_sequence{0};
    std::optional<TimerId> m_timer;
    Nanos m_timerAt{0};
};

/// The Cisco VPN Client's DPD.
struct CiscoClientDpdConfig
{
    // Defaults and ranges: the parameter table (endpoint-config.h).
    Nanos idle{parameter::kClientDpdIdle.DefaultDuration()};      ///< silence after sending
    Nanos retry{parameter::kClientDpdRetry.DefaultDuration()};    ///< R-U-THERE repeat interval
    Nanos peerTimeout{parameter::kPeerTimeout.DefaultDuration()}; ///< .pcf PeerTimeout
};

class CiscoClientDpd : public DeadPeerDetection
{
  public:
    CiscoClientDpd(Host& host, CiscoClientDpdConfig config = {});
    const char* Name() const override;

  private:
    Decision Decide(Nanos now) const override;
    CiscoClientDpdConfig m_config;
};

/// The ASA's IKEv1 keepalive.
struct AsaDpdConfig
{
    /// Remote access default (L2L: 10 s); defaults and ranges: the parameter table.
    Nanos threshold{parameter::kAsaDpdThreshold.DefaultDuration()};
    Nanos retry{parameter::kAsaDpdRetry.DefaultDuration()};
    /// Unanswered retransmissions before the peer is dead.
    uint32_t retries{static_cast<uint32_t>(parameter::kAsaDpdRetries.defaultValue)};
};

class AsaDpd : public DeadPeerDetection
{
  public:
    AsaDpd(Host& host, AsaDpdConfig config = {});
    const char* Name() const override;

  private:
    Decision Decide(Nanos now) const override;
    AsaDpdConfig m_config;
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_DPD_H
