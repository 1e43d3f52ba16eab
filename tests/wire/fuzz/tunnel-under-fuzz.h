/*
 * A client and a headend tunnel (model/engine) back to back as tests/engine/ipsec-pair.h puts
 * them, brought up (or stopped mid-handshake) and then fed outer packets and events chosen by
 * the fuzzer's bytes. The deep targets use it to reach the engine's receive paths (the cTCP
 * connection's state machine, ESP-in-UDP demultiplexing, anti-replay, ICV, inner delivery)
 * with packets that pass the outer checks, which random bytes alone almost never do.
 *
 * The oracle beyond ASan and UBSan: the headend delivers only inner packets the client sent.
 */
#ifndef VPNSIM_TESTS_FUZZ_TUNNEL_UNDER_FUZZ_H
#define VPNSIM_TESTS_FUZZ_TUNNEL_UNDER_FUZZ_H

#include "tests/engine/ipsec-pair.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>

namespace vpnsim
{
namespace fuzz
{

using test::kClient;
using test::kHeadend;

/// The fuzzer's bytes, read front to back; reads past the end give zeros.
class FuzzInput
{
  public:
    FuzzInput(const uint8_t* data, size_t size)
        : m_data(data)
        , m_size(size)
    {
    }

    bool Empty() const
    {
        return m_at >= m_size;
    }

    uint8_t Byte()
    {
        return m_at < m_size ? m_data[m_at++] : 0;
    }

    uint16_t U16()
    {
        return static_cast<uint16_t>(Byte() << 8 | Byte());
    }

    uint32_t U32()
    {
        return static_cast<uint32_t>(U16()) << 16 | U16();
    }

    /// Up to `max` bytes, as many as a length byte (or two) says.
    wire::Bytes Take(size_t max)
    {
        size_t n = std::min<size_t>(U16(), max);
        n = std::min(n, m_size - std::min(m_at, m_size));
        wire::Bytes out(m_data + m_at, m_data + m_at + n);
        m_at += n;
        return out;
    }

  private:
    const uint8_t* m_data;
    size_t m_size;
    size_t m_at{0};
};

/// One packet as its receiver's host hands it up, kept with its bytes.
struct Sent
{
    engine::OuterPacket header;
    wire::Bytes payload;
};

/// The first 64 packets each end put on the wire: the shapes the targets inject in.
struct OuterLog
{
    void Install(test::PairedHosts& net)
    {
        net.SetDropRule(
            [this](int from, uint64_t, const engine::OuterPacket& p)
            {
                auto& into = from == 0 ? fromClient : fromHeadend;
                if (into.size() < 64)
                {
                    into.push_back(Sent{p, wire::Bytes(p.payload.begin(), p.payload.end())});
                }
                return false;
            });
    }

    std::vector<Sent> fromClient;
    std::vector<Sent> fromHeadend;
};

/// The log comes first so that it exists before either end sends.
class TunnelUnderFuzz : public OuterLog, public test::Pair
{
  public:
    /// Starts both ends and runs the clock to `upTo` (5 s brings any encapsulation up).
    TunnelUnderFuzz(engine::IpsecEncapsulation encapsulation, engine::Nanos upTo)
        : test::Pair(test::Config(encapsulation, true), test::Config(encapsulation, false),
                     [this](test::PairedHosts& path)
                     {
                         Install(path);
                     })
    {
        net.RunUntil(upTo);
    }

    /// Hands `payload` to the headend (or the client) as if it came from the peer, in the
    /// shape of `like` (protocol, addresses, ports).
    void Inject(bool toHeadend, const engine::OuterPacket& like, const wire::Bytes& payload)
    {
        engine::OuterPacket p = like;
        p.payload = payload;
        (toHeadend ? headend : client)->Receive(p);
    }

    /// The client sends an inner packet through the tunnel (remembered for the oracle).
    void ClientSends(const wire::Bytes& inner)
    {
        sentInner.insert(inner);
        client->SendInner(inner);
    }

    /// Aborts if the headend delivered an inner packet the client never sent: ESP's ICV and
    /// anti-replay must stand between the outer wire and the inner network.
    void CheckDeliveries() const
    {
        for (const auto& d : net.b.delivered)
        {
            if (!sentInner.count(d))
            {
                std::abort();
            }
        }
    }

    std::set<wire::Bytes> sentInner;
};

} // namespace fuzz
} // namespace vpnsim

#endif // VPNSIM_TESTS_FUZZ_TUNNEL_UNDER_FUZZ_H
