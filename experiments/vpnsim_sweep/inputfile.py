"""Reading a file named on the command line, which may be anything: a directory, a FIFO with no
writer, /dev/zero, a file far too large. Only a regular file is read, never more than a stated
number of bytes, and the error says which of these it was."""

from __future__ import annotations

import errno
import os
import stat


class InputFileError(Exception):
    """str() is the reason, to follow the file's name in a message."""


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def read_capped(path, max_bytes: int) -> bytes:
    """The whole of a regular file of at most max_bytes bytes, or InputFileError."""
    try:
        # O_NONBLOCK: opening a FIFO that has no writer would otherwise wait for one forever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputFileError("no such file") from None
    except OSError as e:
        raise InputFileError(f"cannot be read ({e.strerror or errno.errorcode.get(e.errno)})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputFileError(f"is {_kind(info.st_mode)}, not a regular file")
        limit = f"larger than the limit of {max_bytes} bytes"
        if info.st_size > max_bytes:
            raise InputFileError(limit)
        chunks, size = [], 0
        while True:  # files under /proc say 0 bytes and have more: count what arrives
            chunk = os.read(fd, 65536)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > max_bytes:
                raise InputFileError(limit)
            chunks.append(chunk)
    except OSError as e:
        raise InputFileError(f"cannot be read ({e.strerror})") from None
    finally:
        os.close(fd)


def decode_utf8(data: bytes) -> str:
    """The text of UTF-8 bytes, or InputFileError naming the line and byte that are not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InputFileError(f"line {line}: not UTF-8 text (byte 0x{data[e.start]:02x} at "
                             f"offset {e.start})") from None
