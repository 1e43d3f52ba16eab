/*
 * The HTTP/1.1 messages of AnyConnect's authentication and tunnel request (RFC 9112): a start
 * line, header fields and a body of Content-Length bytes. A reader takes the bytes of a
 * stream in any chunking and gives whole messages; what follows the last message it was asked
 * for is left for the caller (after `HTTP/1.1 200 CONNECTED` the stream carries CSTP).
 *
 * Only what openconnect and ocserv send is accepted: no chunked bodies, no continuation lines,
 * a header section of at most 16 KiB and a body of at most 64 KiB.
 */
#ifndef VPNSIM_ENGINE_HTTP_MESSAGE_H
#define VPNSIM_ENGINE_HTTP_MESSAGE_H

#include "model/wire/bytes.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vpnsim
{
namespace engine
{

/// One request or response.
struct HttpMessage
{
    /// "POST /auth HTTP/1.1" or "HTTP/1.1 200 OK", without CRLF.
    std::string startLine;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    /// The first field called `name` (compared without case), if any.
    std::optional<std::string> Header(std::string_view name) const;

    /// Every field called `name`, in order.
    std::vector<std::string> Headers(std::string_view name) const;

    /// A response's status code (0 if the start line is not a status line).
    int Status() const;

    /// A request's method and target ("" if the start line is not a request line).
    std::string Method() const;
    std::string Target() const;

    /// The bytes on the wire; a Content-Length field is added when there is a body.
    std::string Serialize() const;
};

/// Reassembles messages from a stream.
class HttpReader
{
  public:
    static constexpr size_t kMaxHeaderBytes = 16 * 1024;
    static constexpr size_t kMaxBodyBytes = 64 * 1024;

    /// Appends stream bytes.
    void Append(wire::ByteView bytes);

    /// The next whole message, if there is one. On a malformed message `error` is set and
    /// the reader is unusable after that.
    std::optional<HttpMessage> Next(std::string& error);

    /// The bytes after the last message taken, handed over (the reader is empty after).
    wire::Bytes TakeRest();

  private:
    std::string m_buffer;
    bool m_failed{false};
};

} // namespace engine
} // namespace vpnsim

#endif // VPNSIM_ENGINE_HTTP_MESSAGE_H
