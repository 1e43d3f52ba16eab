#!/usr/bin/env python3
"""Turns off checksum and segmentation offload on network interfaces (stdlib only; what
`ethtool -K IF tx off tso off gso off gro off` does, for machines without ethtool).

Why the testbed needs it: on a veth, a segment from the kernel's own TCP (the fw's proxy)
crosses with its checksum still "partial" (the sender leaves it to the hardware, and a veth
has none), and a raw socket on the other side - where vpnsim-runner reads cTCP - sees that
unfinished checksum and rightly drops the segment. Offload also turns several segments into
one super-packet that a drop rule would drop whole. Physical NICs finish checksums in
hardware, so a hardware testbed does not need this.

usage: offload_off.py IFACE...   (run inside the interface's network namespace)
"""
import ctypes
import fcntl
import socket
import struct
import sys

SIOCETHTOOL = 0x8946
# linux/ethtool.h legacy per-feature commands
ETHTOOL_STXCSUM = 0x00000017
ETHTOOL_SSG = 0x00000019
ETHTOOL_STSO = 0x0000001F
ETHTOOL_SGSO = 0x00000024
ETHTOOL_SGRO = 0x0000002C


def set_feature(sock, ifname, cmd):
    value = ctypes.create_string_buffer(struct.pack("II", cmd, 0))
    ifreq = struct.pack("16sP16x", ifname.encode(), ctypes.addressof(value))
    fcntl.ioctl(sock, SIOCETHTOOL, ifreq)


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rc = 0
    for ifname in sys.argv[1:]:
        # Segmentation first: TSO depends on checksum offload and would refuse to stay on.
        for cmd in (ETHTOOL_SGRO, ETHTOOL_SGSO, ETHTOOL_STSO, ETHTOOL_STXCSUM):
            try:
                set_feature(sock, ifname, cmd)
            except OSError as e:
                if cmd in (ETHTOOL_STXCSUM,):
                    print(f"offload_off: {ifname}: {e}", file=sys.stderr)
                    rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
