/*
 * TLS 1.2 application-data record framing on a TCP byte stream, with the plaintext left in the
 * clear between an explicit nonce and a tag of the sizes of AES-128-GCM (RFC 5288 §3: 8-byte
 * explicit nonce, 16-byte tag): the real length and record boundaries without encryption, for
 * hand-made captures, the CSTP fuzz target and the wire demo. vpnsim's AnyConnect tunnels
 * encrypt for real (model/engine/tls-session.h). Record boundaries are
 * independent of TCP segment boundaries: the reader reassembles records from arbitrary chunks.
 */
#ifndef VPNSIM_WIRE_TLS_RECORD_H
#define VPNSIM_WIRE_TLS_RECORD_H

#include "model/wire/bytes.h"

#include <cstdint>
#include <functional>
#include <string>

namespace vpnsim
{
namespace wire
{

/// Sizes of the per-record protection; defaults are TLS 1.2 AES-128-GCM (RFC 5288 §3).
struct TlsRecordConfig
{
    size_t explicitNonceLength{8};
    size_t tagLength{16};
    size_t maxPlaintext{16384}; ///< TLS 1.2 limit, RFC 5246 §6.2.1
};

/// Seals plaintexts into records and opens records from a byte stream.
class TlsRecordStream
{
  public:
    /// TLS ContentType application_data (RFC 5246 §6.2.1).
    static constexpr uint8_t kApplicationData = 23;
    /// ProtocolVersion TLS 1.2 = {3, 3} (RFC 5246 §6.2.1).
    static constexpr uint16_t kVersion12 = 0x0303;
    /// Record header: type(1) version(2) length(2).
    static constexpr size_t kHeaderLength = 5;

    explicit TlsRecordStream(TlsRecordConfig config = {});

    /// One application-data record holding `plaintext` (at most maxPlaintext bytes).
    Bytes Seal(ByteView plaintext);

    /// Appends `chunk` to the stream and calls `onRecord` with the plaintext of every record
    /// now complete. Returns false, with `error` set, on a record that is not TLS 1.2
    /// application data or is too short or too long; the stream is unusable after that.
    bool Feed(ByteView chunk, const std::function<void(ByteView plaintext)>& onRecord,
              std::string& error);

    /// Bytes a record adds to its plaintext.
    size_t Overhead() const
    {
        return kHeaderLength + m_config.explicitNonceLength + m_config.tagLength;
    }

    /// Bytes received but not yet forming a whole record.
    size_t Buffered() const
    {
        return m_buffer.size();
    }

  private:
    TlsRecordConfig m_config;
    uint64_t m_sequence{0}; ///< written as the explicit nonce, as RFC 5288 §3 suggests
    Bytes m_buffer;
    bool m_failed{false};
};

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_TLS_RECORD_H
