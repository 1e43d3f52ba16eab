/*
 * A Cisco client's and an ASA's IPsec tunnel back to back on one fake clock (paired-hosts.h),
 * with every state change and event of each end kept for the test to read.
 */
#ifndef VPNSIM_TESTS_ENGINE_IPSEC_PAIR_H
#define VPNSIM_TESTS_ENGINE_IPSEC_PAIR_H

#include "model/engine/ipsec-tunnel.h"
#include "tests/engine/event-recorder.h"
#include "tests/engine/paired-hosts.h"

#include <functional>
#include <memory>
#include <vector>

namespace vpnsim
{
namespace test
{

using namespace vpnsim::engine;

inline constexpr uint32_t kClient = 0xc6120001;  // 198.18.0.1
inline constexpr uint32_t kHeadend = 0xc6130001; // 198.19.0.1

/// One end's configuration; `tweak` gives both ends its IKE settings and lifetimes, the client
/// its DPD and the headend its idle timeout.
inline IpsecTunnelConfig
Config(IpsecEncapsulation e, bool client, const IpsecTunnelConfig* tweak = nullptr)
{
    IpsecTunnelConfig c;
    c.encapsulation = e;
    c.localAddress = client ? kClient : kHeadend;
    c.remoteAddress = client ? kHeadend : kClient;
    if (tweak != nullptr)
    {
        c.ike = tweak->ike;
        c.lifetimes = tweak->lifetimes;
        if (client)
        {
            c.clientDpd = tweak->clientDpd;
        }
        else
        {
            c.idleTimeout = tweak->idleTimeout;
        }
    }
    return c;
}

/// A client (end a) and a headend (end b) wired together and started.
struct Pair
{
    explicit Pair(IpsecEncapsulation e, const IpsecTunnelConfig* tweak = nullptr)
        : Pair(Config(e, true, tweak), Config(e, false, tweak))
    {
    }

    /// `path` may set the wire's drop and rewrite rules; it runs before either end sends.
    Pair(const IpsecTunnelConfig& clientConfig, const IpsecTunnelConfig& headendConfig,
         const std::function<void(PairedHosts&)>& path = {})
    {
        client = std::make_unique<IpsecTunnel>(net.a, IpsecRole::Client, clientConfig);
        headend = std::make_unique<IpsecTunnel>(net.b, IpsecRole::Headend, headendConfig);
        net.a.receive = [this](const OuterPacket& p)
        {
            client->Receive(p);
        };
        net.b.receive = [this](const OuterPacket& p)
        {
            headend->Receive(p);
        };
        client->SetStatusCallback(
            [this](const TunnelStatus& s)
            {
                clientStatus.push_back(s);
                clientAt.push_back(net.Now());
            });
        headend->SetStatusCallback(
            [this](const TunnelStatus& s)
            {
                headendStatus.push_back(s);
                headendAt.push_back(net.Now());
            });
        client->SetObserver(clientEvents.Observer());
        headend->SetObserver(headendEvents.Observer());
        if (path)
        {
            path(net);
        }
        headend->Start();
        client->Start();
    }

    test::PairedHosts net;
    test::EventRecorder clientEvents{net.a};
    test::EventRecorder headendEvents{net.b};
    std::unique_ptr<IpsecTunnel> client;
    std::unique_ptr<IpsecTunnel> headend;
    std::vector<TunnelStatus> clientStatus;
    std::vector<TunnelStatus> headendStatus;
    std::vector<Nanos> clientAt;
    std::vector<Nanos> headendAt;
};

} // namespace test
} // namespace vpnsim

#endif // VPNSIM_TESTS_ENGINE_IPSEC_PAIR_H
