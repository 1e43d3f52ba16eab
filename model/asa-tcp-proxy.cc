#include "model/asa-tcp-proxy.h"

#include "model/ipv4-ingress-hook.h"
#include "model/wire/ipv4-header.h"
#include "model/wire/tcp-header.h"

#include <ns3/abort.h>
#include <ns3/boolean.h>
#include <ns3/ipv4-header.h>
#include <ns3/ipv4-interface.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/log.h>
#include <ns3/tcp-l4-protocol.h>
#include <ns3/tcp-rx-buffer.h>
#include <ns3/tcp-socket-base.h>
#include <ns3/tcp-socket-factory.h>
#include <ns3/tcp-tx-buffer.h>
#include <ns3/uinteger.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AsaTcpProxy");
NS_OBJECT_ENSURE_REGISTERED(AsaTcpProxy);

TypeId
AsaTcpProxy::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::AsaTcpProxy")
              .SetParent<AsaInspection>()
              .SetGroupName("Vpnsim")
              .AddConstructor<AsaTcpProxy>()
              .AddAttribute("Resegment",
                            "Relay a plain byte stream (Nagle on, segments cut at ResegmentSize) "
                            "instead of one segment per chunk delivered in order.",
                            BooleanValue(false), MakeBooleanAccessor(&AsaTcpProxy::m_resegment),
                            MakeBooleanChecker())
              .AddAttribute("ResegmentSize",
                            "Segment size of the byte-stream relay: the ASA's default "
                            "`sysopt connection tcpmss 1380`.",
                            UintegerValue(1380),
                            MakeUintegerAccessor(&AsaTcpProxy::m_resegmentSize),
                            MakeUintegerChecker<uint32_t>(64, 1460))
              .AddAttribute("SegmentSize",
                            "Segment size of the proxy's sockets when it keeps chunks whole: "
                            "large enough for any cTCP segment on a 1500-byte path.",
                            UintegerValue(1460), MakeUintegerAccessor(&AsaTcpProxy::m_segmentSize),
                            MakeUintegerChecker<uint32_t>(536, 1460));
    return tid;
}

std::string
AsaTcpProxy::GetName() const
{
    return "proxy";
}

bool
AsaTcpProxy::TerminatesTcp() const
{
    return true;
}

void
AsaTcpProxy::OutOfOrder(AsaOutOfOrderSegment&) const
{
    NS_FATAL_ERROR("AsaTcpProxy: the firewall's in-line checks never see a proxied connection");
}

void
AsaTcpProxy::Install(Ptr<NetDevice> outside, Ptr<NetDevice> inside, HeldCallback held)
{
    m_held = held;
    m_devices = {outside, inside};
    m_node = outside->GetNode();
    m_ipv4 = m_node->GetObject<Ipv4L3Protocol>();
    m_tcp = m_node->GetObject<TcpL4Protocol>();
    NS_ABORT_MSG_IF(!m_ipv4 || !m_tcp, "AsaTcpProxy: the ASA node needs an Internet stack");
    m_down = m_tcp->GetDownTarget();
    m_tcp->SetDownTarget(MakeCallback(&AsaTcpProxy::SendDown, this));
}

Ptr<Socket>
AsaTcpProxy::NewSocket() const
{
    Ptr<Socket> s = Socket::CreateSocket(m_node, TcpSocketFactory::GetTypeId());
    s->SetAttribute("SegmentSize", UintegerValue(m_resegment ? m_resegmentSize : m_segmentSize));
    s->SetAttribute("TcpNoDelay", BooleanValue(!m_resegment));
    return s;
}

void
AsaTcpProxy::EnsureListener(const InetSocketAddress& server)
{
    auto key = std::make_pair(server.GetIpv4().Get(), server.GetPort());
    if (m_listeners.count(key))
    {
        return;
    }
    // Listening as the server's own address: the node's TCP answers the client's SYN as if it
    // were the server (a transparent proxy).
    Ptr<Socket> listener = NewSocket();
    NS_ABORT_MSG_IF(listener->Bind(server) != 0, "AsaTcpProxy: cannot listen as the server");
    listener->Listen();
    listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                MakeCallback(&AsaTcpProxy::Accept, this));
    m_listeners[key] = listener;
}

void
AsaTcpProxy::Relay(AsaSide from, Ptr<const Packet> datagram, AsaFlowCounters* flow)
{
    NS_ABORT_MSG_IF(!m_tcp, "AsaFirewall: proxy mode needs Install() on a node");
    Ptr<Packet> p = datagram->Copy();
    Ipv4Header ip;
    p->RemoveHeader(ip);
    TcpHeader tcp;
    p->RemoveHeader(tcp);
    if ((tcp.GetFlags() & TcpHeader::SYN) && !(tcp.GetFlags() & TcpHeader::ACK))
    {
        EnsureListener(InetSocketAddress(ip.GetDestination(), tcp.GetDestinationPort()));
        m_pending[{ip.GetSource().Get(), tcp.GetSourcePort()}] = flow;
    }
    // The server side's socket lives at the ASA's own address (ns-3's TCP takes its local
    // address from the route when it connects); it speaks as the client on the wire, so the
    // server's replies, addressed to the client, are turned to that socket here.
    Splice* toClient = FindByClient(ip.GetDestination(), tcp.GetDestinationPort());
    if (toClient && toClient->serverLocal.GetPort() != 0
        && ip.GetSource() == toClient->server.GetIpv4()
        && tcp.GetSourcePort() == toClient->server.GetPort())
    {
        ip.SetDestination(toClient->serverLocal.GetIpv4());
    }
    Splice* fromClient = FindByClient(ip.GetSource(), tcp.GetSourcePort());
    // Real bytes, real checksums: recomputed for whichever pseudo-header TCP will check.
    tcp.EnableChecksums();
    tcp.InitializeChecksum(ip.GetSource(), ip.GetDestination(), TcpL4Protocol::PROT_NUMBER);
    p->AddHeader(tcp);
    int32_t interface = m_ipv4->GetInterfaceForDevice(m_devices[static_cast<int>(from)]);
    m_tcp->Receive(p, ip, m_ipv4->GetInterface(interface));
    // An out-of-order segment changes what is held without anything to relay.
    for (Splice* splice : {toClient, fromClient})
    {
        if (splice)
        {
            UpdateHeld(*splice);
        }
    }
}

void
AsaTcpProxy::SendDown(Ptr<Packet> packet, Ipv4Address source, Ipv4Address destination,
                      uint8_t protocol, Ptr<Ipv4Route> route)
{
    TcpHeader peeked;
    packet->PeekHeader(peeked);
    NS_LOG_LOGIC("down " << source << ":" << peeked.GetSourcePort() << " > " << destination << ":"
                         << peeked.GetDestinationPort());
    // The server side's segments: from the client's port (the server side binds it, so it names
    // one splice) to the server. The client side sends to the client, so it never matches.
    auto bound = m_byServerSidePort.find(peeked.GetSourcePort());
    if (bound != m_byServerSidePort.end())
    {
        Splice* splice = bound->second;
        if (source != splice->client.GetIpv4() && destination == splice->server.GetIpv4()
            && peeked.GetDestinationPort() == splice->server.GetPort())
        {
            // The SYN, sent from inside Connect(), is the first to come here: it tells which
            // local address ns-3 chose, for turning the replies back to this socket.
            splice->serverLocal = InetSocketAddress(source, peeked.GetSourcePort());
            // Transparent: the server sees the client's address, as through a routed ASA.
            TcpHeader tcp;
            packet->RemoveHeader(tcp);
            source = splice->client.GetIpv4();
            tcp.EnableChecksums();
            tcp.InitializeChecksum(source, destination, protocol);
            packet->AddHeader(tcp);
        }
    }
    m_down(packet, source, destination, protocol, route);
}

void
AsaTcpProxy::Accept(Ptr<Socket> socket, const Address& from)
{
    InetSocketAddress client = InetSocketAddress::ConvertFrom(from);
    NS_LOG_INFO("accepted " << client.GetIpv4() << ":" << client.GetPort());
    Address local;
    socket->GetSockName(local);
    auto splice = std::make_unique<Splice>();
    splice->client = client;
    splice->server = InetSocketAddress::ConvertFrom(local);
    auto pending = m_pending.find({client.GetIpv4().Get(), client.GetPort()});
    if (pending != m_pending.end())
    {
        splice->counters = pending->second;
        m_pending.erase(pending);
    }
    splice->clientSide = socket;
    // The server side speaks as the client's own address and port.
    splice->serverSide = NewSocket();
    NS_ABORT_MSG_IF(
        splice->serverSide->Bind(InetSocketAddress(Ipv4Address::GetAny(), client.GetPort())) != 0,
        "AsaTcpProxy: client port " << client.GetPort() << " already in use");
    splice->serverSide->SetConnectCallback(MakeCallback(&AsaTcpProxy::ServerConnected, this),
                                           MakeCallback(&AsaTcpProxy::CloseBoth, this));
    splice->serverSide->SetRecvCallback(MakeCallback(&AsaTcpProxy::PassOn, this));
    splice->serverSide->SetCloseCallbacks(MakeCallback(&AsaTcpProxy::CloseBoth, this),
                                          MakeCallback(&AsaTcpProxy::CloseBoth, this));
    socket->SetRecvCallback(MakeCallback(&AsaTcpProxy::PassOn, this));
    socket->SetCloseCallbacks(MakeCallback(&AsaTcpProxy::CloseBoth, this),
                              MakeCallback(&AsaTcpProxy::CloseBoth, this));
    Ptr<Socket> serverSide = splice->serverSide;
    InetSocketAddress server = splice->server;
    // Indexed before Connect(): its SYN must find the splice.
    m_bySocket[PeekPointer(socket)] = splice.get();
    m_bySocket[PeekPointer(serverSide)] = splice.get();
    m_byServerSidePort[client.GetPort()] = splice.get();
    m_splices[{client.GetIpv4().Get(), client.GetPort()}] = std::move(splice);
    serverSide->Connect(server);
    PassOn(socket); // data that arrived with or right after the handshake
}

void
AsaTcpProxy::ServerConnected(Ptr<Socket> socket)
{
    Splice* splice = FindBySocket(socket);
    if (!splice)
    {
        return;
    }
    splice->serverConnected = true;
    NS_LOG_INFO("server side connected for " << splice->client.GetIpv4() << ":"
                                             << splice->client.GetPort());
    while (!splice->toServer.empty())
    {
        splice->serverSide->Send(splice->toServer.front());
        splice->toServer.pop_front();
    }
    UpdateHeld(*splice);
}

void
AsaTcpProxy::PassOn(Ptr<Socket> socket)
{
    Splice* splice = FindBySocket(socket);
    if (!splice)
    {
        return;
    }
    bool fromClient = socket == splice->clientSide;
    NS_LOG_LOGIC("relay from " << (fromClient ? "client" : "server") << " side");
    // Each read takes what TCP has delivered in order since the last one: one segment while
    // nothing is missing.
    while (Ptr<Packet> chunk = socket->Recv())
    {
        if (chunk->GetSize() == 0)
        {
            break;
        }
        if (!fromClient)
        {
            splice->clientSide->Send(chunk);
        }
        else if (splice->serverConnected)
        {
            splice->serverSide->Send(chunk);
        }
        else
        {
            splice->toServer.push_back(chunk);
        }
    }
    UpdateHeld(*splice);
}

void
AsaTcpProxy::UpdateHeld(Splice& splice)
{
    // Bytes the proxy has but cannot pass on: out of order in either receive buffer, or
    // waiting for the server connection.
    uint64_t held = 0;
    for (const Ptr<Socket>& s : {splice.clientSide, splice.serverSide})
    {
        Ptr<TcpSocketBase> tcp = DynamicCast<TcpSocketBase>(s);
        if (tcp && tcp->GetRxBuffer())
        {
            held += tcp->GetRxBuffer()->Size() - tcp->GetRxBuffer()->Available();
        }
    }
    for (const auto& chunk : splice.toServer)
    {
        held += chunk->GetSize();
    }
    if (held != splice.held && !m_held.IsNull())
    {
        m_held(static_cast<int64_t>(held) - static_cast<int64_t>(splice.held), splice.counters);
        splice.held = held;
    }
}

void
AsaTcpProxy::CloseBoth(Ptr<Socket> socket)
{
    Splice* splice = FindBySocket(socket);
    if (!splice || splice->closing)
    {
        return; // closing a socket can call back here; the other side is closed once
    }
    splice->closing = true;
    (socket == splice->clientSide ? splice->serverSide : splice->clientSide)->Close();
}

AsaTcpProxy::Splice*
AsaTcpProxy::FindBySocket(Ptr<Socket> socket)
{
    auto it = m_bySocket.find(PeekPointer(socket));
    return it == m_bySocket.end() ? nullptr : it->second;
}

AsaTcpProxy::Splice*
AsaTcpProxy::FindByClient(Ipv4Address address, uint16_t port)
{
    auto it = m_splices.find({address.Get(), port});
    return it == m_splices.end() ? nullptr : it->second.get();
}

void
AsaTcpProxy::Forget(AsaFlowCounters* flow)
{
    for (auto& [client, splice] : m_splices)
    {
        if (splice->counters == flow)
        {
            splice->counters = nullptr;
        }
    }
    for (auto& [client, counters] : m_pending)
    {
        if (counters == flow)
        {
            counters = nullptr;
        }
    }
}

void
AsaTcpProxy::DoDispose()
{
    m_bySocket.clear();
    m_byServerSidePort.clear();
    m_splices.clear();
    m_listeners.clear();
    m_pending.clear();
    m_held = HeldCallback();
    m_devices = {};
    m_down = IpL4Protocol::DownTargetCallback();
    m_node = nullptr;
    m_ipv4 = nullptr;
    m_tcp = nullptr;
    AsaInspection::DoDispose();
}

} // namespace ns3
