/*
 * The ASA as a full TCP proxy for inspection, the "proxy" mode behind AsaInspection
 * (doc/protocols.md §ASA proxy).
 *
 * Where a behaviour is a real TCP stack's, vpnsim uses ns-3's TCP rather than writing one
 * (doc/design.md §Host interface): the ASA node's own TcpL4Protocol terminates the client's
 * connection (it listens as the server's address and port, so it ACKs on the server's behalf, sends
 * duplicate ACKs on a hole, shrinks its window and holds everything behind the hole) and opens its
 * own connection to the server as the client's address and port. The segments of a proxied flow
 * never reach IPv4 routing: AsaFirewall hands them to this proxy, which gives them straight to the
 * node's TCP.
 *
 * By default each chunk the client-side socket delivers in order (one segment, while nothing
 * is missing) is written to the server side as one segment, which is why cTCP works through
 * the proxy until a loss. With "Resegment" the proxy is a plain byte-stream relay (Nagle on,
 * segments cut at "ResegmentSize"), and cTCP's one-packet-per-segment framing breaks even
 * without loss.
 */
#ifndef VPNSIM_MODEL_ASA_TCP_PROXY_H
#define VPNSIM_MODEL_ASA_TCP_PROXY_H

#include "model/asa-inspection.h"

#include <array>
#include <deque>
#include <map>
#include <memory>
#include <ns3/inet-socket-address.h>
#include <ns3/ip-l4-protocol.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/ipv4-route.h>
#include <ns3/node.h>
#include <ns3/object.h>
#include <ns3/socket.h>
#include <ns3/tcp-l4-protocol.h>
#include <vector>

namespace ns3
{

class AsaTcpProxy : public AsaInspection
{
  public:
    static TypeId GetTypeId();

    /// "proxy".
    std::string GetName() const override;

    /// Works on the TCP/IP stack of the node that owns both devices; `held` hears how many
    /// bytes its sockets hold for each connection.
    void Install(Ptr<NetDevice> outside, Ptr<NetDevice> inside, HeldCallback held) override;

    /// True: the proxy terminates every inspected TCP connection.
    bool TerminatesTcp() const override;

    /// A TCP datagram of a proxied flow, as it entered the ASA.
    void Relay(AsaSide from, Ptr<const Packet> datagram, AsaFlowCounters* flow) override;

    /// Never called: the proxy's own TCP puts every connection's segments in order.
    void OutOfOrder(AsaOutOfOrderSegment& segment) const override;

    /// The ASA closed the connection whose counters these are.
    void Forget(AsaFlowCounters* flow) override;

  protected:
    void DoDispose() override;

  private:
    /// One proxied connection: the socket facing the client and the one facing the server.
    struct Splice
    {
        AsaFlowCounters* counters{nullptr};
        InetSocketAddress client{Ipv4Address(), 0};
        InetSocketAddress server{Ipv4Address(), 0};
        InetSocketAddress serverLocal{Ipv4Address(), 0}; ///< the server side's own socket
        Ptr<Socket> clientSide;
        Ptr<Socket> serverSide;
        bool serverConnected{false};
        bool closing{false};
        std::deque<Ptr<Packet>> toServer; ///< chunks waiting for the server connection
        uint64_t held{0};                 ///< bytes last reported to the ASA as held
    };

    Ptr<Socket> NewSocket() const;
    void EnsureListener(const InetSocketAddress& server);
    void Accept(Ptr<Socket> socket, const Address& from);
    void ServerConnected(Ptr<Socket> socket);
    void PassOn(Ptr<Socket> socket); ///< what one socket delivered goes out of the other
    void CloseBoth(Ptr<Socket> socket);
    Splice* FindBySocket(Ptr<Socket> socket);
    Splice* FindByClient(Ipv4Address address, uint16_t port);
    void UpdateHeld(Splice& splice);
    void SendDown(Ptr<Packet> packet, Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                  Ptr<Ipv4Route> route);

    HeldCallback m_held;
    std::array<Ptr<NetDevice>, 2> m_devices;
    Ptr<Node> m_node;
    IpL4Protocol::DownTargetCallback m_down;
    Ptr<Ipv4L3Protocol> m_ipv4;
    Ptr<TcpL4Protocol> m_tcp;
    bool m_resegment{false};
    uint32_t m_resegmentSize{1380};
    uint32_t m_segmentSize{1460};
    std::map<std::pair<uint32_t, uint16_t>, Ptr<Socket>> m_listeners;
    /// Splices by the client's address and port (a client port is bound once on this node, by
    /// the server side, so it names one connection), and the indexes the hot paths use.
    std::map<std::pair<uint32_t, uint16_t>, std::unique_ptr<Splice>> m_splices;
    std::map<Socket*, Splice*> m_bySocket;
    std::map<uint16_t, Splice*> m_byServerSidePort;
    /// Counters of the flow each pending client (address, port) belongs to, until accepted.
    std::map<std::pair<uint32_t, uint16_t>, AsaFlowCounters*> m_pending;
};

} // namespace ns3

#endif // VPNSIM_MODEL_ASA_TCP_PROXY_H
