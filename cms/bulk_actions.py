"""Bulk decisions on ideas from the admin listing."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.widgets import AdminTagWidget
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from ideas import services
from ideas.models import Idea, Theme


class IdeaBulkAction(SnippetBulkAction):
    models = [Idea]
    template_name = "cms/bulk_actions/confirm.html"
    confirm_label = ""

    def check_perm(self, obj):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", obj
        )

    def get_execution_context(self):
        return {"user": self.request.user}

    @staticmethod
    def apply(objects, change) -> tuple[int, int]:
        """Run ``change(idea)`` on each idea; count those changed and those refused.

        A ValidationError leaves that idea as it was and the others still
        change; the success message says how many were left.
        """
        changed = refused = 0
        for idea in objects:
            try:
                change(idea)
            except ValidationError:
                refused += 1
            else:
                changed += 1
        return changed, refused

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_title"] = self.display_name
        context["confirm_label"] = self.confirm_label
        return context


class AcceptBulkAction(IdeaBulkAction):
    display_name = _("Accept")
    action_type = "accept"
    aria_label = _("Accept the selected ideas")
    action_priority = 10
    confirm_label = _("Yes, accept")

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        return cls.apply(
            objects,
            lambda idea: services.idea_set_status(
                idea=idea, status=Idea.Status.ACCEPTED, actor=user
            ),
        )

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d idea has been accepted.",
            "%(count)d ideas have been accepted.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The participants see this on their tracking pages."),
    )


class RejectBulkAction(IdeaBulkAction):
    display_name = _("Reject")
    action_type = "reject"
    aria_label = _("Reject the selected ideas")
    action_priority = 20
    form_class = RejectForm
    classes = {"serious"}
    confirm_label = _("Yes, reject")

    def get_execution_context(self):
        return {
            **super().get_execution_context(),
            "reason": self.cleaned_form.cleaned_data["reason"],
        }

    @classmethod
    def execute_action(cls, objects, user=None, reason="", **kwargs):
        return cls.apply(
            objects,
            lambda idea: services.idea_set_status(
                idea=idea, status=Idea.Status.REJECTED, actor=user, reason=reason
            ),
        )

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d idea has been rejected.",
            "%(count)d ideas have been rejected.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


class AcceptSuggestionBulkAction(IdeaBulkAction):
    display_name = _("Accept suggested theme")
    action_type = "accept_suggestion"
    aria_label = _("Give the selected ideas the theme the model suggests")
    action_priority = 25
    confirm_label = _("Yes, accept the suggestions")

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        # Refused where there is no suggestion (not made yet, or "can't decide").
        return cls.apply(
            objects, lambda idea: services.idea_accept_suggestion(idea=idea, actor=user)
        )

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = ngettext(
            "The suggested theme of %(count)d idea has been accepted.",
            "The suggested themes of %(count)d ideas have been accepted.",
            num_parent_objects,
        ) % {"count": num_parent_objects}
        if num_child_objects:
            message += " " + ngettext(
                "%(count)d idea had no suggestion and was left unchanged.",
                "%(count)d ideas had no suggestion and were left unchanged.",
                num_child_objects,
            ) % {"count": num_child_objects}
        return message


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
    def execute_action(cls, objects, user=None, theme=None, **kwargs):
        # Refused where the theme belongs to another event than the idea's.
        return cls.apply(
            objects,
            lambda idea: services.idea_set_theme(idea=idea, theme=theme, actor=user),
        )

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = ngettext(
            "The theme of %(count)d idea has been set.",
            "The theme of %(count)d ideas has been set.",
            num_parent_objects,
        ) % {"count": num_parent_objects}
        if num_child_objects:
            message += " " + ngettext(
                "%(count)d idea of another event was left unchanged.",
                "%(count)d ideas of other events were left unchanged.",
                num_child_objects,
            ) % {"count": num_child_objects}
        return message


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
    def execute_action(cls, objects, user=None, tags=(), **kwargs):
        for idea in objects:
            services.idea_add_tags(idea=idea, tags=tags)
        return len(objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "Tags have been added to %(count)d idea.",
            "Tags have been added to %(count)d ideas.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


BULK_ACTIONS = [
    AcceptBulkAction,
    RejectBulkAction,
    AcceptSuggestionBulkAction,
    SetThemeBulkAction,
    AddTagsBulkAction,
]
