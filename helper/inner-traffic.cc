#include "helper/inner-traffic.h"

#include <ns3/bulk-send-helper.h>
#include <ns3/inet-socket-address.h>
#include <ns3/on-off-helper.h>
#include <ns3/packet-sink-helper.h>
#include <ns3/string.h>
#include <ns3/udp-echo-helper.h>
#include <ns3/uinteger.h>
#include <set>

namespace ns3
{

namespace
{
constexpr uint16_t kEchoPort = 9;
constexpr uint16_t kVoipPort = 16384; // the first RTP port of Cisco IP phones
constexpr uint16_t kBulkPort = 5001;
} // namespace

bool
IsTrafficProfile(const std::string& name)
{
    static const std::set<std::string> kNames{"echo", "voip", "bulk", "idle"};
    return kNames.count(name) > 0;
}

InnerTraffic::InnerTraffic(const std::string& profile, Ptr<Node> client, Ipv4Address clientAddress,
                           Ptr<Node> target, Ipv4Address targetAddress, Time start, Time stop,
                           uint32_t size, Time interval, bool targetShared)
    : m_profile(profile)
{
    if (profile == "echo")
    {
        if (!targetShared)
        {
            UdpEchoServerHelper server(kEchoPort);
            m_apps.Add(server.Install(target));
        }
        UdpEchoClientHelper echo(targetAddress, kEchoPort);
        // ns-3 3.37's echo client sends a single packet when MaxPackets is 0: give it the count.
        uint64_t count
            = static_cast<uint64_t>((stop - start).GetSeconds() / interval.GetSeconds()) + 1;
        echo.SetAttribute("MaxPackets", UintegerValue(count));
        echo.SetAttribute("Interval", TimeValue(interval));
        echo.SetAttribute("PacketSize", UintegerValue(size));
        ApplicationContainer c = echo.Install(client);
        c.Get(0)->TraceConnectWithoutContext("Tx", MakeCallback(&InnerTraffic::Sent, this));
        c.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&InnerTraffic::Received, this));
        c.Start(start);
        c.Stop(stop);
        m_apps.Add(c);
    }
    else if (profile == "voip")
    {
        // 64 kbit/s of payload each way: 160 bytes every 20 ms (G.711, 20 ms packetisation).
        Ptr<Node> ends[2] = {client, target};
        for (int from = 0; from < 2; ++from)
        {
            Ptr<Node> to = ends[1 - from];
            if (to != target || !targetShared)
            {
                PacketSinkHelper sink("ns3::UdpSocketFactory",
                                      InetSocketAddress(Ipv4Address::GetAny(), kVoipPort));
                ApplicationContainer s = sink.Install(to);
                s.Get(0)->TraceConnectWithoutContext(
                    "Rx", MakeCallback(&InnerTraffic::ReceivedFrom, this));
                m_apps.Add(s);
            }
            Ipv4Address destination = from == 0 ? targetAddress : clientAddress;
            OnOffHelper onoff("ns3::UdpSocketFactory", InetSocketAddress(destination, kVoipPort));
            onoff.SetConstantRate(DataRate("64kbps"), 160);
            ApplicationContainer o = onoff.Install(ends[from]);
            o.Get(0)->TraceConnectWithoutContext("Tx", MakeCallback(&InnerTraffic::Sent, this));
            o.Start(start);
            o.Stop(stop);
            m_apps.Add(o);
        }
    }
    else if (profile == "bulk")
    {
        if (!targetShared)
        {
            PacketSinkHelper sink("ns3::TcpSocketFactory",
                                  InetSocketAddress(Ipv4Address::GetAny(), kBulkPort));
            ApplicationContainer s = sink.Install(target);
            s.Get(0)->TraceConnectWithoutContext("Rx",
                                                 MakeCallback(&InnerTraffic::ReceivedFrom, this));
            m_apps.Add(s);
        }
        BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(targetAddress, kBulkPort));
        bulk.SetAttribute("MaxBytes", UintegerValue(0));
        ApplicationContainer b = bulk.Install(client);
        b.Start(start);
        b.Stop(stop);
        m_apps.Add(b);
    }
}

void
InnerTraffic::Sent(Ptr<const Packet>)
{
    ++m_sent;
}

void
InnerTraffic::Received(Ptr<const Packet> packet)
{
    ++m_received;
    m_bytesReceived += packet->GetSize();
}

void
InnerTraffic::ReceivedFrom(Ptr<const Packet> packet, const Address&)
{
    Received(packet);
}

uint64_t
InnerTraffic::PacketsSent() const
{
    return m_profile == "bulk" ? m_received : m_sent;
}

uint64_t
InnerTraffic::PacketsReceived() const
{
    return m_received;
}

uint64_t
InnerTraffic::BytesReceived() const
{
    return m_bytesReceived;
}

} // namespace ns3
