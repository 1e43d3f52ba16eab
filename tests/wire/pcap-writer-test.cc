#include "model/wire/pcap-writer.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <pcap/pcap.h>

using namespace vpnsim::wire;

namespace
{

std::string
TempPath(const std::string& name)
{
    return (std::filesystem::temp_directory_path() / ("vpnsim-" + name)).string();
}

} // namespace

TEST(PcapWriter, WritesClassicPcapWithLinktypeRawAndMicrosecondTimes)
{
    std::string path = TempPath("pcap-writer-test.pcap");
    {
        auto writer = PcapWriter::Open(path);
        ASSERT_TRUE(writer.Ok()) << writer.GetError().detail;
        Bytes a{0x45, 0x00, 0x00, 0x14};
        Bytes b(1500, 0xab);
        writer->Write(1'500'000'000ULL, a); // 1.5 s
        writer->Write(2'000'001'999ULL, b); // 2.000001999 s -> 2 s 1 us
        EXPECT_EQ(writer->Count(), 2u);
    }

    std::ifstream f(path, std::ios::binary);
    Bytes header(24);
    f.read(reinterpret_cast<char*>(header.data()), 24);
    ASSERT_EQ(f.gcount(), 24);
    // Classic pcap magic a1b2c3d4 (host order, little-endian here), version 2.4, linktype 101.
    EXPECT_EQ(ToHex(ByteView(header).subspan(0, 4)), "d4c3b2a1");
    EXPECT_EQ(header[4], 2);
    EXPECT_EQ(header[6], 4);
    EXPECT_EQ(header[20], 101);

    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline(path.c_str(), err);
    ASSERT_NE(p, nullptr) << err;
    pcap_pkthdr* h = nullptr;
    const u_char* data = nullptr;
    ASSERT_EQ(pcap_next_ex(p, &h, &data), 1);
    EXPECT_EQ(h->ts.tv_sec, 1);
    EXPECT_EQ(h->ts.tv_usec, 500000);
    EXPECT_EQ(h->caplen, 4u);
    EXPECT_EQ(data[0], 0x45);
    ASSERT_EQ(pcap_next_ex(p, &h, &data), 1);
    EXPECT_EQ(h->ts.tv_sec, 2);
    EXPECT_EQ(h->ts.tv_usec, 1);
    EXPECT_EQ(h->len, 1500u);
    EXPECT_EQ(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
    pcap_close(p);
    std::remove(path.c_str());
}

TEST(PcapWriter, UnwritablePathIsAnErrorNamingThePath)
{
    auto writer = PcapWriter::Open("/nonexistent-dir/x.pcap");
    ASSERT_FALSE(writer.Ok());
    EXPECT_NE(writer.GetError().detail.find("/nonexistent-dir/x.pcap"), std::string::npos);
}
