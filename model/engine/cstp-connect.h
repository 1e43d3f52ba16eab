/*
 * AnyConnect's way into the tunnel, on the TLS connection before any CSTP (doc/protocols.md
 * §AnyConnect authentication, §CSTP tunnel setup): the client posts `<config-auth>` documents
 * until the server answers "complete" with a `webvpn` session cookie, then asks for the tunnel
 * with `CONNECT /CSCOSSLC/tunnel` and its X-CSTP-* fields; the server grants it with
 * `HTTP/1.1 200 CONNECTED` and the tunnel's parameters (address, netmask, MTU, DPD, keepalive,
 * idle timeout). From the byte after that answer's blank line the stream carries CSTP.
 *
 * Both ends are pure: plaintext in, plaintext out, and a step that says what to send, whether
 * the tunnel is granted, and what it was granted with.
 */
#ifndef VPNSIM_ENGINE_CSTP_CONNECT_H
#define VPNSIM_ENGINE_CSTP_CONNECT_H

#include "model/engine/host.h"
#include "model/engine/http-message.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace vpnsim
{
namespace engine
{

/// The tunnel's parameters in the server's 200 CONNECTED.
struct CstpGrant
{
    uint32_t address{0}; ///< X-CSTP-Address, host order (0: none)
    uint32_t netmask{0}; ///< X-CSTP-Netmask, host order
    uint32_t mtu{1399};  ///< X-CSTP-MTU: the largest inner packet
    Nanos dpd{std::chrono::seconds(30)};         ///< X-CSTP-DPD (0: off)
    Nanos keepalive{std::chrono::seconds(20)};   ///< X-CSTP-Keepalive (0: off)
    Nanos idleTimeout{std::chrono::minutes(30)}; ///< X-CSTP-Idle-Timeout (0: none)
};

/// What one step of the exchange gives.
struct CstpConnectStep
{
    std::string send;                 ///< plaintext to write now (empty: nothing)
    bool connected{false};            ///< the tunnel is granted; CSTP from here on
    CstpGrant grant;                  ///< when connected: what it was granted with
    wire::Bytes rest;                 ///< when connected: stream bytes already after the answer
    std::optional<std::string> error; ///< the exchange failed; the connection is useless
};

/// The client's side.
struct CstpClientSettings
{
    std::string host;                      ///< the server as the client names it (Host:)
    std::string username{"vpnsim"};
    std::string password{"vpnsim"};
    std::string hostname{"vpnsim-client"}; ///< X-CSTP-Hostname
    uint32_t baseMtu{1500};                ///< X-CSTP-Base-MTU: the outer link's MTU
    uint32_t mtu{1406};                    ///< X-CSTP-MTU: what the client asks for
};

class CstpConnectClient
{
  public:
    /// At most this many forms are filled before the client gives up.
    static constexpr int kMaxForms = 4;

    explicit CstpConnectClient(CstpClientSettings settings);

    /// The first request (POST / with config-auth type="init").
    std::string Begin();

    /// Plaintext from the server.
    CstpConnectStep Receive(wire::ByteView plaintext);

  private:
    std::string Post(const std::string& target, const std::string& body) const;
    std::string Connect() const;
    CstpConnectStep OnResponse(const HttpMessage& response);

    CstpClientSettings m_settings;
    HttpReader m_reader;
    std::map<std::string, std::string> m_cookies; ///< what Set-Cookie set, sent back
    int m_forms{0};
    bool m_connecting{false};
    bool m_done{false};
};

/// The server's side.
struct CstpServerSettings
{
    std::string username{"vpnsim"}; ///< empty: any user name and password are accepted
    std::string password{"vpnsim"};
    std::string cookie;             ///< the session cookie it hands out (webvpn=)
    /// Called once, when the tunnel is granted: the address and parameters it gets.
    std::function<CstpGrant()> grant;
};

class CstpConnectServer
{
  public:
    explicit CstpConnectServer(CstpServerSettings settings);

    /// Plaintext from the client.
    CstpConnectStep Receive(wire::ByteView plaintext);

    /// The client's X-CSTP-* request fields, once it asked for the tunnel.
    const HttpMessage& TunnelRequest() const
    {
        return m_tunnelRequest;
    }

  private:
    std::string OnRequest(const HttpMessage& request, bool& connected, CstpGrant& grant);

    CstpServerSettings m_settings;
    HttpReader m_reader;
    bool m_authenticated{false};
    bool m_done{false};
    HttpMessage m_tunnelRequest;
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_CSTP_CONNECT_H
