/*
 * vpnsim-udp-blast: plain kernel UDP over the same testbed path, the baseline the runner's
 * throughput is compared with (experiments/testbed/bench). No tunnel, no crypto: a sender that
 * writes datagrams as fast as the socket takes them for a fixed time, and a sink that counts.
 *
 *   vpnsim-udp-blast send ADDR PORT PAYLOAD_BYTES SECONDS
 *   vpnsim-udp-blast sink ADDR PORT SECONDS
 *
 * Each prints one JSON line: {"packets":N,"bytes":B,"seconds":S}.
 */
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace
{

double
Now()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

int
Usage()
{
    std::fprintf(stderr, "usage: vpnsim-udp-blast send ADDR PORT PAYLOAD_BYTES(1..1472) "
                         "SECONDS(0.1..600)\n       vpnsim-udp-blast sink ADDR PORT "
                         "SECONDS(0.1..600)\n");
    return 2;
}

bool
Number(const char* text, double lo, double hi, double& out)
{
    char* end = nullptr;
    out = std::strtod(text, &end);
    return end != text && *end == '\0' && out >= lo && out <= hi;
}

} // namespace

int
main(int argc, char** argv)
{
    if (argc < 5)
    {
        return Usage();
    }
    std::string mode = argv[1];
    sockaddr_in a{};
    a.sin_family = AF_INET;
    double port = 0;
    if (inet_pton(AF_INET, argv[2], &a.sin_addr) != 1 || !Number(argv[3], 1, 65535, port))
    {
        return Usage();
    }
    a.sin_port = htons(static_cast<uint16_t>(port));
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
    {
        std::perror("socket");
        return 1;
    }
    uint64_t packets = 0;
    uint64_t bytes = 0;
    double seconds = 0;
    if (mode == "send" && argc == 6)
    {
        double size = 0;
        if (!Number(argv[4], 1, 1472, size) || !Number(argv[5], 0.1, 600, seconds))
        {
            return Usage();
        }
        std::vector<char> payload(static_cast<size_t>(size), 'x');
        double end = Now() + seconds;
        while (true)
        {
            // Check the clock every 64 datagrams: cheap, and the overrun is microseconds.
            if ((packets & 63) == 0 && Now() >= end)
            {
                break;
            }
            ssize_t n = sendto(fd, payload.data(), payload.size(), 0,
                               reinterpret_cast<sockaddr*>(&a), sizeof a);
            if (n > 0)
            {
                ++packets;
                bytes += static_cast<uint64_t>(n);
            }
        }
    }
    else if (mode == "sink" && argc == 5)
    {
        if (!Number(argv[4], 0.1, 600, seconds))
        {
            return Usage();
        }
        int big = 4 << 20;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
        if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
        {
            std::perror("bind");
            return 1;
        }
        std::vector<char> buffer(65536);
        double end = Now() + seconds;
        for (double now = Now(); now < end; now = Now())
        {
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, static_cast<int>((end - now) * 1000) + 1) <= 0)
            {
                continue;
            }
            ssize_t n;
            while ((n = recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT)) > 0)
            {
                ++packets;
                bytes += static_cast<uint64_t>(n);
            }
        }
    }
    else
    {
        return Usage();
    }
    std::printf("{\"packets\":%llu,\"bytes\":%llu,\"seconds\":%.6f}\n",
                static_cast<unsigned long long>(packets), static_cast<unsigned long long>(bytes),
                seconds);
    close(fd);
    return 0;
}
