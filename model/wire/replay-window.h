/*
 * ESP anti-replay (RFC 4303 section 3.4.3) and extended sequence number reconstruction
 * (RFC 4303 Appendix A).
 *
 * The window is a circular bitmap indexed by sequence number modulo its size, so moving it
 * forward clears only the bits it passes over.
 */
#ifndef VPNSIM_WIRE_REPLAY_WINDOW_H
#define VPNSIM_WIRE_REPLAY_WINDOW_H

#include "model/wire/result.h"

#include <cstdint>
#include <vector>

namespace vpnsim
{
namespace wire
{

/// A receiver's sliding window of sequence numbers already accepted.
class ReplayWindow
{
  public:
    /// RFC 4303 3.4.3: 32 MUST be supported, 64 SHOULD be the default.
    static constexpr uint32_t kDefaultSize = 64;
    static constexpr uint32_t kMinimumSize = 32;
    /// Large enough for any path vpnsim models; bounds memory per SA.
    static constexpr uint32_t kMaximumSize = 4096;

    /// Fails naming the allowed range when `size` is outside 32..4096.
    static Result<ReplayWindow> Create(uint32_t size = kDefaultSize);

    /// Whether `sequence` may be accepted (does not change the window).
    Status Check(uint64_t sequence) const;

    /// Marks `sequence` as received; call only after its ICV verified.
    void Update(uint64_t sequence);

    /// The highest sequence number accepted so far (0 before any).
    uint64_t Top() const
    {
        return m_top;
    }

    uint32_t Size() const
    {
        return m_size;
    }

    /// RFC 4303 Appendix A2.2: the full 64-bit number for a received low 32 bits, choosing
    /// the high half that places it inside (or just ahead of) the window.
    uint64_t InferExtendedSequence(uint32_t low) const;

  private:
    explicit ReplayWindow(uint32_t size);
    bool Bit(uint64_t sequence) const;
    void SetBit(uint64_t sequence, bool value);

    uint32_t m_size;
    uint64_t m_top{0};
    std::vector<uint64_t> m_bits;
};

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_REPLAY_WINDOW_H
