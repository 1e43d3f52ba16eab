/*
 * ESP packets (RFC 4303): one outbound SA encapsulates, one inbound SA decapsulates.
 *
 *   SPI(4) | Seq(4) | IV | payload | padding 1,2,3,... | pad length | next header | ICV
 *
 * The transform (esp-transform.h) does the cryptography; this file does the framing, the
 * sequence counter, the padding rules and the anti-replay checks.
 */
#ifndef VPNSIM_WIRE_ESP_H
#define VPNSIM_WIRE_ESP_H

#include "model/wire/bytes.h"
#include "model/wire/esp-transform.h"
#include "model/wire/replay-window.h"
#include "model/wire/result.h"

#include <cstdint>
#include <memory>

namespace vpnsim
{
namespace wire
{

/// ESP next-header values vpnsim uses (IANA protocol numbers).
constexpr uint8_t kNextHeaderIpv4 = 4;   ///< tunnel mode, IPv4 inside
constexpr uint8_t kNextHeaderTcp = 6;    ///< transport mode
constexpr uint8_t kNextHeaderUdp = 17;   ///< transport mode
constexpr uint8_t kNextHeaderIpv6 = 41;  ///< tunnel mode, IPv6 inside
constexpr uint8_t kNextHeaderDummy = 59; ///< TFC dummy packet, to be dropped (RFC 4303 2.6)

/// Everything that defines one direction of an ESP SA.
struct EspSaConfig
{
    uint32_t spi{0};
    EspTransformId transform{EspTransformId::AesCbc128HmacSha1_96};
    Bytes encryptionKey; ///< AES-GCM: key || 4-byte salt
    Bytes authenticationKey;
    bool extendedSequenceNumbers{false};               ///< RFC 4303 2.2.1
    uint32_t replayWindow{ReplayWindow::kDefaultSize}; ///< inbound only
};

/// SPI and low sequence number of an ESP packet, read without any key.
struct EspHeaderView
{
    uint32_t spi;
    uint32_t sequence;
};

/// Reads SPI and sequence number; fails on fewer than 8 bytes or SPI 0.
Result<EspHeaderView> ParseEspHeader(ByteView packet);

/// Length of the ESP packet that carries `payloadLength` bytes with this transform.
size_t EspPacketLength(const EspTransform& transform, size_t payloadLength);

/// The sending side of an SA.
class EspOutboundSa
{
  public:
    /// Checks the SPI (not 0, not the reserved 1-255) and the keys.
    static Result<EspOutboundSa> Create(const EspSaConfig& config);

    /// Appends one ESP packet carrying `payload` to `out`, with the next sequence number.
    Status Encapsulate(ByteView payload, uint8_t nextHeader, Bytes& out);

    /// As Encapsulate, with a given sequence number and IV (known-answer tests).
    Status EncapsulateWithIv(ByteView payload, uint8_t nextHeader, uint64_t sequence, ByteView iv,
                             Bytes& out);

    /// The last sequence number sent (0 before the first packet).
    uint64_t LastSequence() const
    {
        return m_sequence;
    }

    /// Sets the counter so the next packet carries `next` (tests of ESN and wrap).
    void SetNextSequence(uint64_t next)
    {
        m_sequence = next - 1;
    }

    uint32_t Spi() const
    {
        return m_config.spi;
    }

    const EspTransform& Transform() const
    {
        return *m_transform;
    }

  private:
    EspOutboundSa(EspSaConfig config, std::unique_ptr<EspTransform> transform);

    EspSaConfig m_config;
    std::unique_ptr<EspTransform> m_transform;
    uint64_t m_sequence{0};
};

/// What decapsulation found, besides the payload itself.
struct EspDecapsulated
{
    uint64_t sequence;    ///< full sequence number (with ESN: the inferred 64 bits)
    uint8_t nextHeader;   ///< kNextHeaderDummy means a TFC dummy packet: drop it
    size_t payloadLength; ///< bytes written to the caller's buffer
    size_t padLength;
};

/// The receiving side of an SA.
class EspInboundSa
{
  public:
    static Result<EspInboundSa> Create(const EspSaConfig& config);

    /// Checks and decrypts one ESP packet into `payload` (resized to the payload). Replay is
    /// checked first, the ICV before decryption, and the window moves only after both pass.
    Result<EspDecapsulated> Decapsulate(ByteView packet, Bytes& payload);

    const ReplayWindow& Window() const
    {
        return m_window;
    }

    /// Restores receive state: treats `sequence` as the highest number already accepted
    /// (resuming an SA, and ESN tests that start far from zero).
    void ResumeAfter(uint64_t sequence)
    {
        m_window.Update(sequence);
    }

    uint32_t Spi() const
    {
        return m_config.spi;
    }

  private:
    EspInboundSa(EspSaConfig config, std::unique_ptr<EspTransform> transform, ReplayWindow window);

    EspSaConfig m_config;
    std::unique_ptr<EspTransform> m_transform;
    ReplayWindow m_window;
};

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_ESP_H
