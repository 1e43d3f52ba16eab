/*
 * Where OpenSSL's random bytes come from. A TLS session draws them for its hello randoms, its
 * ECDHE key, its RSA-PSS salt and its GCM nonces; by default OpenSSL takes them from the
 * operating system, so two runs of the same seed write different AnyConnect bytes (of the same
 * sizes). A simulation makes them a stream of its seed instead, so that a run repeats bit for
 * bit (doc/design.md §Host interface). The runner keeps the system's: its sessions are real.
 *
 * The stream is AES-256-CTR over zeros under SHA-256 of the seed: not secret, only repeatable.
 * It is one stream for the whole process (OpenSSL has one default random source), restarted by
 * each call.
 */
#ifndef VPNSIM_ENGINE_TLS_RANDOM_H
#define VPNSIM_ENGINE_TLS_RANDOM_H

#include <cstdint>

namespace vpnsim
{
namespace engine
{

/// From now on OpenSSL's random bytes are the stream of `seed`, from its start.
void UseSeededTlsRandom(uint64_t seed);

/// From now on OpenSSL draws from the operating system again.
void UseSystemTlsRandom();

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_TLS_RANDOM_H
