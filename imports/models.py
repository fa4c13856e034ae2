"""The imports' permissions: who may import the programme (speakers and sessions) and who may issue
complimentary tickets from a file.

Imports write other apps' records and own none, so the permissions sit on a model with no table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

IMPORT_PROGRAMME = "imports.import_programme"
IMPORT_COMPLIMENTARY = "imports.import_complimentary"


class Import(models.Model):
    """No rows: only the permissions below."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("import_programme", _("Can import speakers and sessions from a spreadsheet")),
            ("import_complimentary", _("Can issue complimentary tickets from a spreadsheet")),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)
