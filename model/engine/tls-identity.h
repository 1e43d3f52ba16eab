/*
 * The headend's TLS identity: a self-signed RSA-2048 certificate and its key, fixed in the source
 * so that every run presents the same certificate (the TLS handshake has the same sizes in every
 * run, and a client can pin it). It protects nothing: it is a test fixture, public with the
 * project, and must never be used to secure real traffic.
 *
 * Made once with `openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -set_serial 1
 * -subj "/O=vpnsim/CN=vpnsim test headend"`. Its public-key pin (what openconnect's
 * --servercert takes) is kTestHeadendPin.
 */
#ifndef VPNSIM_ENGINE_TLS_IDENTITY_H
#define VPNSIM_ENGINE_TLS_IDENTITY_H

namespace vpnsim
{
namespace engine
{

/// The certificate, PEM.
extern const char* const kTestHeadendCertificatePem;

/// Its private key, PEM (PKCS#8, unencrypted).
extern const char* const kTestHeadendKeyPem;

/// "pin-sha256:" + base64 of SHA-256 over the certificate's SubjectPublicKeyInfo.
extern const char* const kTestHeadendPin;

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_TLS_IDENTITY_H
