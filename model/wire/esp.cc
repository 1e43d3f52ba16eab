#include "model/wire/esp.h"

#include <cstring>
#include <string>

namespace vpnsim
{
namespace wire
{

namespace
{

constexpr size_t kHeaderSize = 8; // SPI + sequence number

Status
CheckSpi(uint32_t spi)
{
    // RFC 4303 2.1: 0 is never sent; 1-255 are reserved by IANA.
    if (spi < 256)
    {
        return Status::Fail(ErrorCode::BadValue,
                            "esp spi " + std::to_string(spi)
                                + ": allowed 256..4294967295 (0-255 reserved)");
    }
    return Success();
}

size_t
PaddedLength(size_t payloadLength, size_t block)
{
    // Payload, padding, pad length and next header fill whole blocks (RFC 4303 2.4).
    size_t withTrailer = payloadLength + 2;
    return (withTrailer + block - 1) / block * block;
}

} // namespace

Result<EspHeaderView>
ParseEspHeader(ByteView packet)
{
    if (packet.size() < kHeaderSize)
    {
        return Result<EspHeaderView>::Fail(ErrorCode::Truncated, "esp: shorter than SPI + Seq");
    }
    EspHeaderView v{GetU32(packet.data()), GetU32(packet.data() + 4)};
    if (v.spi == 0)
    {
        return Result<EspHeaderView>::Fail(ErrorCode::BadValue, "esp: SPI 0");
    }
    return v;
}

size_t
EspPacketLength(const EspTransform& transform, size_t payloadLength)
{
    return kHeaderSize + transform.IvSize() + PaddedLength(payloadLength, transform.BlockSize())
           + transform.IcvSize();
}

EspOutboundSa::EspOutboundSa(EspSaConfig config, std::unique_ptr<EspTransform> transform)
    : m_config(std::move(config))
    , m_transform(std::move(transform))
{
}

Result<EspOutboundSa>
EspOutboundSa::Create(const EspSaConfig& config)
{
    Status spi = CheckSpi(config.spi);
    if (!spi)
    {
        return spi.GetError();
    }
    auto t = MakeEspTransform(config.transform, config.encryptionKey, config.authenticationKey);
    if (!t)
    {
        return t.GetError();
    }
    return EspOutboundSa(config, std::move(t.Value()));
}

Status
EspOutboundSa::Encapsulate(ByteView payload, uint8_t nextHeader, Bytes& out)
{
    uint64_t next = m_sequence + 1;
    // RFC 4303 3.3.3: the counter never cycles; without ESN the SA ends at 2^32 - 1.
    if (next == 0 || (!m_config.extendedSequenceNumbers && next > 0xffffffffULL))
    {
        return Status::Fail(ErrorCode::BadValue,
                            "esp: sequence number exhausted, the SA must be rekeyed");
    }
    uint8_t iv[16];
    m_transform->MakeIv(next, iv);
    Status s
        = EncapsulateWithIv(payload, nextHeader, next, ByteView(iv, m_transform->IvSize()), out);
    if (s)
    {
        m_sequence = next;
    }
    return s;
}

Status
EspOutboundSa::EncapsulateWithIv(ByteView payload, uint8_t nextHeader, uint64_t sequence,
                                 ByteView iv, Bytes& out)
{
    EspTransform& t = *m_transform;
    if (iv.size() != t.IvSize())
    {
        return Status::Fail(ErrorCode::BadLength,
                            "esp: IV must be " + std::to_string(t.IvSize()) + " bytes");
    }
    size_t padded = PaddedLength(payload.size(), t.BlockSize());
    size_t padLength = padded - payload.size() - 2;
    size_t start = out.size();
    out.resize(start + kHeaderSize + iv.size() + padded + t.IcvSize());
    uint8_t* p = out.data() + start;
    PutU32(p, m_config.spi);
    PutU32(p + 4, static_cast<uint32_t>(sequence));
    if (!iv.empty())
    {
        std::memcpy(p + kHeaderSize, iv.data(), iv.size());
    }
    // The plaintext is laid out where the ciphertext goes and encrypted in place.
    uint8_t* body = p + kHeaderSize + iv.size();
    if (!payload.empty())
    {
        std::memcpy(body, payload.data(), payload.size());
    }
    for (size_t i = 0; i < padLength; ++i)
    {
        body[payload.size() + i] = static_cast<uint8_t>(i + 1); // RFC 4303 2.4 default 1,2,3..
    }
    body[padded - 2] = static_cast<uint8_t>(padLength);
    body[padded - 1] = nextHeader;

    EspAuthenticatedHeader header{ByteView(p, kHeaderSize), std::nullopt};
    if (m_config.extendedSequenceNumbers)
    {
        header.esnHigh = static_cast<uint32_t>(sequence >> 32);
    }
    Status s = t.Seal(header, iv, ByteView(body, padded), body, body + padded);
    if (!s)
    {
        out.resize(start);
    }
    return s;
}

EspInboundSa::EspInboundSa(EspSaConfig config, std::unique_ptr<EspTransform> transform,
                           ReplayWindow window)
    : m_config(std::move(config))
    , m_transform(std::move(transform))
    , m_window(std::move(window))
{
}

Result<EspInboundSa>
EspInboundSa::Create(const EspSaConfig& config)
{
    Status spi = CheckSpi(config.spi);
    if (!spi)
    {
        return spi.GetError();
    }
    auto window = ReplayWindow::Create(config.replayWindow);
    if (!window)
    {
        return window.GetError();
    }
    auto t = MakeEspTransform(config.transform, config.encryptionKey, config.authenticationKey);
    if (!t)
    {
        return t.GetError();
    }
    return EspInboundSa(config, std::move(t.Value()), std::move(window.Value()));
}

Result<EspDecapsulated>
EspInboundSa::Decapsulate(ByteView packet, Bytes& payload)
{
    using R = Result<EspDecapsulated>;
    EspTransform& t = *m_transform;
    size_t fixed = kHeaderSize + t.IvSize() + t.IcvSize();
    if (packet.size() < fixed + 4)
    {
        return R::Fail(ErrorCode::Truncated, "esp: " + std::to_string(packet.size())
                                                 + " bytes, shorter than the smallest packet");
    }
    size_t bodyLength = packet.size() - fixed;
    if (bodyLength % t.BlockSize() != 0)
    {
        return R::Fail(ErrorCode::BadLength, "esp: encrypted part is not a multiple of "
                                                 + std::to_string(t.BlockSize()) + " bytes");
    }
    uint32_t spi = GetU32(packet.data());
    if (spi != m_config.spi)
    {
        return R::Fail(ErrorCode::BadValue, "esp: SPI does not belong to this SA");
    }
    uint32_t low = GetU32(packet.data() + 4);
    uint64_t sequence
        = m_config.extendedSequenceNumbers ? m_window.InferExtendedSequence(low) : low;
    Status replay = m_window.Check(sequence);
    if (!replay)
    {
        return replay.GetError();
    }

    EspAuthenticatedHeader header{packet.subspan(0, kHeaderSize), std::nullopt};
    if (m_config.extendedSequenceNumbers)
    {
        header.esnHigh = static_cast<uint32_t>(sequence >> 32);
    }
    ByteView iv = packet.subspan(kHeaderSize, t.IvSize());
    ByteView body = packet.subspan(kHeaderSize + t.IvSize(), bodyLength);
    ByteView icv = packet.subspan(packet.size() - t.IcvSize());
    payload.resize(bodyLength);
    Status open = t.Open(header, iv, body, icv, payload.data());
    if (!open)
    {
        payload.clear();
        return open.GetError();
    }
    uint8_t padLength = payload[bodyLength - 2];
    uint8_t nextHeader = payload[bodyLength - 1];
    if (size_t{padLength} + 2 > bodyLength)
    {
        payload.clear();
        return R::Fail(ErrorCode::BadPadding, "esp: pad length " + std::to_string(padLength)
                                                  + " exceeds the decrypted data");
    }
    size_t payloadLength = bodyLength - 2 - padLength;
    for (size_t i = 0; i < padLength; ++i)
    {
        // RFC 4303 2.4: the receiver SHOULD check the default 1, 2, 3, ... padding.
        if (payload[payloadLength + i] != static_cast<uint8_t>(i + 1))
        {
            payload.clear();
            return R::Fail(ErrorCode::BadPadding, "esp: padding bytes are not 1, 2, 3, ...");
        }
    }
    m_window.Update(sequence);
    payload.resize(payloadLength);
    return EspDecapsulated{sequence, nextHeader, payloadLength, padLength};
}

} // namespace wire
} // namespace vpnsim
