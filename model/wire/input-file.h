/*
 * Reading a file named on the command line or in a topology, which may be anything: a
 * directory, a FIFO with no writer, /dev/zero, a file far too large. Only a regular file is
 * read, never more than a stated number of bytes, and the error says which of these it was.
 * Messages quote input through QuoteInput so that a huge or binary line cannot flood them.
 */
#ifndef VPNSIM_WIRE_INPUT_FILE_H
#define VPNSIM_WIRE_INPUT_FILE_H

#include "model/wire/result.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace vpnsim
{
namespace wire
{

/// The whole of a regular file of at most `maxBytes` bytes. The error starts with the path.
Result<std::string> ReadInputFile(const std::string& path, std::size_t maxBytes);

/// `text` fit for an error message: bytes outside printable ASCII as \xNN, and cut to
/// `maxChars` characters with "..." when longer.
std::string QuoteInput(std::string_view text, std::size_t maxChars = 80);

/// True if `text` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsUtf8(std::string_view text);

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_INPUT_FILE_H
