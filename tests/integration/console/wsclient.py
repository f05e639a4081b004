"""A small WebSocket (RFC 6455) and HTTP CONNECT client for the console tests,
written from the RFC with the standard library only: nothing of the server's
code. Frames from the client are masked, as the RFC requires."""
import base64
import hashlib
import os
import socket
import ssl
import struct
import time

from ovcptest import wait_until

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def connect(port, tls=False, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        s = ctx.wrap_socket(s, server_hostname="localhost")
    return s


def read_head(s):
    """The HTTP reply head (status, headers dict, rest of the bytes already read)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(4096)
        if not chunk:
            break
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode(errors="replace").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return status, headers, rest


def close_code(payload):
    """The status code of a close frame's payload (1005: none given)."""
    return struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else 1005


class WebSocket:
    def __init__(self, port, path, tls=False, protocols="binary", key=None):
        self.sock = connect(port, tls)
        self.key = key or base64.b64encode(os.urandom(16)).decode()
        req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n" % (path, port, self.key))
        if protocols:
            req += "Sec-WebSocket-Protocol: %s\r\n" % protocols
        self.sock.sendall((req + "\r\n").encode())
        self.status, self.headers, self.buf = read_head(self.sock)
        self.body = b""
        self.data = b""  # payload bytes read ahead of read_exact's callers
        if self.status != 101:
            want = int(self.headers.get("content-length", "0"))
            self.body, self.buf = self.buf, b""
            try:
                while len(self.body) < want:
                    c = self.sock.recv(4096)
                    if not c:
                        break
                    self.body += c
            except OSError:
                pass
            self.sock.close()
        self.closed_code = None

    def accept_ok(self):
        want = base64.b64encode(hashlib.sha1(self.key.encode() + GUID).digest()).decode()
        return self.headers.get("sec-websocket-accept") == want

    def send(self, data, opcode=2):
        if isinstance(data, str):
            data = data.encode()
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(head + mask + body)

    def _need(self, n, deadline):
        while len(self.buf) < n:
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            c = self.sock.recv(65536)
            if not c:
                raise EOFError("connection closed")
            self.buf += c

    def frame(self, timeout=10):
        """(opcode, payload) of the next frame (server frames are never masked)."""
        deadline = time.monotonic() + timeout
        self._need(2, deadline)
        b0, b1 = self.buf[0], self.buf[1]
        if b1 & 0x80:
            raise AssertionError("the server sent a masked frame")
        n, off = b1 & 0x7F, 2
        if n == 126:
            self._need(4, deadline)
            n, off = struct.unpack(">H", self.buf[2:4])[0], 4
        elif n == 127:
            self._need(10, deadline)
            n, off = struct.unpack(">Q", self.buf[2:10])[0], 10
        self._need(off + n, deadline)
        payload = self.buf[off:off + n]
        self.buf = self.buf[off + n:]
        return b0 & 0x0F, payload

    def read_until(self, needle, timeout=30):
        """Data until needle appears; returns everything read."""
        got = b""
        deadline = time.monotonic() + timeout
        needle = needle.encode() if isinstance(needle, str) else needle
        while needle not in got:
            if time.monotonic() > deadline:
                raise AssertionError("%r not seen within %d s: %r" % (needle, timeout, got[-300:]))
            op, payload = self.frame(max(0.1, deadline - time.monotonic()))
            if op == 8:
                self.closed_code = close_code(payload)
                raise EOFError("closed with %s: %r" % (self.closed_code, got[-300:]))
            if op in (1, 2, 0):
                got += payload
        return got

    def read_exact(self, n, timeout=10):
        """Exactly n payload bytes, whatever the framing; the rest is kept for the next call."""
        deadline = time.monotonic() + timeout
        while len(self.data) < n:
            op, payload = self.frame(max(0.1, deadline - time.monotonic()))
            if op == 8:
                raise EOFError("closed")
            if op in (0, 1, 2):
                self.data += payload
        got, self.data = self.data[:n], self.data[n:]
        return got

    def close(self, code=1000):
        try:
            mask = os.urandom(4)
            payload = struct.pack(">H", code)
            self.sock.sendall(bytes([0x88, 0x82]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                op, payload = self.frame(5)
                if op == 8:
                    self.closed_code = close_code(payload)
                    break
        except (OSError, EOFError):
            pass
        self.sock.close()


class Connect:
    """HTTP CONNECT to a console: after "200", a raw byte stream."""

    def __init__(self, port, path, tls=False):
        self.sock = connect(port, tls)
        self.sock.sendall(("CONNECT %s HTTP/1.0\r\n\r\n" % path).encode())
        self.status, self.headers, self.buf = read_head(self.sock)

    def send(self, data):
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def read_until(self, needle, timeout=30):
        needle = needle.encode() if isinstance(needle, str) else needle
        got = self.buf
        deadline = time.monotonic() + timeout
        while needle not in got:
            if time.monotonic() > deadline:
                raise AssertionError("%r not seen within %d s: %r" % (needle, timeout, got[-300:]))
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                c = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not c:
                raise EOFError("closed: %r" % got[-300:])
            got += c
        self.buf = b""
        return got

    def close(self):
        self.sock.close()


def upgraded(port, path, tls=False, timeout=10):
    """A WebSocket to path that the server upgraded (101), retried for up to timeout s; None if none was."""
    return wait_until(lambda: (lambda w: w if w.status == 101 else None)(WebSocket(port, path, tls)), timeout, 0.3)


def connected(port, path, tls=False, timeout=10):
    """A CONNECT to path that the server answered 200, retried for up to timeout s; None if none was."""
    def attempt():
        c = Connect(port, path, tls)
        if c.status == 200:
            return c
        c.close()
        return None
    return wait_until(attempt, timeout, 0.3)
