"""The staff screens' forms: files in and out, personal data, clusters, pairs."""

from django import forms
from django.utils.translation import gettext_lazy

from ideas import access, answers, import_limits, importing
from ideas.models import ANSWER_MAX_LENGTH, Cluster, Idea
from ideas.numbers import whole_number


def _events():
    return Idea._meta.get_field("event").related_model.objects


class FacilitatedEventField(forms.ModelChoiceField):
    """An event the user may facilitate; the form sets the queryset per user."""

    default_error_messages = {
        "invalid_choice": gettext_lazy(
            "You do not facilitate that event: choose one of the events you "
            "facilitate. An administrator names an event's facilitators on its "
            "page."
        ),
    }

    def __init__(self, **kwargs):
        super().__init__(
            label=gettext_lazy("Event"), queryset=_events().none(), **kwargs
        )

    def to_python(self, value):
        # An event's key is its page's one-to-one key, which Django does not
        # range-check: 40 digits reached SQLite and raised OverflowError.
        if value not in self.empty_values and whole_number(value) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class UserEventsForm(forms.Form):
    """A form whose event choice lists only the events ``user`` facilitates."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = access.events_facilitated(user).order_by(
            "-start_date", "title"
        )


class ImportForm(UserEventsForm):
    event = FacilitatedEventField()
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (UTF-8 or Thai Windows encoding), XLSX or JSON, e.g. a Google "
            "Forms or Microsoft Forms export."
        ),
        required=False,
    )
    sheet = forms.CharField(
        label=gettext_lazy("Sheet"),
        required=False,
        help_text=gettext_lazy("XLSX only; by default the first sheet with data."),
    )
    column_map = forms.CharField(
        label=gettext_lazy("Other columns"),
        required=False,
        max_length=import_limits.COLUMN_MAP_MAX_LENGTH,
        help_text=gettext_lazy(
            'Headers not recognised by themselves, e.g. "Column A=title, Column '
            'B=problem". Fields: title, problem, solution, benefit, agencies, '
            "team, theme, tags, id."
        ),
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Import the valid rows even if some rows are invalid"),
        required=False,
    )
    upload = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_column_map(self):
        try:
            return importing.parse_column_map(self.cleaned_data["column_map"])
        except importing.ImportFileError as error:
            raise forms.ValidationError(error.message) from None


class ExportForm(UserEventsForm):
    event = FacilitatedEventField()
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("csv", gettext_lazy("CSV for Excel")),
            ("xlsx", "XLSX"),
            ("json", "JSON"),
            (
                "polis",
                gettext_lazy("Pol.is comments.csv (Talk to the City, Sensemaker)"),
            ),
            (
                "provenance",
                gettext_lazy("Theme and status decisions: who, when, from what"),
            ),
        ],
        widget=forms.RadioSelect,
        initial="csv",
    )


class PersonalDataForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"))


class RenameForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)


class MembersForm(forms.Form):
    """The ticked members and what to do with them: move, split off, pin."""

    ideas = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Ideas"),
        queryset=Idea.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Tick at least one idea.")},
    )
    target = forms.ModelChoiceField(
        label=gettext_lazy("Move to"),
        queryset=Cluster.objects.none(),
        required=False,
        empty_label=gettext_lazy("Choose a cluster"),
    )
    label = forms.CharField(
        label=gettext_lazy("Name of the new cluster"), max_length=200, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, cluster, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ideas"].queryset = Idea.objects.filter(
            cluster_memberships__cluster=cluster
        )
        self.fields["target"].queryset = others


class MergeForm(forms.Form):
    others = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Clusters to merge into this one"),
        queryset=Cluster.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Tick the clusters to merge.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["others"].queryset = others


class PairForm(forms.Form):
    """Two ideas of one event, by id; anything else is refused, not looked up."""

    first = forms.ModelChoiceField(queryset=Idea.objects.none())
    second = forms.ModelChoiceField(queryset=Idea.objects.none(), required=False)

    def __init__(self, *args, event, pair: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            self.fields[name].queryset = Idea.objects.filter(event=event)
        self.fields["second"].required = pair


class AnswerTemplateForm(forms.Form):
    """One answer template; the service checks placeholders and limits."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("For the decision"),
        required=False,
        choices=[("", gettext_lazy("Any decision")), *Idea.Status.choices],
    )
    text_th = forms.CharField(
        label=gettext_lazy("Answer in Thai"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=ANSWER_MAX_LENGTH,
    )
    text_en = forms.CharField(
        label=gettext_lazy("Answer in English"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=ANSWER_MAX_LENGTH,
        required=False,
        help_text=gettext_lazy("For ideas written in English; empty: the Thai one."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text_th"].help_text = gettext_lazy(
            "Placeholders are filled in for each idea: %(placeholders)s."
        ) % {"placeholders": answers.placeholders_help()}
