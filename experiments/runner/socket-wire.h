/*
 * The runner's sockets: what each encapsulation needs on a real host, opened while the runner
 * is still root, and the poll loop that feeds the endpoint.
 *
 * - cTCP: a raw IPPROTO_RAW socket (IP_HDRINCL) sends the engine's whole segments; a raw
 *   IPPROTO_TCP socket receives every TCP segment to this address, and the engine's demux keeps
 *   those for the cTCP port. The kernel's own RSTs are dropped by RstGuard.
 * - NAT-T: UDP sockets on 500 and 4500 (checksum sent as zero, RFC 3948 2.1; no UDP_ENCAP,
 *   which would hand ESP to the kernel's absent IPsec, doc/testbed.md §UDP 4500 and ESP).
 * - native ESP: UDP 500 for IKE, the raw IPPROTO_RAW socket to send ESP, a raw protocol-50
 *   socket to receive it (its presence also keeps the kernel from answering ICMP unreachable).
 * - AnyConnect: kernel TCP connections: the client's one, and one per client the headend
 *   accepts on its listening socket, each carrying its own tunnel.
 * - Inner side: an optional TUN interface.
 */
#ifndef VPNSIM_RUNNER_SOCKET_WIRE_H
#define VPNSIM_RUNNER_SOCKET_WIRE_H

#include "experiments/runner/runner-config.h"
#include "experiments/runner/runner-endpoint.h"

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vpnsim
{
namespace runner
{

class SocketWire : public RunnerWire
{
  public:
    explicit SocketWire(const RunnerConfig& config);
    ~SocketWire() override;
    SocketWire(const SocketWire&) = delete;
    SocketWire& operator=(const SocketWire&) = delete;

    /// Opens the sockets (and the TUN) this configuration needs; a message on failure.
    std::optional<std::string> Open();

    /// Runs the loop until `durationS` has passed or a signal (INT, TERM, HUP) arrives.
    /// Returns the seconds it ran.
    double Run(RunnerEndpoint& endpoint, PosixHost& host, double durationS);

    /// Gives the kernel up to `seconds` to take the stream bytes still waiting (AnyConnect).
    void Drain(double seconds);

    /// Whether a signal ended the run early.
    bool Interrupted() const
    {
        return m_interrupted;
    }

    bool SendRaw(wire::ByteView datagram, uint32_t destination) override;
    bool SendUdp(uint16_t sourcePort, uint32_t destination, uint16_t destinationPort,
                 wire::ByteView payload) override;
    void SendStream(engine::TunnelId tunnel, wire::ByteView bytes) override;
    bool WriteTun(wire::ByteView packet) override;

  private:
    void ReadRaw(RunnerEndpoint& endpoint);
    void ReadUdp(RunnerEndpoint& endpoint, int fd, uint16_t localPort);
    void ReadTun(RunnerEndpoint& endpoint);
    /// One AnyConnect TCP connection and the bytes the kernel had no room for yet.
    struct Stream
    {
        int fd{-1};
        bool connecting{false};
        std::vector<uint8_t> backlog;
        size_t backlogStart{0};
    };

    void ReadStream(RunnerEndpoint& endpoint, engine::TunnelId tunnel);
    void AcceptStream(RunnerEndpoint& endpoint);
    void FinishConnect(RunnerEndpoint& endpoint, engine::TunnelId tunnel);
    void FlushStream(Stream& stream);
    void CloseStream(RunnerEndpoint& endpoint, engine::TunnelId tunnel, const std::string& detail);

    RunnerConfig m_config;
    int m_rawSend{-1};
    int m_rawReceive{-1};
    int m_udp500{-1};
    int m_udp4500{-1};
    int m_listen{-1};
    std::map<engine::TunnelId, Stream> m_streams;
    int m_tun{-1};
    int m_signals{-1};
    bool m_interrupted{false};
    std::vector<uint8_t> m_buffer;
};

} // namespace runner
} // namespace vpnsim

#endif // VPNSIM_RUNNER_SOCKET_WIRE_H
