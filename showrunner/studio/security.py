"""The studio's guards: which Host it answers, the token off loopback, and CSRF for browser posts.

- Loopback by default. Binding any other address needs a token (`--token` or the
  SHOWRUNNER_STUDIO_TOKEN environment variable); every request then carries it as
  `Authorization: Bearer <token>`, or once as `?token=` in a page address, which sets a cookie.
- The Host header must name the address the studio serves (no DNS rebinding).
- A state-changing request from a browser (it sends Origin or Sec-Fetch-Site) must come from
  the studio's own pages; one that a cross-site form could send (form-encoded, multipart,
  text/plain) must also carry the page's CSRF token in X-CSRF-Token. JSON requests from local
  clients (curl, scripts), which carry neither, work without a browser session.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

TOKEN_ENV = "SHOWRUNNER_STUDIO_TOKEN"
TOKEN_COOKIE = "showrunner_token"
CSRF_COOKIE = "showrunner_csrf"
CSRF_HEADER = "x-csrf-token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
SIMPLE_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; media-src 'self'; script-src 'self'; "
                               "style-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'",
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class StartupRefused(Exception):
    """The studio will not start as asked (a public address without a token)."""


def check_binding(host: str, token: str | None) -> None:
    if not is_loopback(host) and not token:
        raise StartupRefused(f"studio: binding {host} exposes the project beyond this machine: give a token "
                             f"(--token, or the {TOKEN_ENV} environment variable)")


def allowed_hosts(host: str, port: int) -> set[str] | None:
    """Host header values to answer; None (any) when bound to every address (a token guards it)."""
    if host in ("0.0.0.0", "::"):
        return None
    names = {host, f"[{host}]"} if ":" in host else {host}
    if is_loopback(host):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    return names | {f"{name}:{port}" for name in names}


def _denied(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return PlainTextResponse(message, status_code=status)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def check(request: Request, *, token: str | None, hosts: set[str] | None) -> Response | None:
    """None when the request may go on, else the refusal."""
    host = request.headers.get("host", "")
    if hosts is not None and host not in hosts:
        return _denied(request, 400, f"studio: unexpected Host header {host!r}")
    if token:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip() \
            or request.cookies.get(TOKEN_COOKIE, "") or request.query_params.get("token", "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            return _denied(request, 401, "studio: a token is needed (Authorization: Bearer <token>, "
                                         "or open the page once with ?token=<token>)")
        if request.query_params.get("token") and request.method == "GET" and not request.url.path.startswith("/api/"):
            response = RedirectResponse(request.url.remove_query_params("token"), status_code=303)
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
            return response
    if request.method in UNSAFE:
        origin = request.headers.get("origin")
        if origin and urlsplit(origin).netloc != host:
            return _denied(request, 403, f"studio: cross-site request from {origin} refused")
        if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return _denied(request, 403, "studio: cross-site request refused")
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        browserish = origin is not None or "sec-fetch-site" in request.headers or CSRF_COOKIE in request.cookies
        if content_type in SIMPLE_TYPES or (browserish and content_type != "application/json"):
            cookie = request.cookies.get(CSRF_COOKIE, "")
            header = request.headers.get(CSRF_HEADER, "")
            if not cookie or not hmac.compare_digest(cookie.encode(), header.encode()):
                return _denied(request, 403, "studio: missing or wrong CSRF token (send the page's token in "
                                             "X-CSRF-Token, or post JSON)")
    return None
