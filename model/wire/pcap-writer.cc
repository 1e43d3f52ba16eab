#include "model/wire/pcap-writer.h"

#include <pcap/pcap.h>

namespace vpnsim
{
namespace wire
{

struct PcapWriter::Handle
{
    pcap_t* pcap{nullptr};
    pcap_dumper_t* dumper{nullptr};

    ~Handle()
    {
        if (dumper != nullptr)
        {
            pcap_dump_close(dumper);
        }
        if (pcap != nullptr)
        {
            pcap_close(pcap);
        }
    }
};

Result<PcapWriter>
PcapWriter::Open(const std::string& path)
{
    auto handle = std::make_unique<Handle>();
    // DLT_RAW is written to the file as LINKTYPE_RAW (101): bare IPv4, no link header.
    handle->pcap = pcap_open_dead(DLT_RAW, kSnapLength);
    if (handle->pcap == nullptr)
    {
        return Result<PcapWriter>::Fail(ErrorCode::Unsupported, "pcap: libpcap refused DLT_RAW");
    }
    handle->dumper = pcap_dump_open(handle->pcap, path.c_str());
    if (handle->dumper == nullptr)
    {
        return Result<PcapWriter>::Fail(ErrorCode::BadValue, "pcap: cannot create '" + path + "': "
                                                                 + pcap_geterr(handle->pcap));
    }
    return PcapWriter(std::move(handle));
}

PcapWriter::PcapWriter(std::unique_ptr<Handle> handle)
    : m_handle(std::move(handle))
{
}

PcapWriter::PcapWriter(PcapWriter&&) noexcept = default;
PcapWriter& PcapWriter::operator=(PcapWriter&&) noexcept = default;
PcapWriter::~PcapWriter() = default;

void
PcapWriter::Write(uint64_t timeNs, ByteView datagram)
{
    pcap_pkthdr header{};
    header.ts.tv_sec = static_cast<time_t>(timeNs / 1000000000ULL);
    header.ts.tv_usec = static_cast<suseconds_t>((timeNs % 1000000000ULL) / 1000ULL);
    header.len = static_cast<bpf_u_int32>(datagram.size());
    header.caplen = static_cast<bpf_u_int32>(
        datagram.size() < static_cast<size_t>(kSnapLength) ? datagram.size() : kSnapLength);
    pcap_dump(reinterpret_cast<u_char*>(m_handle->dumper), &header, datagram.data());
    ++m_count;
}

void
PcapWriter::Flush()
{
    pcap_dump_flush(m_handle->dumper);
}

} // namespace wire
} // namespace vpnsim
