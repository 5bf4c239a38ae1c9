"""Response headers every page and API answer carries (等保 2.0 web checks; OWASP secure headers).

- Content-Security-Policy: scripts only from this site's files (no inline script, no eval), so an injected
  `<script>` or `onerror=` in a case's text cannot run even if an escape were ever missed. Inline *styles*
  stay allowed: the statistics' bars are sized by style attributes and bpmn-js styles its SVG elements; the
  fonts of bpmn-js are embedded as data: URLs; the editor downloads a diagram through a blob: link.
- No framing by other sites (clickjacking), no MIME sniffing, no case URLs in the Referer to other sites.
- `Cache-Control: no-store` on everything but the public static files: pages hold enterprises' contacts and
  case details that must not stay in a shared computer's cache or come back with the Back button after logout.
- Strict-Transport-Security once the site runs behind HTTPS (`SESSION_COOKIE_SECURE=1`).

A response that set a header itself keeps its own value (attachments and documents use a stricter policy).
"""
from flask import current_app, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HSTS = "max-age=31536000"
CACHEABLE_ENDPOINTS = frozenset({"static", "vendor.asset"})  # versioned public library and site files


def register(app):
    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        if current_app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint not in CACHEABLE_ENDPOINTS and "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store"
        return response
