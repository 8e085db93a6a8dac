"""Static files: fingerprinted names served by WhiteNoise, compressed, cached for a year; and compressed HTML.

At start-up every file under static/ gets a name with a hash of its content (`css/portal.3f9c0a1b2c4d.css`), and
`url_for('static', filename='css/portal.css')` returns that name everywhere (a URL default, so templates, emails and
anything else that builds static URLs keep calling url_for as before). WhiteNoise serves both names in front of
Flask: the fingerprinted one with `Cache-Control: public, max-age=31536000, immutable` (its content can never change
under that name), the plain one with a short max-age. So a warm page view makes a single request: the page.

Text files are compressed once at start-up beside themselves (`.gz` and `.br`, written atomically; git ignores them)
and WhiteNoise picks the variant the browser accepts. Pages and fragments are compressed per response by
Flask-Compress (brotli or gzip, as Accept-Encoding allows).

Static answers bypass Flask, so the security headers are added here from portal.security's own list.
"""
from __future__ import annotations

import gzip
import hashlib
import logging
import os
import tempfile
from pathlib import Path

import brotli
from flask import Flask
from flask_compress import Compress
from whitenoise import WhiteNoise

from portal.security import HSTS, SECURITY_HEADERS

log = logging.getLogger(__name__)

compress = Compress()
IMMUTABLE = "public, max-age=31536000, immutable"
COMPRESSIBLE = (".css", ".js", ".svg", ".json", ".txt", ".map", ".webmanifest")
HASH_LENGTH = 12


def fingerprinted(relative: str, content: bytes) -> str:
    """`css/portal.css` → `css/portal.<first 12 hex digits of its SHA-256>.css`."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    stem, dot, suffix = relative.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{relative}.{digest}"


def _write_atomically(target: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def precompress(path: Path, content: bytes) -> None:
    """Write `path.gz` and `path.br` unless they are already there and newer than the file (best effort: a
    read-only static folder is served uncompressed)."""
    for suffix, squeeze in ((".gz", lambda data: gzip.compress(data, 9, mtime=0)),
                            (".br", lambda data: brotli.compress(data, quality=11))):
        variant = path.with_name(path.name + suffix)
        try:
            if variant.exists() and variant.stat().st_mtime >= path.stat().st_mtime:
                continue
            _write_atomically(variant, squeeze(content))
        except OSError:
            log.warning("could not write %s; serving %s uncompressed", variant, path, exc_info=True)


def build_manifest(root: Path) -> dict[str, str]:
    """{relative name: fingerprinted name} for every file under `root`, compressing text files on the way."""
    manifest = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix in (".gz", ".br") or path.name.startswith("."):
            continue
        content = path.read_bytes()
        relative = path.relative_to(root).as_posix()
        manifest[relative] = fingerprinted(relative, content)
        if path.suffix in COMPRESSIBLE and len(content) > 256:
            precompress(path, content)
    return manifest


class StaticFiles(WhiteNoise):
    """WhiteNoise serving every file under its plain and its fingerprinted name, with the security headers."""

    def __init__(self, application, root: Path, prefix: str, manifest: dict[str, str]):
        self.immutable_urls = {f"{prefix}{hashed}" for hashed in manifest.values()}
        super().__init__(application, allow_all_origins=False, max_age=60, add_headers_function=self._headers,
                         immutable_file_test=lambda _path, url: url in self.immutable_urls)
        self.add_files(str(root), prefix)
        for relative, hashed in manifest.items():
            self.add_file_to_dictionary(f"{prefix}{hashed}", str(root / relative))

    def _headers(self, headers, _path: str, url: str) -> None:
        if url in self.immutable_urls:
            headers["Cache-Control"] = IMMUTABLE

    def serve(self, static_file, environ, start_response):  # noqa: D102 - adds the security headers
        def respond(status, headers, exc_info=None):
            headers = [*headers, *SECURITY_HEADERS.items()]
            if environ.get("wsgi.url_scheme") == "https":
                headers = [*headers, ("Strict-Transport-Security", HSTS)]
            return start_response(status, headers, exc_info)

        return WhiteNoise.serve(static_file, environ, respond)


def init_app(app: Flask) -> None:
    """Fingerprint and compress static files, serve them with WhiteNoise, compress responses with Flask-Compress."""
    root = Path(app.static_folder)
    manifest = build_manifest(root)
    app.extensions["static_manifest"] = manifest
    prefix = f"{app.static_url_path.rstrip('/')}/"
    app.wsgi_app = StaticFiles(app.wsgi_app, root, prefix, manifest)

    @app.url_defaults
    def _fingerprint(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = manifest.get(values["filename"], values["filename"])

    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)
    app.config.setdefault("COMPRESS_LEVEL", 6)
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/html", "text/css", "text/plain", "text/calendar",
                                                  "text/javascript", "application/javascript", "application/json",
                                                  "image/svg+xml"])
    compress.init_app(app)
