/*
 * The ns-3 sockets of one VpnEndpoint, opened for its encapsulation, and the way each carries
 * the engine Endpoint's outer packets and streams:
 *
 * - cTCP: the engine's own TCP segments through a raw IPv4 socket (protocol 6); the node's TCP
 *   stack is kept from answering them by an endpoint on the cTCP port that swallows them;
 * - NAT-T: UDP sockets on the IKE and NAT-T ports; native ESP: a raw socket for protocol 50
 *   and UDP on the IKE port;
 * - AnyConnect: ns-3's own TCP (TcpSocketBase) to the headend's TLS port, so losses are really
 *   repaired; a headend accepts one connection per client, each carrying its tunnel's stream.
 *
 * What arrives goes to the engine as it is; which tunnel it belongs to is the engine's call.
 */
#ifndef VPNSIM_VPN_SOCKETS_H
#define VPNSIM_VPN_SOCKETS_H

#include "model/engine/endpoint.h"
#include "ns3/ipv4-address.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/socket.h"

#include <deque>
#include <map>

namespace ns3
{

class Ipv4EndPoint;

/// The bytes of an ns-3 packet.
vpnsim::wire::Bytes PacketBytes(Ptr<const Packet> packet);

/// An ns-3 packet of `bytes` (an empty one for none).
Ptr<Packet> BytesPacket(vpnsim::wire::ByteView bytes);

/// The sockets of one endpoint on one node.
class VpnSockets
{
  public:
    /// `endpoint` is where what arrives goes; it must outlive the sockets' callbacks (Close).
    VpnSockets(Ptr<Node> node, vpnsim::engine::Endpoint& endpoint);
    ~VpnSockets();
    VpnSockets(const VpnSockets&) = delete;
    VpnSockets& operator=(const VpnSockets&) = delete;

    /// Opens what the endpoint's encapsulation needs; a client's AnyConnect connection starts
    /// (the engine hears of it through StreamOpened or StreamClosed).
    void Open();

    /// Closes every socket; nothing more reaches the engine.
    void Close();

    /// One outer packet of the engine's, `packet` being its payload as an ns-3 packet.
    void SendOuter(const vpnsim::engine::OuterPacket& outer, Ptr<Packet> packet);

    /// Bytes of the stream that carries `tunnel`; what TCP has no room for waits.
    void SendStream(vpnsim::engine::TunnelId tunnel, vpnsim::wire::ByteView bytes);

  private:
    /// One AnyConnect TCP connection and the bytes its send buffer had no room for yet.
    struct Stream
    {
        Ptr<Socket> socket;
        std::deque<uint8_t> backlog;
    };

    Ipv4Address Local() const;
    Ptr<Socket> MakeUdp(uint16_t port);
    Ptr<Socket> MakeRaw(uint16_t protocol);
    /// An AnyConnect TCP socket whose segment size is the settings', or what the outer
    /// interface's MTU allows.
    Ptr<Socket> MakeStream();
    void GuardCtcpPort();
    void ReceiveUdp(Ptr<Socket> socket);
    void ReceiveRaw(Ptr<Socket> socket);
    void Accept(Ptr<Socket> socket, const Address& from);
    void Connected(Ptr<Socket> socket);
    void ConnectFailed(Ptr<Socket> socket);
    void OpenStream(vpnsim::engine::TunnelId tunnel, Ptr<Socket> socket);
    void ReceiveStream(Ptr<Socket> socket);
    void DrainStream(Ptr<Socket> socket, uint32_t available);

    Ptr<Node> m_node;
    vpnsim::engine::Endpoint& m_endpoint;
    Ptr<Socket> m_ike;
    Ptr<Socket> m_natt;
    Ptr<Socket> m_raw;
    Ptr<Socket> m_listen;
    Ptr<Socket> m_connecting; ///< the client's AnyConnect connection until it is open
    Ipv4EndPoint* m_tcpGuard{nullptr};
    std::map<Ptr<Socket>, vpnsim::engine::TunnelId> m_streamTunnel;
    std::map<vpnsim::engine::TunnelId, Stream> m_streams;
};

} // namespace ns3

#endif // VPNSIM_VPN_SOCKETS_H
