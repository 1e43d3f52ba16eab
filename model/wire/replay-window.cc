#include "model/wire/replay-window.h"

#include <string>

namespace vpnsim
{
namespace wire
{

Result<ReplayWindow>
ReplayWindow::Create(uint32_t size)
{
    if (size < kMinimumSize || size > kMaximumSize)
    {
        return Result<ReplayWindow>::Fail(ErrorCode::BadValue,
                                          "replay window " + std::to_string(size) + ": allowed "
                                              + std::to_string(kMinimumSize) + ".."
                                              + std::to_string(kMaximumSize) + " packets");
    }
    return ReplayWindow(size);
}

ReplayWindow::ReplayWindow(uint32_t size)
    : m_size(size)
    ,
    // One spare word so a window that is not a multiple of 64 still fits.
    m_bits(size / 64 + 2, 0)
{
}

bool
ReplayWindow::Bit(uint64_t sequence) const
{
    uint64_t i = sequence % (m_bits.size() * 64);
    return (m_bits[i / 64] >> (i % 64)) & 1;
}

void
ReplayWindow::SetBit(uint64_t sequence, bool value)
{
    uint64_t i = sequence % (m_bits.size() * 64);
    uint64_t mask = uint64_t{1} << (i % 64);
    if (value)
    {
        m_bits[i / 64] |= mask;
    }
    else
    {
        m_bits[i / 64] &= ~mask;
    }
}

Status
ReplayWindow::Check(uint64_t sequence) const
{
    if (sequence == 0)
    {
        // RFC 4303 3.3.3: the first packet of an SA has sequence number 1.
        return Status::Fail(ErrorCode::BadValue, "esp: sequence number 0 is never sent");
    }
    if (sequence > m_top)
    {
        return Success();
    }
    if (m_top - sequence >= m_size)
    {
        return Status::Fail(ErrorCode::TooOld, "esp: sequence number " + std::to_string(sequence)
                                                   + " is left of the replay window");
    }
    if (Bit(sequence))
    {
        return Status::Fail(ErrorCode::Replayed,
                            "esp: sequence number " + std::to_string(sequence) + " already seen");
    }
    return Success();
}

void
ReplayWindow::Update(uint64_t sequence)
{
    if (sequence > m_top)
    {
        uint64_t capacity = m_bits.size() * 64;
        if (sequence - m_top >= capacity)
        {
            std::fill(m_bits.begin(), m_bits.end(), 0);
        }
        else
        {
            for (uint64_t s = m_top + 1; s < sequence; ++s)
            {
                SetBit(s, false);
            }
        }
        m_top = sequence;
    }
    SetBit(sequence, true);
}

uint64_t
ReplayWindow::InferExtendedSequence(uint32_t low) const
{
    uint32_t topHigh = static_cast<uint32_t>(m_top >> 32);
    uint32_t topLow = static_cast<uint32_t>(m_top);
    uint32_t bottomLow = topLow - (m_size - 1); // modulo 2^32
    uint32_t high;
    if (topLow >= m_size - 1)
    {
        // Case A: the window lies within one 2^32 subspace.
        high = low >= bottomLow ? topHigh : topHigh + 1;
    }
    else
    {
        // Case B: the window spans two subspaces.
        high = (low >= bottomLow && topHigh > 0) ? topHigh - 1 : topHigh;
    }
    return (uint64_t{high} << 32) | low;
}

} // namespace wire
} // namespace vpnsim
