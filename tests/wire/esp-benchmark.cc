// ESP codec throughput beside the raw OpenSSL EVP work it cannot avoid, measured in the same
// run. Prints codec/raw ratios; the target (>= 0.9 at 1400 bytes) is reported, never asserted.
#include "model/wire/esp.h"
#include "model/wire/openssl-context.h"

#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstring>
#include <map>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <string>

using namespace vpnsim::wire;

namespace
{

EspSaConfig
Sa(EspTransformId t)
{
    EspSaConfig c;
    c.spi = 0xc0ffee01;
    c.transform = t;
    EspKeyLengths k = KeyLengths(t);
    c.encryptionKey.assign(k.encryption, 0x11);
    c.authenticationKey.assign(k.authentication, 0x22);
    c.replayWindow = 64;
    return c;
}

/// Encapsulate + decapsulate one packet per iteration through the codec.
void
Codec(benchmark::State& state, EspTransformId t, size_t size)
{
    auto out = EspOutboundSa::Create(Sa(t));
    auto in = EspInboundSa::Create(Sa(t));
    Bytes inner(size, 0x5a);
    Bytes wire;
    Bytes plain;
    wire.reserve(size + 64);
    plain.reserve(size + 64);
    for (auto _ : state)
    {
        wire.clear();
        if (!out->Encapsulate(inner, kNextHeaderIpv4, wire) || !in->Decapsulate(wire, plain))
        {
            state.SkipWithError("codec failed");
            break;
        }
        benchmark::DoNotOptimize(plain.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

/// The same cryptography with EVP directly: AES-GCM seal + open of the padded payload with
/// an 8-byte AAD, on pre-allocated buffers, contexts reused.
void
RawGcm(benchmark::State& state, size_t size)
{
    size_t padded = (size + 2 + 3) / 4 * 4;
    Bytes key(16, 0x11);
    uint8_t nonce[12] = {};
    uint8_t aad[8] = {};
    uint8_t tag[16];
    Bytes a(padded, 0x5a);
    Bytes b(padded);
    Bytes c(padded);
    CipherContext enc(EVP_CIPHER_CTX_new());
    CipherContext dec(EVP_CIPHER_CTX_new());
    EVP_EncryptInit_ex(enc.get(), EVP_aes_128_gcm(), nullptr, key.data(), nullptr);
    EVP_DecryptInit_ex(dec.get(), EVP_aes_128_gcm(), nullptr, key.data(), nullptr);
    uint64_t n = 0;
    for (auto _ : state)
    {
        ++n;
        std::memcpy(nonce + 4, &n, 8);
        int len = 0;
        EVP_EncryptInit_ex(enc.get(), nullptr, nullptr, nullptr, nonce);
        EVP_EncryptUpdate(enc.get(), nullptr, &len, aad, 8);
        EVP_EncryptUpdate(enc.get(), b.data(), &len, a.data(), static_cast<int>(padded));
        EVP_EncryptFinal_ex(enc.get(), b.data() + len, &len);
        EVP_CIPHER_CTX_ctrl(enc.get(), EVP_CTRL_GCM_GET_TAG, 16, tag);
        EVP_DecryptInit_ex(dec.get(), nullptr, nullptr, nullptr, nonce);
        EVP_DecryptUpdate(dec.get(), nullptr, &len, aad, 8);
        EVP_DecryptUpdate(dec.get(), c.data(), &len, b.data(), static_cast<int>(padded));
        EVP_CIPHER_CTX_ctrl(dec.get(), EVP_CTRL_GCM_SET_TAG, 16, tag);
        if (EVP_DecryptFinal_ex(dec.get(), c.data() + len, &len) != 1)
        {
            state.SkipWithError("tag");
            break;
        }
        benchmark::DoNotOptimize(c.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

/// AES-128-CBC encrypt + HMAC-SHA1 over header, IV and ciphertext, then HMAC verify + decrypt.
void
RawCbcHmac(benchmark::State& state, size_t size)
{
    size_t padded = (size + 2 + 15) / 16 * 16;
    Bytes key(16, 0x11);
    Bytes authKey(20, 0x22);
    uint8_t iv[16] = {};
    uint8_t header[8] = {};
    uint8_t mac1[20];
    uint8_t mac2[20];
    Bytes a(padded, 0x5a);
    Bytes b(padded);
    Bytes c(padded);
    CipherContext enc(EVP_CIPHER_CTX_new());
    CipherContext dec(EVP_CIPHER_CTX_new());
    EVP_EncryptInit_ex(enc.get(), EVP_aes_128_cbc(), nullptr, key.data(), nullptr);
    EVP_DecryptInit_ex(dec.get(), EVP_aes_128_cbc(), nullptr, key.data(), nullptr);
    EVP_CIPHER_CTX_set_padding(enc.get(), 0);
    EVP_CIPHER_CTX_set_padding(dec.get(), 0);
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    MacContext h(EVP_MAC_CTX_new(mac));
    EVP_MAC_free(mac);
    char digest[] = "SHA1";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    EVP_MAC_init(h.get(), authKey.data(), authKey.size(), params);
    auto hmac = [&](uint8_t* out)
    {
        size_t outLen = 0;
        EVP_MAC_init(h.get(), nullptr, 0, nullptr);
        EVP_MAC_update(h.get(), header, 8);
        EVP_MAC_update(h.get(), iv, 16);
        EVP_MAC_update(h.get(), b.data(), padded);
        EVP_MAC_final(h.get(), out, &outLen, 20);
    };
    for (auto _ : state)
    {
        int len = 0;
        EVP_EncryptInit_ex(enc.get(), nullptr, nullptr, nullptr, iv);
        EVP_EncryptUpdate(enc.get(), b.data(), &len, a.data(), static_cast<int>(padded));
        hmac(mac1);
        hmac(mac2);
        if (CRYPTO_memcmp(mac1, mac2, 12) != 0)
        {
            state.SkipWithError("mac");
            break;
        }
        EVP_DecryptInit_ex(dec.get(), nullptr, nullptr, nullptr, iv);
        EVP_DecryptUpdate(dec.get(), c.data(), &len, b.data(), static_cast<int>(padded));
        benchmark::DoNotOptimize(c.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

/// Keeps each run's iterations per second so main() can print the ratios.
class RatioReporter : public benchmark::ConsoleReporter
{
  public:
    void ReportRuns(const std::vector<Run>& runs) override
    {
        for (const auto& r : runs)
        {
            if (r.run_type == Run::RT_Iteration && r.real_accumulated_time > 0)
            {
                perSecond[r.benchmark_name()]
                    = static_cast<double>(r.iterations) / r.real_accumulated_time;
            }
        }
        ConsoleReporter::ReportRuns(runs);
    }

    std::map<std::string, double> perSecond;
};

} // namespace

int
main(int argc, char** argv)
{
    const size_t sizes[] = {64, 512, 1400};
    struct Suite
    {
        const char* name;
        EspTransformId id;
        void (*raw)(benchmark::State&, size_t);
    };
    const Suite suites[]
        = {{"aes-gcm-128", EspTransformId::AesGcm128Icv16, RawGcm},
           {"aes-cbc-128-hmac-sha1-96", EspTransformId::AesCbc128HmacSha1_96, RawCbcHmac}};
    for (const auto& s : suites)
    {
        for (size_t size : sizes)
        {
            std::string tag = std::string(s.name) + "/" + std::to_string(size);
            benchmark::RegisterBenchmark(("codec/" + tag).c_str(), Codec, s.id, size);
            benchmark::RegisterBenchmark(("raw-evp/" + tag).c_str(), s.raw, size);
        }
    }
    benchmark::Initialize(&argc, argv);
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);

    std::printf("\n%-28s %6s %14s %14s %8s\n", "transform", "bytes", "codec MB/s", "raw EVP MB/s",
                "ratio");
    for (const auto& s : suites)
    {
        for (size_t size : sizes)
        {
            std::string tag = std::string(s.name) + "/" + std::to_string(size);
            double codec = reporter.perSecond["codec/" + tag] * static_cast<double>(size) / 1e6;
            double raw = reporter.perSecond["raw-evp/" + tag] * static_cast<double>(size) / 1e6;
            std::printf("%-28s %6zu %14.1f %14.1f %8.3f%s\n", s.name, size, codec, raw,
                        raw > 0 ? codec / raw : 0.0,
                        size == 1400 ? "   (target >= 0.9 at 1400 bytes)" : "");
        }
    }
    benchmark::Shutdown();
    return 0;
}
