#include "model/engine/cstp-connect.h"

#include "model/engine/config-auth.h"
#include "model/wire/ipv4-header.h"

#include <charconv>

namespace vpnsim
{
namespace engine
{

namespace
{

/// The client names itself as the AnyConnect client family does; ocserv tells Cisco's client
/// and openconnect apart by this field and answers both in XML.
constexpr const char* kUserAgent = "AnyConnect vpnsim";

/// A CSTP time field in whole seconds; "none" (ocserv's idle timeout) is 0.
std::optional<Nanos>
Seconds(const std::optional<std::string>& field)
{
    if (!field)
    {
        return std::nullopt;
    }
    if (*field == "none")
    {
        return Nanos::zero();
    }
    uint32_t s = 0;
    auto [end, ec] = std::from_chars(field->data(), field->data() + field->size(), s);
    if (ec != std::errc() || end != field->data() + field->size())
    {
        return std::nullopt;
    }
    return std::chrono::seconds(s);
}

std::string
WholeSeconds(Nanos t)
{
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(t).count());
}

CstpConnectStep
Failed(const std::string& detail)
{
    CstpConnectStep s;
    s.error = detail;
    return s;
}

} // namespace

// The client.

CstpConnectClient::CstpConnectClient(CstpClientSettings settings)
    : m_settings(std::move(settings))
{
}

std::string
CstpConnectClient::Begin()
{
    return Post("/", ConfigAuthInit("https://" + m_settings.host + "/"));
}

std::string
CstpConnectClient::Post(const std::string& target, const std::string& body) const
{
    HttpMessage m;
    m.startLine = "POST " + target + " HTTP/1.1";
    m.headers = {{"Host", m_settings.host},
                 {"User-Agent", kUserAgent},
                 {"Accept", "*/*"},
                 {"Accept-Encoding", "identity"},
                 {"X-Transcend-Version", "1"},
                 {"X-Aggregate-Auth", "1"},
                 {"X-AnyConnect-Platform", "linux-64"}};
    std::string cookies;
    for (const auto& [name, value] : m_cookies)
    {
        cookies += (cookies.empty() ? "" : "; ") + name + "=" + value;
    }
    if (!cookies.empty())
    {
        m.headers.emplace_back("Cookie", cookies);
    }
    m.headers.emplace_back("Content-Type", "application/xml; charset=utf-8");
    m.body = body;
    return m.Serialize();
}

std::string
CstpConnectClient::Connect() const
{
    HttpMessage m;
    m.startLine = "CONNECT /CSCOSSLC/tunnel HTTP/1.1";
    m.headers = {{"Host", m_settings.host},
                 {"User-Agent", kUserAgent},
                 {"Cookie", "webvpn=" + m_cookies.at("webvpn")},
                 {"X-CSTP-Version", "1"},
                 {"X-CSTP-Hostname", m_settings.hostname},
                 {"X-CSTP-Base-MTU", std::to_string(m_settings.baseMtu)},
                 {"X-CSTP-Address-Type", "IPv4"},
                 {"X-CSTP-MTU", std::to_string(m_settings.mtu)}};
    return m.Serialize();
}

CstpConnectStep
CstpConnectClient::Receive(wire::ByteView plaintext)
{
    if (m_done)
    {
        return Failed("cstp: HTTP bytes after the exchange ended");
    }
    m_reader.Append(plaintext);
    CstpConnectStep step;
    std::string error;
    while (auto response = m_reader.Next(error))
    {
        CstpConnectStep s = OnResponse(*response);
        if (s.error || s.connected)
        {
            m_done = true;
            s.send = step.send + s.send;
            if (s.connected)
            {
                s.rest = m_reader.TakeRest();
            }
            return s;
        }
        step.send += s.send;
    }
    if (!error.empty())
    {
        m_done = true;
        return Failed(error);
    }
    return step;
}

CstpConnectStep
CstpConnectClient::OnResponse(const HttpMessage& response)
{
    if (m_connecting)
    {
        if (response.Status() != 200)
        {
            return Failed("cstp: the tunnel was refused: " + response.startLine);
        }
        CstpGrant g;
        auto address = response.Header("X-CSTP-Address");
        auto parsed = address ? wire::ParseIpv4Address(*address) : wire::ParseIpv4Address("");
        if (!parsed)
        {
            return Failed("cstp: 200 CONNECTED without a valid X-CSTP-Address");
        }
        g.address = *parsed;
        if (auto mask = response.Header("X-CSTP-Netmask"))
        {
            auto m = wire::ParseIpv4Address(*mask);
            g.netmask = m ? *m : 0;
        }
        if (auto mtu = response.Header("X-CSTP-MTU"))
        {
            uint32_t v = 0;
            auto [end, ec] = std::from_chars(mtu->data(), mtu->data() + mtu->size(), v);
            if (ec == std::errc() && end == mtu->data() + mtu->size() && v >= 68)
            {
                g.mtu = v;
            }
        }
        // Absent timers are off, as openconnect takes them.
        g.dpd = Seconds(response.Header("X-CSTP-DPD")).value_or(Nanos::zero());
        g.keepalive = Seconds(response.Header("X-CSTP-Keepalive")).value_or(Nanos::zero());
        g.idleTimeout = Seconds(response.Header("X-CSTP-Idle-Timeout")).value_or(Nanos::zero());
        CstpConnectStep s;
        s.connected = true;
        s.grant = g;
        return s;
    }
    if (response.Status() != 200)
    {
        return Failed("cstp: authentication refused: " + response.startLine);
    }
    for (const std::string& cookie : response.Headers("Set-Cookie"))
    {
        // "name=value; attributes": an empty value deletes the cookie.
        size_t eq = cookie.find('=');
        if (eq == std::string::npos)
        {
            continue;
        }
        std::string name = cookie.substr(0, eq);
        std::string value = cookie.substr(eq + 1, cookie.find(';') - eq - 1);
        if (value.empty())
        {
            m_cookies.erase(name);
        }
        else
        {
            m_cookies[name] = value;
        }
    }
    ConfigAuth doc = ParseConfigAuth(response.body);
    if (doc.type == "complete" || (doc.type.empty() && m_cookies.count("webvpn")))
    {
        if (!m_cookies.count("webvpn"))
        {
            return Failed("cstp: authentication complete without a webvpn cookie");
        }
        m_connecting = true;
        CstpConnectStep s;
        s.send = Connect();
        return s;
    }
    if (doc.type != "auth-request")
    {
        return Failed("cstp: an answer that is neither a form nor complete");
    }
    if (++m_forms > kMaxForms)
    {
        return Failed("cstp: authentication not complete after " + std::to_string(kMaxForms)
                      + " forms");
    }
    std::vector<std::pair<std::string, std::string>> fields;
    for (const ConfigAuthInput& input : doc.inputs)
    {
        if (input.type == "password")
        {
            fields.emplace_back(input.name, m_settings.password);
        }
        else if (input.type == "text")
        {
            fields.emplace_back(input.name, m_settings.username);
        }
        else if (!input.name.empty())
        {
            fields.emplace_back(input.name, input.value);
        }
    }
    CstpConnectStep s;
    s.send = Post(doc.action, ConfigAuthReply(fields));
    return s;
}

// The server.

CstpConnectServer::CstpConnectServer(CstpServerSettings settings)
    : m_settings(std::move(settings))
{
}

CstpConnectStep
CstpConnectServer::Receive(wire::ByteView plaintext)
{
    if (m_done)
    {
        return Failed("cstp: HTTP bytes after the exchange ended");
    }
    m_reader.Append(plaintext);
    CstpConnectStep step;
    std::string error;
    while (auto request = m_reader.Next(error))
    {
        bool connected = false;
        CstpGrant grant;
        step.send += OnRequest(*request, connected, grant);
        if (connected)
        {
            m_done = true;
            step.connected = true;
            step.grant = grant;
            step.rest = m_reader.TakeRest();
            return step;
        }
    }
    if (!error.empty())
    {
        m_done = true;
        step.error = error;
    }
    return step;
}

std::string
CstpConnectServer::OnRequest(const HttpMessage& request, bool& connected, CstpGrant& grant)
{
    HttpMessage r;
    if (request.Method() == "CONNECT")
    {
        std::string expected = "webvpn=" + m_settings.cookie;
        auto cookie = request.Header("Cookie");
        bool known = m_authenticated && cookie && cookie->find(expected) != std::string::npos;
        if (request.Target() != "/CSCOSSLC/tunnel" || !known)
        {
            r.startLine = "HTTP/1.1 401 Unauthorized";
            r.headers = {{"X-Reason", "no valid session cookie"}};
            return r.Serialize();
        }
        m_tunnelRequest = request;
        grant = m_settings.grant ? m_settings.grant() : CstpGrant{};
        connected = true;
        r.startLine = "HTTP/1.1 200 CONNECTED";
        r.headers = {{"X-CSTP-Version", "1"},
                     {"X-CSTP-Address", wire::Ipv4ToString(grant.address)},
                     {"X-CSTP-Netmask", wire::Ipv4ToString(grant.netmask)},
                     {"X-CSTP-DPD", WholeSeconds(grant.dpd)},
                     {"X-CSTP-Keepalive", WholeSeconds(grant.keepalive)},
                     {"X-CSTP-Idle-Timeout", grant.idleTimeout == Nanos::zero()
                                                 ? std::string("none")
                                                 : WholeSeconds(grant.idleTimeout)},
                     {"X-CSTP-Disconnected-Timeout", "none"},
                     {"X-CSTP-Rekey-Method", "none"},
                     {"X-CSTP-MTU", std::to_string(grant.mtu)}};
        return r.Serialize();
    }
    r.startLine = "HTTP/1.1 200 OK";
    r.headers = {{"Content-Type", "text/xml"}, {"X-Transcend-Version", "1"}};
    ConfigAuth doc = ParseConfigAuth(request.body);
    std::string user;
    std::string password;
    for (const auto& [name, value] : doc.replies)
    {
        if (name == "username")
        {
            user = value;
        }
        else if (name == "password")
        {
            password = value;
        }
    }
    if (request.Method() != "POST" || doc.type != "auth-reply")
    {
        r.body = ConfigAuthRequest("Please enter your username and password.");
        return r.Serialize();
    }
    bool accepted = m_settings.username.empty()
                    || (user == m_settings.username && password == m_settings.password);
    if (!accepted)
    {
        r.body = ConfigAuthRequest("Login failed.");
        return r.Serialize();
    }
    m_authenticated = true;
    r.headers.emplace_back("Set-Cookie", "webvpn=" + m_settings.cookie + "; Secure");
    r.body = ConfigAuthComplete();
    return r.Serialize();
}

} // namespace engine
} // namespace vpnsim
