/*
 * The runner's driver of the engine's Endpoint (model/engine/endpoint.h), the same endpoint
 * the simulation runs: it turns the runner's configuration into the endpoint's settings, is
 * the endpoint's host over a PosixHost clock and a RunnerWire, and keeps what only a testbed
 * run needs: the inner side (TUN packets, probes and echoes), the pcap of the outer wire, and
 * the run record. A client can run several tunnels (--tunnels), each from its own cTCP source
 * port and inner address with probes of its own; a headend serves every client that comes.
 * The sockets are a RunnerWire, so a unit test can drive the whole receive path with crafted
 * bytes.
 */
#ifndef VPNSIM_RUNNER_RUNNER_ENDPOINT_H
#define VPNSIM_RUNNER_RUNNER_ENDPOINT_H

#include "experiments/runner/posix-host.h"
#include "experiments/runner/probe.h"
#include "experiments/runner/runner-config.h"
#include "model/engine/endpoint.h"
#include "model/engine/run-record.h"
#include "model/wire/pcap-writer.h"

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace vpnsim
{
namespace runner
{

/// What the endpoint needs from the OS (real sockets, or a test's fakes). Sends return false
/// when the kernel refused the packet.
class RunnerWire
{
  public:
    virtual ~RunnerWire() = default;
    /// A whole IPv4 datagram (cTCP segment or ESP) for a raw IP_HDRINCL socket.
    virtual bool SendRaw(wire::ByteView datagram, uint32_t destination) = 0;
    /// A UDP payload from local port `sourcePort` (500 or 4500).
    virtual bool SendUdp(uint16_t sourcePort, uint32_t destination, uint16_t destinationPort,
                         wire::ByteView payload)
        = 0;
    /// Bytes for the kernel TCP stream of `tunnel` (AnyConnect: a headend has one per client).
    virtual void SendStream(engine::TunnelId tunnel, wire::ByteView bytes) = 0;
    /// An inner packet for the TUN interface; false if there is none.
    virtual bool WriteTun(wire::ByteView packet) = 0;
};

/// The runner's own counters (the engine keeps its own).
struct RunnerCounters
{
    uint64_t outerSent{0};
    uint64_t outerSendErrors{0};
    uint64_t outerReceived{0}; ///< handed to a tunnel
    uint64_t rawMalformed{0};  ///< not a well-formed IPv4 datagram
    uint64_t rawFragments{0};
    uint64_t rawNotOurs{0}; ///< another protocol, destination, peer or port
    uint64_t udpNotOurs{0}; ///< a UDP datagram on a port this encapsulation does not use
    uint64_t unclaimed{0};  ///< taken, but of no tunnel (a headend's unknown client, no route)
    uint64_t streamBytesSent{0};
    uint64_t streamBytesReceived{0};
    uint64_t innerFromTun{0};
    uint64_t innerFromTunNotIpv4{0}; ///< e.g. the IPv6 router solicitation of a new TUN
    uint64_t innerDelivered{0};      ///< inner packets out of the tunnel, probes included
    uint64_t innerBytesDelivered{0};
    uint64_t innerToTun{0};
    uint64_t innerNoTun{0}; ///< delivered inner packets with nowhere to go
    uint64_t probesSent{0};
    uint64_t probesReceived{0};
    uint64_t probeBytesReceived{0};
    uint64_t echoesSent{0};
    uint64_t echoesReceived{0};
    double echoRttSumMs{0};
};

class RunnerEndpoint : public engine::EndpointHost
{
  public:
    /// `config` must have passed ParseRunnerArgs; Validate() tells whether the engine agrees.
    RunnerEndpoint(const RunnerConfig& config, PosixHost& host, RunnerWire& wire);
    ~RunnerEndpoint() override;
    RunnerEndpoint(const RunnerEndpoint&) = delete;
    RunnerEndpoint& operator=(const RunnerEndpoint&) = delete;

    /// The engine's verdict on the configuration (a message naming what is wrong), if any.
    std::optional<std::string> Validate() const;

    /// Writes a pcap of the outer packets from now on.
    void SetPcap(wire::PcapWriter pcap);

    /// IPsec: opens the transport, and the client starts IKE. AnyConnect waits for the stream.
    void Start();

    /// A kernel TCP stream (AnyConnect) is connected (a client's, tunnel 0) or accepted from
    /// `peer` (a headend's new client); returns the tunnel it carries. Its tunnel starts: TLS.
    engine::TunnelId StreamConnected(engine::PeerAddress peer = {});

    /// The stream of `tunnel` could not be opened, or the peer closed it.
    void StreamClosed(engine::TunnelId tunnel, const std::string& detail);

    // Receive path: everything the sockets hand up. Nothing here trusts the bytes.
    /// A datagram from a raw socket (IPv4 header first).
    void ReceiveRaw(wire::ByteView datagram);
    /// A UDP payload that arrived on local port `localPort` from `source`:`sourcePort`.
    void ReceiveUdp(uint32_t source, uint16_t sourcePort, uint16_t localPort,
                    wire::ByteView payload);
    /// Bytes from the kernel TCP stream of `tunnel`, in any chunking.
    void ReceiveStream(engine::TunnelId tunnel, wire::ByteView bytes);
    /// A packet read from the TUN interface.
    void ReceiveTun(wire::ByteView packet);

    /// The run is over: an AnyConnect client says goodbye (CSTP DISCONNECT), as a user who
    /// disconnects would, so that the headend does not take the closing socket for a failure.
    void Finish();

    /// Sends the probes that are due; returns when the next one is (none: no probing now).
    std::optional<engine::Nanos> SendDueProbes();

    /// The local TCP port of the `tunnel`-th cTCP tunnel (a client's source port; a headend's
    /// cTCP port).
    uint16_t CtcpLocalPort(engine::TunnelId tunnel = 0) const
    {
        return m_endpoint->CtcpLocalPort(tunnel);
    }

    /// The first tunnel (the client's first, the headend's first client's).
    bool IsUp() const;
    bool EverUp() const;

    /// Whether the first tunnel has gone down for good (the engine never restarts it).
    bool Ended() const;

    const RunnerCounters& Counters() const
    {
        return m_counters;
    }

    /// The engine endpoint and its tunnels.
    const engine::Endpoint& GetEndpoint() const
    {
        return *m_endpoint;
    }

    /// The first tunnel's IPsec tunnel (null for AnyConnect, or before there is one).
    const engine::IpsecTunnel* Ipsec() const;

    /// The first tunnel's AnyConnect tunnel (null for IPsec, or before there is one).
    const engine::AnyConnectTunnel* AnyConnect() const;

    /// One short line of state and counters, for logs.
    std::string StatusLine() const;

    /// The run record after `elapsedS` seconds (source "testbed"): the first tunnel's, with
    /// each tunnel's outcome in the parameters when there are several.
    engine::RunRecord Record(double elapsedS) const;

    // engine::EndpointHost
    engine::Nanos Now() const override;
    engine::TimerId StartTimer(engine::Nanos at, std::function<void()> callback) override;
    void CancelTimer(engine::TimerId id) override;
    uint32_t Random32() override;
    void SendOuter(const engine::OuterPacket& packet) override;
    void SendTunnelStream(engine::TunnelId tunnel, wire::ByteView bytes) override;
    void DeliverInner(wire::ByteView innerPacket) override;
    void TunnelStatusChanged(engine::TunnelId tunnel, const engine::TunnelStatus& status) override;
    void TunnelDropped(engine::TunnelId tunnel, engine::DropReason reason, wire::ByteView packet,
                       const std::string& detail) override;
    void TunnelLiveness(engine::TunnelId tunnel, engine::LivenessEvent event) override;
    void OuterReceived(engine::TunnelId tunnel, wire::ByteView packet) override;
    void Unclaimed(const std::string& reason, wire::ByteView packet) override;

  private:
    /// What the runner follows of each tunnel.
    struct TunnelRun
    {
        std::optional<engine::Nanos> firstUp;
        std::optional<engine::Nanos> down;
        uint64_t probeSequence{0};
        uint64_t probesSent{0};
        uint64_t echoesReceived{0};
    };

    TunnelRun& Run(engine::TunnelId tunnel);
    void SendInner(wire::ByteView inner);
    void Capture(wire::ByteView datagram);
    uint16_t NextIpId()
    {
        return m_ipId++;
    }

    RunnerConfig m_config;
    PosixHost& m_host;
    RunnerWire& m_wire;
    std::optional<std::string> m_invalid;
    uint16_t m_ipId{0}; ///< IPv4 ID of the next datagram this end builds (outer or inner)
    std::optional<wire::PcapWriter> m_pcap;
    /// The datagram being handed to the endpoint, captured once a tunnel takes it.
    std::function<void()> m_captureReceived;
    RunnerCounters m_counters;
    std::vector<TunnelRun> m_runs;
    std::optional<engine::Nanos> m_nextProbe;
    std::optional<engine::Nanos> m_lastProbeReceived;
    struct FileClose
    {
        void operator()(std::FILE* f) const
        {
            std::fclose(f);
        }
    };
    /// SSLKEYLOGFILE, when set: each AnyConnect session's key-log line as it comes up.
    std::unique_ptr<std::FILE, FileClose> m_keyLog;
    // Last, so that its tunnels go while this host is whole.
    std::unique_ptr<engine::Endpoint> m_endpoint;
};

} // namespace runner
} // namespace vpnsim

#endif // VPNSIM_RUNNER_RUNNER_ENDPOINT_H
