"""Compressed pages whatever their status.

Flask-Compress leaves every response outside 2xx as it is: a refused form (422), an expired
page (400) or a polite 404 would travel uncompressed, five to seven times heavier, to the
participant on a weak connection who is already having trouble. This subclass hands such
responses to Flask-Compress as if they were 200 and gives them their status back.
"""

from __future__ import annotations

from flask import Response
from flask_compress import Compress as _Compress

#: 1xx, 204 and 304 carry no body; 206 is a byte range of the uncompressed file; redirects are
#: a few bytes. Everything else with a body (client and server errors) is compressed too.
_ALSO_COMPRESSED = range(400, 600)


class Compress(_Compress):
    def after_request(self, response: Response | None) -> Response:
        if response is None or response.status_code not in _ALSO_COMPRESSED:
            return super().after_request(response)
        status = response.status_code
        response.status_code = 200  # the status is all Flask-Compress checks that stops it
        try:
            return super().after_request(response)
        finally:
            response.status_code = status
