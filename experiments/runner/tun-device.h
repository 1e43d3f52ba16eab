/*
 * A TUN interface for the runner's inner side: IFF_TUN | IFF_NO_PI, so each read or write is
 * one bare IP packet, and ordinary programs (ping, iperf) reach the tunnel through the
 * kernel's routing. It is not persistent: it disappears with the runner.
 */
#ifndef VPNSIM_RUNNER_TUN_DEVICE_H
#define VPNSIM_RUNNER_TUN_DEVICE_H

#include "model/wire/result.h"

#include <cstdint>
#include <string>

namespace vpnsim
{
namespace runner
{

/// Creates TUN `name` with `address`/`prefix` and `mtu`, brings it up, and returns its
/// non-blocking descriptor. Needs CAP_NET_ADMIN.
wire::Result<int> OpenTun(const std::string& name, uint32_t address, uint8_t prefix, uint32_t mtu);

} // namespace runner
} // namespace vpnsim

#endif // VPNSIM_RUNNER_TUN_DEVICE_H
