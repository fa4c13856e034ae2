"""Whole-response caching for the programme, its speakers and its exports, dropped whenever anything on it is published.

It lives in the shell, importing no app, so that ``programme`` and ``speakers`` both serve through it
(``programme.caching`` names the same functions for the programme's own code).

Every cache key carries a generation number; publishing or unpublishing a programme, session or
speaker page (or editing a stage, track or format) moves the generation on, so old entries are
never read again and expire by themselves. This works the same with Redis and with local memory.

The cache is shared by every anonymous visitor, so, like any shared cache, it never stores a
response marked ``Cache-Control: private`` or ``no-store``. Wagtail marks every page with a view
restriction (a password, sign-in or groups, on the page or an ancestor) that way, and exports go
through the same serving hooks: a visitor who unlocks a page never unlocks it for everyone.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from festival import site_cache

GENERATION_KEY = "programme:generation"
TIMEOUT = 60 * 60


PROGRAMME = site_cache.Generation(GENERATION_KEY)


def generation() -> int:
    return PROGRAMME.current()


def invalidate() -> None:
    """Forget every cached programme response, now and (inside a transaction) again when it commits."""
    PROGRAMME.move_on()


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not getattr(request, "is_preview", False)
        and not getattr(request, "is_dummy", False)  # Wagtail's preview request, before it is marked as one
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def _key(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()[:32]
    # The site's generation too: a cached page carries the header and footer (menu, settings). And
    # the language LocaleMiddleware chose (cookie or Accept-Language): one copy for each language.
    language = translation.get_language()
    return f"programme:response:{generation()}:{site_cache.generation()}:{language}:{digest}"


def cached_hit(request: HttpRequest) -> HttpResponse | None:
    """The cached response for this URL, if one was stored for anonymous visitors."""
    if not _cacheable(request):
        return None
    hit = cache.get(_key(request))
    if hit is None:
        return None
    content, content_type, extra_headers = hit
    response = HttpResponse(content, content_type=content_type)
    for name, value in extra_headers.items():
        response[name] = value
    response["X-Programme-Cache"] = "hit"
    return response


def _shareable(response: HttpResponse) -> bool:
    directives = {part.split("=")[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}
    return not directives & {"private", "no-store"}


def cached_response(request: HttpRequest, page, render: Callable[[], HttpResponse]) -> HttpResponse:
    """Serve ``page`` for this URL from the cache, or render it for the middleware to keep for anonymous visitors.

    It is kept only once every serving hook has had its say (see ``CachedProgrammeMiddleware``).
    """
    if not _cacheable(request):
        return render()
    hit = cached_hit(request)
    if hit is not None:
        return hit
    key = _key(request)  # this generation: if something is published while rendering, the copy is never read
    response = render()
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    if response.status_code == 200 and not response.streaming:
        response.programme_cache_key = key
    return response


def _store(response: HttpResponse) -> None:
    key = getattr(response, "programme_cache_key", None)
    if key is None or not _shareable(response):
        return
    extra = {
        name: response[name] for name in ("Content-Disposition", "Access-Control-Allow-Origin") if name in response
    }
    cache.set(key, (response.content, response["Content-Type"], extra), TIMEOUT)
    response["X-Programme-Cache"] = "miss"


class CachedProgrammeMiddleware:
    """Answers a cached programme, session, speaker or export URL before any routing or query.

    On the way out it keeps what ``cached_response`` rendered, unless the response (by now past
    Wagtail's view-restriction hook) is private to this visitor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hit = cached_hit(request)
        if hit is not None:
            return hit
        response = self.get_response(request)
        _store(response)
        return response
