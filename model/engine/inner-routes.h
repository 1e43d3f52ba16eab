/*
 * Inner routing at a headend: which client's tunnel an inner packet goes to, by its
 * destination address. The engine negotiates no addresses (no IKE mode-config, no CSTP
 * X-CSTP-Address), so the driver tells the headend each client it may serve: the client's
 * inner address, the SPI it offers in Quick Mode and the outer address it is expected at. A
 * tunnel takes its client's inner address
 * - when it comes up with that offered SPI (IPsec);
 * - else (AnyConnect has no SPI) when exactly one unclaimed client is expected at the
 *   tunnel's observed outer address;
 * - else from the source of the first inner packet out of it: an address of the tunnel
 *   network (not the headend's own, nor the network or broadcast address) that no live
 *   tunnel holds.
 * Until then packets to that client have no route: an AnyConnect client behind a PAT shared
 * with other AnyConnect clients is reachable once it has sent something.
 *
 * A client with several tunnels routes the other way, by source: each tunnel claims the
 * inner address it sends from (Claim).
 */
#ifndef VPNSIM_ENGINE_INNER_ROUTES_H
#define VPNSIM_ENGINE_INNER_ROUTES_H

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <optional>
#include <vector>

namespace vpnsim
{
namespace engine
{

/// An endpoint's number for one of its tunnels (a headend's clients in order of arrival).
using TunnelId = uint32_t;

/// Inner address -> tunnel.
class InnerRoutes
{
  public:
    /// `ended` tells whether a tunnel has gone down for good (its address is free again).
    explicit InnerRoutes(std::function<bool(TunnelId)> ended);

    /// A client the headend may serve (offeredSpi 0: unknown or none; outer 0: anywhere).
    void Expect(uint32_t inner, uint32_t offeredSpi, uint32_t outer);

    /// How many clients Expect was told of.
    size_t Expected() const
    {
        return m_expected.size();
    }

    /// The tunnel network (host order) that learned addresses must lie in, and the
    /// headend's own address in it.
    void SetTunnelNetwork(uint32_t local, uint32_t mask);

    /// `tunnel` came up: it takes the expected client offering `offeredSpi` (if not 0), else
    /// the one expected at `outer` if it is the only one there.
    void ClaimOnUp(TunnelId tunnel, uint32_t offeredSpi, bool hasSpi, uint32_t outer);

    /// The address to hand `tunnel` (AnyConnect's X-CSTP-Address), a client at `outer`: the
    /// expected client's there, taken as ClaimOnUp would; else the lowest host of the tunnel
    /// network that no one has, is expected or was offered. An offered address is not routed
    /// until the client sends from it (Learn). 0 when there is none.
    uint32_t Offer(TunnelId tunnel, uint32_t outer);

    /// The tunnel network's mask (0 when none was set).
    uint32_t Mask() const
    {
        return m_networkMask;
    }

    /// An inner packet from `source` came out of `tunnel`: a tunnel without an address learns
    /// it if it is a free host of the tunnel network.
    void Learn(TunnelId tunnel, uint32_t source);

    /// `tunnel` is `inner` (a client's own tunnels).
    void Claim(TunnelId tunnel, uint32_t inner);

    /// The tunnel `inner` is routed to.
    std::optional<TunnelId> Find(uint32_t inner) const;

    /// The inner address of `tunnel` (0 until it has one).
    uint32_t AddressOf(TunnelId tunnel) const;

  private:
    struct ExpectedClient
    {
        uint32_t inner;
        uint32_t offeredSpi;
        uint32_t outer;
    };

    bool Free(uint32_t inner) const;
    void Route(TunnelId tunnel, uint32_t inner);
    void ClaimByAddress(TunnelId tunnel, bool hasSpi, uint32_t outer);

    std::function<bool(TunnelId)> m_ended;
    std::vector<ExpectedClient> m_expected;
    std::map<uint32_t, TunnelId> m_routes;  ///< inner address -> tunnel
    std::map<TunnelId, uint32_t> m_address; ///< tunnel -> inner address
    std::set<uint32_t> m_offered;
    std::optional<uint32_t> m_networkLocal;
    uint32_t m_networkMask{0};
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_INNER_ROUTES_H
