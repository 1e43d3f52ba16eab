#include "model/engine/http-message.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace vpnsim
{
namespace engine
{

namespace
{

bool
SameName(std::string_view a, std::string_view b)
{
    return a.size() == b.size()
           && std::equal(a.begin(), a.end(), b.begin(),
                         [](char x, char y)
                         {
                             return std::tolower(static_cast<unsigned char>(x))
                                    == std::tolower(static_cast<unsigned char>(y));
                         });
}

std::string_view
Trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    {
        s.remove_suffix(1);
    }
    return s;
}

/// The n-th (0-based) space-separated word of the start line.
std::string
Word(const std::string& line, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; ++i)
    {
        start = line.find(' ', start);
        if (start == std::string::npos)
        {
            return "";
        }
        ++start;
    }
    size_t end = line.find(' ', start);
    return line.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

} // namespace

std::optional<std::string>
HttpMessage::Header(std::string_view name) const
{
    for (const auto& [n, v] : headers)
    {
        if (SameName(n, name))
        {
            return v;
        }
    }
    return std::nullopt;
}

std::vector<std::string>
HttpMessage::Headers(std::string_view name) const
{
    std::vector<std::string> values;
    for (const auto& [n, v] : headers)
    {
        if (SameName(n, name))
        {
            values.push_back(v);
        }
    }
    return values;
}

int
HttpMessage::Status() const
{
    if (startLine.rfind("HTTP/1.", 0) != 0)
    {
        return 0;
    }
    std::string code = Word(startLine, 1);
    int status = 0;
    auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), status);
    return ec == std::errc() && end == code.data() + code.size() && code.size() == 3 ? status
                                                                                        : 0;
}

std::string
HttpMessage::Method() const
{
    return Status() == 0 ? Word(startLine, 0) : "";
}

std::string
HttpMessage::Target() const
{
    return Status() == 0 ? Word(startLine, 1) : "";
}

std::string
HttpMessage::Serialize() const
{
    std::string out = startLine + "\r\n";
    for (const auto& [n, v] : headers)
    {
        out += n + ": " + v + "\r\n";
    }
    if (!body.empty())
    {
        out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    out += "\r\n";
    out += body;
    return out;
}

void
HttpReader::Append(wire::ByteView bytes)
{
    m_buffer.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::optional<HttpMessage>
HttpReader::Next(std::string& error)
{
    if (m_failed)
    {
        error = "http: the stream failed earlier";
        return std::nullopt;
    }
    auto fail = [&](const std::string& detail) -> std::optional<HttpMessage>
    {
        m_failed = true;
        error = "http: " + detail;
        return std::nullopt;
    };
    size_t end = m_buffer.find("\r\n\r\n");
    if (end == std::string::npos)
    {
        if (m_buffer.size() > kMaxHeaderBytes)
        {
            return fail("header section longer than 16 KiB");
        }
        return std::nullopt;
    }
    if (end > kMaxHeaderBytes)
    {
        return fail("header section longer than 16 KiB");
    }
    HttpMessage m;
    size_t lineStart = 0;
    bool first = true;
    while (lineStart < end)
    {
        size_t lineEnd = m_buffer.find("\r\n", lineStart);
        std::string_view line(m_buffer.data() + lineStart, lineEnd - lineStart);
        lineStart = lineEnd + 2;
        if (first)
        {
            if (line.empty() || line.find(' ') == std::string_view::npos)
            {
                return fail("malformed start line");
            }
            m.startLine = std::string(line);
            first = false;
            continue;
        }
        size_t colon = line.find(':');
        if (colon == 0 || colon == std::string_view::npos || line.front() == ' '
            || line.front() == '\t')
        {
            return fail("malformed header field '" + std::string(line.substr(0, 64)) + "'");
        }
        m.headers.emplace_back(std::string(line.substr(0, colon)),
                               std::string(Trim(line.substr(colon + 1))));
    }
    if (m.Header("Transfer-Encoding"))
    {
        return fail("Transfer-Encoding is not supported");
    }
    size_t length = 0;
    if (auto cl = m.Header("Content-Length"))
    {
        auto [p, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), length);
        if (ec != std::errc() || p != cl->data() + cl->size())
        {
            return fail("bad Content-Length '" + cl->substr(0, 32) + "'");
        }
        if (length > kMaxBodyBytes)
        {
            return fail("body longer than 64 KiB");
        }
    }
    size_t bodyStart = end + 4;
    if (m_buffer.size() < bodyStart + length)
    {
        return std::nullopt;
    }
    m.body = m_buffer.substr(bodyStart, length);
    m_buffer.erase(0, bodyStart + length);
    return m;
}

wire::Bytes
HttpReader::TakeRest()
{
    wire::Bytes rest(m_buffer.begin(), m_buffer.end());
    m_buffer.clear();
    return rest;
}

} // namespace engine
} // namespace vpnsim
