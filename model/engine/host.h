/*
 * The narrow interface between the endpoint engine and whatever runs it.
 *
 * The engine never calls ns-3 or the OS (doc/design.md §The one rule). It sees time, a way to put
 * bytes on the outer wire, a way to hand inner packets up, timers, and a deterministic random
 * source. The ns-3 models implement Host over sockets and Simulator::Schedule; the real-socket
 * runner over POSIX sockets and a poll loop; tests over a fake clock.
 */
#ifndef VPNSIM_ENGINE_HOST_H
#define VPNSIM_ENGINE_HOST_H

#include "model/wire/bytes.h"

#include <chrono>
#include <cstdint>
#include <functional>

namespace vpnsim
{
namespace engine
{

/// Engine time: nanoseconds since the host's epoch (simulation start, or process start).
using Nanos = std::chrono::nanoseconds;

/// How an outer packet travels; the host picks the matching socket.
enum class OuterProtocol : uint8_t
{
    Udp, ///< `payload` is a UDP payload (NAT-T on 4500, IKE on 500)
    Esp, ///< `payload` is an ESP packet sent as IP protocol 50
    Tcp, ///< `payload` is a whole TCP segment (header + data) the engine built itself (cTCP)
};

/// One packet for (or from) the outer wire; the host adds (or has removed) the IPv4 header.
struct OuterPacket
{
    OuterProtocol protocol;
    uint32_t sourceAddress{0};      ///< IPv4, host order; needed for the TCP/UDP pseudo-header
    uint32_t destinationAddress{0}; ///< IPv4, host order
    uint16_t sourcePort{0};         ///< UDP only
    uint16_t destinationPort{0};    ///< UDP only
    wire::ByteView payload;         ///< valid only during the call that carries it
};

/// Opaque handle of a pending timer.
using TimerId = uint64_t;

/// What the engine needs from its driver.
class Host
{
  public:
    virtual ~Host() = default;

    /// Current time.
    virtual Nanos Now() const = 0;

    /// Puts a datagram or a self-built segment on the outer wire toward the peer.
    virtual void SendOuter(const OuterPacket& packet) = 0;

    /// Writes bytes to the host's real TCP byte stream toward the peer (AnyConnect CSTP).
    virtual void SendStream(wire::ByteView bytes) = 0;

    /// Hands a decrypted inner IP packet to the tunnel interface.
    virtual void DeliverInner(wire::ByteView innerPacket) = 0;

    /// Calls `callback` at absolute time `at` unless cancelled first.
    virtual TimerId StartTimer(Nanos at, std::function<void()> callback) = 0;

    /// Cancels a pending timer; cancelling a fired or unknown timer does nothing.
    virtual void CancelTimer(TimerId id) = 0;

    /// Deterministic random 32 bits (ISNs, cookies, message IDs): seeded by the run's seed.
    virtual uint32_t Random32() = 0;
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_HOST_H
