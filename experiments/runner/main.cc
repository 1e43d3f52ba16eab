/*
 * vpnsim-runner: one end of a vpnsim tunnel on real sockets, for the emulated (network
 * namespace) or a physical testbed. The tunnel is model/engine's, byte for byte the one the
 * simulation runs; this program only opens the sockets, drops root, runs the poll loop for
 * --duration seconds and prints the same JSON run record as the simulation (source "testbed").
 *
 * Exit status: 0 after a run (whether the tunnel survived is in the record), 1 when the host
 * could not be set up (sockets, TUN, nftables, files), 2 for a refused command line.
 */
#include "experiments/runner/posix-host.h"
#include "experiments/runner/rst-guard.h"
#include "experiments/runner/runner-config.h"
#include "experiments/runner/runner-endpoint.h"
#include "experiments/runner/socket-wire.h"
#include "model/engine/run-record.h"
#include "model/wire/input-file.h"
#include "model/wire/ipv4-header.h"
#include "model/wire/pcap-writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <grp.h>
#include <optional>
#include <pwd.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace
{

using namespace vpnsim::runner;

/// Leaves root for good once everything privileged is open: raw sockets, TUN and the
/// nftables watcher keep working, nothing else the runner does needs root.
std::optional<std::string>
DropPrivileges(const std::string& requested)
{
    if (geteuid() != 0)
    {
        return std::nullopt; // started unprivileged (capabilities): nothing to give up
    }
    std::string name = requested.empty() ? "nobody" : requested;
    errno = 0;
    passwd* pw = getpwnam(name.c_str());
    if (pw == nullptr)
    {
        return "--user=" + name + ": allowed an existing user (no such user)";
    }
    if (pw->pw_uid == 0)
    {
        return "--user=" + name + ": allowed any user but root";
    }
    if (setgroups(0, nullptr) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
    {
        return "--user=" + name + ": " + std::strerror(errno);
    }
    if (setuid(0) == 0)
    {
        return "--user=" + name + ": root could be regained; refusing to run";
    }
    return std::nullopt;
}

} // namespace

int
main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    auto parsed = ParseRunnerArgs(args);
    if (auto* e = std::get_if<ConfigError>(&parsed))
    {
        if (e->help)
        {
            std::fputs(e->message.c_str(), stdout);
            return 0;
        }
        // One bounded line, whatever the arguments held.
        std::fprintf(stderr, "vpnsim-runner: %s\n",
                     vpnsim::wire::QuoteInput(e->message, 2000).c_str());
        return 2;
    }
    const RunnerConfig& config = std::get<RunnerConfig>(parsed);

    PosixHost host(config.seed);
    SocketWire sockets(config);
    RunnerEndpoint endpoint(config, host, sockets);
    if (auto e = endpoint.Validate())
    {
        std::fprintf(stderr, "vpnsim-runner: %s\n", e->c_str());
        return 2;
    }

    // Before any socket: the watcher it forks then holds none of them.
    std::optional<RstGuard> guard;
    if (config.encap == Encap::Ctcp && config.rstFilter == RstFilter::Nft)
    {
        std::vector<uint16_t> ports;
        for (uint32_t t = 0; t < config.parameters.tunnels; ++t)
        {
            ports.push_back(endpoint.CtcpLocalPort(t));
        }
        auto g = RstGuard::Install(ports);
        if (!g)
        {
            std::fprintf(stderr, "vpnsim-runner: %s\n", g.GetError().detail.c_str());
            return 1;
        }
        guard.emplace(std::move(*g));
    }

    FILE* out = stdout;
    if (config.recordPath != "-")
    {
        out = std::fopen(config.recordPath.c_str(), "w");
        if (out == nullptr)
        {
            std::fprintf(stderr, "vpnsim-runner: --record=%s: %s\n", config.recordPath.c_str(),
                         std::strerror(errno));
            return 1;
        }
    }
    if (!config.pcapPath.empty())
    {
        auto pcap = vpnsim::wire::PcapWriter::Open(config.pcapPath);
        if (!pcap)
        {
            std::fprintf(stderr, "vpnsim-runner: --pcap=%s: %s\n", config.pcapPath.c_str(),
                         pcap.GetError().detail.c_str());
            return 1;
        }
        if (config.encap == Encap::AnyConnect)
        {
            std::fprintf(stderr, "vpnsim-runner: --pcap: AnyConnect rides the kernel's TCP; "
                                 "capture it with tshark instead (the file stays empty)\n");
        }
        endpoint.SetPcap(std::move(*pcap));
    }
    if (auto e = sockets.Open())
    {
        std::fprintf(stderr, "vpnsim-runner: %s\n", e->c_str());
        return 1;
    }
    if (auto e = DropPrivileges(config.user))
    {
        std::fprintf(stderr, "vpnsim-runner: %s\n", e->c_str());
        return 1;
    }

    std::fprintf(stderr, "vpnsim-runner: %s %s %s -> %s for %.3g s%s\n", ToString(config.role),
                 ToString(config.encap), vpnsim::wire::Ipv4ToString(config.local).c_str(),
                 vpnsim::wire::Ipv4ToString(config.remote).c_str(), config.durationS,
                 config.encap == Encap::Ctcp
                     ? (" (cTCP port " + std::to_string(endpoint.CtcpLocalPort()) + ")").c_str()
                     : "");
    endpoint.Start();
    double elapsed = sockets.Run(endpoint, host, config.durationS);
    std::fprintf(stderr, "vpnsim-runner: %s\n", endpoint.StatusLine().c_str());

    vpnsim::engine::RunRecord record = endpoint.Record(elapsed);
    endpoint.Finish();
    sockets.Drain(0.2);
    if (sockets.Interrupted())
    {
        record.parameters["interrupted"] = "true";
    }
    std::string line = vpnsim::engine::ToJson(record) + "\n";
    std::fputs(line.c_str(), out);
    if (out != stdout)
    {
        std::fclose(out);
    }
    else
    {
        std::fflush(stdout);
    }
    return 0;
}
