"""Stages, tracks and formats belong to an edition: the column, nullable until 0005 fills it."""

import django.db.models.deletion
from django.db import migrations, models


def _edition(related_name):
    return models.ForeignKey(
        "festival.FestivalPage",
        null=True,
        on_delete=django.db.models.deletion.CASCADE,
        related_name=related_name,
        verbose_name="edition",
        help_text="The festival edition this belongs to; each edition has its own.",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("festival", "0002_organisation_and_receipt_note"),
        ("programme", "0003_snapshot_moved"),
    ]

    operations = [
        migrations.AddField(model_name="stage", name="edition", field=_edition("stages")),
        migrations.AddField(model_name="track", name="edition", field=_edition("tracks")),
        migrations.AddField(model_name="sessionformat", name="edition", field=_edition("session_formats")),
        *[
            migrations.AlterField(model_name=model, name="name", field=models.CharField(max_length=100, verbose_name="name"))
            for model in ("stage", "track", "sessionformat")
        ],
        *[
            migrations.AlterField(model_name=model, name="slug", field=models.SlugField(max_length=100, verbose_name="slug"))
            for model in ("stage", "track", "sessionformat")
        ],
    ]
