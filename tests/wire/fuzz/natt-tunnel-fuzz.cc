// Fuzzes the ESP-in-UDP receive path through the engine (RFC 3948 on UDP 4500, IKE on 500):
// payloads carrying the tunnel's real SPI, replays and bit flips of real packets, IKE behind
// the non-ESP marker, keepalives, at any point from IKE on; anti-replay, ICV and inner
// delivery behind them.
#include "model/wire/esp-in-udp.h"
#include "tests/wire/fuzz/tunnel-under-fuzz.h"

using namespace vpnsim;
using namespace vpnsim::fuzz;
using namespace std::chrono_literals;

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    FuzzInput in(data, size);
    uint8_t start = in.Byte();
    engine::Nanos upTo = start < 64 ? engine::Nanos(std::chrono::milliseconds(start * 10)) : 5s;
    TunnelUnderFuzz t(engine::IpsecEncapsulation::Natt, upTo);
    for (int steps = 0; !in.Empty() && steps < 64; ++steps)
    {
        uint8_t op = in.Byte();
        bool toHeadend = op & 0x80;
        const auto& seen = toHeadend ? t.fromClient : t.fromHeadend;
        if (seen.empty() && (op & 7) < 5)
        {
            continue;
        }
        const Sent& like = seen.empty() ? Sent{} : seen[in.Byte() % seen.size()];
        engine::OuterPacket header = like.header;
        if (in.Byte() % 8 == 0)
        {
            header.sourcePort = header.destinationPort = in.Byte() % 2 ? 500 : wire::kNattPort;
        }
        switch (op & 7)
        {
        case 0: // any bytes
            t.Inject(toHeadend, header, in.Take(2000));
            break;
        case 1: { // a real packet's first bytes (SPI, sequence), then fuzzed bytes
            wire::Bytes p(like.payload.begin(),
                          like.payload.begin() + std::min<size_t>(like.payload.size(), in.Byte()));
            wire::Bytes tail = in.Take(1500);
            p.insert(p.end(), tail.begin(), tail.end());
            t.Inject(toHeadend, header, p);
            break;
        }
        case 2: { // a real packet again, maybe with one byte changed
            wire::Bytes p = like.payload;
            if (!p.empty() && in.Byte() % 2)
            {
                p[in.U16() % p.size()] ^= in.Byte();
            }
            t.Inject(toHeadend, header, p);
            break;
        }
        case 3: // IKE behind the non-ESP marker
            t.Inject(toHeadend, header, wire::NattIkePayload(in.Take(1500)));
            break;
        case 4: // keepalive and other very short payloads
            t.Inject(toHeadend, header, in.Take(4));
            break;
        case 5:
            t.ClientSends(in.Take(1400));
            break;
        case 6:
            t.headend->SendInner(in.Take(1400));
            break;
        default:
            t.net.RunUntil(t.net.Now() + std::chrono::milliseconds(in.U16()) * 4);
            break;
        }
    }
    t.net.RunUntil(t.net.Now() + 1s);
    t.CheckDeliveries();
    return 0;
}
