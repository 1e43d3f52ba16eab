#include "model/engine/inner-routes.h"

namespace vpnsim
{
namespace engine
{

InnerRoutes::InnerRoutes(std::function<bool(TunnelId)> ended)
    : m_ended(std::move(ended))
{
}

void
InnerRoutes::Expect(uint32_t inner, uint32_t offeredSpi, uint32_t outer)
{
    m_expected.push_back(ExpectedClient{inner, offeredSpi, outer});
}

void
InnerRoutes::SetTunnelNetwork(uint32_t local, uint32_t mask)
{
    m_networkLocal = local;
    m_networkMask = mask;
}

bool
InnerRoutes::Free(uint32_t inner) const
{
    auto it = m_routes.find(inner);
    // Free, or held by a tunnel that has gone down for good.
    return it == m_routes.end() || m_ended(it->second);
}

void
InnerRoutes::Route(TunnelId tunnel, uint32_t inner)
{
    m_routes[inner] = tunnel;
    m_address[tunnel] = inner;
}

void
InnerRoutes::Claim(TunnelId tunnel, uint32_t inner)
{
    Route(tunnel, inner);
}

void
InnerRoutes::ClaimOnUp(TunnelId tunnel, uint32_t offeredSpi, bool hasSpi, uint32_t outer)
{
    if (AddressOf(tunnel) != 0)
    {
        return;
    }
    if (hasSpi)
    {
        for (const auto& e : m_expected)
        {
            if (e.offeredSpi == offeredSpi && Free(e.inner))
            {
                Route(tunnel, e.inner);
                return;
            }
        }
    }
    ClaimByAddress(tunnel, hasSpi, outer);
}

void
InnerRoutes::ClaimByAddress(TunnelId tunnel, bool hasSpi, uint32_t outer)
{
    const ExpectedClient* only = nullptr;
    for (const auto& e : m_expected)
    {
        // An IPsec client known by its SPI is not taken by address: the SPI would have matched.
        if (e.outer != outer || !Free(e.inner) || (hasSpi && e.offeredSpi != 0))
        {
            continue;
        }
        if (only)
        {
            return; // several clients behind one address: wait for an inner packet
        }
        only = &e;
    }
    if (only)
    {
        Route(tunnel, only->inner);
    }
}

uint32_t
InnerRoutes::Offer(TunnelId tunnel, uint32_t outer)
{
    ClaimOnUp(tunnel, 0, false, outer);
    if (uint32_t a = AddressOf(tunnel); a != 0 || !m_networkLocal)
    {
        return a;
    }
    uint32_t network = *m_networkLocal & m_networkMask;
    uint32_t broadcast = network | ~m_networkMask;
    for (uint32_t a = network + 1; a < broadcast; ++a)
    {
        bool expected = false;
        for (const auto& e : m_expected)
        {
            expected = expected || e.inner == a;
        }
        if (a != *m_networkLocal && !expected && Free(a) && m_offered.insert(a).second)
        {
            return a;
        }
    }
    return 0;
}

void
InnerRoutes::Learn(TunnelId tunnel, uint32_t source)
{
    if (AddressOf(tunnel) != 0 || !m_networkLocal)
    {
        return;
    }
    uint32_t network = *m_networkLocal & m_networkMask;
    bool host = (source & m_networkMask) == network && source != *m_networkLocal
                && source != network && source != (network | ~m_networkMask);
    if (host && Free(source))
    {
        Route(tunnel, source);
    }
}

std::optional<TunnelId>
InnerRoutes::Find(uint32_t inner) const
{
    auto it = m_routes.find(inner);
    if (it == m_routes.end())
    {
        return std::nullopt;
    }
    return it->second;
}

uint32_t
InnerRoutes::AddressOf(TunnelId tunnel) const
{
    auto it = m_address.find(tunnel);
    return it == m_address.end() ? 0 : it->second;
}

} // namespace engine
} // namespace vpnsim
