"""Headers every answer carries, so a browser handles it safely.

- `X-Content-Type-Options: nosniff`: a JSON or CSV answer is never run as a script.
- `Content-Security-Policy`: the pages load only their own scripts, styles and
  images (app/static; no inline script, no inline style; the tablet's page
  data is a JSON block, which is never run), and no site may frame them. Two
  answers need more, each only for itself: a compiled report (its own
  `<style>`, no script at all) and the Swagger UI (its files from this app,
  app/api_docs.py, with the inline script flask-smorest writes; no request input
  is on that page).
- `X-Frame-Options: DENY`, for browsers without `frame-ancestors`.
- `Referrer-Policy: same-origin`: no address of the register leaves it.
- `Cache-Control: no-store` on every answer to a signed-in account, unless the
  view chose its own (the tablet's service worker script).
- `WWW-Authenticate: Bearer` on a 401 of the API (RFC 6750).
"""

from __future__ import annotations

from flask import Flask, Response, g, request

PAGES = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
REPORT = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# Swagger UI's files come from this app (app/api_docs.py); its page starts it
# with an inline script.
SWAGGER = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
POLICIES = {
    "reports.ReportDocument": REPORT,
    "api-docs.openapi_swagger_ui": SWAGGER,
}


def secure_headers(response: Response) -> Response:
    """after_request: the headers above, on every answer."""
    headers = response.headers
    policy = POLICIES.get(request.endpoint or "", PAGES)
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if g.get("account") is not None and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    if response.status_code == 401 and request.path.startswith("/api/"):
        headers.setdefault("WWW-Authenticate", 'Bearer realm="bieb"')
    return response


def init_app(app: Flask) -> None:
    app.after_request(secure_headers)
