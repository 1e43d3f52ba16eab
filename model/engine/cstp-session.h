/*
 * AnyConnect CSTP on the plaintext of the TLS connection (doc/protocols.md §CSTP framing): each
 * CSTP packet is `'S' 'T' 'F' 0x01 | len16 | type | 0x00 | payload`. Packets are written one by
 * one (the tunnel puts each in a TLS record of its own, as openconnect does); received ones are
 * taken from the plaintext stream in any chunking, since a peer may put several in one record
 * or split one over records.
 *
 * Because the stream is the OS's real TCP, losses are retransmitted underneath: this is why
 * AnyConnect survives the middleboxes that kill cTCP (doc/protocols.md §CSTP DPD and keepalive).
 */
#ifndef VPNSIM_ENGINE_CSTP_SESSION_H
#define VPNSIM_ENGINE_CSTP_SESSION_H

#include "model/engine/host.h"
#include "model/wire/bytes.h"
#include "model/wire/cstp.h"

#include <cstdint>
#include <functional>
#include <string>

namespace vpnsim
{
namespace engine
{

/// Counters for the run record.
struct CstpCounters
{
    uint64_t dataSent{0};
    uint64_t dataReceived{0};
    uint64_t dpdRequestsSent{0};
    uint64_t dpdRequestsReceived{0};
    uint64_t dpdResponsesSent{0};
    uint64_t dpdResponsesReceived{0};
    uint64_t keepalivesSent{0};
    uint64_t keepalivesReceived{0};
    uint64_t framingErrors{0};
};

/// Calls from the session to the tunnel.
struct CstpCallbacks
{
    /// One whole CSTP packet to send (the tunnel seals it in a TLS record).
    std::function<void(wire::ByteView packet)> send;
    /// Every well-formed packet received that is not DATA (DATA goes to Host::DeliverInner).
    std::function<void(wire::CstpType type, wire::ByteView payload)> onControl;
    /// A CSTP header that could not be parsed; openconnect gives up the connection.
    std::function<void(const std::string& detail)> onFramingError;
};

/// One CSTP channel (no DPD timers: AnyConnectTunnel drives those).
class CstpSession
{
  public:
    explicit CstpSession(Host& host);

    /// Sets the callbacks.
    void SetCallbacks(CstpCallbacks callbacks);

    /// Sends an inner IP packet as DATA.
    void SendData(wire::ByteView innerPacket);

    /// Sends a control packet (DPD request/response, keepalive, disconnect...).
    void SendControl(wire::CstpType type, wire::ByteView payload = {});

    /// Handles plaintext the TLS connection delivered, in any chunking. A DPD request is
    /// answered with a DPD response at once (openconnect cstp.c).
    void Receive(wire::ByteView plaintext);

    /// Restarts the liveness times at `now` (the tunnel comes up: nothing was due before).
    void Restart(Nanos now)
    {
        m_lastReceived = now;
        m_lastSent = now;
    }

    /// Time the last well-formed packet was received (openconnect last_rx); starts at creation.
    Nanos LastReceived() const
    {
        return m_lastReceived;
    }

    /// Time the last packet was sent (openconnect last_tx); starts at creation.
    Nanos LastSent() const
    {
        return m_lastSent;
    }

    /// True once a framing error has made the stream unusable.
    bool Failed() const
    {
        return m_failed;
    }

    /// Counters so far.
    const CstpCounters& Counters() const
    {
        return m_counters;
    }

  private:
    void Send(wire::CstpType type, wire::ByteView payload);
    void OnPacket(wire::ByteView packet);
    void Fail(const std::string& detail);

    Host& m_host;
    CstpCallbacks m_callbacks;
    wire::Bytes m_buffer; ///< received plaintext not yet forming a whole packet
    Nanos m_lastReceived;
    Nanos m_lastSent;
    bool m_failed{false};
    CstpCounters m_counters;
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_CSTP_SESSION_H
