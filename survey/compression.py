"""Compressed pages whatever their status.

Flask-Compress leaves every response outside 2xx as it is: a refused form (422), an expired
page (400) or a polite 404 would travel uncompressed, five to seven times heavier, to the
participant on a weak connection who is already having trouble. This subclass hands such
responses to Flask-Compress as if they were 200 and gives them their status back.

The scripts and stylesheets (``/static``) are compressed at the best level instead, once per
file version and kept: a page's weight on a phone is mostly its assets, and the best brotli level,
too slow for every page, costs nothing once (relevance.js: 4,236 -> about 3,650 bytes).
"""

from __future__ import annotations

import gzip

import brotli
from flask import Response, request
from flask_compress import Compress as _Compress

#: 1xx, 204 and 304 carry no body; 206 is a byte range of the uncompressed file; redirects are
#: a few bytes. Everything else with a body (client and server errors) is compressed too.
_ALSO_COMPRESSED = range(400, 600)


ASSET_TYPES = ("text/javascript", "text/css")
_BEST: dict[tuple[str, str, str], bytes] = {}  # (path, ETag, algorithm) -> compressed body
_MAX_BEST = 64  # a few files in two encodings


def _best(data: bytes, algorithm: str) -> bytes:
    if algorithm == "br":
        return brotli.compress(data, quality=11)
    return gzip.compress(data, compresslevel=9, mtime=0)


class Compress(_Compress):
    def after_request(self, response: Response | None) -> Response:
        if (response is not None and request.endpoint == "static"
                and response.status_code == 200 and response.mimetype in ASSET_TYPES
                and "Content-Encoding" not in response.headers):
            self._compress_asset(response)
        if response is None or response.status_code not in _ALSO_COMPRESSED:
            return super().after_request(response)
        status = response.status_code
        response.status_code = 200  # the status is all Flask-Compress checks that stops it
        try:
            return super().after_request(response)
        finally:
            response.status_code = status

    @staticmethod
    def _compress_asset(response: Response) -> None:
        """A static script or stylesheet at the best level, compressed once per version."""
        algorithm = request.accept_encodings.best_match(["br", "gzip"])
        if algorithm is None:
            return
        etag, weak = response.get_etag()
        key = (request.path, etag or "", algorithm)
        body = _BEST.get(key)
        response.direct_passthrough = False
        if body is None:
            body = _best(response.get_data(), algorithm)
            if etag and len(_BEST) < _MAX_BEST:
                _BEST[key] = body
        response.set_data(body)
        response.headers["Content-Encoding"] = algorithm
        if etag and not weak:
            response.set_etag(f"{etag}:{algorithm}")
        response.make_conditional(request)
