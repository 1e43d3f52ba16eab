/*
 * AnyConnect's HTTP exchange on the TLS plaintext (doc/protocols.md §AnyConnect authentication,
 * §CSTP tunnel setup): the requests the client sends, the forms and cookie of the server, the
 * CONNECT and its 200 CONNECTED with the tunnel's parameters, an ocserv-style two-form login,
 * and refusals.
 */
#include "model/engine/config-auth.h"
#include "model/engine/cstp-connect.h"

#include <gtest/gtest.h>

namespace vpnsim
{
namespace test
{
namespace
{

using namespace engine;
using namespace std::chrono_literals;

wire::ByteView
View(const std::string& s)
{
    return wire::ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

HttpMessage
Parse(const std::string& text)
{
    HttpReader r;
    r.Append(View(text));
    std::string error;
    auto m = r.Next(error);
    EXPECT_TRUE(m.has_value()) << error << "\n" << text;
    return m.value_or(HttpMessage{});
}

CstpServerSettings
Server()
{
    CstpServerSettings s;
    s.cookie = "0123456789abcdef";
    s.grant = []
    {
        CstpGrant g;
        g.address = 0xc6130005; // 198.19.0.5
        g.netmask = 0xffffff00;
        g.dpd = 30s;
        g.keepalive = 20s;
        g.idleTimeout = 1800s;
        g.mtu = 1399;
        return g;
    };
    return s;
}

CstpClientSettings
Client()
{
    CstpClientSettings c;
    c.host = "198.18.0.1";
    return c;
}

TEST(CstpConnect, ClientAndServerReachConnectedInThreeRequests)
{
    CstpConnectClient client(Client());
    CstpConnectServer server(Server());
    std::vector<HttpMessage> requests;
    std::string toServer = client.Begin();
    CstpConnectStep c;
    for (int i = 0; i < 5 && !c.connected && !c.error; ++i)
    {
        requests.push_back(Parse(toServer));
        CstpConnectStep s = server.Receive(View(toServer));
        ASSERT_FALSE(s.error) << *s.error;
        c = client.Receive(View(s.send + (s.connected ? "STF" : "")));
        toServer = c.send;
    }
    ASSERT_TRUE(c.connected) << c.error.value_or("");
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[0].startLine, "POST / HTTP/1.1");
    EXPECT_EQ(ParseConfigAuth(requests[0].body).type, "init");
    EXPECT_EQ(requests[0].Header("X-Aggregate-Auth"), "1");
    EXPECT_EQ(requests[1].startLine, "POST /auth HTTP/1.1");
    auto reply = ParseConfigAuth(requests[1].body);
    EXPECT_EQ(reply.type, "auth-reply");
    EXPECT_EQ(reply.replies, (std::vector<std::pair<std::string, std::string>>{
                                 {"username", "vpnsim"}, {"password", "vpnsim"}}));
    EXPECT_EQ(requests[2].startLine, "CONNECT /CSCOSSLC/tunnel HTTP/1.1");
    EXPECT_EQ(requests[2].Header("Cookie"), "webvpn=0123456789abcdef");
    EXPECT_EQ(requests[2].Header("X-CSTP-Version"), "1");
    EXPECT_EQ(requests[2].Header("X-CSTP-Hostname"), "vpnsim-client");
    EXPECT_EQ(requests[2].Header("X-CSTP-Base-MTU"), "1500");
    EXPECT_EQ(requests[2].Header("X-CSTP-MTU"), "1406");
    EXPECT_EQ(requests[2].Header("X-CSTP-Address-Type"), "IPv4");
    EXPECT_EQ(server.TunnelRequest().Header("X-CSTP-Hostname"), "vpnsim-client");

    EXPECT_EQ(c.grant.address, 0xc6130005u);
    EXPECT_EQ(c.grant.netmask, 0xffffff00u);
    EXPECT_EQ(c.grant.dpd, 30s);
    EXPECT_EQ(c.grant.keepalive, 20s);
    EXPECT_EQ(c.grant.idleTimeout, 1800s);
    EXPECT_EQ(c.grant.mtu, 1399u);
    // What followed the blank line is the start of CSTP, not HTTP.
    EXPECT_EQ(std::string(c.rest.begin(), c.rest.end()), "STF");
}

TEST(CstpConnect, ServerAnswersConnectWithTheXCstpFields)
{
    CstpConnectServer server(Server());
    server.Receive(View(HttpMessage{"POST / HTTP/1.1", {}, ConfigAuthInit("https://x/")}
                            .Serialize()));
    server.Receive(View(
        HttpMessage{"POST /auth HTTP/1.1",
                    {},
                    ConfigAuthReply({{"username", "vpnsim"}, {"password", "vpnsim"}})}
            .Serialize()));
    CstpConnectStep s = server.Receive(
        View("CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\nCookie: webvpn=0123456789abcdef\r\n\r\n"));
    ASSERT_TRUE(s.connected);
    HttpMessage r = Parse(s.send);
    EXPECT_EQ(r.startLine, "HTTP/1.1 200 CONNECTED");
    EXPECT_EQ(r.Header("X-CSTP-Address"), "198.19.0.5");
    EXPECT_EQ(r.Header("X-CSTP-Netmask"), "255.255.255.0");
    EXPECT_EQ(r.Header("X-CSTP-DPD"), "30");
    EXPECT_EQ(r.Header("X-CSTP-Keepalive"), "20");
    EXPECT_EQ(r.Header("X-CSTP-Idle-Timeout"), "1800");
    EXPECT_EQ(r.Header("X-CSTP-MTU"), "1399");
}

TEST(CstpConnect, ConnectWithoutTheSessionCookieIsRefused)
{
    CstpConnectServer server(Server());
    CstpConnectStep s = server.Receive(
        View("CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\nCookie: webvpn=0123456789abcdef\r\n\r\n"));
    EXPECT_FALSE(s.connected);
    EXPECT_EQ(Parse(s.send).Status(), 401);
}

TEST(CstpConnect, ClientFillsOneFieldPerFormAndSendsCookiesBackAsOcservAsks)
{
    // ocserv asks for the user name and the password in two forms, and keeps the
    // authentication's state in a cookie of its own.
    CstpConnectClient client(Client());
    client.Begin();
    std::string form1 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<config-auth client=\"vpn\" type=\"auth-request\"><auth id=\"main\">"
                        "<form method=\"post\" action=\"/auth\">"
                        "<input type=\"text\" name=\"username\" label=\"Username:\" />"
                        "</form></auth></config-auth>";
    HttpMessage r1{"HTTP/1.1 200 OK", {{"Set-Cookie", "webvpncontext=abc; Secure"}}, form1};
    CstpConnectStep s1 = client.Receive(View(r1.Serialize()));
    HttpMessage q1 = Parse(s1.send);
    EXPECT_EQ(q1.startLine, "POST /auth HTTP/1.1");
    EXPECT_EQ(q1.Header("Cookie"), "webvpncontext=abc");
    EXPECT_EQ(ParseConfigAuth(q1.body).replies,
              (std::vector<std::pair<std::string, std::string>>{{"username", "vpnsim"}}));

    std::string form2 = form1;
    form2.replace(form2.find("type=\"text\" name=\"username\""), 26,
                  "type=\"password\" name=\"password\"");
    CstpConnectStep s2 = client.Receive(View(HttpMessage{"HTTP/1.1 200 OK", {}, form2}.Serialize()));
    EXPECT_EQ(ParseConfigAuth(Parse(s2.send).body).replies,
              (std::vector<std::pair<std::string, std::string>>{{"password", "vpnsim"}}));

    HttpMessage done{"HTTP/1.1 200 OK",
                     {{"Set-Cookie", "webvpncontext=; expires=Thu, 01 Jan 1970 22:00:00 GMT"},
                      {"Set-Cookie", "webvpn=SESSION; Secure"}},
                     ConfigAuthComplete()};
    CstpConnectStep s3 = client.Receive(View(done.Serialize()));
    HttpMessage connect = Parse(s3.send);
    EXPECT_EQ(connect.Method(), "CONNECT");
    EXPECT_EQ(connect.Header("Cookie"), "webvpn=SESSION");
}

TEST(CstpConnect, ClientGivesUpAfterFourFormsAndOnARefusal)
{
    CstpConnectClient client(Client());
    client.Begin();
    HttpMessage form{"HTTP/1.1 200 OK", {}, ConfigAuthRequest("Login failed.")};
    CstpConnectStep s;
    int forms = 0;
    for (; forms < 10 && !s.error; ++forms)
    {
        s = client.Receive(View(form.Serialize()));
    }
    EXPECT_EQ(forms, CstpConnectClient::kMaxForms + 1);
    ASSERT_TRUE(s.error);

    CstpConnectClient refused(Client());
    refused.Begin();
    CstpConnectStep r = refused.Receive(View("HTTP/1.1 401 Unauthorized\r\n\r\n"));
    ASSERT_TRUE(r.error);
    EXPECT_NE(r.error->find("401"), std::string::npos);
}

TEST(CstpConnect, ConnectedWithoutAnAddressIsAnError)
{
    CstpConnectClient client(Client());
    client.Begin();
    client.Receive(View(
        HttpMessage{"HTTP/1.1 200 OK", {{"Set-Cookie", "webvpn=S"}}, ConfigAuthComplete()}
            .Serialize()));
    CstpConnectStep s = client.Receive(View("HTTP/1.1 200 CONNECTED\r\nX-CSTP-MTU: 1399\r\n\r\n"));
    ASSERT_TRUE(s.error);
    EXPECT_NE(s.error->find("X-CSTP-Address"), std::string::npos);
}

TEST(HttpReader, MessagesInAnyChunkingWithBodiesAndWhatFollows)
{
    std::string text = HttpMessage{"POST / HTTP/1.1", {{"Host", "h"}}, "<a/>"}.Serialize()
                       + "HTTP/1.1 200 CONNECTED\r\nX-CSTP-MTU:  1399 \r\n\r\nSTF\x01";
    HttpReader r;
    std::vector<HttpMessage> got;
    std::string error;
    for (char c : text)
    {
        r.Append(View(std::string(1, c)));
        while (got.size() < 2)
        {
            auto m = r.Next(error);
            if (!m)
            {
                break;
            }
            got.push_back(*m);
        }
    }
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].body, "<a/>");
    EXPECT_EQ(got[0].Header("host"), "h");
    EXPECT_EQ(got[1].Status(), 200);
    EXPECT_EQ(got[1].Header("X-CSTP-MTU"), "1399");
    auto rest = r.TakeRest();
    EXPECT_EQ(std::string(rest.begin(), rest.end()), std::string("STF\x01"));
}

TEST(HttpReader, MalformedAndOversizedMessagesAreRefused)
{
    for (std::string bad : {std::string("POST / HTTP/1.1\r\nno colon\r\n\r\n"),
                            std::string("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"),
                            std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
                            std::string("HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n"),
                            std::string(HttpReader::kMaxHeaderBytes + 1, 'a')})
    {
        HttpReader r;
        r.Append(View(bad));
        std::string error;
        EXPECT_FALSE(r.Next(error).has_value());
        EXPECT_FALSE(error.empty()) << bad.substr(0, 40);
    }
}

TEST(ConfigAuth, EscapesWhatItWritesAndReadsItBack)
{
    auto doc = ParseConfigAuth(ConfigAuthReply({{"username", "a<b>&\"c'"}}));
    ASSERT_EQ(doc.replies.size(), 1u);
    EXPECT_EQ(doc.replies[0].second, "a<b>&\"c'");
    auto form = ParseConfigAuth(ConfigAuthRequest("x"));
    EXPECT_EQ(form.type, "auth-request");
    EXPECT_EQ(form.action, "/auth");
    ASSERT_EQ(form.inputs.size(), 2u);
    EXPECT_EQ(form.inputs[1].type, "password");
    EXPECT_EQ(ParseConfigAuth("<html/>").type, "");
}

} // namespace
} // namespace test
} // namespace vpnsim
