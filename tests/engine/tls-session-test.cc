/*
 * The TLS 1.2 session over memory buffers (doc/protocols.md §AnyConnect TLS): the handshake
 * between two sessions, what is negotiated, the size of a record, the key log, and records
 * that do not authenticate.
 */
#include "model/engine/tls-session.h"

#include <gtest/gtest.h>

#include <deque>

namespace vpnsim
{
namespace test
{
namespace
{

using namespace engine;

/// A client and a server session; what one sends the test hands to the other.
struct TlsPair
{
    struct Side
    {
        std::vector<wire::Bytes> sent; ///< each send callback
        std::deque<uint8_t> pending;   ///< sent, not yet handed over
        wire::Bytes plaintext;
        bool established{false};
        std::string failure;
        std::unique_ptr<TlsSession> session;
    };

    Side client;
    Side server;

    TlsPair()
    {
        client.session = Make(TlsRole::Client, client);
        server.session = Make(TlsRole::Server, server);
    }

    static std::unique_ptr<TlsSession> Make(TlsRole role, Side& s)
    {
        return std::make_unique<TlsSession>(role, TlsCallbacks{[&s](wire::ByteView b)
                                                               {
                                                                   s.sent.emplace_back(b.begin(),
                                                                                       b.end());
                                                                   s.pending.insert(
                                                                       s.pending.end(), b.begin(),
                                                                       b.end());
                                                               },
                                                               [&s]
                                                               {
                                                                   s.established = true;
                                                               },
                                                               [&s](wire::ByteView p)
                                                               {
                                                                   s.plaintext.insert(
                                                                       s.plaintext.end(),
                                                                       p.begin(), p.end());
                                                               },
                                                               [&s](const std::string& d)
                                                               {
                                                                   s.failure = d;
                                                               }});
    }

    /// Hands over everything pending, `chunk` bytes at a time, until both are quiet.
    void Pump(size_t chunk = 1 << 20)
    {
        while (!client.pending.empty() || !server.pending.empty())
        {
            Hand(client, server, chunk);
            Hand(server, client, chunk);
        }
    }

    static void Hand(Side& from, Side& to, size_t chunk)
    {
        while (!from.pending.empty())
        {
            size_t n = std::min(chunk, from.pending.size());
            wire::Bytes piece(from.pending.begin(), from.pending.begin() + n);
            from.pending.erase(from.pending.begin(), from.pending.begin() + n);
            to.session->Receive(piece);
        }
    }
};

TEST(TlsSession, HandshakeNegotiatesTls12EcdheRsaAes128Gcm)
{
    TlsPair p;
    p.server.session->Start(); // waits
    EXPECT_TRUE(p.server.sent.empty());
    p.client.session->Start();
    ASSERT_EQ(p.client.sent.size(), 1u);
    EXPECT_EQ(p.client.sent[0][0], 0x16); // handshake record
    p.Pump();

    EXPECT_TRUE(p.client.established);
    EXPECT_TRUE(p.server.established);
    EXPECT_EQ(p.client.session->CipherName(), "ECDHE-RSA-AES128-GCM-SHA256");
    EXPECT_EQ(p.server.session->CipherName(), "ECDHE-RSA-AES128-GCM-SHA256");
    EXPECT_TRUE(p.client.failure.empty()) << p.client.failure;
}

TEST(TlsSession, EachWriteIsOneApplicationDataRecordOfPlaintextPlus29Bytes)
{
    TlsPair p;
    p.client.session->Start();
    p.Pump();
    size_t before = p.client.sent.size();
    wire::Bytes message(1000, 0x5a);
    ASSERT_TRUE(p.client.session->Write(message));
    ASSERT_EQ(p.client.sent.size(), before + 1);
    const wire::Bytes& record = p.client.sent.back();
    ASSERT_EQ(record.size(), message.size() + TlsSession::kRecordOverhead);
    EXPECT_EQ(record[0], 0x17);
    EXPECT_EQ(record[1], 0x03);
    EXPECT_EQ(record[2], 0x03);
    EXPECT_EQ((record[3] << 8) | record[4], 8 + 1000 + 16);
    // Encrypted: the plaintext does not appear in the record.
    EXPECT_EQ(std::search(record.begin(), record.end(), message.begin(), message.begin() + 16),
              record.end());
    p.Pump();
    EXPECT_EQ(p.server.plaintext, message);
}

TEST(TlsSession, HandshakeAndDataSurviveOneByteChunks)
{
    TlsPair p;
    p.client.session->Start();
    p.Pump(1);
    ASSERT_TRUE(p.server.established);
    p.server.session->Write(wire::FromHex("00112233"));
    p.client.session->Write(wire::FromHex("44556677"));
    p.Pump(1);
    EXPECT_EQ(wire::ToHex(p.client.plaintext), "00112233");
    EXPECT_EQ(wire::ToHex(p.server.plaintext), "44556677");
}

TEST(TlsSession, BothEndsLogTheSameMasterSecretInNssFormat)
{
    TlsPair p;
    EXPECT_EQ(p.client.session->KeyLogLine(), "");
    p.client.session->Start();
    p.Pump();
    const std::string& line = p.client.session->KeyLogLine();
    // CLIENT_RANDOM <32 bytes hex> <48 bytes hex>
    ASSERT_EQ(line.size(), 14 + 64 + 1 + 96) << line;
    EXPECT_EQ(line.rfind("CLIENT_RANDOM ", 0), 0u);
    EXPECT_EQ(line, p.server.session->KeyLogLine());
    TlsPair other;
    other.client.session->Start();
    other.Pump();
    EXPECT_NE(other.client.session->KeyLogLine(), line);
}

TEST(TlsSession, AChangedRecordFailsTheConnection)
{
    TlsPair p;
    p.client.session->Start();
    p.Pump();
    p.client.session->Write(wire::FromHex("0102030405060708"));
    p.client.pending[p.client.pending.size() - 3] ^= 0x80; // in the tag
    p.Pump();
    EXPECT_TRUE(p.server.plaintext.empty());
    EXPECT_TRUE(p.server.session->Failed());
    EXPECT_FALSE(p.server.failure.empty());
    EXPECT_FALSE(p.server.session->Write(wire::FromHex("00")));
}

TEST(TlsSession, WritesBeforeTheHandshakeAreRefused)
{
    TlsPair p;
    p.client.session->Start();
    EXPECT_FALSE(p.client.session->Write(wire::FromHex("00")));
    EXPECT_FALSE(p.server.session->Write(wire::FromHex("00")));
}

TEST(TlsSession, CloseNotifyEndsThePeerWithoutAnError)
{
    TlsPair p;
    p.client.session->Start();
    p.Pump();
    p.client.session->Close();
    p.Pump();
    EXPECT_TRUE(p.server.session->Closed());
    EXPECT_NE(p.server.failure.find("close_notify"), std::string::npos) << p.server.failure;
}

TEST(TlsSession, NotTlsIsAHandshakeFailure)
{
    TlsPair p;
    p.server.session->Receive(wire::FromHex("474554202f20485454502f312e310d0a0d0a")); // GET /
    EXPECT_TRUE(p.server.session->Failed());
    EXPECT_NE(p.server.failure.find("handshake"), std::string::npos);
}

} // namespace
} // namespace test
} // namespace vpnsim
