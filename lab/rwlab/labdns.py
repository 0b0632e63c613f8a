"""The lab's DNS server, on the bridge address in the lab namespace (UDP port 53).

Names `<node>.<lab>.rwlab.test` answer with the node's address (A; AAAA has no
data); any other name is NXDOMAIN. A node under the `dns-black-hole` fault gets no
answer at all, as from a DNS server that went away: the lookup hangs until the
resolver gives up. The lab's state file is read for every query, so faults apply at
once. The lab namespace and the nodes use it through /etc/netns/<namespace>/resolv.conf
(written by netlab; `ip netns exec` mounts it over /etc/resolv.conf).

Usage: labdns.py <state.json> <bind address>
"""
import json
import socket
import struct
import sys

ZONE = "rwlab.test"
TTL = 5
TYPE_A, CLASS_IN = 1, 1
NXDOMAIN = 3


def node_name(node, lab):
    return "%s.%s.%s" % (node, lab, ZONE)


def parse_question(packet):
    """(query name, qtype, end of the question) of a one-question query, or None."""
    if len(packet) < 12 or struct.unpack("!H", packet[4:6])[0] != 1:
        return None
    labels, at = [], 12
    while at < len(packet) and packet[at] != 0:
        length = packet[at]
        if length > 63 or at + 1 + length > len(packet):
            return None
        labels.append(packet[at + 1 : at + 1 + length].decode("ascii", "replace"))
        at += 1 + length
    if at + 5 > len(packet):
        return None
    qtype = struct.unpack("!H", packet[at + 1 : at + 3])[0]
    return ".".join(labels).lower(), qtype, at + 5


def answer(packet, state):
    """The response to send, or None for no answer (a black-holed name or junk)."""
    question = parse_question(packet)
    if question is None:
        return None
    name, qtype, end = question
    nodes = {node_name(node, state["name"]): node for node in state["nodes"]}
    node = nodes.get(name)
    silent = {f["args"].get("node") for f in state["faults"] if f["name"] == "dns-black-hole"}
    if node in silent:
        return None
    # QR, the request's opcode and RD, AA, RA; the rcode.
    flags = 0x8000 | (struct.unpack("!H", packet[2:4])[0] & 0x7900) | 0x0480
    records = b""
    if node is None:
        flags |= NXDOMAIN
    elif qtype == TYPE_A:
        address = socket.inet_aton(state["nodes"][node]["ip"])
        records = struct.pack("!HHHIH", 0xC00C, TYPE_A, CLASS_IN, TTL, 4) + address
    header = packet[:2] + struct.pack("!HHHHH", flags, 1, 1 if records else 0, 0, 0)
    return header + packet[12:end] + records


def main():
    state_file, address = sys.argv[1:3]
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((address, 53))
    while True:
        packet, peer = server.recvfrom(512)
        try:
            with open(state_file) as f:
                state = json.load(f)
            response = answer(packet, state)
            if response is not None:
                server.sendto(response, peer)
        except (OSError, ValueError) as e:
            # A state file between writes, or a reply to a node that just went down
            # (EHOSTUNREACH): that query goes unanswered, the server stays up.
            sys.stderr.write("labdns: %s from %s: %s\n" % (type(e).__name__, peer[0], e))


if __name__ == "__main__":
    main()
