"""The site's Content-Security-Policy (django-csp), with the two parts that depend on the response.

The policy itself is ``CONTENT_SECURITY_POLICY`` in the settings. This middleware adds, on every
response:

- ``form-action``: Stripe Checkout's origin, read from ``STRIPE_API_BASE`` at request time, since
  the shop's "Pay" form is answered with a redirect there and Chromium checks a form's redirects
  against form-action too;
- ``frame-ancestors``: what ``X-Frame-Options`` says, so the two never disagree: ``'none'``, but
  ``'self'`` where a view allows same-origin framing (Wagtail's preview panel in the page editor);
- under ``CSP_ADMIN_PATH``, Wagtail's admin, ``CSP_ADMIN_DIRECTIVES`` in place of the site's (why:
  beside them in the settings).

Imports no app.
"""

from functools import lru_cache
from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

STRIPE_CHECKOUT = "https://checkout.stripe.com"


@lru_cache(maxsize=8)
def stripe_checkout_origin(api_base: str) -> str:
    """Where Stripe Checkout's hosted page lives: Stripe's own, or the emulator's (which serves both)."""
    if not api_base:
        return STRIPE_CHECKOUT
    parts = urlsplit(api_base)
    return f"{parts.scheme}://{parts.netloc}"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the response-dependent directives above; place it outside
    XFrameOptionsMiddleware so it sees the final X-Frame-Options."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        same_origin = response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
        parts.update = {
            **(parts.update or {}),
            "form-action": [stripe_checkout_origin(settings.STRIPE_API_BASE)],
        }
        replace = {"frame-ancestors": [SELF if same_origin else NONE]}
        if request.path_info.startswith(settings.CSP_ADMIN_PATH):
            replace.update(settings.CSP_ADMIN_DIRECTIVES)
        parts.replace = {**(parts.replace or {}), **replace}
        return parts
