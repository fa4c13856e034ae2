"""Every stage, track and format now has an edition (0005): require it, and names and slugs unique per edition."""

import django.db.models.deletion
from django.db import migrations, models


def _edition(related_name):
    return models.ForeignKey(
        "festival.FestivalPage",
        on_delete=django.db.models.deletion.CASCADE,
        related_name=related_name,
        verbose_name="edition",
        help_text="The festival edition this belongs to; each edition has its own.",
    )


class Migration(migrations.Migration):
    dependencies = [("programme", "0005_attach_snippets_to_editions")]

    operations = [
        migrations.AlterField(model_name="stage", name="edition", field=_edition("stages")),
        migrations.AlterField(model_name="track", name="edition", field=_edition("tracks")),
        migrations.AlterField(model_name="sessionformat", name="edition", field=_edition("session_formats")),
        *[
            migrations.AddConstraint(
                model_name=model,
                constraint=models.UniqueConstraint(fields=["edition", field], name=f"{prefix}_unique_{field}_per_edition"),
            )
            for model, prefix in (("stage", "stage"), ("track", "track"), ("sessionformat", "session_format"))
            for field in ("name", "slug")
        ],
    ]
