/*
 * Two FakeHosts' TCP ends back to back: what either host sent is handed to the other end, in
 * order and at once, until both are quiet. Tests of the cTCP connection and transport use it
 * to run a handshake and exchanges between two real ends without a clock in between.
 */
#ifndef VPNSIM_TESTS_ENGINE_SEGMENT_WIRE_H
#define VPNSIM_TESTS_ENGINE_SEGMENT_WIRE_H

#include "tests/engine/fake-host.h"

#include <functional>

namespace vpnsim
{
namespace test
{

class SegmentWire
{
  public:
    /// Where one end takes segments in (its Receive).
    using Receiver = std::function<void(const engine::OuterPacket&)>;

    SegmentWire(FakeHost& a, uint32_t addressA, Receiver intoA, FakeHost& b, uint32_t addressB,
                Receiver intoB)
        : m_a{a, addressA, std::move(intoA)}
        , m_b{b, addressB, std::move(intoB)}
    {
    }

    /// Carries everything sent so far, both ways, until neither end sends more.
    void Pump()
    {
        while (m_a.carried < m_a.host.outer.size() || m_b.carried < m_b.host.outer.size())
        {
            Carry(m_a, m_b);
            Carry(m_b, m_a);
        }
    }

    /// What host a sent and the wire has not carried yet is lost.
    void LoseInFlightFromA()
    {
        m_a.carried = m_a.host.outer.size();
    }

  private:
    struct End
    {
        FakeHost& host;
        uint32_t address;
        Receiver receive;
        size_t carried{0};
    };

    static void Carry(End& from, End& to)
    {
        for (; from.carried < from.host.outer.size(); ++from.carried)
        {
            wire::Bytes bytes = from.host.outer[from.carried].payload;
            to.receive(engine::OuterPacket{engine::OuterProtocol::Tcp, from.address, to.address, 0,
                                           0, bytes});
        }
    }

    End m_a;
    End m_b;
};

} // namespace test
} // namespace vpnsim

#endif // VPNSIM_TESTS_ENGINE_SEGMENT_WIRE_H
