"""A stand-in CMS on loopback: serves article pages we wrote, counts requests, can be slow."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

ARTICLE_HTML = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Neue Radwege für die Innenstadt</title></head>
<body>
<nav><a href="/">Startseite</a> <a href="/lokales">Lokales</a></nav>
<article>
<h1>Neue Radwege für die Innenstadt</h1>
<p class="lead">Der Verkehrsausschuss will bis 2028 zwölf Kilometer geschützte Radwege bauen.
Parkplätze am Wallring sollen dafür wegfallen.</p>
<p>Der Verkehrsausschuss hat am Mittwoch ein Radwegenetz für die Innenstadt beschlossen. Entlang
des Wallrings und der Bahnhofstraße sollen zwölf Kilometer baulich getrennte Radwege entstehen,
die mit Pollern und Bordsteinen von der Fahrbahn abgegrenzt sind.</p>
<p>Für die Radwege fallen am Wallring rund 240 Parkplätze weg. Der Einzelhandelsverband
kritisiert das: Kundinnen und Kunden aus dem Umland kämen mit dem Auto in die Innenstadt. Die
Verwaltung verweist auf zwei Parkhäuser, die selten voll ausgelastet seien.</p>
<p>Die Kosten für das Radwegenetz schätzt die Stadt auf 9,5 Millionen Euro. Das Land fördert den
Bau mit bis zu 60 Prozent. Der Stadtrat muss im Herbst noch zustimmen.</p>
</article>
<footer>Kommentare: Bitte halten Sie sich an unsere Netiquette.</footer>
</body></html>
"""


@dataclass
class Page:
    """One page: body, content type, HTTP status and a delay before answering."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay_s: float = 0.0
    location: str | None = None  # for redirects
    seen_hosts: list[str] = field(default_factory=list)  # Host headers of the requests


class StandInCms:
    """``with StandInCms({"/path": Page(...)}) as cms: cms.url("/path")``."""

    def __init__(self, pages: dict[str, Page]) -> None:
        self.pages = pages
        self.hits: Counter[str] = Counter()
        cms = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                cms.hits[self.path] += 1
                page = cms.pages.get(self.path)
                if page is None:
                    self.send_error(404)
                    return
                page.seen_hosts.append(self.headers.get("Host", ""))
                time.sleep(page.delay_s)
                try:
                    self.send_response(page.status)
                    if page.location is not None:
                        self.send_header("Location", page.location)
                    self.send_header("Content-Type", page.content_type)
                    self.send_header("Content-Length", str(len(page.body)))
                    self.end_headers()
                    self.wfile.write(page.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout tests)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        """Full URL of ``path`` on this server."""
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def __enter__(self) -> StandInCms:
        self.thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Received:
    """One POST the stand-in receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes


Answer = Callable[[Received], tuple[int, bytes]]


class Receiver:
    """A stand-in webhook receiver (or Coral API) on loopback.

    Records every POST; answers with the next status of ``statuses`` (200 once they are used
    up) and an empty JSON object, or with whatever ``answer(received)`` returns.
    """

    def __init__(self, statuses: list[int] | None = None, answer: Answer | None = None) -> None:
        self.statuses = list(statuses or [])
        self.answer = answer
        self.received: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                got = Received(self.path, dict(self.headers.items()), self.rfile.read(length))
                with receiver.lock:
                    receiver.received.append(got)
                    if receiver.answer is not None:
                        status, body = receiver.answer(got)
                    else:
                        status = receiver.statuses.pop(0) if receiver.statuses else 200
                        body = b"{}"
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hooks/netiquette") -> str:
        """Full URL of ``path`` on this receiver."""
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
