/*
 * The runner's command line: every flag, its default (Cisco's, as in the ns-3 VpnEndpoint's
 * attributes) and its allowed range. A bad value is refused with a message naming the flag and
 * the range; main() turns that into exit status 2.
 */
#ifndef VPNSIM_RUNNER_RUNNER_CONFIG_H
#define VPNSIM_RUNNER_RUNNER_CONFIG_H

#include "model/engine/endpoint-config.h"
#include "model/engine/endpoint-settings.h"
#include "model/wire/esp-transform.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace vpnsim
{
namespace runner
{

/// Which end of the tunnel this runner is, and how the tunnel crosses the network: the
/// engine's own (ToString gives "client", "ctcp", ...).
using Role = engine::EndpointRole;
using Encap = engine::Encapsulation;
using engine::ToString;

/// How the kernel's TCP is kept from answering cTCP segments with RST.
enum class RstFilter : uint8_t
{
    Nft,  ///< the runner installs an nftables rule for its port and removes it on exit
    None, ///< the operator arranged it (a TUN-routed stack, iptables, a firewall)
};

/// Everything one run needs.
struct RunnerConfig
{
    Role role{Role::Client};
    Encap encap{Encap::Ctcp};
    uint32_t local{0};  ///< outer IPv4 address of this end (host order)
    uint32_t remote{0}; ///< outer IPv4 address of the peer
    wire::EspTransformId transform{wire::EspTransformId::AesCbc128HmacSha1_96};
    /// The engine's parameters (model/engine/endpoint-config.h: ranges and defaults), set
    /// through the table (engine::SetParameter); the fields above are the rest of the engine's
    /// settings.
    engine::EndpointSettings parameters;

    double durationS{30};
    uint64_t seed{1};

    std::string tunName; ///< empty: no TUN interface
    uint32_t tunAddress{0};
    uint8_t tunPrefix{24};
    uint32_t tunMtu{1400};

    double probeRate{0};     ///< inner probes per second; 0 none
    bool probeFlood{false};  ///< as fast as the loop can go (benchmarks)
    uint32_t probeSize{100}; ///< inner IPv4 packet length of a probe
    uint32_t innerLocal{0};
    uint32_t innerRemote{0};
    bool echo{false}; ///< answer probes from the peer
    /// A NAT-T client's local UDP ports: IKE on this one, NAT-T on the next, where a
    /// port-translating NAT in front of it would put them; 0 keeps 500 and 4500.
    uint16_t udpSourcePort{0};

    std::string pcapPath;
    std::string recordPath{"-"};
    std::string user; ///< empty: "nobody" when started as root
    RstFilter rstFilter{RstFilter::Nft};
    double logIntervalS{0};

    // Labels only: what the testbed around the runner was set to, for the record.
    std::string asaLabel{"none"};
    std::string lossModelLabel{"bernoulli"};
    double lossLabel{0};
    std::map<std::string, std::string> extraParameters;
};

/// A refused command line: the message, and whether it was a request for help.
struct ConfigError
{
    std::string message;
    bool help{false};
};

/// Parses `args` (without the program name). `--flag=value` and `--flag value` both work.
std::variant<RunnerConfig, ConfigError> ParseRunnerArgs(const std::vector<std::string>& args);

/// The usage text.
std::string RunnerUsage();

} // namespace runner
} // namespace vpnsim

#endif // VPNSIM_RUNNER_RUNNER_CONFIG_H
