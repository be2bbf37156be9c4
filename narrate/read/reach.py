"""Which addresses a fetch may reach: nothing found in content reaches inside the network.

A URL the user typed is theirs (an intranet draft is fine), and what is found through it —
its redirects, a feed's items, an OPML file's feeds, a page's lead image — may use the same
host. Anything else found in content must resolve to a public address: not loopback,
private, link-local, shared (CGNAT), multicast, reserved or unspecified, in IPv4 or IPv6,
IPv4 written inside IPv6 included (::ffff:127.0.0.1, 6to4, Teredo, NAT64). The check is made
on the addresses DNS returns, and the connection goes to the address checked (fetch.py): a
second lookup could answer otherwise.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import SourceError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")
SHARED = ipaddress.ip_network("100.64.0.0/10")


class InternalAddress(SourceError):
    """A URL found in content leads to an address inside the network."""


@dataclass(frozen=True)
class Reach:
    """Where fetches may go: HOSTS the user named may be internal; with PRIVATE, any may
    (a feed's `allow_private_addresses = true`, for intranets)."""

    hosts: frozenset[str] = frozenset()
    private: bool = False

    @classmethod
    def typed(cls, *urls: str, private: bool = False) -> Reach:
        """The reach of URLs the user typed: their own hosts may be internal."""
        return cls(frozenset(h for url in urls if (h := host_of(url))), private)

    def trusts(self, host: str) -> bool:
        return self.private or canonical_host(host) in self.hosts

    def with_private(self, private: bool) -> Reach:
        return Reach(self.hosts, self.private or private)


def host_of(url: str) -> str:
    """URL's host as compared by Reach: lower case, without brackets or a final dot."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return canonical_host(host)


def canonical_host(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()


def internal(address: Address) -> bool:
    """Whether ADDRESS is anything but a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = [address.ipv4_mapped, address.sixtofour]
        if address.teredo:
            embedded += list(address.teredo)
        if address in NAT64:  # an IPv4 address reached through a NAT64 gateway: as that one
            return internal(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if any(inner is not None and internal(inner) for inner in embedded):
            return True
    return (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        or address.is_private
        or (isinstance(address, ipaddress.IPv4Address) and address in SHARED)
    )


def resolve(host: str, port: int) -> list[str]:
    """The addresses HOST resolves to (odd IPv4 forms such as 127.1, 2130706433 or 0x7f000001
    come back as the address they stand for). Tests replace this with a stand-in resolver."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise SourceError(f"cannot fetch from {host}: host not found ({exc})") from None
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]
        if text not in addresses:
            addresses.append(text)
    return addresses


def checked_addresses(url: str, host: str, port: int, reach: Reach) -> list[str]:
    """The addresses to connect to for URL, all of them allowed by REACH, or InternalAddress
    naming the first that is not (one internal answer refuses the host: DNS rebinding)."""
    addresses = resolve(host, port)
    if not addresses:
        raise SourceError(f"cannot fetch {url}: host not found")
    if reach.trusts(host):
        return addresses
    for text in addresses:
        address = ipaddress.ip_address(text)
        if internal(address):
            shown = f"{host} is" if host == text else f"{host} resolves to {text},"
            raise InternalAddress(
                f"cannot fetch {url}: {shown} an internal address (only a host you name "
                "may be; allow_private_addresses = true in feed.toml allows them all)"
            )
    return addresses
