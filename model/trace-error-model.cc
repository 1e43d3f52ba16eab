#include "model/trace-error-model.h"

#include "model/wire/input-file.h"

#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <string_view>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TraceErrorModel");

NS_OBJECT_ENSURE_REGISTERED(TraceErrorModel);

namespace
{

/// \return the line without its comment and surrounding blanks
std::string_view
StripLine(std::string_view line)
{
    line = line.substr(0, line.find('#'));
    const auto first = line.find_first_not_of(" \t\r\f\v");
    if (first == std::string_view::npos)
    {
        return {};
    }
    const auto last = line.find_last_not_of(" \t\r\f\v");
    return line.substr(first, last - first + 1);
}

/// \return the blank-separated words of an already stripped line
std::vector<std::string_view>
SplitWords(std::string_view line)
{
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    while (pos < line.size())
    {
        const auto start = line.find_first_not_of(" \t\r\f\v", pos);
        if (start == std::string_view::npos)
        {
            break;
        }
        auto end = line.find_first_of(" \t\r\f\v", start);
        if (end == std::string_view::npos)
        {
            end = line.size();
        }
        words.push_back(line.substr(start, end - start));
        pos = end;
    }
    return words;
}

/**
 * \param word the entry
 * \param index receives the value
 * \return "" or what is wrong with the entry
 */
std::string
ParseIndex(std::string_view word, uint64_t& index)
{
    const char* end = word.data() + word.size();
    const auto [ptr, ec] = std::from_chars(word.data(), end, index);
    if (ec == std::errc::result_out_of_range)
    {
        return "packet index '" + vpnsim::wire::QuoteInput(word) + "' is too large";
    }
    if (ec != std::errc() || ptr != end)
    {
        return "expected a non-negative integer packet index, got '" + vpnsim::wire::QuoteInput(word) + "'";
    }
    return "";
}

/**
 * \param word the entry: seconds, or a number with a unit suffix s, ms, us or ns
 * \param time receives the value
 * \return "" or what is wrong with the entry
 */
std::string
ParseTime(std::string_view word, Time& time)
{
    const std::string expected = "expected a non-negative time in seconds (or with a unit s, "
                                 "ms, us or ns), got '"
                                 + vpnsim::wire::QuoteInput(word) + "'";
    double value = 0.0;
    const char* end = word.data() + word.size();
    // std::from_chars, not strtod: locale-independent, and it rejects a leading '+' or blank.
    const auto [ptr, ec] = std::from_chars(word.data(), end, value);
    if (ec != std::errc() || !std::isfinite(value))
    {
        return expected;
    }
    const std::string_view unit(ptr, static_cast<std::size_t>(end - ptr));
    double secondsPerUnit = 1.0;
    Time::Unit timeUnit = Time::S;
    if (unit == "ms")
    {
        secondsPerUnit = 1e-3;
        timeUnit = Time::MS;
    }
    else if (unit == "us")
    {
        secondsPerUnit = 1e-6;
        timeUnit = Time::US;
    }
    else if (unit == "ns")
    {
        secondsPerUnit = 1e-9;
        timeUnit = Time::NS;
    }
    else if (!unit.empty() && unit != "s")
    {
        return expected;
    }
    if (value < 0.0)
    {
        return "time '" + vpnsim::wire::QuoteInput(word) + "' is negative";
    }
    // Beyond Time's range the conversion would overflow its int64_t.
    if (value * secondsPerUnit >= Time::Max().GetSeconds())
    {
        return "time '" + vpnsim::wire::QuoteInput(word) + "' is beyond the simulator's time range";
    }
    time = Time::FromDouble(value, timeUnit);
    return "";
}

} // namespace

TypeId
TraceErrorModel::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::TraceErrorModel")
              .SetParent<ErrorModel>()
              .SetGroupName("Network")
              .AddConstructor<TraceErrorModel>()
              .AddAttribute(
                  "File",
                  "Trace file of packets to drop (see TraceErrorModel for the format); "
                  "\"\" for none. A file that cannot be read or parsed is fatal.",
                  StringValue(""),
                  MakeStringAccessor(&TraceErrorModel::SetFile, &TraceErrorModel::GetFile),
                  MakeStringChecker());
    return tid;
}

TraceErrorModel::TraceErrorModel()
    : m_mode(INDEX)
    , m_next(0)
    , m_seen(0)
{
    NS_LOG_FUNCTION(this);
}

TraceErrorModel::~TraceErrorModel()
{
    NS_LOG_FUNCTION(this);
}

std::string
TraceErrorModel::Load(const std::string& path, Trace& trace)
{
    auto text = vpnsim::wire::ReadInputFile(path, kMaxFileBytes);
    if (!text)
    {
        return text.GetError().detail;
    }
    std::istringstream input(*text);
    return Parse(input, vpnsim::wire::QuoteInput(path, 200), trace);
}

std::string
TraceErrorModel::Parse(std::istream& input, const std::string& name, Trace& trace)
{
    trace = Trace{};
    bool sawEntry = false;
    bool sawMode = false;
    std::string line;
    for (uint64_t number = 1; std::getline(input, line); ++number)
    {
        const std::string where = name + ":" + std::to_string(number) + ": ";
        const std::string_view content = StripLine(line);
        if (content.empty())
        {
            continue;
        }
        const std::vector<std::string_view> words = SplitWords(content);
        if (words.front() == "mode")
        {
            if (sawEntry || sawMode)
            {
                return where + "'mode' must be the first line that is not blank or a comment";
            }
            if (words.size() != 2 || (words[1] != "index" && words[1] != "time"))
            {
                return where + "expected 'mode index' or 'mode time', got '" + vpnsim::wire::QuoteInput(content)
                       + "'";
            }
            trace.mode = (words[1] == "index") ? INDEX : TIME;
            sawMode = true;
            continue;
        }
        if (words.size() != 1)
        {
            return where + "expected one number per line, got '" + vpnsim::wire::QuoteInput(content) + "'";
        }
        sawEntry = true;
        std::string error;
        if (trace.mode == INDEX)
        {
            uint64_t index = 0;
            error = ParseIndex(words.front(), index);
            trace.indices.push_back(index);
        }
        else
        {
            Time time;
            error = ParseTime(words.front(), time);
            trace.times.push_back(time);
        }
        if (!error.empty())
        {
            return where + error;
        }
    }
    return "";
}

std::string
TraceErrorModel::LoadFile(const std::string& path)
{
    NS_LOG_FUNCTION(this << path);
    Trace trace;
    if (!path.empty())
    {
        const std::string error = Load(path, trace);
        if (!error.empty())
        {
            return error;
        }
    }
    if (trace.mode == INDEX)
    {
        SetDropIndices(std::move(trace.indices));
    }
    else
    {
        SetDropTimes(std::move(trace.times));
    }
    m_file = path; // after the setters, which forget any earlier file
    return "";
}

void
TraceErrorModel::SetDropIndices(std::vector<uint64_t> indices)
{
    NS_LOG_FUNCTION(this << indices.size());
    std::sort(indices.begin(), indices.end());
    indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
    m_mode = INDEX;
    m_indices = std::move(indices);
    m_times.clear();
    m_file.clear();
    DoReset();
}

void
TraceErrorModel::SetDropTimes(std::vector<Time> times)
{
    NS_LOG_FUNCTION(this << times.size());
    std::sort(times.begin(), times.end());
    m_mode = TIME;
    m_times = std::move(times);
    m_indices.clear();
    m_file.clear();
    DoReset();
}

TraceErrorModel::Mode
TraceErrorModel::GetMode() const
{
    return m_mode;
}

uint64_t
TraceErrorModel::GetPacketsSeen() const
{
    return m_seen;
}

void
TraceErrorModel::SetFile(const std::string& path)
{
    const std::string error = LoadFile(path);
    if (!error.empty())
    {
        NS_FATAL_ERROR("TraceErrorModel attribute File: " << error);
    }
}

std::string
TraceErrorModel::GetFile() const
{
    return m_file;
}

bool
TraceErrorModel::DoCorrupt(Ptr<Packet> p)
{
    NS_LOG_FUNCTION(this << p);
    const uint64_t index = m_seen++;
    bool drop = false;
    if (m_mode == INDEX)
    {
        // m_indices is sorted and the index only grows: one cursor, no search.
        if (m_next < m_indices.size() && m_indices[m_next] == index)
        {
            drop = true;
            ++m_next;
        }
    }
    else
    {
        // Every listed time up to now is used up by this packet, the first after each of them.
        const Time now = Simulator::Now();
        while (m_next < m_times.size() && m_times[m_next] <= now)
        {
            drop = true;
            ++m_next;
        }
    }
    NS_LOG_LOGIC("packet " << index << (drop ? " dropped" : " delivered"));
    return drop;
}

void
TraceErrorModel::DoReset()
{
    NS_LOG_FUNCTION(this);
    m_next = 0;
    m_seen = 0;
}

} // namespace ns3
