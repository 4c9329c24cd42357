"""Serve a simulated province: one real HTTP server per bureau site, each on its own loopback
address (127.0.0.x), started and stopped by the caller.

A site marked ``down`` answers 503 to everything. Every served province gets a fresh
``sites.yaml`` naming the addresses and ports actually bound.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import yaml

TYPES = {".html": "text/html", ".htm": "text/html", ".pdf": "application/pdf",
         ".json": "application/json", ".xml": "text/xml", ".doc": "application/msword"}


def query_file(path: str, query: str) -> str:
    """The file that answers ``path?query``: dynamic endpoints (dataproxy.jsp, a search API)
    are served from files named ``path@canonical-query``, written by the renderer."""
    return f"{path}@{urlencode(sorted(parse_qsl(query, keep_blank_values=True)))}"


def _content_type(name: str, body: bytes) -> str:
    if "@" in name:
        return "application/json" if body.lstrip().startswith(b"{") else "text/xml"
    return TYPES.get(os.path.splitext(name)[1], "application/octet-stream")


def _site_file(base: str, path: str) -> tuple[str, float, bytes] | None:
    """The file of the site in folder ``base`` that URL path ``path`` names — its name,
    modification time and bytes — or None when there is none (outside the folder, a folder, a NUL).

    The path is made absolute with ``normpath``, not resolved through the file system (the sites
    have no symlinks): ``realpath``, a system call per path component, was a third of the
    servers' CPU in the benchmarks, taken from the crawl they measure."""
    target = os.path.normpath(os.path.join(base, path.lstrip("/")))
    if not target.startswith(base + os.sep):
        return None
    try:
        with open(target, "rb") as file:  # a folder raises IsADirectoryError
            return os.path.basename(target), os.fstat(file.fileno()).st_mtime, file.read()
    except (OSError, ValueError):  # ValueError: a NUL in the path
        return None


def _handler(root: Path, site: dict[str, Any]) -> type[BaseHTTPRequestHandler]:
    charset = site["charset"]
    base = str(root.resolve())

    class SiteHandler(BaseHTTPRequestHandler):
        server_version = "SimGov/1.0"
        protocol_version = "HTTP/1.1"
        # headers and body are two writes: without this, Nagle holds the body back until the client
        # acknowledges the headers, which it delays (~40 ms a response); real servers send at once
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            pass

        def _send(self, status: int, body: bytes, content_type: str, validators: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (validators or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            if site.get("down"):
                self._send(503, b"<h1>503 Service Unavailable</h1>", "text/html")
                return
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            if path.endswith("/"):
                path += site["home"].rsplit("/", 1)[-1] if path == "/" else "index.html"
            if parts.query:
                path = query_file(path, parts.query)
            found = _site_file(base, path)
            if found is None:
                self._send(404, "<h1>404 页面不存在</h1>".encode(charset if charset != "gb2312" else "gbk"),
                           f"text/html; charset={charset}")
                return
            name, modified, body = found
            # validators as real servers send them; a matching conditional request gets 304
            validators = {"ETag": f'"{hashlib.sha1(body).hexdigest()[:16]}"',  # noqa: S324 - an ETag, not security
                          "Last-Modified": formatdate(modified, usegmt=True)}
            if self.headers.get("If-None-Match") == validators["ETag"]:
                self._send(304, b"", "text/html", validators)
                return
            content_type = _content_type(name, body)
            if content_type.startswith("text/html"):
                content_type += f"; charset={charset}"
            elif "@" in name:
                content_type += "; charset=utf-8"
            self._send(200, body, content_type, validators)

        do_HEAD = do_GET

    return SiteHandler


@contextmanager
def serve_province(directory: Path, *, port: int = 0) -> Iterator[Path]:
    """Serve every site of the province in ``directory``; yield the path of its ``sites.yaml``.

    ``port`` 0 binds a free port on each site's address.
    """
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    servers: list[ThreadingHTTPServer] = []
    threads: list[threading.Thread] = []
    entries = []
    try:
        for site in manifest["bureaus"]:
            server = ThreadingHTTPServer((site["address"], port), _handler(directory / "sites" / site["id"], site))
            server.daemon_threads = True
            servers.append(server)
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                      name=f"site-{site['id']}", daemon=True)
            thread.start()
            threads.append(thread)
            host, bound = server.server_address[:2]
            entry = {key: site[key] for key in ("id", "name", "region", "level", "kind", "credit_code") if site.get(key)}
            entry["start_urls"] = [f"http://{host}:{bound}/"]
            entry["profile"] = "auto"
            if site.get("parent"):
                entry["parent"] = site["parent"]
            entries.append(entry)
        registry = {"province": manifest["province"],
                    "audit_date": dt.date.fromisoformat(manifest["audit_date"]),
                    "bureaus": entries}
        sites_yaml = directory / "sites.yaml"
        text = "# Written by `auditor simulate`/`demo` for the province being served now.\n"
        text += yaml.safe_dump(registry, allow_unicode=True, sort_keys=False)
        sites_yaml.write_text(text, encoding="utf-8")
        yield sites_yaml
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
        for thread in threads:
            thread.join(timeout=5)
