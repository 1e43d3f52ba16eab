/*
 * Error values for every decoder in model/wire.
 *
 * Decoders take untrusted bytes, so failure is an ordinary outcome: they return a Result that
 * holds either the decoded value or an Error naming what was wrong. No exception leaves the
 * library and nothing is read past the end of the input.
 */
#ifndef VPNSIM_WIRE_RESULT_H
#define VPNSIM_WIRE_RESULT_H

#include <string>
#include <utility>
#include <variant>

namespace vpnsim
{
namespace wire
{

/// Why a packet was rejected; names follow the RFC text where one exists.
enum class ErrorCode
{
    Truncated,            ///< fewer bytes than the format needs
    BadLength,            ///< a length field disagrees with the bytes present
    BadValue,             ///< a field holds a value the format does not allow
    BadChecksum,          ///< IPv4/TCP/UDP checksum does not verify
    AuthenticationFailed, ///< ESP ICV (or GCM tag) does not verify
    BadPadding,           ///< ESP padding is not 1, 2, 3, ... or pad length is impossible
    Replayed,             ///< anti-replay: sequence number already seen
    TooOld,               ///< anti-replay: sequence number left of the window
    NotCtcp,              ///< the 16-byte cTCP trailer is not recognised
    Unsupported,          ///< a well-formed value this implementation does not handle
    CryptoFailure,        ///< OpenSSL reported an internal error
};

/// Short lower-case name of an error code, for logs, traces and counters.
const char* ToString(ErrorCode code);

/// A decoding or encoding failure: what kind, and which field.
struct Error
{
    ErrorCode code;
    std::string detail; ///< e.g. "esp: pad length 40 exceeds plaintext"
};

/// Either a value or an Error.
template<typename T>
class Result
{
  public:
    Result(T value)
        : m_v(std::move(value))
    {
    }

    Result(Error error)
        : m_v(std::move(error))
    {
    }

    /// Convenience for `return Result<T>::Fail(ErrorCode::Truncated, "...")`.
    static Result Fail(ErrorCode code, std::string detail)
    {
        return Result(Error{code, std::move(detail)});
    }

    bool Ok() const
    {
        return m_v.index() == 0;
    }

    explicit operator bool() const
    {
        return Ok();
    }

    /// The value; only valid when Ok().
    T& Value()
    {
        return std::get<0>(m_v);
    }

    const T& Value() const
    {
        return std::get<0>(m_v);
    }

    T& operator*()
    {
        return Value();
    }

    const T& operator*() const
    {
        return Value();
    }

    T* operator->()
    {
        return &Value();
    }

    const T* operator->() const
    {
        return &Value();
    }

    /// The error; only valid when !Ok().
    const Error& GetError() const
    {
        return std::get<1>(m_v);
    }

  private:
    std::variant<T, Error> m_v;
};

/// Result of an operation that yields nothing but success or an Error.
struct Done
{
};

using Status = Result<Done>;

inline Status
Success()
{
    return Status(Done{});
}

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_RESULT_H
