"""Bulk decisions on ideas from the admin listing."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_list_or_404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail.admin.widgets import AdminTagWidget
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from ideas import access, answers, services
from ideas.models import ANSWER_MAX_LENGTH, AnswerTemplate, Contact, Idea, Theme
from ideas.numbers import whole_numbers


def asked_ids(object_ids):
    """The ids in the query string that are whole numbers: ?id=abc, ² or 40
    digits name nothing (a 404 when none is left), where they were a 500.
    "Select all" gives the listing's query instead, kept as a query."""
    if isinstance(object_ids, list | tuple):
        return whole_numbers(object_ids)
    return object_ids


class IdeaBulkAction(SnippetBulkAction):
    models = [Idea]
    template_name = "facilitation/bulk_actions/confirm.html"
    confirm_label = ""
    # The success message: how many ideas changed, then (when some did not)
    # why they were left. Both are formatted with %(count)d.
    done_message = ngettext_lazy(
        "%(count)d idea has been changed.",
        "%(count)d ideas have been changed.",
        "count",
    )
    refused_message = ngettext_lazy(
        "%(count)d idea was left unchanged: the change does not apply to it, "
        "or it belongs to an event you do not facilitate.",
        "%(count)d ideas were left unchanged: the change does not apply to them, "
        "or they belong to events you do not facilitate.",
        "count",
    )

    # Ideas of events the user does not facilitate, set aside before the action.
    refused_for_access = 0

    @classmethod
    def get_queryset(cls, model, object_ids):
        return get_list_or_404(
            model.objects.select_related("event"), pk__in=asked_ids(object_ids)
        )

    def get_all_objects_in_listing_query(self, parent_id):
        # "Select all" means what the listing shows: a facilitator's events.
        return access.ideas_readable(
            self.request.user, self.model.objects.all()
        ).values_list("pk", flat=True)

    def check_perm(self, obj):
        # Only who may facilitate the idea's event (see IdeaPermissionPolicy).
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", obj
        )

    def prepare_action(self, objects, objects_without_access):
        self.refused_for_access = len(
            objects_without_access.get("items_with_no_access", [])
        )

    def get_execution_context(self):
        return {"user": self.request.user, "refused": self.refused_for_access}

    @staticmethod
    def apply(objects, change, *, refused: int = 0) -> tuple[int, int]:
        """Run ``change(idea)`` on each idea; count those changed and those refused.

        A ValidationError or PermissionDenied leaves that idea as it was and
        the others still change; the success message says how many were left.
        ``refused`` counts the ideas refused before the action ran.
        """
        changed = 0
        for idea in objects:
            try:
                change(idea)
            except (ValidationError, PermissionDenied):
                refused += 1
            else:
                changed += 1
        return changed, refused

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = self.done_message % {"count": num_parent_objects}
        if num_child_objects:
            message += " " + self.refused_message % {"count": num_child_objects}
        return message

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_title"] = self.display_name
        context["confirm_label"] = self.confirm_label
        return context


class AnswerForm(forms.Form):
    """The answer the authors of the selected ideas get: a template or a text."""

    answer_required = False

    template = forms.ModelChoiceField(
        label=_("Answer template"),
        queryset=AnswerTemplate.objects.none(),
        required=False,
        empty_label=_("No template"),
    )
    reason = forms.CharField(
        label=_("Answer to the authors"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=ANSWER_MAX_LENGTH,
        validators=[answers.check_placeholders],
        help_text=_(
            "The authors see it on their tracking pages. Empty: the template's."
        ),
    )

    def __init__(self, *args, event_ids=(), status="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = (
            AnswerTemplate.objects.filter(event_id__in=event_ids)
            .filter(Q(status="") | Q(status=status))
            .select_related("event")
        )
        self.fields["template"].label_from_instance = lambda template: (
            f"{template.name} ({template.event.title})"
        )
        self.fields["reason"].help_text = _(
            "The authors see it on their tracking pages. Empty: the template's. "
            "Placeholders: %(placeholders)s."
        ) % {"placeholders": answers.placeholders_help()}

    def clean(self):
        cleaned = super().clean()
        if (
            self.answer_required
            and not cleaned.get("template")
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error(
                "reason",
                _(
                    "Write an answer or choose a template: the authors see why "
                    "their ideas are rejected."
                ),
            )
        return cleaned


class RejectForm(AnswerForm):
    answer_required = True


def answer_for(idea, *, template, reason: str) -> str:
    """What the author of ``idea`` reads: the typed answer, else the template's.

    A template of another event answers none of this event's ideas.
    """
    if reason.strip():
        return answers.fill(
            reason,
            number=idea.number,
            title=idea.title,
            event=idea.event.title,
            theme=idea.theme.name_th if idea.theme else "",
        )
    if template is not None and template.event_id == idea.event_id:
        return answers.template_answer(template, idea)
    return ""


class AnsweredBulkAction(IdeaBulkAction):
    """A status decision that carries an answer to each author."""

    form_class = AnswerForm
    status = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        ideas, _no_access = self.get_actionable_objects()
        kwargs["event_ids"] = {idea.event_id for idea in ideas}
        kwargs["status"] = self.status
        return kwargs

    def get_execution_context(self):
        data = self.cleaned_form.cleaned_data
        return {
            **super().get_execution_context(),
            "template": data["template"],
            "reason": data["reason"],
        }

    @classmethod
    def execute_action(
        cls, objects, user=None, template=None, reason="", refused=0, **kwargs
    ):
        return cls.apply(
            objects,
            lambda idea: services.idea_set_status(
                idea=idea,
                status=cls.status,
                actor=user,
                reason=answer_for(idea, template=template, reason=reason),
            ),
            refused=refused,
        )


class AcceptBulkAction(AnsweredBulkAction):
    display_name = _("Accept")
    action_type = "accept"
    aria_label = _("Accept the selected ideas")
    action_priority = 10
    confirm_label = _("Yes, accept")
    status = Idea.Status.ACCEPTED

    done_message = ngettext_lazy(
        "%(count)d idea has been accepted.",
        "%(count)d ideas have been accepted.",
        "count",
    )


class RejectBulkAction(AnsweredBulkAction):
    display_name = _("Reject")
    action_type = "reject"
    aria_label = _("Reject the selected ideas")
    action_priority = 20
    form_class = RejectForm
    classes = {"serious"}
    confirm_label = _("Yes, reject")
    status = Idea.Status.REJECTED

    done_message = ngettext_lazy(
        "%(count)d idea has been rejected.",
        "%(count)d ideas have been rejected.",
        "count",
    )


class AcceptSuggestionBulkAction(IdeaBulkAction):
    display_name = _("Accept suggested theme")
    action_type = "accept_suggestion"
    aria_label = _("Give the selected ideas the theme the model suggests")
    action_priority = 25
    confirm_label = _("Yes, accept the suggestions")

    @classmethod
    def execute_action(cls, objects, user=None, refused=0, **kwargs):
        # Refused where there is no suggestion (not made yet, or "can't decide").
        return cls.apply(
            objects,
            lambda idea: services.idea_accept_suggestion(idea=idea, actor=user),
            refused=refused,
        )

    done_message = ngettext_lazy(
        "The suggested theme of %(count)d idea has been accepted.",
        "The suggested themes of %(count)d ideas have been accepted.",
        "count",
    )
    refused_message = ngettext_lazy(
        "%(count)d idea was left unchanged: it had no suggestion, or it "
        "belongs to an event you do not facilitate.",
        "%(count)d ideas were left unchanged: they had no suggestion, or "
        "they belong to events you do not facilitate.",
        "count",
    )


class ThemeForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.none(),
        required=False,
        empty_label=_("No theme"),
    )

    def __init__(self, *args, event_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(
            event_id__in=event_ids
        ).select_related("event")
        self.fields["theme"].label_from_instance = lambda theme: (
            f"{theme.name} ({theme.event.title})"
        )


class SetThemeBulkAction(IdeaBulkAction):
    display_name = _("Set theme")
    action_type = "set_theme"
    aria_label = _("Set the theme of the selected ideas")
    action_priority = 30
    form_class = ThemeForm
    confirm_label = _("Set theme")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        ideas, _no_access = self.get_actionable_objects()
        kwargs["event_ids"] = {idea.event_id for idea in ideas}
        return kwargs

    def get_execution_context(self):
        return {
            **super().get_execution_context(),
            "theme": self.cleaned_form.cleaned_data["theme"],
        }

    @classmethod
    def execute_action(cls, objects, user=None, theme=None, refused=0, **kwargs):
        # Refused where the theme belongs to another event than the idea's.
        return cls.apply(
            objects,
            lambda idea: services.idea_set_theme(idea=idea, theme=theme, actor=user),
            refused=refused,
        )

    done_message = ngettext_lazy(
        "The theme of %(count)d idea has been set.",
        "The theme of %(count)d ideas has been set.",
        "count",
    )
    refused_message = ngettext_lazy(
        "%(count)d idea was left unchanged: the theme is another event's, "
        "or you do not facilitate the idea's event.",
        "%(count)d ideas were left unchanged: the theme is another event's, "
        "or you do not facilitate their events.",
        "count",
    )


class TagForm(forms.Form):
    tags = forms.CharField(label=_("Tags"), widget=AdminTagWidget)


class AddTagsBulkAction(IdeaBulkAction):
    display_name = _("Add tags")
    action_type = "add_tags"
    aria_label = _("Add tags to the selected ideas")
    action_priority = 40
    form_class = TagForm
    confirm_label = _("Add tags")

    def get_execution_context(self):
        return {
            **super().get_execution_context(),
            "tags": self.cleaned_form.cleaned_data["tags"].split(","),
        }

    @classmethod
    def execute_action(cls, objects, user=None, tags=(), refused=0, **kwargs):
        return cls.apply(
            objects,
            lambda idea: services.idea_add_tags(idea=idea, tags=tags, actor=user),
            refused=refused,
        )

    done_message = ngettext_lazy(
        "Tags have been added to %(count)d idea.",
        "Tags have been added to %(count)d ideas.",
        "count",
    )


class ShortlistBulkAction(IdeaBulkAction):
    """Issue #4 point 7: the hackathon named four ideas ready to implement."""

    display_name = _("Mark ready to implement")
    action_type = "shortlist"
    aria_label = _("Put the selected ideas on the shortlist: ready to implement")
    action_priority = 15
    confirm_label = _("Yes, mark them ready to implement")
    shortlisted = True

    @classmethod
    def execute_action(cls, objects, user=None, refused=0, **kwargs):
        # Refused: rejected ideas and merged duplicates, or (taking off) ideas
        # not on the shortlist; see the service.
        return cls.apply(
            objects,
            lambda idea: services.idea_set_shortlisted(
                idea=idea, actor=user, shortlisted=cls.shortlisted
            ),
            refused=refused,
        )

    done_message = ngettext_lazy(
        "%(count)d idea has been marked ready to implement.",
        "%(count)d ideas have been marked ready to implement.",
        "count",
    )
    refused_message = ngettext_lazy(
        "%(count)d idea was left unchanged: rejected ideas and merged "
        "duplicates are not shortlisted, nor ideas of events you do not "
        "facilitate.",
        "%(count)d ideas were left unchanged: rejected ideas and merged "
        "duplicates are not shortlisted, nor ideas of events you do not "
        "facilitate.",
        "count",
    )


class UnshortlistBulkAction(ShortlistBulkAction):
    display_name = _("Remove from shortlist")
    action_type = "unshortlist"
    aria_label = _("Take the selected ideas off the shortlist; they stay accepted")
    action_priority = 16
    confirm_label = _("Yes, remove them from the shortlist")
    shortlisted = False

    done_message = ngettext_lazy(
        "%(count)d idea has been taken off the shortlist; it stays accepted.",
        "%(count)d ideas have been taken off the shortlist; they stay accepted.",
        "count",
    )
    refused_message = ngettext_lazy(
        "%(count)d idea was left unchanged: it was not on the shortlist, "
        "or it belongs to an event you do not facilitate.",
        "%(count)d ideas were left unchanged: they were not on the "
        "shortlist, or they belong to events you do not facilitate.",
        "count",
    )


class CountingDeleteBulkAction(DeleteBulkAction):
    """Wagtail's bulk delete, for ideas and contacts: what the user may not
    delete is counted, never named (a title or a name is what is protected).
    Ideas are never deleted at all (IdeaPermissionPolicy)."""

    models = [Idea, Contact]
    template_name = "facilitation/bulk_actions/confirm_delete.html"

    @classmethod
    def get_queryset(cls, model, object_ids):
        return super().get_queryset(model, asked_ids(object_ids))


BULK_ACTIONS = [
    AcceptBulkAction,
    ShortlistBulkAction,
    UnshortlistBulkAction,
    RejectBulkAction,
    AcceptSuggestionBulkAction,
    SetThemeBulkAction,
    AddTagsBulkAction,
]
