"""`lab expose --port P`: 127.0.0.1:P in the root namespace -> 198.18.0.1:P in the lab namespace.

The listener stays in the root namespace (loopback only). Each connection is made by a
thread that first setns()es into /run/netns/rwlab-<lab>; nothing is added to either namespace.
"""
import ctypes
import os
import socket
import sys
import threading

CLONE_NEWNET = 0x40000000


def _pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _connect_in_netns(netns_path, port):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(netns_path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns failed")
    finally:
        os.close(fd)
    return socket.create_connection(("198.18.0.1", port), timeout=10)


def _handle(client, netns_path, port):
    # setns() changes only the calling thread, so this thread is used for nothing else.
    try:
        upstream = _connect_in_netns(netns_path, port)
    except OSError:
        client.close()
        return
    upstream.settimeout(None)
    threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()
    _pump(client, upstream)


def serve(netns_path, port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=_handle, args=(client, netns_path, port), daemon=True).start()


def start(world, port):
    netns_path = "/run/netns/rwlab-%s" % world.state["name"]
    return world.spawn(
        "expose:%d" % port, [sys.executable, os.path.abspath(__file__), netns_path, str(port)]
    )


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
