"""Sends frames of an unknown EtherType to a node's vmbr0 through its bridge port.

The node's kernel finds no protocol handler and counts them as rx `dropped`
(real counters in `ip -s link` and /sys/class/net/vmbr0/statistics/rx_dropped).
Usage (inside the lab namespace): injector.py <bridge-port> <node-mac> <frames-per-second>
"""
import socket
import sys
import time

ETHERTYPE_LOCAL_EXPERIMENTAL = 0x88B5


def main():
    port, mac, rate = sys.argv[1], sys.argv[2], float(sys.argv[3])
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((port, 0))
    frame = (
        bytes.fromhex(mac.replace(":", ""))
        + bytes.fromhex("02000000beef")
        + ETHERTYPE_LOCAL_EXPERIMENTAL.to_bytes(2, "big")
        + b"\0" * 46
    )
    while True:
        try:
            sock.send(frame)
        except OSError:
            pass
        time.sleep(1.0 / rate)


if __name__ == "__main__":
    main()
