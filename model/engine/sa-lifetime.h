/*
 * The life of one security association and when to replace it (doc/protocols.md §SA lifetimes
 * and rekeying). An IKEv1 SA ends after a time (both phases) or after a volume of traffic
 * (IPsec SAs), whichever comes first (RFC 2407 section 4.5). The initiator negotiates the next
 * SA before that, as Cisco documents it: 30 s before the time runs out, or once 90 % of the
 * volume has gone through. An SA that ends without a successor takes the tunnel with it.
 */
#ifndef VPNSIM_ENGINE_SA_LIFETIME_H
#define VPNSIM_ENGINE_SA_LIFETIME_H

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

/// The lifetimes a tunnel negotiates, Cisco's ASA defaults (doc/protocols.md §SA lifetimes and
/// rekeying).
struct SaLifetimes
{
    Nanos ike{parameter::kIkeLifetime.DefaultDuration()};     ///< crypto ikev1 policy lifetime
    Nanos ipsec{parameter::kIpsecLifetime.DefaultDuration()}; ///< crypto ipsec sa lifetime
    uint64_t ipsecKb{parameter::kIpsecLifetimeKb.DefaultAs<uint64_t>()}; ///< KB; 0 unlimited
};

/// How long before the end of its time the next SA is negotiated.
constexpr Nanos kRekeyMargin{std::chrono::seconds(30)};
/// The share of the volume after which the next SA is negotiated.
constexpr double kRekeyVolumeShare = 0.9;
/// How long a replaced inbound SA still takes packets sent before the peer switched: the
/// margin, so that an SA replaced on time never outlives the end of its own lifetime.
constexpr Nanos kReplacedSaGrace = kRekeyMargin;

/// The lifetime of one SA (or of an IPsec SA pair, each direction counted apart).
class SaLifetime
{
  public:
    struct Callbacks
    {
        std::function<void()> rekeyDue; ///< time to negotiate the successor (once)
        std::function<void()> expired;  ///< the SA ends (once)
    };

    /// `kilobytes` 0: no volume limit.
    SaLifetime(Host& host, Nanos life, uint64_t kilobytes, Callbacks callbacks);
    ~SaLifetime();
    SaLifetime(const SaLifetime&) = delete;
    SaLifetime& operator=(const SaLifetime&) = delete;

    /// Counts `bytes` protected in one direction (0 or 1); may call rekeyDue or expired.
    void Protected(int direction, uint64_t bytes);

    /// When the successor is due, counted from the SA's start.
    static Nanos RekeyAfter(Nanos life);

  private:
    void Due();
    void End();
    void Cancel();

    Host& m_host;
    uint64_t m_volumeBytes; ///< 0: unlimited
    Callbacks m_callbacks;
    uint64_t m_bytes[2]{0, 0};
    bool m_due{false};
    bool m_ended{false};
    std::optional<TimerId> m_dueTimer;
    std::optional<TimerId> m_endTimer;
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_SA_LIFETIME_H
