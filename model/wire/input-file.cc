#include "model/wire/input-file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vpnsim
{
namespace wire
{

using FileResult = Result<std::string>;

namespace
{

/// Closes the descriptor on every way out.
struct Descriptor
{
    int fd;

    ~Descriptor()
    {
        if (fd >= 0)
        {
            close(fd);
        }
    }
};

std::string
KindOf(mode_t mode)
{
    if (S_ISDIR(mode))
    {
        return "a directory";
    }
    if (S_ISFIFO(mode))
    {
        return "a FIFO";
    }
    if (S_ISCHR(mode))
    {
        return "a character device";
    }
    if (S_ISBLK(mode))
    {
        return "a block device";
    }
    if (S_ISSOCK(mode))
    {
        return "a socket";
    }
    return "not a regular file";
}

} // namespace

FileResult
ReadInputFile(const std::string& path, std::size_t maxBytes)
{
    auto fail = [&path](const std::string& why)
    {
        return FileResult::Fail(ErrorCode::BadValue, QuoteInput(path, 200) + ": " + why);
    };
    // O_NONBLOCK: opening a FIFO that has no writer would otherwise wait for one forever.
    Descriptor file{open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
    if (file.fd < 0)
    {
        return fail(std::string("cannot be read (") + std::strerror(errno) + ")");
    }
    struct stat info;
    if (fstat(file.fd, &info) != 0)
    {
        return fail(std::string("cannot be read (") + std::strerror(errno) + ")");
    }
    if (!S_ISREG(info.st_mode))
    {
        return fail("is " + KindOf(info.st_mode) + ", not a regular file");
    }
    const std::string limit = "larger than the limit of " + std::to_string(maxBytes) + " bytes";
    if (static_cast<unsigned long long>(info.st_size) > maxBytes)
    {
        return fail(limit);
    }
    // Read up to one byte past the limit: files under /proc report a size of 0 and may grow.
    std::string text;
    char buffer[65536];
    for (;;)
    {
        ssize_t got = read(file.fd, buffer, sizeof(buffer));
        if (got < 0 && errno == EINTR)
        {
            continue;
        }
        if (got < 0)
        {
            return fail(std::string("read error (") + std::strerror(errno) + ")");
        }
        if (got == 0)
        {
            return text;
        }
        if (text.size() + static_cast<std::size_t>(got) > maxBytes)
        {
            return fail(limit);
        }
        text.append(buffer, static_cast<std::size_t>(got));
    }
}

std::string
QuoteInput(std::string_view text, std::size_t maxChars)
{
    static const char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : text)
    {
        if (out.size() >= maxChars)
        {
            out += "...";
            break;
        }
        if (c >= 0x20 && c < 0x7f)
        {
            out += static_cast<char>(c);
        }
        else
        {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        }
    }
    return out;
}

bool
IsUtf8(std::string_view text)
{
    // RFC 3629 section 4: the well-formed byte sequences.
    std::size_t i = 0;
    while (i < text.size())
    {
        const auto byte = [&text](std::size_t k)
        {
            return static_cast<unsigned char>(text[k]);
        };
        unsigned char c = byte(i);
        std::size_t length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xbf;
        if (c < 0x80)
        {
            ++i;
            continue;
        }
        else if (c >= 0xc2 && c <= 0xdf)
        {
            length = 2;
        }
        else if (c >= 0xe0 && c <= 0xef)
        {
            length = 3;
            low = c == 0xe0 ? 0xa0 : 0x80;
            high = c == 0xed ? 0x9f : 0xbf;
        }
        else if (c >= 0xf0 && c <= 0xf4)
        {
            length = 4;
            low = c == 0xf0 ? 0x90 : 0x80;
            high = c == 0xf4 ? 0x8f : 0xbf;
        }
        else
        {
            return false;
        }
        if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high)
        {
            return false;
        }
        for (std::size_t k = 2; k < length; ++k)
        {
            if (byte(i + k) < 0x80 || byte(i + k) > 0xbf)
            {
                return false;
            }
        }
        i += length;
    }
    return true;
}

} // namespace wire
} // namespace vpnsim
