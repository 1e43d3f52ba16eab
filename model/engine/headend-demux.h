/*
 * Which client an outer packet belongs to, at a headend that serves many clients through one
 * set of sockets (one UDP 500, one UDP 4500, one raw socket). Each client has its own tunnel;
 * this decides which one a packet goes to, or that it starts a new client, or that it belongs
 * to none. Pure logic with no I/O, so that every driver of the engine tells clients apart the
 * same way.
 *
 * The keys are the ones an IPsec responder has (RFC 2408, RFC 3947/3948, RFC 4301):
 * - cTCP: the connection, i.e. the client's address and TCP port as the headend sees them
 *   (behind a PAT: the PAT's address and the port it gave that client). A SYN from a pair
 *   not seen before starts a client; other segments to the cTCP port from an unknown pair
 *   belong to none.
 * - IKE (UDP 500, or UDP 4500 after the non-ESP marker): the initiator cookie, which names
 *   the IKE SA (RFC 2408 section 2.5.3). Not the address and port: a NAT-T client's IKE
 *   floats from 500 to 4500 (RFC 3947 section 4) and a PAT maps its 4500 to a port of its
 *   own, so one client arrives from two ports, and several clients behind one PAT share the
 *   address. A Main Mode first message (responder cookie zero) with a new cookie starts a
 *   client.
 * - ESP (IP protocol 50, or UDP 4500): the SPI, which the headend chose for that client
 *   (an inbound SPI names one SA at its receiver, RFC 4301 section 4.1); by its block (all
 *   but the low byte, ShiftSpis), as the SAs of the client's rekeys stay in its block.
 * - NAT-keepalives (the one byte 0xFF on 4500, RFC 3948 section 2.3): nothing in them names
 *   a client, so the address and port that client's IKE or ESP last came from on 4500.
 * - A Main Mode 1 with a new cookie from where a client's IKE already comes from (address and
 *   port) is that client re-establishing its IKE SA before the old one's lifetime ends (a
 *   phase 1 rekey): it goes to that client, and its cookie names the client from then on.
 */
#ifndef VPNSIM_ENGINE_HEADEND_DEMUX_H
#define VPNSIM_ENGINE_HEADEND_DEMUX_H

#include "model/engine/host.h"
#include "model/wire/ctcp.h"

#include <cstdint>
#include <map>
#include <utility>

namespace vpnsim
{
namespace engine
{

/// Tells a headend's clients apart.
class HeadendDemux
{
  public:
    /// The headend's own number for a client (its order of arrival, say).
    using ClientId = uint32_t;

    /// What to do with a packet.
    enum class Action : uint8_t
    {
        Client,    ///< give it to `client`
        NewClient, ///< it starts a client: create one, AddClient, then give it to that one
        Drop,      ///< it belongs to no client (`reason`)
    };

    /// Why a packet belongs to no client.
    enum class DropReason : uint8_t
    {
        None,
        NoClient,  ///< well formed, but no client has its key and it starts none
        OtherPort, ///< a TCP segment to a port other than cTCP's
        Malformed, ///< too short to hold its key, or not a protocol or port the headend serves
    };

    struct Verdict
    {
        Action action{Action::Drop};
        ClientId client{0};
        DropReason reason{DropReason::None};
        /// A Main Mode 1 given to `client` by where it came from: a new IKE SA of that client
        /// (a NewClient instead if that client's tunnel has ended).
        bool newIkeSa{false};
    };

    /// `ctcpPort` is the headend's cTCP port (TCP segments to other ports belong to no client).
    explicit HeadendDemux(uint16_t ctcpPort = wire::kCtcpDefaultPort);

    /// Which client `packet` (from the outer wire, addressed to this headend) belongs to.
    Verdict Classify(const OuterPacket& packet) const;

    /// `client` has been created for `first` (a packet classified NewClient) and receives ESP
    /// on `inboundSpi` (0 if it has no SPI yet, as before an IPsec tunnel exists).
    void AddClient(ClientId client, const OuterPacket& first, uint32_t inboundSpi);

    /// `packet` was given to `client`: a UDP 4500 source becomes where its keepalives come from,
    /// an IKE source where its IKE comes from, and a new IKE SA's cookie names it.
    void Delivered(ClientId client, const OuterPacket& packet);

    /// How many clients have been added.
    size_t Clients() const
    {
        return m_clients;
    }

  private:
    using Endpoint = std::pair<uint32_t, uint16_t>; ///< address, port (host order)

    uint16_t m_ctcpPort;
    size_t m_clients{0};
    std::map<Endpoint, ClientId> m_connections; ///< cTCP: the client's address and port
    std::map<uint64_t, ClientId> m_cookies;     ///< IKE initiator cookie
    std::map<uint32_t, ClientId> m_spiBlocks;   ///< the headend's inbound SPI, less its low byte
    std::map<Endpoint, ClientId> m_nattSources; ///< where a client's 4500 traffic comes from
    std::map<Endpoint, ClientId> m_ikeSources;  ///< where a client's IKE comes from (500, 4500)
};

/// Short names for counters and traces: "no-client", "other-port", "malformed".
const char* ToString(HeadendDemux::DropReason reason);

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_HEADEND_DEMUX_H
