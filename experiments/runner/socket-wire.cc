#include "experiments/runner/socket-wire.h"

#include "experiments/runner/rst-guard.h"
#include "experiments/runner/tun-device.h"
#include "model/wire/esp-in-udp.h"
#include "model/wire/ipv4-header.h"
#include "model/wire/isakmp.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vpnsim
{
namespace runner
{

namespace
{

using wire::kIkePort;
/// Datagrams read from one socket per loop turn, so that a flood on one cannot starve the
/// others or the timers.
constexpr int kReadBurst = 256;
/// Socket receive buffers: room for a burst of full-size packets while the loop is busy.
constexpr int kReceiveBuffer = 4 << 20;

sockaddr_in
Inet(uint32_t address, uint16_t port)
{
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(address);
    a.sin_port = htons(port);
    return a;
}

std::string
Errno(const std::string& what)
{
    std::string hint = errno == EPERM || errno == EACCES
                           ? " (needs root, or CAP_NET_RAW and CAP_NET_ADMIN)"
                           : "";
    return what + ": " + std::strerror(errno) + hint;
}

void
GrowReceiveBuffer(int fd)
{
    // As root the limit (net.core.rmem_max) can be passed over; otherwise take what is allowed.
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &kReceiveBuffer, sizeof kReceiveBuffer) < 0)
    {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kReceiveBuffer, sizeof kReceiveBuffer);
    }
}

engine::Nanos
Seconds(double s)
{
    return engine::Nanos(static_cast<int64_t>(s * 1e9));
}

} // namespace

SocketWire::SocketWire(const RunnerConfig& config)
    : m_config(config)
    , m_buffer(65536)
{
}

SocketWire::~SocketWire()
{
    for (int fd : {m_rawSend, m_rawReceive, m_udp500, m_udp4500, m_listen, m_tun, m_signals})
    {
        if (fd >= 0)
        {
            close(fd);
        }
    }
    for (auto& [tunnel, stream] : m_streams)
    {
        if (stream.fd >= 0)
        {
            close(stream.fd);
        }
    }
}

std::optional<std::string>
SocketWire::Open()
{
    // Signals end the run cleanly (the record is still written): they are read from a
    // signalfd in the loop rather than handled asynchronously.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, nullptr);
    signal(SIGPIPE, SIG_IGN);
    m_signals = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (m_signals < 0)
    {
        return Errno("signalfd");
    }

    auto udp = [this](uint16_t port, int& fd) -> std::optional<std::string>
    {
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            return Errno("UDP socket");
        }
        int one = 1;
        // RFC 3948 2.1: the UDP checksum of ESP-in-UDP SHOULD be zero on IPv4.
        setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, &one, sizeof one);
        GrowReceiveBuffer(fd);
        sockaddr_in a = Inet(m_config.local, port);
        if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
        {
            return Errno("--local=" + wire::Ipv4ToString(m_config.local) + ": bind UDP "
                         + std::to_string(port));
        }
        return std::nullopt;
    };
    auto raw = [this]() -> std::optional<std::string>
    {
        m_rawSend = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
        if (m_rawSend < 0)
        {
            return Errno("raw socket (IPPROTO_RAW)");
        }
        // The mark lets the engine's own RSTs past the rule that drops the kernel's.
        uint32_t mark = kRunnerMark;
        if (setsockopt(m_rawSend, SOL_SOCKET, SO_MARK, &mark, sizeof mark) < 0)
        {
            return Errno("SO_MARK on the raw socket");
        }
        int protocol = m_config.encap == Encap::Ctcp ? IPPROTO_TCP : IPPROTO_ESP;
        m_rawReceive = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (m_rawReceive < 0)
        {
            return Errno("raw socket (IP protocol " + std::to_string(protocol) + ")");
        }
        GrowReceiveBuffer(m_rawReceive);
        sockaddr_in a = Inet(m_config.local, 0);
        if (bind(m_rawReceive, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
        {
            return Errno("--local=" + wire::Ipv4ToString(m_config.local) + ": bind raw socket");
        }
        return std::nullopt;
    };

    std::optional<std::string> error;
    switch (m_config.encap)
    {
        case Encap::Ctcp:
            error = raw();
            break;
        case Encap::Esp:
            error = raw();
            if (!error)
            {
                error = udp(kIkePort, m_udp500);
            }
            break;
        case Encap::Natt:
        {
            // The engine still speaks from 500 and 4500; only the sockets move, as a PAT
            // would move them (the headend tells clients apart by cookie and SPI).
            uint16_t ike = m_config.udpSourcePort != 0 ? m_config.udpSourcePort : kIkePort;
            uint16_t natt = m_config.udpSourcePort != 0 ? uint16_t(m_config.udpSourcePort + 1)
                                                        : wire::kNattPort;
            error = udp(ike, m_udp500);
            if (!error)
            {
                error = udp(natt, m_udp4500);
            }
            break;
        }
        case Encap::AnyConnect:
        {
            int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
            if (fd < 0)
            {
                return Errno("TCP socket");
            }
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (m_config.role == Role::Headend)
            {
                m_listen = fd;
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
                sockaddr_in a = Inet(m_config.local, m_config.parameters.anyConnectPort);
                if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 || listen(fd, 64) < 0)
                {
                    return Errno("--anyconnect-port=" + std::to_string(m_config.parameters.anyConnectPort)
                                 + ": listen");
                }
            }
            else
            {
                m_streams[0] = Stream{fd, true, {}, 0};
                sockaddr_in l = Inet(m_config.local, 0);
                if (bind(fd, reinterpret_cast<sockaddr*>(&l), sizeof l) < 0)
                {
                    return Errno("--local=" + wire::Ipv4ToString(m_config.local) + ": bind");
                }
                sockaddr_in r = Inet(m_config.remote, m_config.parameters.anyConnectPort);
                if (connect(fd, reinterpret_cast<sockaddr*>(&r), sizeof r) < 0
                    && errno != EINPROGRESS)
                {
                    return Errno("--remote: connect");
                }
            }
            break;
        }
    }
    if (error)
    {
        return error;
    }
    if (!m_config.tunName.empty())
    {
        auto tun
            = OpenTun(m_config.tunName, m_config.tunAddress, m_config.tunPrefix, m_config.tunMtu);
        if (!tun)
        {
            return tun.GetError().detail;
        }
        m_tun = *tun;
    }
    return std::nullopt;
}

bool
SocketWire::SendRaw(wire::ByteView datagram, uint32_t destination)
{
    if (m_rawSend < 0)
    {
        return false;
    }
    sockaddr_in a = Inet(destination, 0);
    ssize_t n = sendto(m_rawSend, datagram.data(), datagram.size(), 0,
                       reinterpret_cast<sockaddr*>(&a), sizeof a);
    return n == static_cast<ssize_t>(datagram.size());
}

bool
SocketWire::SendUdp(uint16_t sourcePort, uint32_t destination, uint16_t destinationPort,
                    wire::ByteView payload)
{
    int fd = sourcePort == kIkePort ? m_udp500 : sourcePort == wire::kNattPort ? m_udp4500 : -1;
    if (fd < 0)
    {
        return false;
    }
    sockaddr_in a = Inet(destination, destinationPort);
    ssize_t n
        = sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
    return n == static_cast<ssize_t>(payload.size());
}

void
SocketWire::SendStream(engine::TunnelId tunnel, wire::ByteView bytes)
{
    auto it = m_streams.find(tunnel);
    if (it == m_streams.end() || it->second.fd < 0)
    {
        return; // closed: the tunnel is down already
    }
    it->second.backlog.insert(it->second.backlog.end(), bytes.begin(), bytes.end());
    FlushStream(it->second);
}

void
SocketWire::FlushStream(Stream& stream)
{
    if (stream.fd < 0 || stream.connecting)
    {
        return;
    }
    while (stream.backlogStart < stream.backlog.size())
    {
        ssize_t n = send(stream.fd, stream.backlog.data() + stream.backlogStart,
                         stream.backlog.size() - stream.backlogStart, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n <= 0)
        {
            break; // full (or failing: the reader side notices the error)
        }
        stream.backlogStart += static_cast<size_t>(n);
    }
    if (stream.backlogStart == stream.backlog.size())
    {
        stream.backlog.clear();
        stream.backlogStart = 0;
    }
}

void
SocketWire::Drain(double seconds)
{
    int64_t end = PosixHost::MonotonicNanos() + static_cast<int64_t>(seconds * 1e9);
    for (auto& [tunnel, stream] : m_streams)
    {
        while (stream.fd >= 0 && stream.backlogStart < stream.backlog.size()
               && PosixHost::MonotonicNanos() < end)
        {
            pollfd p{stream.fd, POLLOUT, 0};
            poll(&p, 1, 10);
            FlushStream(stream);
        }
    }
}

bool
SocketWire::WriteTun(wire::ByteView packet)
{
    if (m_tun < 0)
    {
        return false;
    }
    return write(m_tun, packet.data(), packet.size()) == static_cast<ssize_t>(packet.size());
}

void
SocketWire::ReadRaw(RunnerEndpoint& endpoint)
{
    for (int i = 0; i < kReadBurst; ++i)
    {
        ssize_t n = recv(m_rawReceive, m_buffer.data(), m_buffer.size(), MSG_DONTWAIT);
        if (n < 0)
        {
            return;
        }
        endpoint.ReceiveRaw(wire::ByteView(m_buffer.data(), static_cast<size_t>(n)));
    }
}

void
SocketWire::ReadUdp(RunnerEndpoint& endpoint, int fd, uint16_t localPort)
{
    for (int i = 0; i < kReadBurst; ++i)
    {
        sockaddr_in from{};
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(fd, m_buffer.data(), m_buffer.size(), MSG_DONTWAIT,
                             reinterpret_cast<sockaddr*>(&from), &len);
        if (n < 0)
        {
            return;
        }
        endpoint.ReceiveUdp(ntohl(from.sin_addr.s_addr), ntohs(from.sin_port), localPort,
                            wire::ByteView(m_buffer.data(), static_cast<size_t>(n)));
    }
}

void
SocketWire::ReadTun(RunnerEndpoint& endpoint)
{
    for (int i = 0; i < kReadBurst; ++i)
    {
        ssize_t n = read(m_tun, m_buffer.data(), m_buffer.size());
        if (n <= 0)
        {
            return;
        }
        endpoint.ReceiveTun(wire::ByteView(m_buffer.data(), static_cast<size_t>(n)));
    }
}

void
SocketWire::ReadStream(RunnerEndpoint& endpoint, engine::TunnelId tunnel)
{
    for (int i = 0; i < kReadBurst; ++i)
    {
        int fd = m_streams[tunnel].fd;
        if (fd < 0)
        {
            return;
        }
        ssize_t n = recv(fd, m_buffer.data(), m_buffer.size(), MSG_DONTWAIT);
        if (n > 0)
        {
            endpoint.ReceiveStream(tunnel, wire::ByteView(m_buffer.data(), static_cast<size_t>(n)));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        {
            return;
        }
        CloseStream(endpoint, tunnel,
                    n == 0 ? "the peer closed the TCP connection"
                           : std::string("TCP: ") + std::strerror(errno));
    }
}

void
SocketWire::CloseStream(RunnerEndpoint& endpoint, engine::TunnelId tunnel,
                        const std::string& detail)
{
    Stream& stream = m_streams[tunnel];
    close(stream.fd);
    stream = Stream{};
    endpoint.StreamClosed(tunnel, detail);
}

void
SocketWire::AcceptStream(RunnerEndpoint& endpoint)
{
    // Every connection is a client of its own; a client that comes back is a new tunnel.
    for (int i = 0; i < kReadBurst; ++i)
    {
        sockaddr_in from{};
        socklen_t len = sizeof from;
        int fd = accept4(m_listen, reinterpret_cast<sockaddr*>(&from), &len,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
        {
            return;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        // The stream is registered under the tunnel's number before the tunnel starts, so that
        // what it writes at once has somewhere to go.
        engine::TunnelId next = static_cast<engine::TunnelId>(endpoint.GetEndpoint().TunnelCount());
        m_streams[next] = Stream{fd, false, {}, 0};
        engine::TunnelId tunnel =
            endpoint.StreamConnected({ntohl(from.sin_addr.s_addr), ntohs(from.sin_port)});
        if (tunnel != next)
        {
            m_streams[tunnel] = std::move(m_streams[next]);
            m_streams.erase(next);
        }
        FlushStream(m_streams[tunnel]);
    }
}

void
SocketWire::FinishConnect(RunnerEndpoint& endpoint, engine::TunnelId tunnel)
{
    Stream& stream = m_streams[tunnel];
    int error = 0;
    socklen_t len = sizeof error;
    getsockopt(stream.fd, SOL_SOCKET, SO_ERROR, &error, &len);
    if (error != 0)
    {
        CloseStream(endpoint, tunnel, std::string("connect: ") + std::strerror(error));
        return;
    }
    stream.connecting = false;
    endpoint.StreamConnected();
    FlushStream(m_streams[tunnel]);
}

double
SocketWire::Run(RunnerEndpoint& endpoint, PosixHost& host, double durationS)
{
    engine::Nanos start = host.Now();
    engine::Nanos end = start + Seconds(durationS);
    std::optional<engine::Nanos> nextLog;
    if (m_config.logIntervalS > 0)
    {
        nextLog = start + Seconds(m_config.logIntervalS);
    }
    enum Source
    {
        Signal,
        Raw,
        Udp500,
        Udp4500,
        Listen,
        Connection,
        Tun
    };
    std::vector<pollfd> fds;
    std::vector<std::pair<Source, engine::TunnelId>> sources;
    while (true)
    {
        host.RunDueTimers();
        std::optional<engine::Nanos> probe = endpoint.SendDueProbes();
        engine::Nanos now = host.Now();
        if (now >= end)
        {
            break;
        }
        if (nextLog && now >= *nextLog)
        {
            std::fprintf(stderr, "vpnsim-runner: %s\n", endpoint.StatusLine().c_str());
            *nextLog += Seconds(m_config.logIntervalS);
        }
        engine::Nanos wake = end;
        for (const auto& t : {host.NextDeadline(), probe, nextLog})
        {
            if (t)
            {
                wake = std::min(wake, *t);
            }
        }
        int64_t wait = std::max<int64_t>(0, (wake - now).count());
        timespec ts{static_cast<time_t>(wait / 1'000'000'000),
                    static_cast<long>(wait % 1'000'000'000)};

        fds.clear();
        sources.clear();
        auto add = [&](int fd, short events, Source s, engine::TunnelId tunnel = 0)
        {
            if (fd >= 0)
            {
                fds.push_back(pollfd{fd, events, 0});
                sources.emplace_back(s, tunnel);
            }
        };
        add(m_signals, POLLIN, Signal);
        add(m_rawReceive, POLLIN, Raw);
        add(m_udp500, POLLIN, Udp500);
        add(m_udp4500, POLLIN, Udp4500);
        add(m_listen, POLLIN, Listen);
        for (const auto& [tunnel, stream] : m_streams)
        {
            short events = POLLIN;
            if (stream.connecting || stream.backlogStart < stream.backlog.size())
            {
                events |= POLLOUT;
            }
            add(stream.fd, events, Connection, tunnel);
        }
        add(m_tun, POLLIN, Tun);

        int ready = ppoll(fds.data(), fds.size(), &ts, nullptr);
        if (ready < 0)
        {
            if (errno == EINTR)
            {
                continue;
            }
            std::fprintf(stderr, "vpnsim-runner: poll: %s\n", std::strerror(errno));
            break;
        }
        bool stop = false;
        for (size_t i = 0; i < fds.size() && ready > 0; ++i)
        {
            if (fds[i].revents == 0)
            {
                continue;
            }
            engine::TunnelId tunnel = sources[i].second;
            switch (sources[i].first)
            {
                case Signal:
                {
                    signalfd_siginfo info{};
                    if (read(m_signals, &info, sizeof info) > 0)
                    {
                        std::fprintf(stderr, "vpnsim-runner: signal %u, stopping\n",
                                     info.ssi_signo);
                    }
                    stop = true;
                    break;
                }
                case Raw:
                    ReadRaw(endpoint);
                    break;
                case Udp500:
                    ReadUdp(endpoint, m_udp500, kIkePort);
                    break;
                case Udp4500:
                    ReadUdp(endpoint, m_udp4500, wire::kNattPort);
                    break;
                case Listen:
                    AcceptStream(endpoint);
                    break;
                case Connection:
                {
                    Stream& stream = m_streams[tunnel];
                    if (stream.fd < 0)
                    {
                        break;
                    }
                    if (stream.connecting)
                    {
                        FinishConnect(endpoint, tunnel);
                        break;
                    }
                    if (fds[i].revents & (POLLIN | POLLERR | POLLHUP))
                    {
                        ReadStream(endpoint, tunnel);
                    }
                    if (m_streams[tunnel].fd >= 0 && (fds[i].revents & POLLOUT))
                    {
                        FlushStream(m_streams[tunnel]);
                    }
                    break;
                }
                case Tun:
                    ReadTun(endpoint);
                    break;
            }
        }
        if (stop)
        {
            m_interrupted = true;
            break;
        }
    }
    return static_cast<double>((host.Now() - start).count()) / 1e9;
}

} // namespace runner
} // namespace vpnsim
