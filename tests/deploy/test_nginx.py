"""The nginx site rendered from deploy/nginx-site.conf: every node in the balanced
group and in a group of its own, long-polling routed by the session id's node prefix,
no placeholder left, and bad node names refused."""

from __future__ import annotations

import re

import pytest

from deploy.nginx import NodeAddress, main, render_site

NODES = [NodeAddress("app1", "127.0.0.1:8001"), NodeAddress("app2", "127.0.0.1:8002")]


def test_the_site_routes_each_session_to_its_node_and_balances_the_rest():
    site = render_site(NODES, "80", "pact.example.org")

    assert not re.search(r"@[A-Z_]+@", site), "a placeholder is left"
    balanced = site.split("upstream greenpact {")[1].split("}")[0]
    assert "least_conn;" in balanced
    assert "server 127.0.0.1:8001 max_fails=1" in balanced
    assert "server 127.0.0.1:8002 max_fails=1" in balanced
    assert "upstream greenpact_app1 {\n    server 127.0.0.1:8001;\n}" in site
    assert "    ~^app1[.] greenpact_app1;" in site
    assert "    ~^app2[.] greenpact_app2;" in site
    assert "listen 80;" in site
    assert "server_name pact.example.org;" in site
    directives = [line for line in site.splitlines() if "#" not in line]
    assert not [line for line in directives if "hash" in line], "one venue, one node"


@pytest.mark.parametrize("name", ["", "app 1", "app1.x", "a" * 33, "app1;"])
def test_a_node_name_nginx_or_the_session_id_could_not_carry_is_refused(name: str):
    with pytest.raises(ValueError, match="node name"):
        NodeAddress(name, "127.0.0.1:8001")


def test_the_command_prints_the_site_for_the_nodes_given(
    capsys: pytest.CaptureFixture[str],
):
    main(["--listen", "127.0.0.1:8080", "app1=127.0.0.1:8001", "b-2=10.0.0.2:8000"])

    site = capsys.readouterr().out
    assert "listen 127.0.0.1:8080;" in site
    assert "    ~^b-2[.] greenpact_b-2;" in site


def test_the_command_refuses_a_node_without_an_address(
    capsys: pytest.CaptureFixture[str],
):
    with pytest.raises(SystemExit):
        main(["app1"])
    assert "expected NAME=HOST:PORT" in capsys.readouterr().err
