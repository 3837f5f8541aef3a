"""Bulk action on the ideas listing: start a measure from the selected ideas."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from ideas import access
from ideas.models import Idea
from ideas.numbers import whole_numbers
from strategy import services
from strategy.models import Goal


class MeasureFromIdeasForm(forms.Form):
    goal = forms.ModelChoiceField(
        label=_("Goal"),
        queryset=Goal.objects.select_related("issue__framework"),
        help_text=_("The measure is added at the end of this goal's measures."),
    )
    title = forms.CharField(
        label=_("Title of the measure"),
        required=False,
        max_length=255,
        help_text=_("Leave empty to start from the first idea's title."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].label_from_instance = lambda goal: (
            f"{goal.issue.framework.title} › {goal.issue.title} › {goal.title}"
        )


class MeasureFromIdeasBulkAction(SnippetBulkAction):
    """Create a measure that cites the selected accepted or shortlisted ideas."""

    models = [Idea]
    display_name = _("Create a measure")
    action_type = "create_measure"
    aria_label = _("Create a measure citing the selected ideas")
    action_priority = 60
    form_class = MeasureFromIdeasForm
    template_name = "strategy/bulk_actions/measure_from_ideas.html"

    @classmethod
    def get_queryset(cls, model, object_ids):
        # ?id=abc, ?id=² or 40 digits name no idea (a 404 if none is left),
        # where they were a 500; "select all" is the listing's query, kept.
        if isinstance(object_ids, list | tuple):
            object_ids = whole_numbers(object_ids)
        return super().get_queryset(model, object_ids)

    def check_perm(self, obj):
        user = self.request.user
        return access.has(user, access.ADD_MEASURE) and access.can_read_idea(user, obj)

    def get_execution_context(self):
        self.result = {}
        return {
            "goal": self.cleaned_form.cleaned_data["goal"],
            "title": self.cleaned_form.cleaned_data["title"],
            "result": self.result,
        }

    @classmethod
    def execute_action(cls, objects, goal=None, title="", result=None, **kwargs):
        citable = sorted(
            (idea for idea in objects if idea.is_public),
            key=lambda idea: idea.number,
        )
        if citable:
            result["measure"] = services.measure_create_from_ideas(
                goal=goal, ideas=citable, title=title
            )
        return len(citable), len(objects) - len(citable)

    def get_success_message(self, num_parent_objects, num_child_objects):
        if not num_parent_objects:
            return None
        message = ngettext(
            "A measure citing %(count)d idea has been created.",
            "A measure citing %(count)d ideas has been created.",
            num_parent_objects,
        ) % {"count": num_parent_objects}
        if num_child_objects:
            message += " " + ngettext(
                "%(count)d idea was left out: only accepted or shortlisted ideas "
                "can be cited.",
                "%(count)d ideas were left out: only accepted or shortlisted ideas "
                "can be cited.",
                num_child_objects,
            ) % {"count": num_child_objects}
        return message

    def form_valid(self, form):
        response = super().form_valid(form)
        measure = self.result.get("measure")
        if measure is None:
            messages.error(
                self.request,
                _(
                    "No measure was created: only accepted or shortlisted ideas "
                    "can be cited, and none was selected."
                ),
            )
            return response
        return redirect(
            reverse("wagtailsnippets_strategy_measure:edit", args=[measure.pk])
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_title"] = self.display_name
        context["confirm_label"] = _("Create the measure")
        return context
