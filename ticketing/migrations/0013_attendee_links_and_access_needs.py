# Each ticket its own page link (a secret token, filled in for existing tickets), and attendees'
# access needs in their own table, seen only by the access team.

import secrets

import django.db.models.deletion
from django.db import migrations, models

import ticketing.codes


def give_each_ticket_a_token(apps, schema_editor):
    Ticket = apps.get_model("ticketing", "Ticket")
    for ticket in Ticket.objects.filter(access_token__isnull=True).only("pk").iterator():
        Ticket.objects.filter(pk=ticket.pk).update(access_token=secrets.token_urlsafe(32))


class Migration(migrations.Migration):

    dependencies = [
        ("ticketing", "0012_private_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="access_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(give_each_ticket_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="ticket",
            name="access_token",
            field=models.CharField(
                default=ticketing.codes.new_access_token, editable=False, max_length=64, null=True, unique=True
            ),
        ),
        migrations.CreateModel(
            name="AccessNeeds",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("bsl", models.BooleanField(default=False, verbose_name="BSL interpretation")),
                ("step_free", models.BooleanField(default=False, verbose_name="step-free access")),
                ("wheelchair_space", models.BooleanField(default=False, verbose_name="wheelchair space")),
                ("quiet_space", models.BooleanField(default=False, verbose_name="quiet space")),
                ("carer", models.BooleanField(default=False, verbose_name="carer or companion")),
                ("dietary", models.CharField(blank=True, max_length=300, verbose_name="dietary needs")),
                ("other", models.TextField(blank=True, max_length=1000, verbose_name="anything else")),
                (
                    "consented_at",
                    models.DateTimeField(help_text="When the attendee agreed to us keeping these needs."),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "ticket",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="access_needs",
                        to="ticketing.ticket",
                    ),
                ),
            ],
            options={
                "verbose_name": "access needs",
                "verbose_name_plural": "access needs",
                "permissions": [
                    ("view_access_needs", "Can see attendees' access needs (the access team)"),
                    ("manage_personal_data", "Can download a person's data and anonymise an edition's attendees"),
                ],
            },
        ),
    ]
