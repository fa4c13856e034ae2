"""The reports' permissions: who may download exports and who sees which dashboard panel.

Reports read the shop's records and own none, so the permissions sit on a model with no table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

EXPORT_SALES = "reports.export_sales"
VIEW_CAPACITY = "reports.view_capacity"
VIEW_REVENUE = "reports.view_revenue"
VIEW_SALES = "reports.view_sales"
VIEW_ARRIVALS = "reports.view_arrivals"


class Report(models.Model):
    """No rows: only the permissions below."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("export_sales", _("Can download orders, tickets, check-ins, payments and refunds")),
            ("view_capacity", _("Can see tickets sold against capacity on the dashboard")),
            ("view_revenue", _("Can see revenue, refunds and donations on the dashboard")),
            ("view_sales", _("Can see sales per day on the dashboard")),
            ("view_arrivals", _("Can see arrivals at the doors on the dashboard")),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)
