#include "helper/seed-pool.h"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace ns3
{

namespace
{

struct Worker
{
    pid_t pid;
    int fd;
    PoolJob job;
    std::string output;
};

/// In the child: run, write the record, and leave without running the parent's destructors.
[[noreturn]] void
RunChild(const PoolJob& job, const TopologySpec& topology, int fd)
{
    std::string line = vpnsim::engine::ToJson(RunScenario(job.parameters, topology)) + "\n";
    size_t written = 0;
    while (written < line.size())
    {
        ssize_t n = write(fd, line.data() + written, line.size() - written);
        if (n < 0 && errno == EINTR)
        {
            continue;
        }
        if (n <= 0)
        {
            _exit(1);
        }
        written += static_cast<size_t>(n);
    }
    _exit(0);
}

} // namespace

unsigned
DefaultWorkers()
{
    return std::max(1u, std::thread::hardware_concurrency());
}

std::string
RunPool(const TopologySpec& topology, unsigned workers,
        const std::function<std::optional<PoolJob>()>& next,
        const std::function<void(const PoolJob&, const vpnsim::engine::RunRecord&)>& done)
{
    std::vector<Worker> running;
    std::string error;
    bool more = true;
    while (true)
    {
        while (more && error.empty() && running.size() < std::max(1u, workers))
        {
            std::optional<PoolJob> job = next();
            if (!job)
            {
                more = false;
                break;
            }
            int fds[2];
            if (pipe(fds) != 0)
            {
                error = std::string("pipe: ") + std::strerror(errno);
                break;
            }
            pid_t pid = fork();
            if (pid < 0)
            {
                error = std::string("fork: ") + std::strerror(errno);
                close(fds[0]);
                close(fds[1]);
                break;
            }
            if (pid == 0)
            {
                close(fds[0]);
                RunChild(*job, topology, fds[1]);
            }
            close(fds[1]);
            running.push_back({pid, fds[0], *job, {}});
        }
        if (running.empty())
        {
            return error;
        }
        std::vector<pollfd> polls;
        for (const auto& w : running)
        {
            polls.push_back({w.fd, POLLIN, 0});
        }
        if (poll(polls.data(), polls.size(), -1) < 0 && errno != EINTR)
        {
            error = std::string("poll: ") + std::strerror(errno);
        }
        for (size_t i = polls.size(); i-- > 0;)
        {
            if (!(polls[i].revents & (POLLIN | POLLHUP | POLLERR)))
            {
                continue;
            }
            Worker& w = running[i];
            char buffer[4096];
            ssize_t n = read(w.fd, buffer, sizeof(buffer));
            if (n > 0)
            {
                w.output.append(buffer, static_cast<size_t>(n));
                continue;
            }
            if (n < 0 && errno == EINTR)
            {
                continue;
            }
            // End of file: the child has written all it will.
            close(w.fd);
            int status = 0;
            waitpid(w.pid, &status, 0);
            auto record = vpnsim::engine::FromJson(w.output);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !record)
            {
                if (error.empty())
                {
                    error = "the run of seed " + std::to_string(w.job.parameters.seed) + " ("
                            + w.job.parameters.encap + ", " + w.job.parameters.asa
                            + ") ended without a record";
                }
            }
            else
            {
                done(w.job, *record);
            }
            running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
        }
    }
}

} // namespace ns3
