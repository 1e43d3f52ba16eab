/*
 * Byte buffers and bounds-checked big-endian access, the common ground of every codec.
 *
 * All multi-byte fields on the wire are big-endian (network order). ByteReader never reads
 * past its span: every accessor reports failure instead, so decoders stay safe on any input.
 */
#ifndef VPNSIM_WIRE_BYTES_H
#define VPNSIM_WIRE_BYTES_H

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vpnsim
{
namespace wire
{

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline uint16_t
GetU16(const uint8_t* p)
{
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

inline uint32_t
GetU32(const uint8_t* p)
{
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

inline void
PutU16(uint8_t* p, uint16_t v)
{
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}

inline void
PutU32(uint8_t* p, uint32_t v)
{
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}

/// Appends big-endian fields to a byte vector.
class ByteWriter
{
  public:
    explicit ByteWriter(Bytes& out)
        : m_out(out)
    {
    }

    void U8(uint8_t v)
    {
        m_out.push_back(v);
    }

    void U16(uint16_t v)
    {
        m_out.push_back(static_cast<uint8_t>(v >> 8));
        m_out.push_back(static_cast<uint8_t>(v));
    }

    void U32(uint32_t v)
    {
        U16(static_cast<uint16_t>(v >> 16));
        U16(static_cast<uint16_t>(v));
    }

    void U64(uint64_t v)
    {
        U32(static_cast<uint32_t>(v >> 32));
        U32(static_cast<uint32_t>(v));
    }

    void Append(ByteView v)
    {
        m_out.insert(m_out.end(), v.begin(), v.end());
    }

    void Fill(size_t n, uint8_t v)
    {
        m_out.insert(m_out.end(), n, v);
    }

    size_t Size() const
    {
        return m_out.size();
    }

  private:
    Bytes& m_out;
};

/// Reads big-endian fields from untrusted bytes; each Read fails (returns false) at the end.
class ByteReader
{
  public:
    explicit ByteReader(ByteView in)
        : m_in(in)
    {
    }

    size_t Remaining() const
    {
        return m_in.size() - m_pos;
    }

    size_t Position() const
    {
        return m_pos;
    }

    bool U8(uint8_t& v)
    {
        if (Remaining() < 1)
        {
            return false;
        }
        v = m_in[m_pos++];
        return true;
    }

    bool U16(uint16_t& v)
    {
        if (Remaining() < 2)
        {
            return false;
        }
        v = GetU16(&m_in[m_pos]);
        m_pos += 2;
        return true;
    }

    bool U32(uint32_t& v)
    {
        if (Remaining() < 4)
        {
            return false;
        }
        v = GetU32(&m_in[m_pos]);
        m_pos += 4;
        return true;
    }

    bool U64(uint64_t& v)
    {
        uint32_t hi = 0;
        uint32_t lo = 0;
        if (Remaining() < 8)
        {
            return false;
        }
        U32(hi);
        U32(lo);
        v = (uint64_t{hi} << 32) | lo;
        return true;
    }

    /// The next n bytes as a view into the input.
    bool Take(size_t n, ByteView& v)
    {
        if (Remaining() < n)
        {
            return false;
        }
        v = m_in.subspan(m_pos, n);
        m_pos += n;
        return true;
    }

    /// Everything not yet read.
    ByteView Rest()
    {
        ByteView v = m_in.subspan(m_pos);
        m_pos = m_in.size();
        return v;
    }

  private:
    ByteView m_in;
    size_t m_pos{0};
};

/// Lower-case hex of a byte string (for tests, logs and tshark comparisons).
std::string ToHex(ByteView v);

/// Bytes from a hex string; whitespace is ignored. Returns an empty vector on bad input.
Bytes FromHex(const std::string& hex);

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_BYTES_H
