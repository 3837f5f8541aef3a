from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ideas.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH
from ml.text import normalize_text

NOT_SURE = "not-sure"
# A field people never see; bots that fill every input fill it too.
HONEYPOT_FIELD = "website"
# The name of the form's second button: show similar ideas, store nothing.
HINTS_BUTTON = "hints"


class TextField(forms.CharField):
    """A CharField that judges text as it will be stored.

    Zero-width characters and decomposed vowels are normalised first, so a
    field holding only invisible characters counts as empty and lengths are
    counted on what is kept.
    """

    def __init__(self, *, multiline=True, **kwargs):
        self.multiline = multiline
        if multiline:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalize_text(super().to_python(value), multiline=self.multiline)


class IdeaSubmissionForm(forms.Form):
    """The participant's form on an event page; it validates, a service stores."""

    title = TextField(
        multiline=False,
        label=_("Title of your idea"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("One line that says what you propose."),
    )
    problem = TextField(
        label=_("The problem"),
        max_length=BODY_MAX_LENGTH,
        help_text=_("What goes wrong today, and for whom?"),
    )
    solution = TextField(
        label=_("Proposed solution"),
        max_length=BODY_MAX_LENGTH,
        help_text=_("What should change, and how?"),
    )
    benefit = TextField(
        label=_("Expected benefit"),
        max_length=BODY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agencies = TextField(
        label=_("Agencies involved"),
        max_length=BODY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    team_name = TextField(
        multiline=False,
        label=_("Team name"),
        max_length=TITLE_MAX_LENGTH,
        required=False,
    )
    theme = forms.ChoiceField(
        label=_("Theme"),
        widget=forms.RadioSelect,
        initial=NOT_SURE,
        help_text=_("Not sure? Facilitators will place your idea."),
    )
    contact_name = TextField(
        multiline=False, label=_("Your name"), max_length=200, required=False
    )
    contact_email = forms.EmailField(label=_("Email"), required=False)
    contact_phone = forms.RegexField(
        label=_("Phone"),
        required=False,
        max_length=40,
        regex=r"^\+?[0-9][0-9 \-]{5,38}$",
        error_messages={
            "invalid": _("Enter a phone number using digits, e.g. 081 234 5678.")
        },
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the organiser keeps my name and contact details to contact "
            "me about this idea only. They are never published."
        ),
        required=False,
    )
    notify_by_email = forms.BooleanField(
        label=_("E-mail me when my idea's status changes"),
        help_text=_("One e-mail per change; each has a link to stop them."),
        required=False,
    )

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.retention_days = settings.IDEAS_CONTACT_RETENTION_DAYS
        self.themes = {theme.code: theme for theme in event.themes.all()}
        self.fields["theme"].choices = [
            *((code, theme.name) for code, theme in self.themes.items()),
            (NOT_SURE, _("Not sure")),
        ]
        for field in self.fields.values():
            field.error_messages["required"] = _("Please fill in this field.")
        for name, autocomplete in (
            ("contact_name", "name"),
            ("contact_email", "email"),
            ("contact_phone", "tel"),
        ):
            self.fields[name].widget.attrs["autocomplete"] = autocomplete

    def clean(self):
        cleaned = super().clean()
        has_contact = any(
            cleaned.get(name)
            for name in ("contact_name", "contact_email", "contact_phone")
        )
        if has_contact and not cleaned.get("consent"):
            self.add_error(
                "consent",
                _(
                    "Tick this box to leave your contact details, or clear them to "
                    "submit anonymously."
                ),
            )
        if cleaned.get("notify_by_email") and not cleaned.get("contact_email"):
            self.add_error(
                "notify_by_email",
                _(
                    "Give your e-mail address to get e-mails about your idea, or "
                    "untick this box."
                ),
            )
        return cleaned

    @property
    def chosen_theme(self):
        return self.themes.get(self.cleaned_data.get("theme"))
