/*
 * Runs tshark on a pcap and returns its `-T fields` output as rows of columns.
 *
 * tshark is the independent decoder the wire tests check against (doc/tshark.md). Its
 * exit code says nothing about dissection problems, so callers assert on field values. A
 * private, empty WIRESHARK_CONFIG_DIR keeps a user's own profile out of the test.
 */
#ifndef VPNSIM_TESTS_WIRE_TSHARK_RUNNER_H
#define VPNSIM_TESTS_WIRE_TSHARK_RUNNER_H

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace vpnsim
{
namespace test
{

struct TsharkOutput
{
    int exitCode{-1};
    std::vector<std::vector<std::string>> rows; ///< one per frame, one column per -e field
    std::string raw;
};

/// Single-quotes `s` for /bin/sh.
inline std::string
ShellQuote(const std::string& s)
{
    std::string q = "'";
    for (char c : s)
    {
        if (c == '\'')
        {
            q += "'\\''";
        }
        else
        {
            q += c;
        }
    }
    return q + "'";
}

/// `tshark -n -r pcap <options> -T fields -e f1 -e f2 ...`, tab-separated, empty fields kept.
inline TsharkOutput
RunTsharkFields(const std::string& pcap, const std::vector<std::string>& options,
                const std::vector<std::string>& fields)
{
    std::filesystem::path config
        = std::filesystem::temp_directory_path() / "vpnsim-tshark-empty-profile";
    std::filesystem::create_directories(config);
    std::string cmd = "WIRESHARK_CONFIG_DIR=" + ShellQuote(config.string()) + " tshark -n -r "
                      + ShellQuote(pcap);
    for (const auto& o : options)
    {
        cmd += " " + ShellQuote(o);
    }
    cmd += " -T fields -E separator=/t -E occurrence=a -E aggregator=,";
    for (const auto& f : fields)
    {
        cmd += " -e " + ShellQuote(f);
    }
    cmd += " 2>/dev/null";

    TsharkOutput out;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr)
    {
        return out;
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
    {
        out.raw.append(buf, n);
    }
    int status = pclose(p);
    out.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

    std::istringstream lines(out.raw);
    std::string line;
    while (std::getline(lines, line))
    {
        std::vector<std::string> row;
        size_t start = 0;
        while (true)
        {
            size_t tab = line.find('\t', start);
            row.push_back(line.substr(start, tab - start));
            if (tab == std::string::npos)
            {
                break;
            }
            start = tab + 1;
        }
        out.rows.push_back(row);
    }
    return out;
}

/// Frame numbers that tshark flags as malformed, short, or with an expert of warning or worse.
inline std::vector<std::string>
TsharkProblemFrames(const std::string& pcap, std::vector<std::string> options)
{
    options.push_back("-Y");
    options.push_back("_ws.malformed || _ws.short || _ws.expert.severity >= warning");
    TsharkOutput out = RunTsharkFields(pcap, options, {"frame.number"});
    std::vector<std::string> frames;
    for (const auto& row : out.rows)
    {
        frames.push_back(row.empty() ? "?" : row[0]);
    }
    if (out.exitCode != 0)
    {
        frames.push_back("tshark exit " + std::to_string(out.exitCode));
    }
    return frames;
}

} // namespace test
} // namespace vpnsim

#endif // VPNSIM_TESTS_WIRE_TSHARK_RUNNER_H
