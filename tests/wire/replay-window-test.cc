// RFC 4303 section 3.4.3 anti-replay and Appendix A extended sequence numbers.
#include "model/wire/esp.h"
#include "model/wire/replay-window.h"

#include <gtest/gtest.h>

using namespace vpnsim::wire;

namespace
{

ReplayWindow
Window(uint32_t size = 64)
{
    auto w = ReplayWindow::Create(size);
    EXPECT_TRUE(w.Ok());
    return w.Value();
}

bool
Accept(ReplayWindow& w, uint64_t s)
{
    if (!w.Check(s))
    {
        return false;
    }
    w.Update(s);
    return true;
}

} // namespace

TEST(ReplayWindow, InOrderPacketsAreAccepted)
{
    ReplayWindow w = Window();
    for (uint64_t s = 1; s <= 1000; ++s)
    {
        ASSERT_TRUE(Accept(w, s)) << s;
    }
    EXPECT_EQ(w.Top(), 1000u);
}

TEST(ReplayWindow, ReorderedWithinTheWindowIsAcceptedOnce)
{
    ReplayWindow w = Window();
    ASSERT_TRUE(Accept(w, 100));
    EXPECT_TRUE(Accept(w, 37)); // 100 - 37 = 63 < 64: inside
    EXPECT_TRUE(Accept(w, 99));
    EXPECT_FALSE(Accept(w, 37)); // now a duplicate
    EXPECT_EQ(w.Check(99).GetError().code, ErrorCode::Replayed);
}

TEST(ReplayWindow, DuplicateOfTheTopIsReplayed)
{
    ReplayWindow w = Window();
    ASSERT_TRUE(Accept(w, 5));
    EXPECT_EQ(w.Check(5).GetError().code, ErrorCode::Replayed);
}

TEST(ReplayWindow, LeftOfTheWindowIsTooOld)
{
    ReplayWindow w = Window();
    ASSERT_TRUE(Accept(w, 100));
    EXPECT_EQ(w.Check(36).GetError().code, ErrorCode::TooOld); // 100 - 36 = 64
    EXPECT_TRUE(w.Check(37).Ok());
}

TEST(ReplayWindow, FarAheadSlidesTheWindowAndForgetsOldBits)
{
    ReplayWindow w = Window();
    ASSERT_TRUE(Accept(w, 10));
    ASSERT_TRUE(Accept(w, 1'000'000));
    EXPECT_EQ(w.Check(10).GetError().code, ErrorCode::TooOld);
    EXPECT_TRUE(Accept(w, 999'999));
    // Bits of the old window position must not reappear as replays after the slide.
    ASSERT_TRUE(Accept(w, 1'000'000 + 64 * 3 + 10));
    EXPECT_TRUE(Accept(w, 1'000'000 + 64 * 3 + 9));
}

TEST(ReplayWindow, SequenceZeroIsNeverAccepted)
{
    ReplayWindow w = Window();
    EXPECT_FALSE(w.Check(0).Ok());
}

TEST(ReplayWindow, SizeIsConfigurableWithinRange)
{
    ReplayWindow w = Window(1024);
    ASSERT_TRUE(Accept(w, 2000));
    EXPECT_TRUE(w.Check(2000 - 1023).Ok());
    EXPECT_EQ(w.Check(2000 - 1024).GetError().code, ErrorCode::TooOld);

    for (uint32_t bad : {0u, 31u, 4097u})
    {
        auto r = ReplayWindow::Create(bad);
        ASSERT_FALSE(r.Ok());
        EXPECT_NE(r.GetError().detail.find("32..4096"), std::string::npos);
    }
}

TEST(ReplayWindow, ExtendedSequenceCrossesTwoToThe32)
{
    ReplayWindow w = Window();
    const uint64_t base = 0xffffffffULL - 10;
    ASSERT_TRUE(Accept(w, base));
    // Low halves just after the wrap belong to the next 2^32 subspace ...
    EXPECT_EQ(w.InferExtendedSequence(5), 0x100000005ULL);
    // ... and those inside the window to the current one.
    EXPECT_EQ(w.InferExtendedSequence(0xffffffffULL - 20), 0xffffffffULL - 20);
    ASSERT_TRUE(Accept(w, 0x100000005ULL));
    // Now the window spans both subspaces (case B): a late low value maps back below 2^32.
    EXPECT_EQ(w.InferExtendedSequence(0xfffffff0U), 0xfffffff0ULL);
    EXPECT_EQ(w.InferExtendedSequence(6), 0x100000006ULL);
}

TEST(ReplayWindow, EspSaAcceptsAcrossTheEsnWrapAndRejectsTheReplay)
{
    EspSaConfig cfg;
    cfg.spi = 0x1000;
    cfg.transform = EspTransformId::AesGcm128Icv16;
    cfg.encryptionKey = Bytes(20, 0x33);
    cfg.extendedSequenceNumbers = true;
    auto out = EspOutboundSa::Create(cfg);
    auto in = EspInboundSa::Create(cfg);
    out->SetNextSequence(0xfffffffeULL);
    Bytes payload;
    for (int i = 0; i < 4; ++i)
    {
        Bytes w;
        ASSERT_TRUE(out->Encapsulate(Bytes(8, 1), 4, w));
        auto r = in->Decapsulate(w, payload);
        ASSERT_TRUE(r.Ok()) << i << ": " << r.GetError().detail;
        EXPECT_EQ(r->sequence, 0xfffffffeULL + i);
        EXPECT_EQ(in->Decapsulate(w, payload).GetError().code, ErrorCode::Replayed);
    }
}

TEST(ReplayWindow, ForgedPacketDoesNotMoveTheWindow)
{
    EspSaConfig cfg;
    cfg.spi = 0x1000;
    cfg.transform = EspTransformId::AesCbc128HmacSha1_96;
    cfg.encryptionKey = Bytes(16, 0x11);
    cfg.authenticationKey = Bytes(20, 0x22);
    auto out = EspOutboundSa::Create(cfg);
    auto in = EspInboundSa::Create(cfg);
    Bytes genuine;
    ASSERT_TRUE(out->Encapsulate(Bytes(8, 1), 4, genuine));
    // A forgery with sequence number 10^6 and a wrong ICV must not slide the window.
    Bytes forged = genuine;
    PutU32(forged.data() + 4, 1'000'000);
    Bytes payload;
    EXPECT_EQ(in->Decapsulate(forged, payload).GetError().code, ErrorCode::AuthenticationFailed);
    EXPECT_EQ(in->Window().Top(), 0u);
    EXPECT_TRUE(in->Decapsulate(genuine, payload).Ok());
    EXPECT_EQ(in->Window().Top(), 1u);
}
