#include "model/engine/ike-exchange.h"

#include "model/wire/ipv4-header.h"
#include "model/wire/isakmp-notify.h"
#include "model/wire/isakmp-sa.h"

#include <cmath>

namespace vpnsim
{
namespace engine
{

namespace
{

using wire::Bytes;
using wire::IsakmpPayload;
namespace pl = wire::isakmppayload;

// Vendor IDs a Cisco client or ASA sends in Main Mode, as strongSwan's vendor list gives them:
// RFC 3947 NAT-T (MD5 of "RFC 3947"), Cisco Unity 1.0, XAUTH. The DPD one is in isakmp-notify.h.
const Bytes kNatTVendorId = {0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
                             0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f};
const Bytes kUnityVendorId = {0x12, 0xf5, 0xf2, 0x8c, 0x45, 0x71, 0x68, 0xa9,
                              0x70, 0x2d, 0x9f, 0xe2, 0x74, 0xcc, 0x01, 0x00};
const Bytes kXauthVendorId = {0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12};

constexpr size_t kHashLength = 20; // HMAC-SHA1 HASH payloads
constexpr size_t kNonceLength = 20;
constexpr size_t kModp1024Length = 128; // group 2 public value
/// Both phases offer an 8-hour SA life in seconds (life type seconds, RFC 2407 section 4.5);
/// the lifetimes each end holds its SAs to are configured (doc/protocols.md §SA lifetimes and
/// rekeying).
constexpr uint16_t kSaLifeSeconds = 28800;

/// The legacy client's Main Mode offer (RFC 2409 Appendix A attributes): AES-256, AES-128 and
/// 3DES, each with SHA then MD5, XAUTH after a pre-shared key, group 2, 8-hour life.
std::vector<wire::IsakmpTransform>
IkeTransforms(size_t count)
{
    struct Cipher
    {
        uint16_t algorithm;
        uint16_t keyLength; ///< 0: implied by the algorithm
    };

    const Cipher ciphers[] = {
        {wire::ikevalue::AesCbc, 256}, {wire::ikevalue::AesCbc, 128}, {wire::ikevalue::Des3Cbc, 0}};
    std::vector<wire::IsakmpTransform> out;
    for (size_t i = 0; i < count; ++i)
    {
        const Cipher& cipher = ciphers[(i / 2) % 3];
        wire::IsakmpTransform t{static_cast<uint8_t>(i + 1), wire::isakmptransform::KeyIke, {}};
        t.attributes.push_back({wire::ikeattr::EncryptionAlgorithm, cipher.algorithm});
        if (cipher.keyLength != 0)
        {
            t.attributes.push_back({wire::ikeattr::KeyLength, cipher.keyLength});
        }
        t.attributes.insert(
            t.attributes.end(),
            {{wire::ikeattr::HashAlgorithm, i % 2 ? wire::ikevalue::Md5 : wire::ikevalue::Sha},
             {wire::ikeattr::AuthenticationMethod, wire::ikevalue::XauthInitPreShared},
             {wire::ikeattr::GroupDescription, wire::ikevalue::Modp1024},
             {wire::ikeattr::LifeType, wire::ikevalue::Seconds},
             {wire::ikeattr::LifeDuration, kSaLifeSeconds}});
        out.push_back(std::move(t));
    }
    return out;
}

/// The Quick Mode offer (RFC 2407 section 4.5 attributes): ESP with AES-128, then 3DES, with
/// HMAC-SHA, in tunnel mode or, for ESP in UDP, UDP-Encapsulated-Tunnel (RFC 3947 section 5.1).
std::vector<wire::IsakmpTransform>
EspTransforms(size_t count, bool udpEncapsulated)
{
    uint16_t mode
        = udpEncapsulated ? wire::ipsecvalue::UdpEncapsulatedTunnel : wire::ipsecvalue::Tunnel;
    std::vector<wire::IsakmpTransform> out;
    for (size_t i = 0; i < count; ++i)
    {
        uint8_t id = i % 2 ? wire::isakmptransform::Esp3des : wire::isakmptransform::EspAes;
        wire::IsakmpTransform t{
            static_cast<uint8_t>(i + 1),
            id,
            {{wire::ipsecattr::SaLifeType, wire::ipsecvalue::Seconds},
             {wire::ipsecattr::SaLifeDuration, kSaLifeSeconds},
             {wire::ipsecattr::EncapsulationMode, mode},
             {wire::ipsecattr::AuthenticationAlgorithm, wire::ipsecvalue::HmacSha}}};
        if (id == wire::isakmptransform::EspAes)
        {
            t.attributes.push_back({wire::ipsecattr::KeyLength, 128});
        }
        out.push_back(std::move(t));
    }
    return out;
}

/// A SA payload of one proposal.
Bytes
SaBody(uint8_t protocol, Bytes spi, std::vector<wire::IsakmpTransform> transforms)
{
    wire::IsakmpProposal proposal;
    proposal.protocol = protocol;
    proposal.spi = std::move(spi);
    proposal.transforms = std::move(transforms);
    return wire::BuildSaBody(proposal);
}

} // namespace

IkeExchange::IkeExchange(Host& host, IkeRole role, IkeConfig config)
    : m_host(host)
    , m_role(role)
    , m_config(std::move(config))
{
    auto cipher = wire::IsakmpCipher::Create(m_config.key);
    if (cipher)
    {
        m_cipher.emplace(std::move(cipher.Value()));
    }
}

IkeExchange::~IkeExchange()
{
    CancelTimers();
}

std::optional<std::string>
IkeExchange::Validate(const IkeConfig& config)
{
    if (config.key.size() != 16)
    {
        return "ike key: " + std::to_string(config.key.size()) + " bytes, must be 16";
    }
    if (config.retransmitTries < 1 || config.retransmitTries > 20)
    {
        return "ike retransmit tries " + std::to_string(config.retransmitTries) + ": allowed 1..20";
    }
    return std::nullopt;
}

void
IkeExchange::SetCallbacks(IkeCallbacks callbacks)
{
    m_callbacks = std::move(callbacks);
}

bool
IkeExchange::MineToSend(int step) const
{
    return (step % 2 == 0) == (m_role == IkeRole::Initiator);
}

Bytes
IkeExchange::Filler(size_t n)
{
    // Stands in for DH values, nonces and hashes: random-looking, and reproducible per seed.
    Bytes b(n);
    for (size_t i = 0; i < n; i += 4)
    {
        uint32_t r = m_host.Random32();
        for (size_t j = 0; j < 4 && i + j < n; ++j)
        {
            b[i + j] = static_cast<uint8_t>(r >> (8 * j));
        }
    }
    return b;
}

void
IkeExchange::Start()
{
    if (m_role == IkeRole::Initiator)
    {
        Bytes c = Filler(8);
        std::copy(c.begin(), c.end(), m_icookie.begin());
        m_nextFromPeer = 1;
        SendStep(0);
        return;
    }
    m_nextFromPeer = 0;
    m_timer = m_host.StartTimer(
        m_host.Now() + m_config.negotiationTimeout,
        [this]()
        {
            m_timer.reset();
            if (!m_exchangeDone)
            {
                Fail("ike: negotiation not complete after "
                     + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                          m_config.negotiationTimeout)
                                          .count())
                     + " s");
            }
        });
}

Bytes
IkeExchange::Build(int step)
{
    wire::IsakmpHeader h;
    h.initiatorCookie = m_icookie;
    h.responderCookie = step == 0 ? wire::IsakmpCookie{} : m_rcookie;
    h.exchangeType
        = step < 6 ? wire::isakmpexchange::IdentityProtection : wire::isakmpexchange::QuickMode;
    h.messageId = step < 6 ? 0 : m_quickModeId;
    std::vector<IsakmpPayload> p;
    // Main Mode names the IKE endpoint, Quick Mode the traffic: any address and subnet.
    Bytes identity = wire::BuildIdentificationBody(wire::isakmpid::Ipv4Addr, wire::ipproto::Udp,
                                                   wire::kIkePort, Bytes(4, 0));
    Bytes subnet = wire::BuildIdentificationBody(wire::isakmpid::Ipv4AddrSubnet, 0, 0, Bytes(8, 0));
    switch (step)
    {
        case 0:
        case 1:
            p.push_back({pl::Sa, SaBody(wire::ipsecprotocol::Isakmp, {},
                                        IkeTransforms(step == 0 ? 6 : 1))});
            p.push_back(
                {pl::VendorId, Bytes(wire::kDpdVendorId.begin(), wire::kDpdVendorId.end())});
            p.push_back({pl::VendorId, kUnityVendorId});
            p.push_back({pl::VendorId, kXauthVendorId});
            if (m_config.natTraversal)
            {
                p.push_back({pl::VendorId, kNatTVendorId});
            }
            break;
        case 2:
        case 3:
            p.push_back({pl::KeyExchange, Filler(kModp1024Length)});
            p.push_back({pl::Nonce, Filler(kNonceLength)});
            if (m_config.natTraversal)
            {
                p.push_back({pl::NatD, Filler(kHashLength)}); // RFC 3947: hash of each end
                p.push_back({pl::NatD, Filler(kHashLength)});
            }
            break;
        case 4:
        case 5:
            p.push_back({pl::Identification, identity});
            p.push_back({pl::Hash, Filler(kHashLength)});
            if (step == 4)
            {
                wire::Notification n;
                n.type = wire::kInitialContact;
                n.spi.assign(m_icookie.begin(), m_icookie.end());
                n.spi.insert(n.spi.end(), m_rcookie.begin(), m_rcookie.end());
                p.push_back({pl::Notification, wire::BuildNotificationBody(n)});
            }
            break;
        case 6:
        case 7:
        {
            p.push_back({pl::Hash, Filler(kHashLength)});
            Bytes spi(4);
            wire::PutU32(spi.data(), m_config.inboundSpi);
            p.push_back(
                {pl::Sa, SaBody(wire::ipsecprotocol::Esp, spi,
                                EspTransforms(step == 6 ? 2 : 1, m_config.udpEncapsulated))});
            p.push_back({pl::Nonce, Filler(kNonceLength)});
            p.push_back({pl::Identification, subnet});
            p.push_back({pl::Identification, subnet});
            break;
        }
        default:
            p.push_back({pl::Hash, Filler(kHashLength)});
            break;
    }
    if (step < 4)
    {
        return wire::BuildIsakmpMessage(h, p);
    }
    Bytes chain = wire::BuildIsakmpPayloadChain(p);
    return wire::BuildEncryptedIsakmpMessage(h, p.front().type,
                                             m_cipher->Encrypt(chain, h.messageId));
}

void
IkeExchange::SendStep(int step)
{
    if (step == 6 && m_role == IkeRole::Initiator)
    {
        m_quickModeId = m_host.Random32() | 1; // non-zero (RFC 2408 3.1)
    }
    m_lastMessage = Build(step);
    m_lastSent = step;
    m_tries = 0;
    ++m_counters.sent;
    if (step >= 4 && !m_encrypted)
    {
        m_encrypted = true;
        if (m_callbacks.onEncrypted)
        {
            m_callbacks.onEncrypted();
        }
    }
    if (m_callbacks.send)
    {
        m_callbacks.send(m_lastMessage);
    }
    if (step == LastStep())
    {
        Complete(); // the initiator's QM3, or a phase 1 rekey's MM6 from the responder
        return;
    }
    // The initiator waits for every answer; the responder's last message (QM2) gets no answer
    // but QM3, so it retransmits that one too, as IKEv1 responders do.
    if (m_role == IkeRole::Initiator || step == kSteps - 2)
    {
        ArmRetransmit();
    }
}

void
IkeExchange::Complete()
{
    m_established = true;
    m_exchangeDone = true;
    m_config.phase1Only = false; // a new IKE SA like any other: its Quick Modes end at QM3
    CancelTimers();
    if (m_callbacks.onEstablished)
    {
        m_callbacks.onEstablished();
    }
}

void
IkeExchange::BeginQuickMode()
{
    // Each Quick Mode makes an SA pair of its own, on new SPIs (RFC 2409 section 5.5).
    if (m_callbacks.newInboundSpi)
    {
        m_config.inboundSpi = m_callbacks.newInboundSpi();
    }
    m_peerSpi.reset();
    m_exchangeDone = false;
    m_nextFromPeer = m_role == IkeRole::Initiator ? 7 : 6;
}

void
IkeExchange::StartQuickMode()
{
    if (m_role != IkeRole::Initiator || !m_established || Busy())
    {
        return;
    }
    BeginQuickMode();
    SendStep(6);
}

void
IkeExchange::ArmRetransmit()
{
    CancelTimer();
    double scale = std::pow(m_config.retransmitBase, static_cast<double>(m_tries));
    auto wait = Nanos(
        static_cast<int64_t>(static_cast<double>(m_config.retransmitTimeout.count()) * scale));
    m_timer = m_host.StartTimer(m_host.Now() + wait,
                                [this]()
                                {
                                    m_timer.reset();
                                    if (m_exchangeDone || m_failed)
                                    {
                                        return;
                                    }
                                    if (m_tries >= m_config.retransmitTries)
                                    {
                                        Fail("ike: no answer to message "
                                             + std::to_string(m_lastSent + 1) + " after "
                                             + std::to_string(m_tries) + " retransmissions");
                                        return;
                                    }
                                    ++m_tries;
                                    ++m_counters.retransmitted;
                                    if (m_callbacks.send)
                                    {
                                        m_callbacks.send(m_lastMessage);
                                    }
                                    ArmRetransmit();
                                });
}

void
IkeExchange::CancelTimer()
{
    if (m_timer)
    {
        m_host.CancelTimer(*m_timer);
        m_timer.reset();
    }
}

void
IkeExchange::CancelTimers()
{
    CancelTimer();
    if (m_negotiationTimer)
    {
        m_host.CancelTimer(*m_negotiationTimer);
        m_negotiationTimer.reset();
    }
}

void
IkeExchange::Fail(const std::string& detail)
{
    m_failed = true;
    CancelTimers();
    if (m_callbacks.onFailed)
    {
        m_callbacks.onFailed(detail);
    }
}

std::optional<std::vector<wire::IsakmpPayloadView>>
IkeExchange::Open(const wire::IsakmpMessage& message, Bytes& storage)
{
    if (!m_cipher || message.encryptedBody.empty())
    {
        return std::nullopt;
    }
    auto clear = m_cipher->Decrypt(message.encryptedBody, message.header.messageId);
    if (!clear)
    {
        return std::nullopt;
    }
    storage = std::move(clear.Value());
    auto chain = wire::ParseIsakmpPayloadChain(message.header.nextPayload, storage, true);
    if (!chain)
    {
        return std::nullopt;
    }
    return std::move(chain.Value());
}

std::optional<int>
IkeExchange::StepOf(const wire::IsakmpMessage& m)
{
    int peerOffset = m_role == IkeRole::Initiator ? 1 : 0; // the responder's steps are odd
    bool encrypted = m.header.flags & wire::isakmpflag::Encryption;
    if (m.header.exchangeType == wire::isakmpexchange::IdentityProtection)
    {
        if (encrypted)
        {
            return 4 + peerOffset;
        }
        if (m.payloads.empty())
        {
            return std::nullopt;
        }
        if (m.payloads.front().type == pl::Sa)
        {
            return 0 + peerOffset;
        }
        if (m.payloads.front().type == pl::KeyExchange)
        {
            return 2 + peerOffset;
        }
        return std::nullopt;
    }
    if (m.header.exchangeType == wire::isakmpexchange::QuickMode && encrypted)
    {
        Bytes storage;
        auto chain = Open(m, storage);
        if (!chain || chain->empty() || chain->front().type != pl::Hash)
        {
            return std::nullopt;
        }
        if (chain->size() == 1)
        {
            return m_role == IkeRole::Responder ? std::optional<int>(8) : std::nullopt;
        }
        return 6 + peerOffset;
    }
    return std::nullopt;
}

std::optional<uint32_t>
IkeExchange::QuickModeSpi(const wire::IsakmpMessage& m)
{
    Bytes storage;
    auto chain = Open(m, storage);
    if (!chain)
    {
        return std::nullopt;
    }
    for (const auto& p : *chain)
    {
        if (p.type == pl::Sa)
        {
            auto spi = wire::ParseEspProposalSpi(p.body);
            return spi ? std::optional<uint32_t>(*spi) : std::nullopt;
        }
    }
    return std::nullopt;
}

bool
IkeExchange::Receive(const wire::IsakmpMessage& m)
{
    if (m_failed)
    {
        return false;
    }
    auto step = StepOf(m);
    if (!step)
    {
        ++m_counters.ignored;
        return false;
    }
    if (*step == 0 && m_role == IkeRole::Responder && m_nextFromPeer == 0)
    {
        m_icookie = m.header.initiatorCookie;
        Bytes c = Filler(8);
        std::copy(c.begin(), c.end(), m_rcookie.begin());
    }
    if (*step == 1 && m_role == IkeRole::Initiator && m_nextFromPeer == 1)
    {
        m_rcookie = m.header.responderCookie;
    }
    if (m.header.initiatorCookie != m_icookie
        || (*step > 0 && m.header.responderCookie != m_rcookie))
    {
        ++m_counters.ignored;
        return false;
    }
    if (*step == 6 && m_role == IkeRole::Responder && m_established
        && m.header.messageId != m_quickModeId)
    {
        BeginQuickMode(); // the initiator rekeys phase 2 on this IKE SA
    }
    if (*step == 6)
    {
        m_quickModeId = m.header.messageId;
    }
    if (*step == m_nextFromPeer)
    {
        if (*step == 6 || *step == 7)
        {
            // The peer's Quick Mode offer names the SPI to send with; without one there is
            // no SA to set up, and the message is not taken.
            auto spi = QuickModeSpi(m);
            if (!spi)
            {
                ++m_counters.ignored;
                return false;
            }
            m_peerSpi = spi;
        }
        ++m_counters.received;
        CancelTimer();
        m_nextFromPeer += 2;
        if (*step == LastStep())
        {
            Complete(); // the responder has the initiator's QM3, or a rekey's initiator MM6
            return true;
        }
        SendStep(*step + 1);
        return true;
    }
    if (*step == m_nextFromPeer - 2 && m_lastSent == *step + 1)
    {
        // The peer did not get our answer and sent its message again: answer again.
        ++m_counters.retransmitted;
        if (m_callbacks.send)
        {
            m_callbacks.send(m_lastMessage);
        }
        return true;
    }
    ++m_counters.ignored;
    return false;
}

Bytes
IkeExchange::BuildInformational(const IsakmpPayload& payload)
{
    wire::IsakmpHeader h;
    h.initiatorCookie = m_icookie;
    h.responderCookie = m_rcookie;
    h.exchangeType = wire::isakmpexchange::Informational;
    h.messageId = m_host.Random32() | 1;
    Bytes chain = wire::BuildIsakmpPayloadChain({{pl::Hash, Filler(kHashLength)}, payload});
    return wire::BuildEncryptedIsakmpMessage(h, pl::Hash, m_cipher->Encrypt(chain, h.messageId));
}

} // namespace engine
} // namespace vpnsim
