/*
 * NAT-keepalives (RFC 3948 section 4): a one-byte 0xFF datagram on UDP 4500 whenever nothing
 * else has been sent to the peer for M seconds (default 20, the ASA's `crypto isakmp
 * nat-traversal 20` too), so that a NAT on the path keeps its UDP mapping.
 */
#ifndef VPNSIM_ENGINE_NAT_KEEPALIVE_H
#define VPNSIM_ENGINE_NAT_KEEPALIVE_H

#include "model/engine/endpoint-config.h"
#include "model/engine/host.h"

#include <chrono>
#include <functional>
#include <optional>

namespace vpnsim
{
namespace engine
{

class NatKeepalive
{
  public:
    /// `send` puts one keepalive on the wire; `interval` is M.
    NatKeepalive(Host& host, std::function<void()> send,
                 Nanos interval = parameter::kNatKeepalive.DefaultDuration());
    ~NatKeepalive();
    NatKeepalive(const NatKeepalive&) = delete;
    NatKeepalive& operator=(const NatKeepalive&) = delete;

    void Start();
    void Stop();

    /// Something was sent to the peer (a keepalive included): the idle clock restarts.
    void OnSent();

    uint64_t Sent() const
    {
        return m_sent;
    }

  private:
    void Arm();
    void OnTimer();

    Host& m_host;
    std::function<void()> m_send;
    Nanos m_interval;
    Nanos m_lastSent{0};
    std::optional<TimerId> m_timer;
    bool m_running{false};
    uint64_t m_sent{0};
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_NAT_KEEPALIVE_H
