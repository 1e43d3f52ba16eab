#include "experiments/runner/tun-device.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vpnsim
{
namespace runner
{

namespace
{

wire::Result<int>
Fail(const std::string& what)
{
    return wire::Result<int>::Fail(wire::ErrorCode::Unsupported,
                                   what + ": " + std::strerror(errno));
}

void
SetAddress(sockaddr* sa, uint32_t address)
{
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_addr.s_addr = htonl(address);
    std::memcpy(sa, &in, sizeof in);
}

} // namespace

wire::Result<int>
OpenTun(const std::string& name, uint32_t address, uint8_t prefix, uint32_t mtu)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
    {
        return Fail("--tun=" + name + ": open /dev/net/tun");
    }
    ifreq ifr{};
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
    {
        auto r = Fail("--tun=" + name + ": TUNSETIFF");
        close(fd);
        return r;
    }
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
    {
        auto r = Fail("--tun=" + name + ": socket");
        close(fd);
        return r;
    }
    std::string step;
    SetAddress(&ifr.ifr_addr, address);
    if (ioctl(s, SIOCSIFADDR, &ifr) < 0)
    {
        step = "SIOCSIFADDR";
    }
    uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
    SetAddress(&ifr.ifr_netmask, mask);
    if (step.empty() && ioctl(s, SIOCSIFNETMASK, &ifr) < 0)
    {
        step = "SIOCSIFNETMASK";
    }
    ifr.ifr_mtu = static_cast<int>(mtu);
    if (step.empty() && ioctl(s, SIOCSIFMTU, &ifr) < 0)
    {
        step = "SIOCSIFMTU";
    }
    if (step.empty() && ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
    {
        step = "SIOCGIFFLAGS";
    }
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    if (step.empty() && ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
    {
        step = "SIOCSIFFLAGS";
    }
    if (!step.empty())
    {
        auto r = Fail("--tun=" + name + ": " + step);
        close(s);
        close(fd);
        return r;
    }
    close(s);
    return fd;
}

} // namespace runner
} // namespace vpnsim
