"""Attach each stage, track and format to the edition whose sessions use it.

A snippet used by two editions' sessions stays with the first (by start date) and is copied, a row
per further edition, its sessions (and their revisions, so the next edit does not undo it) moved to
the copy. A snippet no session uses goes to the latest edition; with no edition at all there is
nothing it could belong to, so it is deleted.
"""

import uuid

from django.db import migrations

STEP = 4  # Wagtail's path step: a session's programme is its path less one step, the edition less two
SNIPPETS = (("Stage", "stage", "stage_id"), ("Track", "track", "track_id"), ("SessionFormat", "session_format", "session_format_id"))


def attach(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    FestivalPage = apps.get_model("festival", "FestivalPage")
    SessionPage = apps.get_model("programme", "SessionPage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    session_type = ContentType.objects.filter(app_label="programme", model="sessionpage").first()
    revisions = apps.get_model("wagtailcore", "Revision").objects.filter(content_type=session_type)
    editions = {page.path: page for page in FestivalPage.objects.order_by("start_date", "pk")}
    order = {pk: index for index, pk in enumerate(page.pk for page in editions.values())}
    latest = max(editions.values(), key=lambda e: (e.start_date, e.pk), default=None)
    session_edition = {}
    for session in SessionPage.objects.only("pk", "path"):
        edition = editions.get(session.path[: -2 * STEP])
        if edition is not None:
            session_edition[session.pk] = edition.pk
    for model_name, field, column in SNIPPETS:
        Model = apps.get_model("programme", model_name)
        for snippet in Model.objects.all():
            users = SessionPage.objects.filter(**{column: snippet.pk}).values_list("pk", flat=True)
            by_edition = {}
            for session_pk in users:
                if session_pk in session_edition:
                    by_edition.setdefault(session_edition[session_pk], []).append(session_pk)
            if not by_edition:
                if latest is None:
                    snippet.delete()
                    continue
                snippet.edition_id = latest.pk
                snippet.save(update_fields=["edition"])
                continue
            first, *others = sorted(by_edition, key=order.get)
            snippet.edition_id = first
            snippet.save(update_fields=["edition"])
            for edition_pk in others:
                original_pk = snippet.pk
                copy = Model.objects.get(pk=original_pk)
                copy.pk = None
                copy.edition_id = edition_pk
                if hasattr(copy, "guid"):
                    copy.guid = uuid.uuid4()
                copy.save()
                sessions = by_edition[edition_pk]
                SessionPage.objects.filter(pk__in=sessions).update(**{column: copy.pk})
                _repoint_revisions(revisions, sessions, column, original_pk, copy.pk)


def _repoint_revisions(revisions, session_pks, column, old_pk, new_pk):
    for revision in revisions.filter(object_id__in=[str(pk) for pk in session_pks]):
        content = revision.content or {}
        changed = False
        for key in (column, column.removesuffix("_id")):
            if content.get(key) == old_pk:
                content[key] = new_pk
                changed = True
        if changed:
            revision.content = content
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0004_snippets_edition_field"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(attach, migrations.RunPython.noop)]
