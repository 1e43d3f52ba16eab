/*
 * The two UDP/IP transports of IPsec, the fixes the tech note points to:
 *
 * - NattTransport: NAT-T (RFC 3948). ESP straight after a UDP 4500 header, IKE behind the
 *   non-ESP marker, NAT-keepalives ignored on receive. IKE starts on UDP 500 and floats to
 *   4500 from the first encrypted Main Mode message (RFC 3947 section 4).
 * - EspTransport: native ESP as IP protocol 50, IKE on UDP 500.
 *
 * Both are plain datagrams: a lost packet is just lost, nothing in the path waits for it.
 */
#ifndef VPNSIM_ENGINE_UDP_TRANSPORTS_H
#define VPNSIM_ENGINE_UDP_TRANSPORTS_H

#include "model/engine/transport.h"

#include <cstdint>

namespace vpnsim
{
namespace engine
{

/// Counters shared by the datagram transports.
struct DatagramTransportCounters
{
    uint64_t ikeSent{0};
    uint64_t espSent{0};
    uint64_t keepalivesSent{0};
    uint64_t ikeReceived{0};
    uint64_t espReceived{0};
    uint64_t keepalivesReceived{0};
    uint64_t dropped{0}; ///< malformed or unexpected outer packets
};

/// Common part: addresses, callbacks, counters, UDP sending.
class DatagramTransport : public Transport
{
  public:
    DatagramTransport(Host& host, uint32_t localAddress, uint32_t remoteAddress);
    void SetCallbacks(TransportCallbacks callbacks) override;
    void Start() override;
    bool IsReady() const override;

    const DatagramTransportCounters& Counters() const
    {
        return m_counters;
    }

  protected:
    void SendUdp(uint16_t sourcePort, uint16_t destinationPort, wire::ByteView payload);
    void Drop(const std::string& detail);

    Host& m_host;
    uint32_t m_local;
    uint32_t m_remote;
    TransportCallbacks m_callbacks;
    DatagramTransportCounters m_counters;
};

/// IPsec over UDP 4500 (NAT-T).
class NattTransport : public DatagramTransport
{
  public:
    static constexpr uint16_t kIkePort = 500;

    NattTransport(Host& host, uint32_t localAddress, uint32_t remoteAddress);
    void SendIke(wire::ByteView isakmpMessage) override;
    void SendEsp(wire::ByteView espPacket) override;
    void Receive(const OuterPacket& packet) override;
    /// 8 bytes of UDP header.
    size_t EspOverhead() const override;
    std::string Name() const override;
    void OnIkeEncrypted() override;

    /// Sends one NAT-keepalive (0xFF) on 4500.
    void SendKeepalive();

    /// Whether IKE has moved to 4500.
    bool Floated() const
    {
        return m_floated;
    }

  private:
    bool m_floated{false};
};

/// Native ESP (IP protocol 50) with IKE on UDP 500.
class EspTransport : public DatagramTransport
{
  public:
    EspTransport(Host& host, uint32_t localAddress, uint32_t remoteAddress);
    void SendIke(wire::ByteView isakmpMessage) override;
    void SendEsp(wire::ByteView espPacket) override;
    void Receive(const OuterPacket& packet) override;
    /// Nothing beyond ESP itself.
    size_t EspOverhead() const override;
    std::string Name() const override;
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_UDP_TRANSPORTS_H
