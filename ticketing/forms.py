"""Forms of the shop: parse and bound what buyers type; the services decide the rest."""

import re
from decimal import Decimal

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from ticketing.access_needs import DIETARY_MAX, NEEDS, OTHER_MAX
from ticketing.models import TicketType
from ticketing.names import clean_name
from ticketing.services.orders import LineRequest

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
SIGNED = re.compile(r"([-\u2212]?)\s*£?\s*([-\u2212]?)\s*(.*)", re.DOTALL)  # a minus before or after the £
# The number itself, once the pound sign and a minus are taken off. ASCII
# digits only: Decimal would take an Arabic-Indic or full-width digit the buyer never meant.
PLAIN = re.compile(r"[0-9]+[.,]?[0-9]*|[.,][0-9]+")  # 5, 5.00, 5,00, 12,5, .50
GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")  # 1,000.00, 1,000,000
AMBIGUOUS = re.compile(r"([0-9]{1,3}),([0-9]{3})")  # 5,000: five thousand, or five with a decimal comma?


class PoundsField(forms.Field):
    """An amount in pounds, cleaned to whole pence.

    Read as people type it: "12.50", "£12.50", "12,50" and "12,5" (a decimal comma) are all
    £12.50, and "1,000.00" (commas grouping thousands, with a decimal point) is £1000. What
    could be read two ways is refused, never guessed: "5,000" may be £5000 or £5.00, so the
    buyer is asked to write either. So are negatives, more than two decimal places, £10,000
    or more, and anything else (exponents, "NaN", spaces inside the number, "1.000,50").
    """

    default_error_messages = {
        "invalid": _("Enter an amount in pounds, like 12.50."),
        "negative": _("Enter an amount of zero or more."),
        "too_large": _("Enter an amount below £10,000."),
        "too_precise": _("Use at most two decimal places for the pence, like 12.50."),
        "ambiguous": _(
            "Did you mean £%(whole)s or £%(decimal)s? Write %(whole)s or %(decimal)s, so we charge the right amount."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        before, after, text = SIGNED.fullmatch(text).groups()
        negative = bool(before or after)
        ambiguous = AMBIGUOUS.fullmatch(text)
        if ambiguous and not negative:
            whole, fraction = ambiguous.groups()
            raise forms.ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={"whole": int(whole + fraction), "decimal": f"{Decimal(f'{whole}.{fraction}'):.2f}"},
            )
        if GROUPED.fullmatch(text) or ambiguous:
            text = text.replace(",", "")
        elif PLAIN.fullmatch(text):
            text = text.replace(",", ".")
        else:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        amount = Decimal(text)
        if negative and amount:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if amount >= MAX_POUNDS:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        if amount.as_tuple().exponent < -2:
            raise forms.ValidationError(self.error_messages["too_precise"], code="too_precise")
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


class ShopFormRenderer(TemplatesSetting):
    """Renders the shop's fields with the project's templates: ``{{ field.as_field_group }}`` gives the
    label (and "optional"), hint, input or select, and error, linked by ``aria-describedby``."""

    field_template_name = "ticketing/forms/field.html"


class ShopFormBase(forms.Form):
    """A form of the shop's pages; its error summary is ``ticketing/forms/error_summary.html``.

    A field's ``autocomplete`` and ``inputmode`` are its widget's attributes."""

    default_renderer = ShopFormRenderer


def _text(**attrs) -> forms.TextInput:
    return forms.TextInput(attrs=attrs)


def _email() -> forms.EmailInput:
    return forms.EmailInput(attrs={"autocomplete": "email"})


class ShopForm(ShopFormBase):
    """Step one: who is buying, how many of each type, donation and voucher."""

    buyer_name = NameField(label=_("Your name"), max_length=200, widget=_text(autocomplete="name"))
    buyer_email = forms.EmailField(label=_("Your email"), help_text=_("We send your tickets here."), widget=_email())
    region_group = forms.ChoiceField(label=_("Region group"), choices=REGION_GROUPS, required=False)
    donation = PoundsField(
        label=_("Add a donation"),
        help_text=_("In pounds, like 5 or 12.50. Every penny helps."),
        widget=_text(inputmode="decimal"),
    )
    voucher = forms.CharField(label=_("Voucher code"), max_length=40, required=False, widget=_text(autocomplete="off"))

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
        return [
            LineRequest(
                ticket_type_id=t.pk,
                quantity=self.cleaned_data.get(f"qty_{t.pk}") or 0,
                amount=self.cleaned_data.get(f"amount_{t.pk}"),
            )
            for t in self.ticket_types
        ]


NEEDS_CONSENT_LABEL = _(
    "I agree to the festival keeping these access needs. Only our access team sees them, to arrange "
    "what this person needs on the day; they are never printed on a badge or shown at the door, "
    "and they are deleted after the festival."
)
CONSENT_MISSING = _("Tick the box to let us keep these access needs, or clear them. Without it we can't keep them.")


def _need_fields() -> dict[str, forms.Field]:
    """The access-needs questions, fresh for one attendee: yes/no needs, dietary needs, anything else, consent."""
    fields: dict[str, forms.Field] = {name: forms.BooleanField(label=label, required=False) for name, label in NEEDS}
    fields["dietary"] = forms.CharField(
        label=_("Dietary needs"),
        help_text=_("For example: vegan, coeliac, nut allergy."),
        max_length=DIETARY_MAX,
        required=False,
        widget=_text(autocomplete="off"),
        error_messages={"max_length": _("Keep dietary needs to %(limit_value)s characters or fewer.")},
    )
    fields["other"] = forms.CharField(
        label=_("Anything else we should know to make the festival work for this person"),
        max_length=OTHER_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep this to %(limit_value)s characters or fewer.")},
    )
    fields["consent"] = forms.BooleanField(label=NEEDS_CONSENT_LABEL, required=False)
    return fields


NEED_FIELD_NAMES = [*(name for name, _label in NEEDS), "dietary", "other"]


def _needs_from(cleaned: dict, suffix: str = "") -> dict:
    return {name: cleaned.get(name + suffix) or (False if name not in ("dietary", "other") else "")
            for name in NEED_FIELD_NAMES}  # fmt: skip


def _any_need(needs: dict) -> bool:
    return any(bool(value) for value in needs.values())


class AttendeeFields:
    """One attendee's bound fields, for the review page's template."""

    def __init__(self, form, index: int):
        self.index = index
        self.name = form[f"attendee_{index}"]
        self.email = form[f"email_{index}"]
        self.pronouns = form[f"pronouns_{index}"]
        self.checkboxes = [form[f"{name}_{index}"] for name, _label in NEEDS]
        self.dietary = form[f"dietary_{index}"]
        self.other = form[f"other_{index}"]
        self.consent = form[f"consent_{index}"]
        self.label = form.labels[index]


class AttendeesForm(ShopFormBase):
    """Step two: for every ticket a name (the first prefilled from the buyer), and optionally the
    attendee's email (they then get their own ticket by email), pronouns and access needs."""

    def __init__(self, *args, labels: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = labels
        for index, label in enumerate(labels):
            n = index + 1
            self.fields[f"attendee_{index}"] = NameField(
                label=_("Name on ticket %(n)s (%(type)s)") % {"n": n, "type": label},
                max_length=200,
                widget=_text(autocomplete="off"),
                error_messages={"required": _("Give a name for this attendee.")},
            )
            self.fields[f"email_{index}"] = forms.EmailField(
                label=_("Email of the person on ticket %(n)s") % {"n": n},
                help_text=_("They get their own ticket and badge, and can correct their name."),
                max_length=254,
                required=False,
                widget=forms.EmailInput(attrs={"autocomplete": "off"}),
                error_messages={"invalid": _("Enter an email address like name@example.org, or leave it empty.")},
            )
            self.fields[f"pronouns_{index}"] = NameField(
                label=_("Pronouns on ticket %(n)s") % {"n": n},
                help_text=_("For example: she/her, they/them. Printed on the badge."),
                max_length=40,
                required=False,
                widget=_text(autocomplete="off"),
                error_messages={"max_length": _("Give pronouns of up to 40 characters.")},
            )
            for name, field in _need_fields().items():
                self.fields[f"{name}_{index}"] = field

    def clean(self):
        cleaned = super().clean()
        for index in range(len(self.labels)):
            if _any_need(_needs_from(cleaned, f"_{index}")) and not cleaned.get(f"consent_{index}"):
                self.add_error(f"consent_{index}", CONSENT_MISSING)
        return cleaned

    def attendees(self):
        """Each ticket's bound fields, in order, for the template."""
        return [AttendeeFields(self, index) for index in range(len(self.labels))]

    def names(self) -> list[str]:
        return [self.cleaned_data[f"attendee_{index}"] for index in range(len(self.labels))]

    def details(self) -> list[dict]:
        """Each attendee's email, pronouns and access needs (None when they gave none)."""
        result = []
        for index in range(len(self.labels)):
            needs = _needs_from(self.cleaned_data, f"_{index}")
            result.append({
                "email": self.cleaned_data.get(f"email_{index}") or "",
                "pronouns": self.cleaned_data.get(f"pronouns_{index}") or "",
                "needs": needs if _any_need(needs) and self.cleaned_data.get(f"consent_{index}") else None,
            })  # fmt: skip
        return result


class AccessNeedsForm(ShopFormBase):
    """The attendee's own ticket page: change their access needs, or (unticking consent) delete them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_need_fields())

    def clean(self):
        cleaned = super().clean()
        if _any_need(_needs_from(cleaned)) and not cleaned.get("consent"):
            self.add_error("consent", CONSENT_MISSING)
        return cleaned

    def needs(self) -> dict | None:
        """The needs to keep, or None to keep none."""
        needs = _needs_from(self.cleaned_data)
        return needs if _any_need(needs) and self.cleaned_data.get("consent") else None


class WaitingListForm(ShopFormBase):
    name = NameField(label=_("Your name"), max_length=200, widget=_text(autocomplete="name"))
    email = forms.EmailField(label=_("Your email"), widget=_email())
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


class OrderLinksForm(ShopFormBase):
    """ "Send me my order links again": the one address to send them to."""

    email = forms.EmailField(
        label=_("The email address you ordered with"),
        max_length=254,
        widget=_email(),
        error_messages={
            "required": _("Give the email address you used for your order."),
            "invalid": _("Enter an email address like name@example.org."),
        },
    )
