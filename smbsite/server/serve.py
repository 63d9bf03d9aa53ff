"""`smbsite serve`: pages from memory, rebuilt incrementally on change, and every
open tab reloaded through server-sent events. Errors show in the terminal and
as an overlay on the page; fixing the file recovers by itself.

Threads: the HTTP server (one thread per request), the watchdog observer, and
one rebuild thread that drains the queue of changed paths, so a change that
arrives during a rebuild is picked up by the next pass rather than lost.
"""
from __future__ import annotations

import errno
import html
import json
import mimetypes
import os
import re
import signal
import sys
import threading
import time
import warnings
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ..core.problems import UsageError, no_site_yaml
from .incremental import IncrementalSite
from ..core.problems import ContentError, Problem

DEBOUNCE = 0.02  # seconds of quiet before a rebuild: editors write a file in several steps
EVENTS_PATH = "/__smbsite/events"
STATUS_PATH = "/__smbsite/status"
IGNORED_PARTS = {".git", "__pycache__", "output", ".smbsite-cache", "node_modules", ".ci", ".pytest_cache",
                 ".hypothesis", "benchmarks", "tests", "smbsite"}

RELOAD_SCRIPT = """<script>(() => {
  const gen = %(generation)d;
  const es = new EventSource(%(events)s);
  es.onmessage = (e) => { if (Number(e.data) !== gen) location.reload(); };
})();</script>"""

OVERLAY = """<div id="smbsite-errors" role="alert" style="position:fixed;inset:0 0 auto 0;z-index:2147483647;
max-height:60vh;overflow:auto;background:#2b0000;color:#fff;font:14px/1.5 ui-monospace,monospace;padding:1rem 1.25rem;
border-bottom:4px solid #ff5c5c"><strong>smbsite: the site has %(count)s — the page shows the last good build</strong>
<ul style="margin:.5rem 0 0;padding-left:1.25rem">%(items)s</ul></div>"""


class ChangeQueue:
    """Paths changed since the last rebuild; a condition wakes the rebuild thread."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.paths: set[str] = set()
        self.last = 0.0

    def put(self, rel: str) -> None:
        with self.cond:
            self.paths.add(rel)
            self.last = time.monotonic()
            self.cond.notify_all()

    def take(self, stop: threading.Event) -> set[str]:
        """Block until changes have been quiet for DEBOUNCE, then hand them all over."""
        with self.cond:
            while not self.paths and not stop.is_set():
                self.cond.wait(0.5)
            while not stop.is_set():
                quiet = time.monotonic() - self.last
                if quiet >= DEBOUNCE:
                    break
                self.cond.wait(DEBOUNCE - quiet)
            taken, self.paths = self.paths, set()
            return taken


# Files editors and tools write beside the one being saved, then rename or delete:
# vim's swap files (.swp, .swo, … .swx) and its write test "4913", backups (name~),
# Emacs' autosaves (#name#) and lock links (.#name), sed -i's temporary (sed + 6
# letters or digits, no extension), JetBrains' and Kate's safe-write files, temp files.
SCRATCH = re.compile(r"""
    .*\.sw[a-px] | .*~ | \#.* | \.\#.* | 4913 | sed[A-Za-z0-9]{6}
  | .*\.(tmp|part|crswap|kate-swp) | .*___jb_(tmp|old)___
""", re.X)


def scratch_file(name: str) -> bool:
    """Whether a file name is an editor's or tool's temporary file rather than a source."""
    return bool(SCRATCH.fullmatch(name))


class Watcher(FileSystemEventHandler):
    def __init__(self, root: Path, queue: ChangeQueue):
        self.root, self.queue = root.resolve(), queue

    def _rel(self, path: str | bytes) -> str | None:
        p = Path(os.fsdecode(path))
        try:  # watchdog reports paths as the folder was given: relative to the working folder when it was
            rel = p.resolve().relative_to(self.root)
        except ValueError:
            return None
        parts = rel.parts
        if not parts or parts[0] in IGNORED_PARTS or any(x.startswith(".") for x in parts):
            return None  # (dot files include Emacs' lock files, .#name)
        if scratch_file(parts[-1]):
            return None
        return rel.as_posix()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or event.is_directory and event.event_type == "modified":
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path:
                rel = self._rel(path)
                if rel:
                    self.queue.put(rel)


class DevServer:
    def __init__(self, src: Path, bind: str, port: int, as_of: str | None = None, drafts: bool = False,
                 out: Any = None, quiet: bool = False):
        self.src = Path(src)
        self.quiet = quiet  # only problems are printed
        self.site = IncrementalSite(self.src, as_of=as_of, drafts=drafts)
        self.out = out or sys.stdout
        self.queue = ChangeQueue()
        self.stop = threading.Event()
        self.changed = threading.Condition()  # notified when the generation moves
        self.httpd = ThreadingHTTPServer((bind, port), self._handler_class())
        self.httpd.daemon_threads = True
        self.observer = Observer()
        self.base_path = "/"
        self.printed: set[Problem] = set()
        self.print_lock = threading.Lock()

    # --- lifecycle -------------------------------------------------------------------

    def start(self) -> str:
        t0 = time.perf_counter()
        self.site.full()
        if self.site.graph is not None:
            self.base_path = self.site.graph.urls.base_path
        self.report(f"built in {(time.perf_counter() - t0) * 1000:.0f} ms")
        # a folder moved out and back keeps its inotify watch; watchdog warns that it re-adds it
        warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"watchdog\.")
        # an absolute root: watchdog 7 drops events under "." ("Path b'./x' is not under watched root b'.'")
        root = self.src.resolve()
        self.observer.schedule(Watcher(root, self.queue), str(root), recursive=True)
        self.observer.start()
        host, port = self.httpd.server_address[:2]
        url = f"http://{host}:{port}{self.base_path}"
        # said before the first request can be answered, so whoever sees an answer saw this too
        self.say(f"Serving {self.src} at {url} (Ctrl-C to stop)")
        for target in (self._serve_http, self._rebuild_loop):
            threading.Thread(target=target, daemon=True).start()
        return url

    def shutdown(self) -> None:
        self.stop.set()
        with self.queue.cond:
            self.queue.cond.notify_all()
        with self.changed:
            self.changed.notify_all()
        self.observer.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.observer.join(timeout=2)

    def _serve_http(self) -> None:
        self.httpd.serve_forever(poll_interval=0.1)

    def _rebuild_loop(self) -> None:
        while not self.stop.is_set():
            changed = self.queue.take(self.stop)
            if not changed or self.stop.is_set():
                continue
            t0 = time.perf_counter()
            try:
                stats = self.site.apply(changed)
            except Exception as exc:  # a bug, not content: keep serving and say so
                print(f"rebuild failed: {exc!r}", file=sys.stderr, flush=True)
                continue
            ms = (time.perf_counter() - t0) * 1000
            names = ", ".join(sorted(changed)[:3]) + (" …" if len(changed) > 3 else "")
            self.report(f"{names}: {stats.path} rebuild in {ms:.0f} ms, {stats.dirty} pages to refresh")
            with self.changed:
                self.changed.notify_all()
            self._render_in_background()

    def _render_in_background(self) -> None:
        """Render the dirty pages ahead of requests, yielding to requests and newer changes."""
        site = self.site
        before = set(site.problems)

        def stop() -> bool:
            return self.stop.is_set() or bool(self.queue.paths)  # the next rebuild comes first; it calls this again

        try:
            # a page failing for a bug answers it when asked; the others go on
            site.render_dirty(stop, lambda url, exc: self.say(f"rendering {url} failed: {exc!r}"))
            if not stop() and not site.waiting:
                site.collect()  # what the edit left behind, while nobody waits
        finally:
            # a template mistake fails every page that uses it: said once, not once a page
            if set(site.problems) != before:
                self.report("template error", only_if_new=True)
                with self.changed:
                    self.changed.notify_all()

    # --- output --------------------------------------------------------------------

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.out, flush=True)

    def report(self, text: str, only_if_new: bool = False) -> None:
        """Print the problems not printed yet (each once, however many pages meet it), then text."""
        with self.print_lock:
            problems = self.site.problems
            new = [p for p in problems if p not in self.printed]
            self.printed = set(problems)
            if only_if_new and not new:
                return
            for p in new:
                print(p.text(), file=sys.stderr, flush=True)
            errors = self.site.errors
            if errors:
                self.say(f"{text}; {len(errors)} error{'s' if len(errors) != 1 else ''} (the browser shows them)")
            else:
                self.say(text)

    # --- HTTP --------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            default_request_version = "HTTP/1.0"  # a malformed request line still gets headers with its error

            def log_message(self, format: str, *args: Any) -> None:  # quiet: the terminal is for builds
                pass

            def end_headers(self) -> None:  # every answer, errors from http.server included
                self.send_header("X-Content-Type-Options", "nosniff")
                super().end_headers()

            def do_HEAD(self) -> None:
                self.do_GET(head=True)

            def do_GET(self, head: bool = False) -> None:
                try:
                    self.answer(head)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                except Exception as exc:  # a bug: say so, answer anyway, keep serving
                    server.say(f"request for {self.path!r} failed: {exc!r}")
                    self.close_connection = True
                    try:
                        send(self, HTTPStatus.INTERNAL_SERVER_ERROR, b"internal error", "text/plain; charset=utf-8",
                             head)
                    except OSError:
                        pass

            def answer(self, head: bool) -> None:
                path = request_path(self.path)
                if path == EVENTS_PATH:
                    return server.events(self)
                if path == STATUS_PATH:
                    return server.status(self)
                base = server.base_path
                if not path.startswith(base):  # e.g. / when the site lives under /smbtn/
                    return redirect(self, base + path.lstrip("/") if path != base.rstrip("/") else base)
                server.page(self, "/" + path[len(base):], head)

        return Handler

    def page(self, handler: BaseHTTPRequestHandler, site_path: str, head: bool) -> None:
        site = self.site
        if site.graph is None:
            return send(handler, HTTPStatus.SERVICE_UNAVAILABLE, self.error_page(), "text/html; charset=utf-8", head)
        url = site_path
        if url.endswith("/index.html"):
            url = url[: -len("index.html")]
        if url not in site.outputs and url + "/" in site.outputs:
            return redirect(handler, self.base_path + url.lstrip("/") + "/")
        try:
            data = site.render(url)
        except ContentError:
            self.report("template error", only_if_new=True)
            return send(handler, HTTPStatus.INTERNAL_SERVER_ERROR, self.error_page(), "text/html; charset=utf-8", head)
        status = HTTPStatus.OK
        if data is None:
            status, url = HTTPStatus.NOT_FOUND, "/404.html"
            try:
                data = site.render(url)
            except ContentError:  # the 404 template has the error the overlay shows
                self.report("template error", only_if_new=True)
                data = None
            if data is None:
                data = b"<!doctype html><title>Not found</title><body></body>"
        ctype = mimetypes.guess_type(url if not url.endswith("/") else url + "index.html")[0] or "application/octet-stream"
        if ctype == "text/html":
            data = self.inject(data or b"")
        if ctype.startswith("text/") or ctype in ("application/json", "application/xml", "image/svg+xml"):
            ctype += "; charset=utf-8"
        send(handler, status, data or b"", ctype, head)

    def inject(self, data: bytes) -> bytes:
        """The reload script (and the error overlay) go into served pages only, never into builds."""
        extra = RELOAD_SCRIPT % {"generation": self.site.generation, "events": json.dumps(EVENTS_PATH)}
        errors = self.site.errors
        if errors:
            extra = self.overlay(errors) + extra
        text = data.decode("utf-8", "replace")
        i = text.rfind("</body>")
        text = text[:i] + extra + text[i:] if i >= 0 else text + extra
        return text.encode("utf-8")

    @staticmethod
    def overlay(errors: list[Problem]) -> str:
        items = "".join(f"<li>{html.escape(p.text())}</li>" for p in errors[:50])
        count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
        return OVERLAY % {"count": count, "items": items}

    def error_page(self) -> bytes:
        body = self.overlay(self.site.errors) if self.site.errors else "<p>Building…</p>"
        script = RELOAD_SCRIPT % {"generation": self.site.generation, "events": json.dumps(EVENTS_PATH)}
        return (f"<!doctype html><html lang=en><meta charset=utf-8><title>smbsite: errors</title>"
                f"<body>{body}{script}</body></html>").encode("utf-8")

    def status(self, handler: BaseHTTPRequestHandler) -> None:
        doc = {"generation": self.site.generation, "errors": [p.text() for p in self.site.errors],
               "dirty": len(self.site.dirty)}
        send(handler, HTTPStatus.OK, json.dumps(doc).encode(), "application/json", False)

    def events(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(HTTPStatus.OK)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Cache-Control", "no-store")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        last = -1
        try:
            while not self.stop.is_set():
                gen = self.site.generation
                if gen != last:
                    handler.wfile.write(f"data: {gen}\n\n".encode())
                    handler.wfile.flush()
                    last = gen
                with self.changed:
                    self.changed.wait(15)
                if self.site.generation == last:
                    handler.wfile.write(b": keep-alive\n\n")
                    handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return


def request_path(target: str) -> str:
    """The decoded path of a request target. http.server hands the request line over
    decoded as Latin-1, so its bytes are taken back before percent-decoding as UTF-8."""
    raw = urlsplit(target).path.encode("latin-1", "replace")
    return unquote_to_bytes(raw).decode("utf-8", "replace")


def redirect(handler: BaseHTTPRequestHandler, location: str) -> None:
    """A redirect to a decoded site path; the header carries it percent-encoded, so no
    byte of the request (a line break, a non-ASCII letter) reaches the header as is."""
    handler.send_response(HTTPStatus.FOUND)
    handler.send_header("Location", quote(location, safe="/!$&'()*+,;=:@-._~"))
    handler.send_header("Content-Length", "0")
    handler.end_headers()


SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"  # SECURITY.md asks hosts for the same


def send(handler: BaseHTTPRequestHandler, status: HTTPStatus, data: bytes, ctype: str, head: bool) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", ctype)
    handler.send_header("Content-Length", str(len(data)))
    handler.send_header("Cache-Control", "no-store")
    if ctype.startswith("image/svg+xml"):
        # an SVG opened on its own is a document of the site's origin: nothing in it may run or load
        handler.send_header("Content-Security-Policy", SVG_POLICY)
    handler.end_headers()
    if not head:
        handler.wfile.write(data)


def listen_problem(bind: str, port: int, exc: OSError) -> str:
    """Why the server cannot listen, and what to do about it."""
    message = f"cannot listen on {bind}:{port}: {exc.strerror or exc}"
    if exc.errno == errno.EADDRINUSE:
        return (f"{message} (another program, perhaps another smbsite serve, uses port {port}) — "
                f"stop it, or choose another port: smbsite serve --port {port + 1 if 0 < port < 65535 else 8001}")
    if exc.errno == errno.EACCES:
        return f"{message} — ports below 1024 need administrator rights: choose another, e.g. --port 8000"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"{message} — {bind} is not an address of this machine: leave out --bind, or use 127.0.0.1"
    return message


def serve(src: Path, port: int = 8000, bind: str = "127.0.0.1", drafts: bool = False,
          as_of: str | None = None, quiet: bool = False) -> None:
    src = Path(src)
    if not (src / "site.yaml").is_file():
        raise no_site_yaml(src, "serve")
    try:
        server = DevServer(src, bind, port, as_of=as_of, drafts=drafts, quiet=quiet)
    except OSError as exc:
        raise UsageError(listen_problem(bind, port, exc)) from None

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.start()
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.say("stopping")
    finally:
        server.shutdown()
