#include "model/wire/tls-record.h"

namespace vpnsim
{
namespace wire
{

TlsRecordStream::TlsRecordStream(TlsRecordConfig config)
    : m_config(config)
{
}

Bytes
TlsRecordStream::Seal(ByteView plaintext)
{
    Bytes out;
    out.reserve(Overhead() + plaintext.size());
    ByteWriter w(out);
    w.U8(kApplicationData);
    w.U16(kVersion12);
    w.U16(static_cast<uint16_t>(m_config.explicitNonceLength + plaintext.size()
                                + m_config.tagLength));
    for (size_t i = m_config.explicitNonceLength; i > 0; --i)
    {
        w.U8(i <= 8 ? static_cast<uint8_t>(m_sequence >> (8 * (i - 1))) : 0);
    }
    ++m_sequence;
    w.Append(plaintext);
    w.Fill(m_config.tagLength, 0);
    return out;
}

bool
TlsRecordStream::Feed(ByteView chunk, const std::function<void(ByteView plaintext)>& onRecord,
                      std::string& error)
{
    if (m_failed)
    {
        error = "tls: stream already failed";
        return false;
    }
    m_buffer.insert(m_buffer.end(), chunk.begin(), chunk.end());
    size_t pos = 0;
    size_t protection = m_config.explicitNonceLength + m_config.tagLength;
    // RFC 5246 §6.2.3: a protected record may be at most 2^14 + 2048 bytes.
    size_t maxLength = m_config.maxPlaintext + 2048;
    while (m_buffer.size() - pos >= kHeaderLength)
    {
        const uint8_t* h = &m_buffer[pos];
        size_t length = GetU16(h + 3);
        if (h[0] != kApplicationData || GetU16(h + 1) != kVersion12 || length < protection
            || length > maxLength)
        {
            m_failed = true;
            error = "tls: bad record header";
            return false;
        }
        if (m_buffer.size() - pos < kHeaderLength + length)
        {
            break;
        }
        ByteView record(&m_buffer[pos + kHeaderLength], length);
        pos += kHeaderLength + length;
        onRecord(record.subspan(m_config.explicitNonceLength, length - protection));
    }
    m_buffer.erase(m_buffer.begin(), m_buffer.begin() + static_cast<std::ptrdiff_t>(pos));
    return true;
}

} // namespace wire
} // namespace vpnsim
