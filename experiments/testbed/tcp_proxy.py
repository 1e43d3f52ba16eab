#!/usr/bin/env python3
"""A full TCP proxy on kernel sockets for the testbed's firewall node (stdlib only).

Every TCP connection that nftables diverts to it (tproxy, IP_TRANSPARENT) is terminated here
and re-originated toward its original destination: the firewall's own TCP stack ACKs the
client, keeps the out-of-order queue, and hands bytes upstream only in order. That is what an
ASA in full-proxy mode (or with an IPS that needs in-order streams) does to cTCP: after one
lost segment the client never fills the hole, so nothing after it ever reaches the headend.

With --spoof the upstream connection comes from the client's own address (and, with
--keep-port, its port), so the headend sees the same peer whether or not the proxy is there.

Segmentation, as in the simulation's proxy (model/asa-tcp-proxy.h, attribute Resegment /
AsaFirewall::ProxyResegment false): each read takes what the kernel has delivered in order
since the last one - one segment while nothing is missing and the proxy keeps up - and is
written upstream at once in one send() with TCP_NODELAY, so it leaves as one segment (the
testbed also turns TCP autocorking off on the fw). The counters show whether that held: from
TCP_INFO, data segments the client side received and the server side sent, beside the reads
and writes (one segment per read and per write when reads == data_segments_in and writes ==
data_segments_out - retransmissions, per direction, on a run without loss).

Bounded: it exits after --duration seconds, or on SIGTERM/SIGINT, and then writes its counters
as one JSON object to --stats (or stdout).
"""
import argparse
import json
import os
import selectors
import signal
import socket
import struct
import sys
import time

IP_TRANSPARENT = 19  # linux/in.h
CHUNK = 65536
MAX_BUFFERED = 1 << 20  # per direction; beyond it the proxy stops reading (backpressure)
TCP_INFO_LENGTH = 232  # struct tcp_info up to tcpi_rcv_ooopack (Linux 5.4+); shorter is fine


def tcp_info(sock):
    """(total_retrans, data_segs_in, data_segs_out) of a TCP socket (linux/tcp.h struct
    tcp_info: tcpi_total_retrans at byte 100, tcpi_data_segs_in/out at 152/156, Linux 4.6+),
    or None."""
    try:
        raw = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, TCP_INFO_LENGTH)
    except OSError:
        return None
    if len(raw) < 160:
        return None
    (retrans,) = struct.unpack_from("I", raw, 100)
    segs_in, segs_out = struct.unpack_from("II", raw, 152)
    return retrans, segs_in, segs_out


class Leg:
    """One direction of one proxied connection: bytes read from src wait here for dst."""

    def __init__(self, src, dst, name):
        self.src, self.dst, self.name = src, dst, name
        self.buffer = bytearray()
        self.eof = False
        self.shut = False


class Proxy:
    def __init__(self, args):
        self.args = args
        self.sel = selectors.DefaultSelector()
        self.stats = {"connections": 0, "upstream_failures": 0, "bytes_client_to_server": 0,
                      "bytes_server_to_client": 0, "reads_client_to_server": 0,
                      "writes_client_to_server": 0, "reads_server_to_client": 0,
                      "writes_server_to_client": 0,
                      "data_segments_in_client_to_server": 0,
                      "data_segments_out_client_to_server": 0,
                      "retransmissions_client_to_server": 0,
                      "data_segments_in_server_to_client": 0,
                      "data_segments_out_server_to_client": 0,
                      "retransmissions_server_to_client": 0, "open_at_exit": 0}
        self.conns = {}  # socket -> (legs list) for cleanup
        self.stop = False

    def listen(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.args.transparent:
            s.setsockopt(socket.SOL_IP, IP_TRANSPARENT, 1)
        s.bind((self.args.listen_address, self.args.listen_port))
        s.listen(64)
        s.setblocking(False)
        self.sel.register(s, selectors.EVENT_READ, ("listen", None))

    def accept(self, listener):
        try:
            client, peer = listener.accept()
        except OSError:
            return
        # With tproxy the accepted socket's local address is the original destination.
        original = client.getsockname()
        if self.args.connect:
            host, port = self.args.connect.rsplit(":", 1)
            original = (host, int(port))
        up = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            if self.args.spoof:
                up.setsockopt(socket.SOL_IP, IP_TRANSPARENT, 1)
                up.bind((peer[0], peer[1] if self.args.keep_port else 0))
            for s in (client, up):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s.setblocking(False)
            up.connect_ex(original)
        except OSError as e:
            print(f"tcp_proxy: upstream to {original} failed: {e}", file=sys.stderr)
            self.stats["upstream_failures"] += 1
            client.close()
            up.close()
            return
        self.stats["connections"] += 1
        print(f"tcp_proxy: {peer} -> {original}", file=sys.stderr, flush=True)
        c2s = Leg(client, up, "client_to_server")
        s2c = Leg(up, client, "server_to_client")
        self.conns[client] = (c2s, s2c)
        self.conns[up] = (c2s, s2c)
        self.update(client)
        self.update(up)

    def update(self, sock):
        """Registers sock for what it should wait for now: reading while its outgoing leg has
        room, writing while the leg toward it holds bytes (or its connect is pending)."""
        legs = self.conns.get(sock)
        if legs is None:
            return
        events = 0
        for leg in legs:
            if leg.src is sock and not leg.eof and len(leg.buffer) < MAX_BUFFERED:
                events |= selectors.EVENT_READ
            if leg.dst is sock and (leg.buffer or (leg.eof and not leg.shut)):
                events |= selectors.EVENT_WRITE
        if sock.fileno() < 0:
            return
        try:
            key = self.sel.get_key(sock)
        except (KeyError, ValueError):
            key = None
        if events == 0:
            if key:
                self.sel.unregister(sock)
        elif key:
            self.sel.modify(sock, events, ("conn", None))
        else:
            self.sel.register(sock, events, ("conn", None))

    def account(self, legs):
        """Adds one connection's TCP_INFO segment counts to the stats (before closing)."""
        client, up = legs[0].src, legs[0].dst
        ci, ui = tcp_info(client), tcp_info(up)
        if ci is None or ui is None:
            return
        self.stats["data_segments_in_client_to_server"] += ci[1]
        self.stats["data_segments_out_client_to_server"] += ui[2]
        self.stats["retransmissions_client_to_server"] += ui[0]
        self.stats["data_segments_in_server_to_client"] += ui[1]
        self.stats["data_segments_out_server_to_client"] += ci[2]
        self.stats["retransmissions_server_to_client"] += ci[0]

    def close(self, sock):
        legs = self.conns.get(sock)
        if legs is None:
            return
        self.account(legs)
        for s in {legs[0].src, legs[0].dst}:
            self.conns.pop(s, None)
            try:
                self.sel.unregister(s)
            except (KeyError, ValueError):
                pass
            s.close()

    def service(self, sock, mask):
        legs = self.conns.get(sock)
        if legs is None:
            return
        for leg in legs:
            if leg.src is sock and mask & selectors.EVENT_READ:
                try:
                    data = sock.recv(CHUNK)
                except BlockingIOError:
                    data = None
                except OSError:
                    self.close(sock)
                    return
                if data == b"":
                    leg.eof = True
                elif data:
                    leg.buffer += data
                    self.stats["bytes_" + leg.name] += len(data)
                    self.stats["reads_" + leg.name] += 1
            if leg.dst is sock and mask & selectors.EVENT_WRITE:
                if leg.buffer:
                    try:
                        n = sock.send(leg.buffer)
                        del leg.buffer[:n]
                        self.stats["writes_" + leg.name] += 1
                    except BlockingIOError:
                        pass
                    except OSError:
                        self.close(sock)
                        return
                if leg.eof and not leg.buffer and not leg.shut:
                    leg.shut = True
                    try:
                        sock.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
        if all(leg.shut for leg in legs):
            self.close(sock)
            return
        for s in (legs[0].src, legs[0].dst):
            self.update(s)

    def run(self):
        end = time.monotonic() + self.args.duration
        while not self.stop:
            left = end - time.monotonic()
            if left <= 0:
                break
            for key, mask in self.sel.select(timeout=min(left, 0.5)):
                kind, _ = key.data
                if kind == "listen":
                    self.accept(key.fileobj)
                else:
                    self.service(key.fileobj, mask)
        self.stats["open_at_exit"] = len(self.conns) // 2
        for legs in {id(v): v for v in self.conns.values()}.values():
            self.account(legs)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--listen-address", default="0.0.0.0")
    p.add_argument("--listen-port", type=int, default=10001)
    p.add_argument("--transparent", action="store_true",
                   help="IP_TRANSPARENT listener for nftables tproxy")
    p.add_argument("--connect", help="ADDR:PORT upstream instead of the original destination")
    p.add_argument("--spoof", action="store_true", help="upstream from the client's address")
    p.add_argument("--keep-port", action="store_true", help="and from the client's port")
    p.add_argument("--duration", type=float, default=60.0, help="seconds, 1..86400")
    p.add_argument("--stats", help="file for the JSON counters (default stdout)")
    p.add_argument("--pid-file", help="file for this process's PID (removed at exit)")
    args = p.parse_args()
    if not 1 <= args.duration <= 86400:
        p.error(f"--duration={args.duration}: allowed 1..86400")
    if not 1 <= args.listen_port <= 65535:
        p.error(f"--listen-port={args.listen_port}: allowed 1..65535")
    proxy = Proxy(args)

    def stop(*_):
        proxy.stop = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    proxy.listen()
    if args.pid_file:
        with open(args.pid_file, "w") as f:
            f.write(f"{os.getpid()}\n")
    try:
        proxy.run()
    finally:
        if args.pid_file:
            try:
                os.remove(args.pid_file)
            except OSError:
                pass
    text = json.dumps(proxy.stats)
    if args.stats:
        with open(args.stats, "w") as f:
            f.write(text + "\n")
    else:
        print(text, flush=True)


if __name__ == "__main__":
    main()
