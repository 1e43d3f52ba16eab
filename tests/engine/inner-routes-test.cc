/*
 * The address a headend hands an AnyConnect client (X-CSTP-Address): the expected client's at
 * its outer address, else the next free host of the tunnel network, routed once the client
 * sends from it.
 */
#include "model/engine/inner-routes.h"

#include <gtest/gtest.h>

#include <set>

namespace vpnsim
{
namespace test
{
namespace
{

using namespace engine;

constexpr uint32_t kLocal = 0xc6130001; // 198.19.0.1, the headend's end
constexpr uint32_t kMask = 0xffffff00;

TEST(InnerRoutesOffer, TheExpectedClientGetsItsAddressOthersTheNextFreeHosts)
{
    std::set<TunnelId> ended;
    InnerRoutes routes(
        [&](TunnelId t)
        {
            return ended.count(t) > 0;
        });
    routes.SetTunnelNetwork(kLocal, kMask);
    routes.Expect(0xc6130002, 0, 0xc6120102); // 198.19.0.2 at 198.18.1.2
    EXPECT_EQ(routes.Offer(0, 0xc6120102), 0xc6130002u);
    EXPECT_EQ(routes.Find(0xc6130002), TunnelId{0}); // expected: routed at once
    // Strangers: .2 is taken, .1 is the headend's.
    EXPECT_EQ(routes.Offer(1, 0xc6120109), 0xc6130003u);
    EXPECT_EQ(routes.Offer(2, 0xc612010a), 0xc6130004u);
    EXPECT_FALSE(routes.Find(0xc6130003).has_value()); // offered, not routed until heard
    routes.Learn(1, 0xc6130003);
    EXPECT_EQ(routes.Find(0xc6130003), TunnelId{1});
    EXPECT_EQ(routes.Mask(), kMask);
}

TEST(InnerRoutesOffer, NothingToOfferWithoutANetworkOrWhenItIsFull)
{
    InnerRoutes none(
        [](TunnelId)
        {
            return false;
        });
    EXPECT_EQ(none.Offer(0, 1), 0u);
    InnerRoutes tiny(
        [](TunnelId)
        {
            return false;
        });
    tiny.SetTunnelNetwork(kLocal, 0xfffffffc); // /30: hosts .1 (the headend) and .2
    EXPECT_EQ(tiny.Offer(0, 1), 0xc6130002u);
    EXPECT_EQ(tiny.Offer(1, 2), 0u);
}

} // namespace
} // namespace test
} // namespace vpnsim
