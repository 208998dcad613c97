"""The nginx site for a set of GreenPact nodes: `deploy/nginx-site.conf` with its
placeholders filled in. `make serve-cluster` renders it for its local processes; an
operator renders it once for the machine's instances:

    .venv/bin/python -m deploy.nginx --listen 80 --server-name pact.example.org \\
        app1=127.0.0.1:8001 app2=127.0.0.1:8002 > /etc/nginx/sites-available/greenpact
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from config import NODE_NAME_PATTERN, SID_SEPARATOR

TEMPLATE = Path(__file__).with_name("nginx-site.conf")


@dataclass(frozen=True)
class NodeAddress:
    """A node's NODE_NAME and the `host:port` its gunicorn listens on."""

    name: str
    address: str

    def __post_init__(self) -> None:
        if not NODE_NAME_PATTERN.fullmatch(self.name):
            raise ValueError(f"node name {self.name!r}: letters, digits, - or _")

    @property
    def upstream(self) -> str:
        return f"greenpact_{self.name}"

    @classmethod
    def parse(cls, text: str) -> NodeAddress:
        """`app1=127.0.0.1:8001` as given on the command line."""
        name, equals, address = text.partition("=")
        if not equals or not address:
            raise ValueError(f"{text!r}: expected NAME=HOST:PORT")
        return cls(name, address)


DEFAULT_ACCESS_LOG = "/var/log/nginx/greenpact-access.log"  # Debian's log folder


def render_site(
    nodes: Sequence[NodeAddress],
    listen: str,
    server_name: str,
    access_log: str = DEFAULT_ACCESS_LOG,
) -> str:
    """The site configuration for these nodes, nginx listening on `listen` (a port,
    or `address:port`), its access log (tokens masked) written to `access_log`."""
    if not nodes:
        raise ValueError("at least one node is needed")
    # The separator is a literal character inside a character class ([.]), so that
    # no backslash has to survive nginx's quoting rules.
    fields = {
        "@ALL_NODES@": "".join(
            f"    server {node.address} max_fails=1 fail_timeout=10s;\n"
            for node in nodes
        ),
        "@NODE_UPSTREAMS@": "".join(
            f"upstream {node.upstream} {{\n    server {node.address};\n}}\n"
            for node in nodes
        ),
        "@SID_ROUTES@": "".join(
            f"    ~^{node.name}[{SID_SEPARATOR}] {node.upstream};\n" for node in nodes
        ),
        "@LISTEN@": listen,
        "@SERVER_NAME@": server_name,
        "@ACCESS_LOG@": access_log,
    }
    text = TEMPLATE.read_text()
    for placeholder, value in fields.items():
        text = text.replace(placeholder, value)
    return text


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.nginx",
        description="Print the nginx site configuration for GreenPact's nodes.",
    )
    parser.add_argument("--listen", default="80", help="port or address:port")
    parser.add_argument("--server-name", default="_", help="the site's host name")
    parser.add_argument(
        "--access-log",
        default=DEFAULT_ACCESS_LOG,
        help="the access log's file (tokens and e-mail addresses masked)",
    )
    parser.add_argument("nodes", nargs="+", help="NODE_NAME=HOST:PORT, one per node")
    arguments = parser.parse_args(argv)
    try:
        nodes = [NodeAddress.parse(text) for text in arguments.nodes]
    except ValueError as error:
        parser.error(str(error))
    sys.stdout.write(
        render_site(
            nodes, arguments.listen, arguments.server_name, arguments.access_log
        )
    )


if __name__ == "__main__":
    main()
