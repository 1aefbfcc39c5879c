"""Loaded by the app under test (through PYTHONPATH): records, and refuses, every attempt to
resolve or connect to anything but this machine, in the file GAN_EXPLORER_NETLOG names."""

import os
import socket

_LOG = os.environ.get("GAN_EXPLORER_NETLOG")
_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "", None}


def _is_local(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    return host in _LOCAL_NAMES or str(host).startswith("127.")


def _record(what: str) -> None:
    with open(_LOG, "a") as log:
        log.write(what + "\n")


if _LOG:
    _connect = socket.socket.connect
    _connect_ex = socket.socket.connect_ex
    _getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            _record(f"connect {address}")
            raise OSError("network access blocked by the test's guard")
        return _connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            _record(f"connect_ex {address}")
            return 111
        return _connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if not _is_local(host):
            _record(f"getaddrinfo {host}")
            raise socket.gaierror("network access blocked by the test's guard")
        return _getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo
