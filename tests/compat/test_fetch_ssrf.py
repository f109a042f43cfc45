"""Fetching story.url must not reach the server's own network (SSRF), on any redirect hop."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from netiquette.app import create_app
from netiquette.compat.fetch import ArticleFetchError, FetchLimits, fetch_page, is_public
from netiquette.store.models import Article
from tests.compat.cms import ARTICLE_HTML, Page, StandInCms
from tests.compat.coral_helpers import SECRET, coral_request, post_signed
from tests.conftest import make_context

ARTICLE = "/lokales/radwege"
# A name under a listed domain that resolves (in these tests) to the stand-in CMS on loopback.
INTERNAL_NAME = "intern.zeitung.example"


@pytest.fixture
def cms() -> Iterator[StandInCms]:
    pages = {ARTICLE: Page(ARTICLE_HTML.encode())}
    with StandInCms(pages) as server:
        yield server


@pytest.fixture
def internal_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """INTERNAL_NAME resolves to 127.0.0.1; every other name as usual."""
    real = socket.getaddrinfo

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == INTERNAL_NAME:
            return real("127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def redirect(cms: StandInCms, path: str, to: str) -> str:
    cms.pages[path] = Page(b"", status=302, location=to)
    return cms.url(path)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space (carrier-grade NAT)
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
        "2002:a9fe:a9fe::",  # 6to4 around 169.254.169.254
        "64:ff9b::7f00:1",  # NAT64 around 127.0.0.1
    ],
)
def test_internal_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


def test_a_server_on_loopback_is_refused_unless_listed(cms: StandInCms) -> None:
    with pytest.raises(ArticleFetchError, match="not public"):
        fetch_page(cms.url(ARTICLE), FetchLimits(timeout_s=5))
    assert cms.hits[ARTICLE] == 0
    port = cms.server.server_address[1]
    listed = FetchLimits(timeout_s=5, allowed_hosts=(f"127.0.0.1:{port}",))
    page, _ = fetch_page(cms.url(ARTICLE), listed)
    assert "Wallring" in page


def test_other_spellings_of_loopback_are_refused(cms: StandInCms) -> None:
    port = cms.server.server_address[1]
    limits = FetchLimits(timeout_s=5)
    for host in ("localhost", "[::ffff:127.0.0.1]", "127.1", "2130706433", "0x7f.1", "[::1]"):
        with pytest.raises(ArticleFetchError):
            fetch_page(f"http://{host}:{port}{ARTICLE}", limits)
    assert cms.hits[ARTICLE] == 0


def test_a_name_under_a_listed_domain_is_still_checked(
    cms: StandInCms, internal_name: None
) -> None:
    port = cms.server.server_address[1]
    url = f"http://{INTERNAL_NAME}:{port}{ARTICLE}"
    with pytest.raises(ArticleFetchError, match="not public"):
        fetch_page(url, FetchLimits(timeout_s=5, allowed_hosts=(f"zeitung.example:{port}",)))
    assert cms.hits[ARTICLE] == 0
    # Listed exactly: allowed, and fetched from the checked address with the name as Host.
    listed = (f"{INTERNAL_NAME}:{port}",)  # another port than 80 must be listed
    page, _ = fetch_page(url, FetchLimits(timeout_s=5, allowed_hosts=listed))
    assert "Wallring" in page
    assert cms.pages[ARTICLE].seen_hosts == [f"{INTERNAL_NAME}:{port}"]


def test_a_redirect_from_a_listed_host_to_an_unlisted_or_private_one_is_refused(
    cms: StandInCms, internal_name: None
) -> None:
    port = cms.server.server_address[1]
    limits = FetchLimits(timeout_s=5, allowed_hosts=(f"127.0.0.1:{port}", "zeitung.example"))
    targets = {
        "/to-metadata": "http://169.254.169.254/latest/meta-data/",
        "/to-unlisted": "https://elsewhere.example/",
        "/to-localhost": f"http://localhost:{port}{ARTICLE}",
        "/to-internal-name": f"http://{INTERNAL_NAME}:{port}{ARTICLE}",
        "/to-file": "file:///etc/passwd",
        "/to-mapped": f"http://[::ffff:127.0.0.1]:{port}{ARTICLE}",
    }
    for path, target in targets.items():
        with pytest.raises(ArticleFetchError):
            fetch_page(redirect(cms, path, target), limits)
        assert cms.hits[path] == 1
    assert cms.hits[ARTICLE] == 0
    # A redirect within the listed host is followed.
    page, _ = fetch_page(redirect(cms, "/moved", ARTICLE), limits)
    assert "Wallring" in page


def test_redirects_are_followed_at_most_five_times(cms: StandInCms) -> None:
    limits = FetchLimits(timeout_s=5, allowed_hosts=(f"127.0.0.1:{cms.server.server_address[1]}",))
    for i in range(6):
        redirect(cms, f"/hop{i}", f"/hop{i + 1}")
    cms.pages["/hop6"] = Page(ARTICLE_HTML.encode())
    with pytest.raises(ArticleFetchError, match="redirected more than"):
        fetch_page(cms.url("/hop0"), limits)
    page, _ = fetch_page(cms.url("/hop1"), limits)  # five redirects
    assert "Wallring" in page


def test_the_coral_phase_does_not_fetch_from_loopback_unless_listed(
    database_url: str, cms: StandInCms
) -> None:
    ctx = make_context(database_url, coral_signing_secret=SECRET, coral_time_budget_ms=5000)
    with TestClient(create_app(context=ctx)) as client:
        request = coral_request("Radwege, endlich.", story_id="s1", story_url=cms.url(ARTICLE))
        r = post_signed(client, request)
        assert r.status_code == 200
        with ctx.db.session() as session:
            article = session.get(Article, "s1")
            assert article is not None and article.body == ""
    assert cms.hits[ARTICLE] == 0
    ctx.db.dispose()


def test_a_listed_host_is_allowed_on_its_listed_port_only(cms: StandInCms) -> None:
    port = cms.server.server_address[1]
    with pytest.raises(ArticleFetchError, match="not allowed"):  # the host, not the port
        fetch_page(cms.url(ARTICLE), FetchLimits(timeout_s=5, allowed_hosts=("127.0.0.1",)))
    limits = FetchLimits(timeout_s=5, allowed_hosts=("127.0.0.1:1",))
    with pytest.raises(ArticleFetchError):  # a redirect to another port of the listed host
        fetch_page(redirect(cms, "/elsewhere", f"http://127.0.0.1:{port}{ARTICLE}"), limits)
    assert cms.hits[ARTICLE] == 0
    assert FetchLimits(allowed_hosts=("zeitung.example",)).allows("https://www.zeitung.example/a")
    assert not FetchLimits(allowed_hosts=("zeitung.example",)).allows(
        "https://www.zeitung.example:8443/a"
    )
