from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin.views.account import PasswordResetView
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Page

from festival import chrome, site_cache, throttle

# Password reset emails: a few per address and a handful per client address an hour, so the form
# cannot be used to flood someone's inbox or to probe for accounts.
RESET_PER_EMAIL = throttle.Limit(3, 3600)
RESET_PER_IP = throttle.Limit(10, 3600)
password_reset_form = PasswordResetView.as_view()


def search(request):
    """Site search over live pages, through Wagtail's search backend."""
    query = request.GET.get("q", "").strip()[:200]
    results = Page.objects.live().public().specific().search(query) if query else Page.objects.none()
    return render(request, "festival/search.html", {"query": query, "results": results})


def healthz(request):
    """For the load balancer: the app answers and the database answers."""
    Page.objects.exists()  # raises when the database does not answer
    return JsonResponse({"ok": True})


@require_GET
def brand_css(request):
    """The site's colours (its settings) as CSS custom properties: a stylesheet, since the
    Content-Security-Policy refuses inline styles. Pages link it with the colours in the query, so a
    browser keeps it until they change."""
    colours = chrome.for_request(request)
    response = HttpResponse(
        f":root {{ --brand: {colours.primary_colour}; --accent: {colours.accent_colour}; }}\n",
        content_type="text/css; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@csrf_exempt
@require_POST
def set_language(request):
    """Django's ``set_language`` (the language cookie, then back to ``next``), for forms from this site only.

    The switch sits in every page's footer, programme pages included, which the page cache shares
    among visitors, so it cannot carry one visitor's CSRF token. The browser's Origin header stands
    in for it: a form posted from another site is refused.
    """
    origin = request.headers.get("Origin", "")
    if origin not in {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}:
        raise PermissionDenied
    return i18n.set_language(request)


def password_reset(request, *args, **kwargs):
    """Wagtail's password reset, throttled per address asked for and per client (429 once over)."""
    if request.method == "POST":
        email = request.POST.get("email", "").strip().lower()[:254]
        ip_ok = throttle.allow("password-reset-ip", throttle.client_ip(request), RESET_PER_IP)
        email_ok = throttle.allow("password-reset-email", email, RESET_PER_EMAIL)
        if not (ip_ok and email_ok):
            return throttle.too_many(request, RESET_PER_IP, what=_("password reset requests"))
    return password_reset_form(request, *args, **kwargs)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: whatever broke may be behind them.
    return HttpResponseServerError(loader.get_template("500.html").render())


@require_GET
def web_manifest(request):
    """The web app manifest: the festival's name, icons and colour, for a phone's home screen."""
    colours = chrome.for_request(request)
    icons = [
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {"src": static("icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    manifest = {
        "name": colours.site_name,
        "short_name": colours.site_name if len(colours.site_name) <= 12 else SHORT_NAME,
        "start_url": "/",
        "scope": "/",
        "display": "minimal-ui",
        "theme_color": colours.primary_colour,
        "background_color": "#ffffff",
        "icons": icons,
    }
    response = JsonResponse(manifest, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


SHORT_NAME = "Festival"  # under a home-screen icon, where a long name is cut short

# Private or pointless for a search engine: staff pages, the door, secret order and ticket links (and
# what hangs below them), Stripe's webhook, waiting-list offers, search results, a browser's starred list.
ROBOTS_DISALLOW = (
    "/admin/",
    "/django-admin/",
    "/door/",
    "/tickets/orders/",
    "/tickets/ticket/",
    "/tickets/stripe/",
    "/tickets/*/waiting-list/",
    "/*?offer=",
    "/search/",
    "/*/programme/my/",
    "/*/programme/starred.ics",
)


@require_GET
def robots_txt(request):
    """robots.txt: crawl the public site, not its private paths; where the sitemap is."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "Allow: /", ""]
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def sitemap(request):
    """sitemap.xml from Wagtail's sitemap framework: every live page anyone may see (drafts and pages
    behind a view restriction left out). Built once per site generation, so publishing anything
    refreshes it (``festival.site_cache``)."""

    def build() -> bytes:
        response = wagtail_sitemap(request)
        response.render()
        return response.content

    key = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return HttpResponse(site_cache.cached("sitemap", key, build), content_type="application/xml; charset=utf-8")
