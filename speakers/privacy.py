"""Pages behind a view restriction stay out of the lists and exports of pages outside it.

Wagtail asks for the password or a sign-in before it serves a restricted page, and the
exports beside a page run the same checks (``programme.views``). A list on a page, though,
reads other pages straight from the database: a programme's grid reads its sessions, a
speaker's page reads their sessions in any edition. Without this, a private session (an
organisers' meeting, say) would be published in the grid and in every export.
"""

from __future__ import annotations

from django.db.models import CharField, Exists, ExpressionWrapper, F, OuterRef
from wagtail.models import Page, PageViewRestriction


def _restrictions_over(outer_path: str):
    """The restrictions on the outer query's page at ``outer_path`` (a path field) or on its ancestors."""
    return PageViewRestriction.objects.annotate(
        restricted_path=ExpressionWrapper(OuterRef(outer_path), output_field=CharField())
    ).filter(restricted_path__startswith=F("page__path"))


def _other_restrictions(page: Page):
    """Restrictions over the outer query's page (its ``path``) that ``page`` is not behind too."""
    step = Page.steplen
    shared = [page.path[:end] for end in range(step, len(page.path) + 1, step)]
    return _restrictions_over("path").exclude(page__path__in=shared)


def visible_from(queryset, page: Page):
    """``queryset`` without the pages behind a restriction that ``page`` is not behind too.

    Whoever sees ``page`` has passed its own restrictions and its ancestors', so pages that
    share them stay; a restriction only on the listed pages, or on another branch, leaves
    them out. A subquery, not another query: a page's ancestors are the steps of its path.
    """
    return queryset.exclude(Exists(_other_restrictions(page)))


def hidden_from(queryset, page: Page):
    """The pages of ``queryset`` that ``visible_from`` leaves out."""
    return queryset.filter(Exists(_other_restrictions(page)))


def is_private_to(listed: Page, page: Page) -> bool:
    """Whether ``listed`` is behind a restriction that ``page`` is not behind too."""
    return hidden_from(Page.objects.filter(pk=listed.pk), page).exists()


def links_to_visible(queryset, *, linked: str, listed_on: str):
    """The rows of ``queryset`` (links between two pages) whose ``linked`` page is behind no
    restriction that its ``listed_on`` page is not behind too.

    For a session's speakers, say: whoever sees the session may not see a speaker whose own
    page is private (not yet announced), so the session leaves them out wherever it is shown.
    A speaker behind the same restriction as the session (a members-only edition) stays.
    """
    listed_path = ExpressionWrapper(OuterRef(f"{listed_on}__path"), output_field=CharField())
    restrictions = _restrictions_over(f"{linked}__path").annotate(listed_path=listed_path)
    return queryset.exclude(Exists(restrictions.exclude(listed_path__startswith=F("page__path"))))
