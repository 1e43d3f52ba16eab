#include "experiments/runner/rst-guard.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vpnsim
{
namespace runner
{

namespace
{

/// Where nft may be when PATH lacks the sbin directories (a non-login shell, sudo -E).
constexpr const char* kNftFallback = "/usr/sbin/nft";

} // namespace

int
RunNft(const std::string& script, std::string& output)
{
    int in[2];
    int out[2];
    if (pipe2(in, O_CLOEXEC) < 0)
    {
        return -1;
    }
    if (pipe2(out, O_CLOEXEC) < 0)
    {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0)
    {
        for (int fd : {in[0], in[1], out[0], out[1]})
        {
            close(fd);
        }
        return -1;
    }
    if (pid == 0)
    {
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(out[1], STDERR_FILENO);
        execlp("nft", "nft", "-f", "-", static_cast<char*>(nullptr));
        execl(kNftFallback, "nft", "-f", "-", static_cast<char*>(nullptr));
        std::fprintf(stderr, "nft: %s\n", std::strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    // The script is small (well under a pipe buffer), so writing it all first cannot block.
    ssize_t w = write(in[1], script.data(), script.size());
    (void)w;
    close(in[1]);
    char buf[512];
    ssize_t n;
    while ((n = read(out[0], buf, sizeof buf)) > 0)
    {
        output.append(buf, static_cast<size_t>(n));
    }
    close(out[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

wire::Result<RstGuard>
RstGuard::Install(const std::vector<uint16_t>& ports)
{
    std::string set;
    for (uint16_t port : ports)
    {
        set += (set.empty() ? "" : ", ") + std::to_string(port);
    }
    std::string table = "vpnsim_rst_" + std::to_string(getpid());
    char mark[16];
    std::snprintf(mark, sizeof mark, "0x%08x", kRunnerMark);
    std::string script = "table ip " + table
                         + " {\n"
                           "  chain out {\n"
                           "    type filter hook output priority 0; policy accept;\n"
                           "    meta mark != "
                         + mark + " tcp sport { " + set + " }"
                         + " tcp flags & rst == rst counter drop\n"
                           "  }\n"
                           "}\n";
    std::string output;
    int rc = RunNft(script, output);
    if (rc != 0)
    {
        return wire::Result<RstGuard>::Fail(
            wire::ErrorCode::Unsupported,
            "--rst-filter=nft: could not install the nftables rule (nft exit " + std::to_string(rc)
                + "): " + output
                + "install nftables, or keep the kernel's TCP quiet yourself (a TUN-routed "
                  "address, or an iptables RST drop) and pass --rst-filter=none");
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
    {
        std::string ignored;
        RunNft("delete table ip " + table + "\n", ignored);
        return wire::Result<RstGuard>::Fail(wire::ErrorCode::Unsupported,
                                            std::string("pipe: ") + std::strerror(errno));
    }
    pid_t pid = fork();
    if (pid < 0)
    {
        std::string ignored;
        RunNft("delete table ip " + table + "\n", ignored);
        close(p[0]);
        close(p[1]);
        return wire::Result<RstGuard>::Fail(wire::ErrorCode::Unsupported,
                                            std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0)
    {
        // The watcher: keeps root, holds nothing of the runner but the pipe, and outlives a
        // SIGTERM sent to the whole process group (timeout(1) does that) until the runner is
        // really gone and the pipe reads EOF.
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        int keep = p[0];
        if (keep > 3)
        {
            close_range(3, static_cast<unsigned>(keep - 1), 0);
        }
        close_range(static_cast<unsigned>(keep + 1), ~0U, 0);
        char c;
        for (;;)
        {
            ssize_t n = read(keep, &c, 1);
            if (n == 0 || (n < 0 && errno != EINTR))
            {
                break;
            }
        }
        std::string ignored;
        RunNft("delete table ip " + table + "\n", ignored);
        _exit(0);
    }
    close(p[0]);
    return RstGuard(table, p[1], pid);
}

RstGuard::RstGuard(std::string table, int pipe, pid_t watcher)
    : m_table(std::move(table))
    , m_pipe(pipe)
    , m_watcher(watcher)
{
}

RstGuard::RstGuard(RstGuard&& other) noexcept
    : m_table(std::move(other.m_table))
    , m_pipe(other.m_pipe)
    , m_watcher(other.m_watcher)
{
    other.m_pipe = -1;
    other.m_watcher = -1;
}

RstGuard::~RstGuard()
{
    if (m_pipe >= 0)
    {
        close(m_pipe);
    }
    if (m_watcher > 0)
    {
        int status = 0;
        while (waitpid(m_watcher, &status, 0) < 0 && errno == EINTR)
        {
        }
    }
}

} // namespace runner
} // namespace vpnsim
