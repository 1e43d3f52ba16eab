/*
 * IKEv1 as the Cisco VPN Client and the ASA run it, reduced to what the wire and the failure
 * need: Main Mode (6 messages) then Quick Mode (3), with retransmission, and Informational
 * exchanges for DPD (RFC 2409, RFC 3706). Rekeys: a further Quick Mode on the same IKE SA
 * (StartQuickMode), or a Main Mode alone that makes the next IKE SA (IkeConfig::phase1Only).
 *
 * Keys are static (no Diffie-Hellman is computed), but every message has the payloads and the
 * size of the real one: a SA offer with several transforms and the Vendor IDs (DPD, NAT-T,
 * Cisco Unity, XAUTH), 1024-bit MODP KE (group 2, 128 bytes) with nonces and NAT-D, then
 * encrypted ID+HASH, and the encrypted Quick Mode. These bytes ride the same transport as ESP,
 * so on cTCP they are stuck behind the same hole.
 */
#ifndef VPNSIM_ENGINE_IKE_EXCHANGE_H
#define VPNSIM_ENGINE_IKE_EXCHANGE_H

#include "model/engine/host.h"
#include "model/wire/isakmp-cipher.h"
#include "model/wire/isakmp.h"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vpnsim
{
namespace engine
{

enum class IkeRole : uint8_t
{
    Initiator, ///< the VPN client
    Responder, ///< the headend
};

/// IKE parameters. Retransmission defaults are strongSwan's (doc/protocols.md §IKE retransmission):
/// timeout 4 s growing by 1.8 per try, 5 tries; Cisco does not document its own.
struct IkeConfig
{
    wire::Bytes key = wire::Bytes(16, 0x4b); ///< static phase-1 encryption key (AES-128)
    Nanos retransmitTimeout{std::chrono::seconds(4)};
    double retransmitBase{1.8};
    uint32_t retransmitTries{5};
    /// Responder gives up if the exchange is not complete in this time (QuickSec's 60 s IKE
    /// negotiation timeout, doc/protocols.md §cTCP connection).
    Nanos negotiationTimeout{std::chrono::seconds(60)};
    bool natTraversal{true}; ///< NAT-T Vendor IDs and NAT-D payloads in Main Mode
    /// The SPI this end receives ESP on: offered in its Quick Mode SA payload, so captures show
    /// the same SPIs in IKE and in ESP. The peer sends with it (PeerSpi at the peer).
    uint32_t inboundSpi{0};
    /// ESP in UDP: Quick Mode asks for UDP-Encapsulated-Tunnel mode (3, RFC 3947 section 5.1)
    /// instead of Tunnel (1).
    bool udpEncapsulated{false};
    /// A rekey of phase 1: Main Mode only; the IPsec SAs stay as they are (RFC 2409 section
    /// 5: phase 2 SAs do not depend on the phase 1 SA that made them).
    bool phase1Only{false};
};

/// Counters for the run record.
struct IkeCounters
{
    uint64_t sent{0};
    uint64_t received{0};
    uint64_t retransmitted{0};
    uint64_t ignored{0}; ///< malformed, unexpected or undecryptable messages
};

/// What the exchange reports upward.
struct IkeCallbacks
{
    std::function<void(wire::ByteView message)> send;
    std::function<void()> onEncrypted; ///< first encrypted message (NAT-T floats)
    /// Main Mode done (phase1Only), or a Quick Mode done: the first one, or a rekey, whose SA
    /// PeerSpi() and InboundSpi() then name.
    std::function<void()> onEstablished;
    std::function<void(const std::string& detail)> onFailed;
    /// The SPI to receive the next Quick Mode's SA on (a rekey's); empty: the configured one.
    std::function<uint32_t()> newInboundSpi;
};

/// One IKEv1 negotiation and the IKE SA it leaves, for Informational messages.
class IkeExchange
{
  public:
    /// Messages of Main Mode (0-5) and Quick Mode (6-8).
    static constexpr int kSteps = 9;

    IkeExchange(Host& host, IkeRole role, IkeConfig config = {});
    ~IkeExchange();
    IkeExchange(const IkeExchange&) = delete;
    IkeExchange& operator=(const IkeExchange&) = delete;

    /// Fails (naming the field) on a bad key.
    static std::optional<std::string> Validate(const IkeConfig& config);

    void SetCallbacks(IkeCallbacks callbacks);

    /// The initiator sends Main Mode 1; the responder waits.
    void Start();

    /// Initiator, once established and idle: a new Quick Mode on this IKE SA (a phase 2
    /// rekey), offering newInboundSpi(). A responder takes one whenever a new Quick Mode 1
    /// (a message ID not seen) arrives. Completion calls onEstablished again.
    void StartQuickMode();

    /// An exchange (Main Mode, or a Quick Mode) is under way.
    bool Busy() const
    {
        return !m_exchangeDone && !m_failed;
    }

    /// The SPI this end receives the latest Quick Mode's SA on.
    uint32_t InboundSpi() const
    {
        return m_config.inboundSpi;
    }

    /// Handles one ISAKMP message other than Informational. Returns whether the message
    /// belonged to this exchange (the next one expected, or a retransmission answered); false
    /// when it was ignored.
    bool Receive(const wire::IsakmpMessage& message);

    bool Established() const
    {
        return m_established;
    }

    /// The SPI the peer offered in its Quick Mode SA payload (the one it receives on, so the
    /// one this end sends with: RFC 2409 section 5.5); empty before its Quick Mode message.
    std::optional<uint32_t> PeerSpi() const
    {
        return m_peerSpi;
    }

    /// An encrypted Informational message (HASH + `payload`) on this IKE SA.
    wire::Bytes BuildInformational(const wire::IsakmpPayload& payload);

    /// Decrypts an encrypted message body into `storage` and walks its payload chain.
    std::optional<std::vector<wire::IsakmpPayloadView>> Open(const wire::IsakmpMessage& message,
                                                             wire::Bytes& storage);

    const wire::IsakmpCookie& InitiatorCookie() const
    {
        return m_icookie;
    }

    const wire::IsakmpCookie& ResponderCookie() const
    {
        return m_rcookie;
    }

    const IkeCounters& Counters() const
    {
        return m_counters;
    }

  private:
    int LastStep() const
    {
        return m_config.phase1Only ? 5 : kSteps - 1;
    }

    void BeginQuickMode();
    void Complete();
    wire::Bytes Build(int step);
    std::optional<int> StepOf(const wire::IsakmpMessage& message);
    std::optional<uint32_t> QuickModeSpi(const wire::IsakmpMessage& message);
    void SendStep(int step);
    void ArmRetransmit();
    void CancelTimer();
    void CancelTimers();
    void Fail(const std::string& detail);
    wire::Bytes Filler(size_t n);
    bool MineToSend(int step) const;

    Host& m_host;
    IkeRole m_role;
    IkeConfig m_config;
    IkeCallbacks m_callbacks;
    std::optional<wire::IsakmpCipher> m_cipher;
    wire::IsakmpCookie m_icookie{};
    wire::IsakmpCookie m_rcookie{};
    uint32_t m_quickModeId{0};
    int m_nextFromPeer{0};     ///< step expected next from the peer
    int m_lastSent{-1};        ///< step of our last message
    wire::Bytes m_lastMessage; ///< for retransmission
    uint32_t m_tries{0};
    std::optional<TimerId> m_timer;            ///< retransmission
    std::optional<TimerId> m_negotiationTimer; ///< responder's overall deadline
    bool m_established{false};
    bool m_exchangeDone{false}; ///< the latest exchange is complete
    bool m_failed{false};
    bool m_encrypted{false};
    std::optional<uint32_t> m_peerSpi;
    IkeCounters m_counters;
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_IKE_EXCHANGE_H
