"""Forms of the shop: parse and bound what buyers type; the services decide the rest."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from ticketing.models import TicketType
from ticketing.names import clean_name

REGION_GROUPS = [
    ("", _("Choose a region group (optional)")),
    ("Scotland", "Scotland"),
    ("Wales", "Wales"),
    ("Northern Ireland", "Northern Ireland"),
    ("North East", "North East"),
    ("North West", "North West"),
    ("Yorkshire and the Humber", "Yorkshire and the Humber"),
    ("Midlands", "Midlands"),
    ("East of England", "East of England"),
    ("London", "London"),
    ("South East", "South East"),
    ("South West", "South West"),
    ("Outside the UK", _("Outside the UK")),
]
MAX_POUNDS = Decimal("10000")


class PoundsField(forms.Field):
    """An amount in pounds such as ``12.50``, cleaned to whole pence."""

    default_error_messages = {
        "invalid": _("Enter an amount in pounds, like 12.50."),
        "negative": _("Enter an amount of zero or more."),
        "too_large": _("Enter an amount below £10,000."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = str(value or "").strip().lstrip("£").replace(",", "")
        if not value:
            return None
        if len(value) > 12:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not amount.is_finite() or amount.as_tuple().exponent < -2:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if amount < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if amount >= MAX_POUNDS:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return int(amount * 100)


class NameField(forms.CharField):
    """A person's name or pronouns, cleaned by ``clean_name`` (bidi controls and invisible
    characters out) before its length is checked; a required one with nothing left is refused."""

    default_error_messages = {"blank": _("Type a name: this one is only spaces or invisible characters.")}

    def to_python(self, value):
        typed = super().to_python(value)
        name = clean_name(typed)
        if typed and not name and self.required:
            raise forms.ValidationError(self.error_messages["blank"], code="blank")
        return name


class ShopForm(forms.Form):
    """Step one: who is buying, how many of each type, donation and voucher."""

    buyer_name = NameField(label=_("Your name"), max_length=200)
    buyer_email = forms.EmailField(label=_("Your email"), help_text=_("We send your tickets here."))
    region_group = forms.ChoiceField(label=_("Region group"), choices=REGION_GROUPS, required=False)
    donation = PoundsField(label=_("Add a donation"), help_text=_("In pounds. Every penny helps."))
    voucher = forms.CharField(label=_("Voucher code"), max_length=40, required=False)

    def __init__(self, *args, ticket_types: list[TicketType], **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket_types = ticket_types
        for ticket_type in ticket_types:
            self.fields[f"qty_{ticket_type.pk}"] = forms.IntegerField(
                label=_("How many %(name)s tickets") % {"name": ticket_type.name},
                min_value=0,
                max_value=ticket_type.max_per_order,
                initial=0,
                required=False,
                error_messages={
                    "invalid": _("Enter a whole number."),
                    "min_value": _("Enter zero or more."),
                    "max_value": _("At most %(limit_value)s per order."),
                },
            )
            if ticket_type.pricing == TicketType.Pricing.SLIDING:
                self.fields[f"amount_{ticket_type.pk}"] = PoundsField(
                    label=_("What you will pay for each %(name)s ticket") % {"name": ticket_type.name},
                    initial=f"{ticket_type.suggested_price / 100:.2f}",
                )

    def rows(self):
        """Each ticket type with its bound quantity and amount fields, for the template."""
        for ticket_type in self.ticket_types:
            amount = f"amount_{ticket_type.pk}"
            yield ticket_type, self[f"qty_{ticket_type.pk}"], self[amount] if amount in self.fields else None

    def line_requests(self):
        from ticketing.services.orders import LineRequest

        return [
            LineRequest(
                ticket_type_id=t.pk,
                quantity=self.cleaned_data.get(f"qty_{t.pk}") or 0,
                amount=self.cleaned_data.get(f"amount_{t.pk}"),
            )
            for t in self.ticket_types
        ]


class AttendeesForm(forms.Form):
    """Step two: a name for every ticket, the first prefilled from the buyer."""

    def __init__(self, *args, labels: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for index, label in enumerate(labels):
            self.fields[f"attendee_{index}"] = NameField(
                label=_("Name on ticket %(n)s (%(type)s)") % {"n": index + 1, "type": label},
                max_length=200,
                error_messages={"required": _("Give a name for this attendee.")},
            )

    def names(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.fields]


class WaitingListForm(forms.Form):
    name = NameField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email"))
    quantity = forms.IntegerField(label=_("How many tickets you need"), min_value=1, max_value=4, initial=1)


class BadgeNameForm(forms.Form):
    """The order page's "correct the name": the name and pronouns on a badge."""

    attendee_name = NameField(
        max_length=200,
        error_messages={
            "required": _("Give the name for the badge."),
            "max_length": _("Give a name of up to 200 characters."),
        },
    )
    pronouns = NameField(
        max_length=40, required=False, error_messages={"max_length": _("Give pronouns of up to 40 characters.")}
    )
