"""Classic pcap files as lists of IPv4 datagrams (stdlib only), for the validation scripts.

Reads what both sides of the validation write: the simulation's point-to-point captures
(LINKTYPE_PPP, a 2-byte protocol field before each IPv4 datagram), the runner's captures
(LINKTYPE_RAW) and tshark/tcpdump captures on Ethernet or Linux cooked interfaces; writes
LINKTYPE_RAW. Also the packet predicates that the testbed's exact-drop rule uses (lib.sh,
tb_loss nth), so that the simulation can drop the same packet.
"""

import struct

LINKTYPE_ETHERNET = 1
LINKTYPE_PPP = 9
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
RAW_TYPES = (12, 14, LINKTYPE_RAW, LINKTYPE_IPV4)

# The client-to-headend SA (model/engine/ipsec-tunnel.h, clientToHeadendSpi) and the ports.
CLIENT_TO_HEADEND_SPI = 0xC0FFEE01
HEADEND_TO_CLIENT_SPI = 0xC0FFEE02
CTCP_PORT = 10000
NATT_PORT = 4500
ANYCONNECT_PORT = 443


class PcapError(Exception):
    pass


def read(path):
    """[(timestamp_s, ipv4_bytes)] of every IPv4 datagram in a classic pcap file, in file
    order (other frames are skipped)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise PcapError(f"{path}: too short for a pcap header")
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise PcapError(f"{path}: not a classic pcap file (pcapng? magic {magic.hex()})")
    nanos = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack_from(endian + "I", data, 20)[0]
    out = []
    offset = 24
    while offset + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack_from(endian + "IIII", data, offset)
        offset += 16
        frame = data[offset:offset + incl]
        offset += incl
        if len(frame) < incl:
            break  # cut short
        ip = _ipv4_of(linktype, frame)
        if ip is not None:
            out.append((sec + frac / (1e9 if nanos else 1e6), ip))
    return out


def _ipv4_of(linktype, frame):
    if linktype in RAW_TYPES:
        ip = frame
    elif linktype == LINKTYPE_PPP:
        if frame[:2] != b"\x00\x21":
            return None
        ip = frame[2:]
    elif linktype == LINKTYPE_ETHERNET:
        if frame[12:14] != b"\x08\x00":
            return None
        ip = frame[14:]
    elif linktype == LINKTYPE_LINUX_SLL:
        if frame[14:16] != b"\x08\x00":
            return None
        ip = frame[16:]
    else:
        raise PcapError(f"link type {linktype} is not supported")
    if len(ip) < 20 or ip[0] >> 4 != 4:
        return None
    return ip


def write_raw(path, packets):
    """Writes [(timestamp_s, ipv4_bytes)] as a LINKTYPE_RAW pcap file."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LINKTYPE_RAW))
        for ts, ip in packets:
            sec = int(ts)
            usec = int(round((ts - sec) * 1e6))
            f.write(struct.pack("<IIII", sec, usec, len(ip), len(ip)))
            f.write(ip)


def ipv4_header(src, dst, protocol, payload_length, ident=0, ttl=64):
    """A 20-byte IPv4 header with a correct checksum (addresses as dotted quads)."""
    def addr(a):
        return bytes(int(x) for x in a.split("."))
    header = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_length, ident, 0,
                                   ttl, protocol, 0, addr(src), addr(dst)))
    total = sum(struct.unpack("!10H", bytes(header)))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    struct.pack_into("!H", header, 10, ~total & 0xFFFF)
    return bytes(header)


def fields(ip):
    """(source, destination, protocol, total_length, header_length) of an IPv4 datagram."""
    ihl = (ip[0] & 0x0F) * 4
    total = struct.unpack_from("!H", ip, 2)[0]
    return (".".join(map(str, ip[12:16])), ".".join(map(str, ip[16:20])), ip[9], total, ihl)


def is_exact_drop_target(ip, encap):
    """True for the packets the testbed's --drop-nth rule counts (lib.sh, tb_loss nth): a
    client-to-headend ESP packet (SPI 0xc0ffee01) as cTCP (the 4 bytes after a 20-byte TCP
    header, port 10000), ESP-in-UDP (port 4500) or native ESP; for AnyConnect a TCP data
    segment to port 443 without SYN, FIN or RST and longer than 200 bytes."""
    _src, _dst, proto, total, ihl = fields(ip)
    l4 = ip[ihl:]
    spi = struct.pack("!I", CLIENT_TO_HEADEND_SPI)
    if encap == "ctcp":
        return proto == 6 and len(l4) >= 24 and _port(l4) == CTCP_PORT and l4[20:24] == spi
    if encap == "natt":
        return proto == 17 and len(l4) >= 12 and _port(l4) == NATT_PORT and l4[8:12] == spi
    if encap == "esp":
        return proto == 50 and l4[:4] == spi
    if encap == "anyconnect":
        return (proto == 6 and len(l4) >= 14 and _port(l4) == ANYCONNECT_PORT
                and l4[13] & 0x07 == 0 and total > 200)
    raise ValueError(f"unknown encapsulation {encap}")


def _port(l4):
    return struct.unpack_from("!H", l4, 2)[0]
