"""The proposers' and reviewers' forms: they read what was typed; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from proposals.models import (
    ABSTRACT_MAX,
    BIO_MAX,
    DESCRIPTION_MAX,
    SCORE_MAX,
    SCORE_MIN,
    TITLE_MAX,
    Call,
    Proposal,
    Question,
)
from proposals.services.submission import Speaker

MAX_CO_SPEAKERS = 4
# The proposal's own fields, as the form names them and the service and the model take them.
PROPOSAL_FIELDS = (
    "title",
    "abstract",
    "description",
    "session_format",
    "track",
    "length_minutes",
    "bsl",
    "step_free",
    "access_notes",
    "group",
)


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"), max_length=254, help_text=_("We'll send you a link: no password needed.")
    )


class ProposalForm(forms.Form):
    """A proposal: the session, its access needs, its speakers and the organisers' own questions."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    abstract = forms.CharField(
        label=_("Abstract"),
        max_length=ABSTRACT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few sentences for the programme."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happens in the session, for the programme committee."),
    )
    session_format = forms.ModelChoiceField(label=_("Format"), queryset=None, empty_label=None)
    track = forms.ModelChoiceField(label=_("Track"), queryset=None, required=False, empty_label=_("No track"))
    length_minutes = forms.IntegerField(label=_("Preferred length in minutes"), min_value=10, max_value=480, initial=60)
    bsl = forms.BooleanField(label=_("The session needs BSL interpretation"), required=False)
    step_free = forms.BooleanField(label=_("The session needs a step-free room"), required=False, initial=True)
    access_notes = forms.CharField(label=_("Other access needs of the session"), max_length=500, required=False)
    group = forms.CharField(
        label=_("Group you represent"),
        max_length=200,
        required=False,
        help_text=_("A campaign group, union branch, regional group, or none."),
    )
    speaker_name = forms.CharField(label=_("Your name, as it should appear"), max_length=200)

    def __init__(self, *args, call: Call, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["session_format"].queryset = call.formats.all()
        self.fields["track"].queryset = call.tracks.all()
        if editing:
            del self.fields["speaker_name"]
        for n in range(MAX_CO_SPEAKERS):
            self.fields[f"co_name_{n}"] = forms.CharField(
                label=_("Co-speaker %(n)s: name") % {"n": n + 1}, max_length=200, required=False
            )
            self.fields[f"co_email_{n}"] = forms.EmailField(
                label=_("Co-speaker %(n)s: email") % {"n": n + 1}, required=False
            )
        self.questions = list(call.questions.all())
        for question in self.questions:
            self.fields[f"q_{question.pk}"] = _question_field(question)

    @property
    def co_speaker_fields(self):
        return [(self[f"co_name_{n}"], self[f"co_email_{n}"]) for n in range(MAX_CO_SPEAKERS)]

    @property
    def question_fields(self):
        return [self[f"q_{question.pk}"] for question in self.questions]

    def clean(self):
        cleaned = super().clean()
        for n in range(MAX_CO_SPEAKERS):
            name, email = cleaned.get(f"co_name_{n}"), cleaned.get(f"co_email_{n}")
            if bool(name) != bool(email):
                self.add_error(
                    f"co_name_{n}" if not name else f"co_email_{n}",
                    _("Give both the name and the email address of a co-speaker."),
                )
        return cleaned

    def data_for_service(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in PROPOSAL_FIELDS}
        data["answers"] = {str(q.pk): self.cleaned_data.get(f"q_{q.pk}") for q in self.questions}
        return data

    def co_speakers(self) -> list[Speaker]:
        return [
            Speaker(name=self.cleaned_data[f"co_name_{n}"], email=self.cleaned_data[f"co_email_{n}"])
            for n in range(MAX_CO_SPEAKERS)
            if self.cleaned_data.get(f"co_email_{n}")
        ]

    @classmethod
    def initial_for(cls, proposal: Proposal) -> dict:
        initial = {name: getattr(proposal, name) for name in PROPOSAL_FIELDS}
        for n, speaker in enumerate(proposal.speakers.filter(is_proposer=False)[:MAX_CO_SPEAKERS]):
            initial[f"co_name_{n}"], initial[f"co_email_{n}"] = speaker.name, speaker.email
        for key, value in (proposal.answers or {}).items():
            initial[f"q_{key}"] = value
        return initial


def _question_field(question: Question) -> forms.Field:
    if question.kind == Question.Kind.YES_NO:
        return forms.TypedChoiceField(
            label=question.text,
            required=question.required,
            widget=forms.RadioSelect,
            choices=[("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda value: value == "yes",
            empty_value=None,
        )
    if question.kind == Question.Kind.CHOICE:
        return forms.ChoiceField(
            label=question.text, required=question.required, choices=[("", "—"), *[(o, o) for o in question.options()]]
        )
    return forms.CharField(
        label=question.text, required=question.required, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SpeakerForm(forms.Form):
    name = forms.CharField(label=_("Your name, as it should appear"), max_length=200)
    pronouns = forms.CharField(label=_("Pronouns"), max_length=40, required=False, help_text=_("For example: she/her"))
    bio = forms.CharField(
        label=_("A short biography"), max_length=BIO_MAX, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    photo = forms.FileField(
        label=_("A photo (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class ReviewForm(forms.Form):
    """A score for each of the call's criteria, and a comment."""

    comment = forms.CharField(
        label=_("Comment"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"c_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                coerce=int,
                widget=forms.RadioSelect,
                choices=[(n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)],
            )

    def scores(self) -> dict[int, int]:
        return {criterion.pk: self.cleaned_data[f"c_{criterion.pk}"] for criterion in self.criteria}
