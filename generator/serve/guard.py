"""The dev server's safety checks: which Host and Origin it answers, and which paths it serves."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

from tornado import web

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


@dataclass(frozen=True, slots=True)
class Address:
    """Where the server listens, and so which Host headers it answers."""

    host: str
    port: int

    def allows(self, header: str | None) -> bool:
        """Whether a request's Host (or an Origin's host:port) names this server.

        Refusing other names stops DNS rebinding: a page on evil.example whose name
        is re-pointed at 127.0.0.1 still sends 'Host: evil.example'.
        """
        name, port = _split_host(header or "")
        if port != self.port:
            return False
        wanted = name.lower()
        if wanted in LOOPBACK_NAMES or wanted == url_host(self.host).lower():
            return True
        # Listening on every interface: any IP address is this machine; names are not.
        return self.host in WILDCARD_HOSTS and _is_ip(wanted.strip("[]"))


def _split_host(header: str) -> tuple[str, int | None]:
    """('name', port) from 'name:port' or '[v6]:port'; port 80 when none is given."""
    if header.startswith("["):
        name, _, rest = header.partition("]")
        name, port_text = name + "]", rest.removeprefix(":")
    else:
        name, _, port_text = header.partition(":")
    if not port_text:
        return name, 80
    return name, int(port_text) if port_text.isdigit() else None


def url_host(host: str) -> str:
    """`host` as it is written in a URL: an IPv6 address in brackets."""
    return f"[{host}]" if ":" in host else host


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only."""
    return host == "localhost" or (_is_ip(host) and ipaddress.ip_address(host).is_loopback)


def refuse_foreign_host(handler: web.RequestHandler, address: Address) -> None:
    """A 403 for a request whose Host header names another server."""
    if not address.allows(handler.request.headers.get("Host")):
        raise web.HTTPError(403, "Host header %r is not this server",
                            handler.request.headers.get("Host"))


def inside(root: str, path: str) -> bool:
    """Whether `path` is `root` or in it, once every link on the way is followed."""
    real_root, real = os.path.realpath(root), os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)
