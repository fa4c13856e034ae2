"""The programme's whole-response cache (programme, session and speaker pages, exports).

The machinery is in ``festival.page_cache`` so that speaker pages, which ``programme`` builds on,
share it without importing ``programme``; the programme's signals move its generation on.
"""

from festival.page_cache import CachedProgrammeMiddleware, cached_hit, cached_response, generation, invalidate

__all__ = ["CachedProgrammeMiddleware", "cached_hit", "cached_response", "generation", "invalidate"]
