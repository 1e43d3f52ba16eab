/*
 * Keeps the kernel's own TCP from answering cTCP. The runner's engine sends and receives its
 * segments on raw sockets, so the kernel sees a segment for a port with no socket and answers
 * with RST, which would reset the peer (or a proxy's connection) at once
 * (doc/testbed.md §Raw-socket cTCP).
 *
 * An nftables table in this network namespace drops the RSTs leaving the cTCP port, except
 * those the engine itself sends (marked with SO_MARK on the raw socket). A child process that
 * keeps root waits on a pipe and deletes the table when the runner closes it, exits or dies,
 * so the rule never outlives the run even after the runner has dropped its privileges.
 *
 * The alternative without nftables: put the engine's addresses behind a TUN interface (the
 * kernel then only routes, and never resets) and run with --rst-filter=none.
 */
#ifndef VPNSIM_RUNNER_RST_GUARD_H
#define VPNSIM_RUNNER_RST_GUARD_H

#include "model/wire/result.h"

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vpnsim
{
namespace runner
{

/// The SO_MARK of the runner's raw sending socket: packets the rule lets through.
constexpr uint32_t kRunnerMark = 0x7670736d; // "vpsm"

class RstGuard
{
  public:
    /// Installs the rule for the TCP source ports `ports` (a client's tunnels each have
    /// one); fails with nft's message.
    static wire::Result<RstGuard> Install(const std::vector<uint16_t>& ports);

    RstGuard(RstGuard&& other) noexcept;
    RstGuard& operator=(RstGuard&&) = delete;
    RstGuard(const RstGuard&) = delete;
    ~RstGuard();

    /// The nftables table (family ip) holding the rule.
    const std::string& Table() const
    {
        return m_table;
    }

  private:
    RstGuard(std::string table, int pipe, pid_t watcher);

    std::string m_table;
    int m_pipe{-1}; ///< closing it tells the watcher to remove the table
    pid_t m_watcher{-1};
};

/// Runs `nft -f -` with `script` on stdin; returns nft's exit status, or -1 if it did not run.
/// Its output goes to `output`.
int RunNft(const std::string& script, std::string& output);

} // namespace runner
} // namespace vpnsim

#endif // VPNSIM_RUNNER_RST_GUARD_H
