/*
 * A NAT on a router between an inside (private) and an outside (public) network: static NAT,
 * or PAT (many inside hosts behind one outside address), with the idle timeouts that make an
 * idle NAT-T tunnel lose its mapping unless NAT-keepalives refresh it (RFC 3948 section 4).
 *
 * The model follows the Cisco ASA (doc/protocols.md §NAT and PAT), where a PAT translation
 * ("xlate", inside address and port <-> outside port) carries connections ("conns", one per remote
 * address and port):
 *
 * - outbound TCP/UDP creates the xlate if needed and a conn to its destination; every packet
 *   of a conn, in either direction, restarts the conn's idle timer (ASA conn timers; RFC 4787
 *   REQ-6 requires outbound refresh and allows inbound);
 * - a conn dies after TcpTimeout (`timeout conn`, 1 h) or UdpTimeout (`timeout udp`, 2 min)
 *   idle; an xlate's own idle timer starts only when all its conns are gone (TAC 115992) and
 *   runs PatXlateTimeout (`timeout pat-xlate`, 30 s). So an xlate is removed after
 *   conn-timeout + pat-xlate of silence (UDP: 2 min 30 s); until then an outbound packet gets
 *   the same outside port back, while inbound packets are dropped once their conn is gone
 *   (TCP FIN and RST are not tracked: TCP conns end by idleness too);
 * - inbound packets are accepted only on a live conn (address-and-port-dependent filtering,
 *   as a stateful firewall does; RFC 4787 section 5): no xlate for the outside port is
 *   "no-translation", an xlate without a conn for that remote is "no-connection";
 * - outside ports: UDP 500 (IKE) and 4500 (NAT-T) keep their number when it is free, as many
 *   NATs preserve these ports; everything else, and those when taken, gets the next free port
 *   of 1024-65535 in order (deterministic, no randomness);
 * - native ESP (IP protocol 50) has no ports, so PAT cannot multiplex it and drops it
 *   ("esp-no-pat") unless EspPassThrough is on. Then ESP is translated by address only, in
 *   the manner of ASA `fixup protocol esp-ike` and IOS "IPsec ESP through NAT": outbound ESP
 *   makes a conn inside host <-> peer, and inbound ESP from that peer goes to that host; one
 *   inside host per peer at a time ("esp-peer-in-use"). The conn times out after EspTimeout
 *   (ASA per-protocol esp idle, 30 s, Cisco doc 222075), the xlate pat-xlate after that;
 * - other protocols (ICMP included: query IDs are not translated) are not PATed
 *   ("pat-unsupported"), and fragments of TCP/UDP cannot be ("fragment"; vpnsim sends DF).
 *
 * Static NAT (AddStaticMapping) translates addresses only, every protocol, in both directions,
 * with no state and no timeout; it takes precedence over PAT. In Mode "static", inside hosts
 * without a static mapping pass untranslated.
 *
 * Translation rewrites the real bytes with model/wire (TranslateIpv4Datagram): the IPv4 header
 * checksum is recomputed and the TCP/UDP checksum adjusted (RFC 1624), a zero UDP checksum
 * stays zero. Traffic to the router itself is not translated. The router needs the global
 * ChecksumEnabled (vpnsim's ns-3 packets carry real bytes and real checksums).
 */
#ifndef VPNSIM_MODEL_NAT_DEVICE_H
#define VPNSIM_MODEL_NAT_DEVICE_H

#include "model/ipv4-ingress-hook.h"
#include "model/wire/ipv4-translate.h"

#include <cstdint>
#include <map>
#include <ns3/event-id.h>
#include <ns3/ipv4-address.h>
#include <ns3/net-device.h>
#include <ns3/nstime.h>
#include <ns3/object.h>
#include <ns3/packet.h>
#include <ns3/traced-callback.h>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace ns3
{

class Ipv4L3Protocol;

class NatDevice : public Object
{
  public:
    enum Mode
    {
        PAT,    ///< many inside hosts share OutsideAddress, told apart by port
        STATIC, ///< only the static mappings translate
    };

    /// One dynamic translation (a PAT xlate), as reported by traces and GetMappings.
    struct Mapping
    {
        uint8_t protocol{0}; ///< 6 TCP, 17 UDP, 50 ESP (pass-through)
        Ipv4Address insideAddress;
        uint16_t insidePort{0}; ///< 0 for ESP
        Ipv4Address outsideAddress;
        uint16_t outsidePort{0}; ///< 0 for ESP
        uint32_t connections{0}; ///< conns alive when reported
        Time created;
        Time lastUsed; ///< last packet of any of its conns, either direction
    };

    /// Drop reasons (the Drop trace and GetDrops).
    static constexpr const char* kNoTranslation = "no-translation";
    static constexpr const char* kNoConnection = "no-connection";
    static constexpr const char* kEspNoPat = "esp-no-pat";
    static constexpr const char* kEspPeerInUse = "esp-peer-in-use";
    static constexpr const char* kPatUnsupported = "pat-unsupported";
    static constexpr const char* kPatExhausted = "pat-exhausted";
    static constexpr const char* kFragment = "fragment";
    static constexpr const char* kMalformed = "malformed";

    /// Signature of the Translate and Drop traces: the datagram (after translation for
    /// Translate, as received for Drop) and the direction ("outbound"/"inbound") or reason.
    typedef void (*PacketReasonCallback)(Ptr<const Packet> datagram, std::string what);
    /// Signature of the MappingCreated and MappingExpired traces.
    typedef void (*MappingCallback)(const Mapping& mapping);

    static TypeId GetTypeId();
    NatDevice();
    ~NatDevice() override;

    /// Puts the NAT on the router that owns both devices: datagrams arriving on `inside` are
    /// translated outbound, those arriving on `outside` inbound. The NatDevice is aggregated to
    /// the router node (one per router). Call once.
    void Install(Ptr<NetDevice> inside, Ptr<NetDevice> outside);

    /// Static NAT of `inside` to `outside` (addresses only, all protocols, no timeout).
    void AddStaticMapping(Ipv4Address inside, Ipv4Address outside);

    /// The PAT address (OutsideAddress, or the outside interface's address).
    Ipv4Address GetOutsideAddress() const;

    /// How long a PAT mapping of `protocol` may be idle before it is removed: its conn
    /// timeout plus PatXlateTimeout.
    Time GetMappingIdleLimit(uint8_t protocol) const;

    /// Datagrams dropped for `reason` (one of the k* reasons).
    uint64_t GetDrops(const std::string& reason) const;
    /// All drops.
    uint64_t GetDrops() const;
    /// Datagrams translated (both directions).
    uint64_t GetTranslations() const;
    /// Dynamic mappings removed by their timeout.
    uint64_t GetExpiredMappings() const;
    /// The dynamic mappings alive now.
    std::vector<Mapping> GetMappings() const;

  protected:
    void DoDispose() override;

  private:
    /// Protocol, inside address, inside port (0 for ESP).
    using XlateKey = std::tuple<uint8_t, uint32_t, uint16_t>;
    /// Remote address and port of one conn (port 0 for ESP).
    using Remote = std::pair<uint32_t, uint16_t>;

    struct Xlate
    {
        Mapping mapping;
        std::map<Remote, Time> conns; ///< remote -> last packet
        EventId expiry;
    };

    void FromInside(Ptr<NetDevice> device, Ptr<const Packet> datagram);
    void FromOutside(Ptr<NetDevice> device, Ptr<const Packet> datagram);
    void Drop(Ptr<const Packet> datagram, const std::string& reason);
    /// Rewrites and passes on, or drops as malformed when the bytes cannot be rewritten.
    void Forward(Ptr<NetDevice> device, Ptr<const Packet> datagram,
                 const vpnsim::wire::Ipv4Translation& translation, const char* direction);

    Time ConnTimeout(uint8_t protocol) const;
    bool ConnAlive(const Xlate& x, const Remote& remote) const;
    /// Counts a packet of conn `remote` now.
    void Touch(Xlate& x, const Remote& remote);
    Xlate* CreateXlate(const XlateKey& key, uint16_t outsidePort);
    std::optional<uint16_t> AllocatePort(uint8_t protocol, uint16_t insidePort);
    void CheckExpiry(XlateKey key);
    Mapping Report(const Xlate& x) const;
    bool IsForRouter(uint32_t destination, Ptr<NetDevice> device) const;

    // Attributes.
    Mode m_mode{PAT};
    Ipv4Address m_outsideAddress;
    Time m_udpTimeout;
    Time m_tcpTimeout;
    Time m_espTimeout;
    Time m_patXlateTimeout;
    bool m_espPassThrough{false};

    Ptr<NetDevice> m_inside;
    Ptr<NetDevice> m_outside;
    Ptr<Ipv4IngressHook> m_hook;
    Ptr<Ipv4L3Protocol> m_ipv4;

    std::map<uint32_t, uint32_t> m_staticOut; ///< inside -> outside
    std::map<uint32_t, uint32_t> m_staticIn;  ///< outside -> inside
    std::map<XlateKey, Xlate> m_xlates;
    std::map<std::pair<uint8_t, uint16_t>, XlateKey> m_byOutsidePort; ///< TCP/UDP
    std::map<uint32_t, uint32_t> m_espPeer; ///< ESP pass-through: peer -> inside host
    std::map<uint8_t, uint16_t> m_nextPort; ///< per protocol

    std::map<std::string, uint64_t> m_drops;
    uint64_t m_translations{0};
    uint64_t m_expired{0};

    TracedCallback<Ptr<const Packet>, std::string> m_translateTrace;
    TracedCallback<Ptr<const Packet>, std::string> m_dropTrace;
    TracedCallback<const Mapping&> m_createdTrace;
    TracedCallback<const Mapping&> m_expiredTrace;
};

} // namespace ns3

#endif // VPNSIM_MODEL_NAT_DEVICE_H
