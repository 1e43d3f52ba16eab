#include "model/engine/tls-session.h"

#include "model/engine/tls-identity.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <stdexcept>

namespace vpnsim
{
namespace engine
{

/// Reaches the session from OpenSSL's callbacks.
struct TlsSessionAccess
{
    static void KeyLog(const SSL* ssl, const char* line)
    {
        auto* session = static_cast<TlsSession*>(SSL_get_app_data(ssl));
        if (session != nullptr)
        {
            session->m_keyLog = line;
        }
    }
};

namespace
{

struct ContextFree
{
    void operator()(SSL_CTX* c) const
    {
        SSL_CTX_free(c);
    }
};

using Context = std::unique_ptr<SSL_CTX, ContextFree>;

std::string
LastError(const std::string& what)
{
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0)
    {
        return what;
    }
    char text[256];
    ERR_error_string_n(e, text, sizeof(text));
    return what + ": " + text;
}

void
KeyLogCallback(const SSL* ssl, const char* line)
{
    TlsSessionAccess::KeyLog(ssl, line);
}

/// What both ends agree on (tls-session.h): TLS 1.2, one suite, X25519, no tickets.
Context
MakeContext(TlsRole role)
{
    Context ctx(SSL_CTX_new(role == TlsRole::Client ? TLS_client_method() : TLS_server_method()));
    if (!ctx)
    {
        throw std::runtime_error(LastError("SSL_CTX_new"));
    }
    SSL_CTX* c = ctx.get();
    if (SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) != 1
        || SSL_CTX_set_max_proto_version(c, TLS1_2_VERSION) != 1
        || SSL_CTX_set_cipher_list(c, "ECDHE-RSA-AES128-GCM-SHA256") != 1
        || SSL_CTX_set1_groups_list(c, "X25519") != 1)
    {
        throw std::runtime_error(LastError("TLS parameters"));
    }
    SSL_CTX_set_options(c, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_keylog_callback(c, KeyLogCallback);
    if (role == TlsRole::Client)
    {
        SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
        return ctx;
    }
    std::unique_ptr<BIO, decltype(&BIO_free)> certBio(
        BIO_new_mem_buf(kTestHeadendCertificatePem, -1), BIO_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> keyBio(BIO_new_mem_buf(kTestHeadendKeyPem, -1),
                                                     BIO_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr), X509_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    if (!cert || !key || SSL_CTX_use_certificate(c, cert.get()) != 1
        || SSL_CTX_use_PrivateKey(c, key.get()) != 1 || SSL_CTX_check_private_key(c) != 1)
    {
        throw std::runtime_error(LastError("the test headend identity"));
    }
    return ctx;
}

/// One context per role for the whole process: loading the key once, not per tunnel.
SSL_CTX*
SharedContext(TlsRole role)
{
    static Context client = MakeContext(TlsRole::Client);
    static Context server = MakeContext(TlsRole::Server);
    return role == TlsRole::Client ? client.get() : server.get();
}

} // namespace

TlsSession::TlsSession(TlsRole role, TlsCallbacks callbacks)
    : m_role(role)
    , m_callbacks(std::move(callbacks))
{
    m_ssl = SSL_new(SharedContext(role));
    if (m_ssl == nullptr)
    {
        throw std::runtime_error(LastError("SSL_new"));
    }
    // The session reads what Receive wrote into one buffer and writes into another that Flush
    // empties toward the stream.
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in, -1); // "no more yet", not end of stream
    SSL_set_bio(m_ssl, in, out);
    SSL_set_app_data(m_ssl, this);
    if (role == TlsRole::Client)
    {
        SSL_set_connect_state(m_ssl);
    }
    else
    {
        SSL_set_accept_state(m_ssl);
    }
}

TlsSession::~TlsSession()
{
    SSL_free(m_ssl);
}

void
TlsSession::Start()
{
    if (m_role == TlsRole::Client)
    {
        Drive();
    }
}

void
TlsSession::Receive(wire::ByteView bytes)
{
    if (m_failed || m_closed)
    {
        return;
    }
    BIO_write(SSL_get_rbio(m_ssl), bytes.data(), static_cast<int>(bytes.size()));
    Drive();
}

void
TlsSession::Drive()
{
    if (!m_established)
    {
        int r = SSL_do_handshake(m_ssl);
        Flush();
        if (r != 1)
        {
            int e = SSL_get_error(m_ssl, r);
            if (e != SSL_ERROR_WANT_READ)
            {
                Fail(LastError("tls: handshake failed"));
            }
            return;
        }
        m_established = true;
        if (m_callbacks.established)
        {
            m_callbacks.established();
        }
    }
    unsigned char buffer[kMaxPlaintext];
    while (!m_failed && !m_closed)
    {
        int n = SSL_read(m_ssl, buffer, sizeof(buffer));
        if (n > 0)
        {
            if (m_callbacks.plaintext)
            {
                m_callbacks.plaintext(wire::ByteView(buffer, static_cast<size_t>(n)));
            }
            continue;
        }
        int e = SSL_get_error(m_ssl, n);
        Flush(); // an alert, or the answer to the peer's close_notify
        if (e == SSL_ERROR_WANT_READ)
        {
            return;
        }
        if (e == SSL_ERROR_ZERO_RETURN)
        {
            m_closed = true;
            Fail("tls: the peer closed the connection (close_notify)");
            return;
        }
        Fail(LastError("tls: bad record"));
    }
}

bool
TlsSession::Write(wire::ByteView plaintext)
{
    if (!m_established || m_failed || m_closed || plaintext.size() > kMaxPlaintext)
    {
        return false;
    }
    int n = SSL_write(m_ssl, plaintext.data(), static_cast<int>(plaintext.size()));
    Flush();
    if (n != static_cast<int>(plaintext.size()))
    {
        Fail(LastError("tls: write failed"));
        return false;
    }
    return true;
}

void
TlsSession::Close()
{
    if (!m_established || m_failed || m_closed)
    {
        return;
    }
    m_closed = true;
    SSL_shutdown(m_ssl);
    Flush();
}

std::string
TlsSession::CipherName() const
{
    const SSL_CIPHER* c = SSL_get_current_cipher(m_ssl);
    return c != nullptr && m_established ? SSL_CIPHER_get_name(c) : "";
}

void
TlsSession::Flush()
{
    BIO* out = SSL_get_wbio(m_ssl);
    char* data = nullptr;
    long n = BIO_get_mem_data(out, &data);
    if (n <= 0)
    {
        return;
    }
    // Copied first: the callback may write again, which appends to the same buffer.
    wire::Bytes bytes(reinterpret_cast<uint8_t*>(data), reinterpret_cast<uint8_t*>(data) + n);
    (void)BIO_reset(out);
    if (m_callbacks.send)
    {
        m_callbacks.send(bytes);
    }
}

void
TlsSession::Fail(const std::string& detail)
{
    if (m_failed)
    {
        return;
    }
    m_failed = true;
    if (m_callbacks.failed)
    {
        m_callbacks.failed(detail);
    }
}

} // namespace engine
} // namespace vpnsim
