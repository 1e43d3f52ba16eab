// Fuzzes cTCP through the engine: segments for the headend's (and the client's) cTCP
// connection state machine, with correct checksums and ports so that they get past the outer
// checks, at any point from the handshake on; then framing, ESP and inner delivery behind it.
#include "model/wire/ctcp.h"
#include "model/wire/tcp-header.h"
#include "tests/wire/fuzz/tunnel-under-fuzz.h"

using namespace vpnsim;
using namespace vpnsim::fuzz;
using namespace std::chrono_literals;

namespace
{

/// A segment like `like` (a real one, same direction) with fields from the input.
wire::Bytes
Craft(FuzzInput& in, const Sent& like, bool toHeadend, wire::ByteView payload)
{
    auto real = wire::ParseTcpSegmentUnchecked(like.payload);
    wire::TcpHeader h = real ? real->header : wire::TcpHeader{};
    h.sequence += in.U32() % 4 == 0 ? in.U32() : in.Byte(); // mostly near the real one
    h.acknowledgment += in.Byte() % 4 == 0 ? in.U32() : 0;
    if (in.Byte() % 2 == 0)
    {
        h.flags = in.Byte();
        h.window = in.U16();
    }
    uint32_t source = toHeadend ? kClient : kHeadend;
    uint32_t destination = toHeadend ? kHeadend : kClient;
    return wire::BuildTcpSegment(h, payload, source, destination);
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    FuzzInput in(data, size);
    // Where to start: in the middle of the handshake or of IKE, or with the tunnel up.
    uint8_t start = in.Byte();
    engine::Nanos upTo = start < 64 ? engine::Nanos(std::chrono::milliseconds(start)) : 5s;
    TunnelUnderFuzz t(engine::IpsecEncapsulation::Ctcp, upTo);
    for (int steps = 0; !in.Empty() && steps < 64; ++steps)
    {
        uint8_t op = in.Byte();
        bool toHeadend = op & 0x80;
        const auto& seen = toHeadend ? t.fromClient : t.fromHeadend;
        if (seen.empty() && (op & 7) < 4)
        {
            continue; // nothing to shape a segment on yet
        }
        const Sent& like = seen.empty() ? Sent{} : seen[in.Byte() % seen.size()];
        switch (op & 7)
        {
        case 0: // any bytes as a segment
            t.Inject(toHeadend, like.header, in.Take(2000));
            break;
        case 1: // a well-formed segment with fuzzed header fields and payload
            t.Inject(toHeadend, like.header, Craft(in, like, toHeadend, in.Take(2000)));
            break;
        case 2: { // fuzzed bytes framed as cTCP ESP (the trailer is right)
            wire::Bytes esp = in.Take(1500);
            t.Inject(toHeadend, like.header,
                     Craft(in, like, toHeadend, wire::BuildCtcpEspPayload(esp)));
            break;
        }
        case 3: { // a real segment again, one byte changed, checksum made right
            wire::Bytes payload = like.payload;
            auto s = wire::ParseTcpSegmentUnchecked(payload);
            if (s && !s->payload.empty())
            {
                wire::Bytes body(s->payload.begin(), s->payload.end());
                body[in.U16() % body.size()] ^= in.Byte();
                payload = wire::BuildTcpSegment(s->header, body, toHeadend ? kClient : kHeadend,
                                                toHeadend ? kHeadend : kClient);
            }
            t.Inject(toHeadend, like.header, payload);
            break;
        }
        case 4:
            t.ClientSends(in.Take(1400));
            break;
        case 5:
            t.headend->SendInner(in.Take(1400));
            break;
        default: // time passes: DPD, idle and handshake timers fire, queued packets arrive
            t.net.RunUntil(t.net.Now() + std::chrono::milliseconds(in.U16()) * 4);
            break;
        }
    }
    t.net.RunUntil(t.net.Now() + 1s);
    t.CheckDeliveries();
    return 0;
}
