/*
 * One TLS 1.2 connection without I/O: OpenSSL over a pair of memory BIOs. Bytes the stream
 * delivered go in (Receive), bytes for the stream come out (the send callback), and so do the
 * application data received and the moment the handshake completes. Nothing here touches a
 * socket or a clock, so the simulation and the runner drive the same code (doc/design.md
 * §The one rule).
 *
 * What is negotiated is fixed (doc/protocols.md §AnyConnect TLS): TLS 1.2 only (RFC 5246),
 * ECDHE-RSA-AES128-GCM-SHA256 (RFC 5289 section 3.2) with X25519, no session tickets and no
 * renegotiation. Each Write is one record, as openconnect and ocserv write each CSTP packet
 * with one call. A server presents the fixed test identity (tls-identity.h); a client checks
 * no certificate (the tunnel's peer is fixed by configuration, not by a name).
 *
 * Each session keeps the NSS key-log line of its master secret ("CLIENT_RANDOM <client random>
 * <master secret>", the SSLKEYLOGFILE format Wireshark reads), so that a capture of it can be
 * decrypted.
 */
#ifndef VPNSIM_ENGINE_TLS_SESSION_H
#define VPNSIM_ENGINE_TLS_SESSION_H

#include "model/wire/bytes.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

typedef struct ssl_st SSL;

namespace vpnsim
{
namespace engine
{

/// Which end of the handshake.
enum class TlsRole : uint8_t
{
    Client,
    Server,
};

/// Calls from the session to its owner. Each may send (Write) again; none may destroy it.
struct TlsCallbacks
{
    /// Bytes for the stream toward the peer (handshake messages and records).
    std::function<void(wire::ByteView bytes)> send;
    /// The handshake has completed; Write may be called from now on.
    std::function<void()> established;
    /// Application data received, in order (one record's worth, or less, per call).
    std::function<void(wire::ByteView plaintext)> plaintext;
    /// The connection failed (bad record, failed handshake, alert); nothing more is handled.
    std::function<void(const std::string& detail)> failed;
};

/// A TLS 1.2 connection over memory buffers.
class TlsSession
{
  public:
    TlsSession(TlsRole role, TlsCallbacks callbacks);
    ~TlsSession();
    TlsSession(const TlsSession&) = delete;
    TlsSession& operator=(const TlsSession&) = delete;

    /// A client sends its ClientHello; a server waits for one.
    void Start();

    /// Bytes from the stream, in any chunking.
    void Receive(wire::ByteView bytes);

    /// Sends `plaintext` (at most 16384 bytes, RFC 5246 section 6.2.1) as one application-data
    /// record. Before the handshake has completed, or after a failure, it is dropped: false.
    bool Write(wire::ByteView plaintext);

    /// Sends close_notify (RFC 5246 section 7.2.1).
    void Close();

    bool Established() const
    {
        return m_established;
    }

    bool Failed() const
    {
        return m_failed;
    }

    /// True once either end closed the connection (close_notify sent or received).
    bool Closed() const
    {
        return m_closed;
    }

    /// The NSS key-log line of this session's master secret; empty before the handshake.
    const std::string& KeyLogLine() const
    {
        return m_keyLog;
    }

    /// The negotiated cipher suite in OpenSSL's spelling (empty before the handshake).
    std::string CipherName() const;

    /// Bytes a record adds to its plaintext: header 5, explicit nonce 8, tag 16 (RFC 5288
    /// section 3).
    static constexpr size_t kRecordOverhead = 5 + 8 + 16;

    /// The largest plaintext of one record.
    static constexpr size_t kMaxPlaintext = 16384;

  private:
    friend struct TlsSessionAccess;

    void Drive();
    void Flush();
    void Fail(const std::string& detail);

    TlsRole m_role;
    TlsCallbacks m_callbacks;
    SSL* m_ssl{nullptr};
    bool m_established{false};
    bool m_failed{false};
    bool m_closed{false};
    std::string m_keyLog;
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_TLS_SESSION_H
