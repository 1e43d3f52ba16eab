/*
 * Classic pcap files of whole IPv4 datagrams, written through libpcap.
 *
 * The link type is LINKTYPE_RAW (101): each record is an IPv4 datagram with no link-layer
 * header, which Wireshark/tshark decode directly (doc/tshark.md §Pcap files). The same
 * writer serves the simulation and the real-socket runner, so their captures compare field by
 * field.
 */
#ifndef VPNSIM_WIRE_PCAP_WRITER_H
#define VPNSIM_WIRE_PCAP_WRITER_H

#include "model/wire/bytes.h"
#include "model/wire/result.h"

#include <cstdint>
#include <memory>
#include <string>

namespace vpnsim
{
namespace wire
{

/// Writes IPv4 datagrams to a classic pcap file (libpcap's dump API).
class PcapWriter
{
  public:
    /// Largest record kept whole; longer datagrams are cut to this (and flagged by tshark).
    static constexpr int kSnapLength = 65535;

    /// Creates (truncates) the file at `path`. Fails with a message naming the path.
    static Result<PcapWriter> Open(const std::string& path);

    PcapWriter(PcapWriter&&) noexcept;
    PcapWriter& operator=(PcapWriter&&) noexcept;
    ~PcapWriter();

    /// Appends one datagram captured at `timeNs` nanoseconds (pcap keeps microseconds).
    void Write(uint64_t timeNs, ByteView datagram);

    /// Flushes buffered records to disk (the destructor closes the file).
    void Flush();

    /// Number of records written so far.
    uint64_t Count() const
    {
        return m_count;
    }

  private:
    struct Handle;
    explicit PcapWriter(std::unique_ptr<Handle> handle);

    std::unique_ptr<Handle> m_handle;
    uint64_t m_count{0};
};

} // namespace wire
} // namespace vpnsim

#endif // VPNSIM_WIRE_PCAP_WRITER_H
