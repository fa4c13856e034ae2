"""The admin home's dashboard: one Wagtail panel per set of figures, each shown to the roles it fits.

Charts are drawn here as SVG (no script, no CDN): bars in the text colour, so they keep their
contrast in Wagtail's light and dark themes, each with an accessible name, and the same figures
beside them as a table. Every panel reads its figures in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from festival.models import FestivalPage
from reports import figures
from reports.models import VIEW_ARRIVALS, VIEW_CAPACITY, VIEW_REVENUE, VIEW_SALES
from ticketing.services.orders import pounds

CHART_WIDTH, CHART_HEIGHT = 320, 120


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # the figure it shows, for the bar's own title


def bars(values: list[int], labels: list[str], *, width: int = CHART_WIDTH, height: int = CHART_HEIGHT,
         slots: int = 12) -> list[Bar]:  # fmt: skip
    """Vertical bars for ``values``, scaled to the largest, a gap between each, from the left; at
    least ``slots`` wide each, so two days of sales are not two slabs."""
    if not values:
        return []
    top = max(max(values), 1)
    step = width / max(len(values), slots)
    gap = min(step * 0.2, 4)
    return [
        Bar(x=round(n * step + gap / 2, 2), y=round(height - value * height / top, 2),
            width=round(step - gap, 2), height=round(value * height / top, 2), label=label)
        for n, (value, label) in enumerate(zip(values, labels, strict=True))
    ]  # fmt: skip


class DashboardPanel(Component):
    """A panel about one edition; ``permission`` names who sees it."""

    permission: str = ""
    heading = ""
    name = ""

    class Media:
        css = {"all": ["reports/dashboard.css"]}

    def __init__(self, festival: FestivalPage):
        self.festival = festival

    def get_context_data(self, parent_context=None):
        return {"festival": self.festival, "heading": self.heading, "panel_id": f"dashboard-{self.name}"}


class CapacityPanel(DashboardPanel):
    name = "capacity"
    order = 100
    permission = VIEW_CAPACITY
    heading = _("Tickets sold")
    template_name = "reports/panels/capacity.html"

    def get_context_data(self, parent_context=None):
        rows = figures.capacity(self.festival)
        types = [
            {"row": row, "percent": round(100 * row.sold / row.capacity) if row.capacity else 0,
             "width": round(CHART_WIDTH * min(row.sold, row.capacity) / row.capacity, 2) if row.capacity else 0}
            for row in rows
        ]  # fmt: skip
        total_sold = sum(row.sold for row in rows)
        total_capacity = sum(row.capacity for row in rows)
        return {**super().get_context_data(parent_context), "types": types, "total_sold": total_sold,
                "total_capacity": total_capacity, "chart_width": CHART_WIDTH}  # fmt: skip


class RevenuePanel(DashboardPanel):
    name = "revenue"
    order = 110
    permission = VIEW_REVENUE
    heading = _("Revenue")
    template_name = "reports/panels/revenue.html"

    def get_context_data(self, parent_context=None):
        money = figures.revenue(self.festival)
        lines = [
            (_("Gross (payments received)"), pounds(money.gross)),
            (_("Refunded"), pounds(money.refunded)),
            (_("Net"), pounds(money.net)),
            (_("Of which donations"), pounds(money.donations)),
        ]
        pending = pounds(money.refunds_pending) if money.refunds_pending else ""
        return {**super().get_context_data(parent_context), "lines": lines, "pending": pending}


class SalesPanel(DashboardPanel):
    name = "sales"
    order = 120
    permission = VIEW_SALES
    heading = _("Sales per day")
    template_name = "reports/panels/sales.html"

    def get_context_data(self, parent_context=None):
        today = timezone.localdate(timezone=self.festival.tz)
        days = figures.sales_per_day(self.festival, today=today)
        chart = bars([count for _, count in days], [f"{day:%d %b}: {count}" for day, count in days])
        return {**super().get_context_data(parent_context), "days": days, "bars": chart,
                "total": sum(count for _, count in days), "chart_width": CHART_WIDTH,
                "chart_height": CHART_HEIGHT}  # fmt: skip


class ArrivalsPanel(DashboardPanel):
    name = "arrivals"
    order = 130
    permission = VIEW_ARRIVALS
    heading = _("Arrivals today")
    template_name = "reports/panels/arrivals.html"

    def get_context_data(self, parent_context=None):
        today = timezone.localdate(timezone=self.festival.tz)
        context = super().get_context_data(parent_context)
        if not self.festival.start_date <= today <= self.festival.end_date:
            return {**context, "on_today": False}
        seen = figures.arrivals(self.festival, day=today)
        # The hours as the edition's clocks show them, not in the site's time zone.
        hours = [
            {"label": f"{hour:%H:%M}", "iso": hour.isoformat(), "counts": counts, "total": total}
            for hour, counts, total in seen.hours
        ]
        chart = bars([h["total"] for h in hours], [f"{h['label']}: {h['total']}" for h in hours])
        return {**context, "on_today": True, "arrivals": seen, "hours": hours, "bars": chart,
                "chart_width": CHART_WIDTH, "chart_height": CHART_HEIGHT,
                "not_arrived_url": reverse("reports_not_arrived")}  # fmt: skip


PANELS = (CapacityPanel, RevenuePanel, SalesPanel, ArrivalsPanel)


def panels_for(user, festival: FestivalPage | None) -> list[DashboardPanel]:
    """The dashboard panels ``user`` may see, about ``festival`` (none without an edition)."""
    if festival is None:
        return []
    return [panel(festival) for panel in PANELS if user.has_perm(panel.permission)]
