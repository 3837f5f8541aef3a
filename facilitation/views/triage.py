"""Moderating an event's queue one idea at a time, one key per decision.

Every decision is a plain form POST answered by a redirect to the next idea
of the same filter, so the screen works without JavaScript; ``triage.js``
only maps keys onto its buttons and fields. A decision carries the version of
the idea it was taken on: if someone else changed the idea since, it is
refused rather than applied to what the facilitator did not see.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilitation.views.base import EventView, error_text, event_context
from ideas import answers, services
from ideas.models import ANSWER_MAX_LENGTH, AnswerTemplate, Idea
from ideas.numbers import whole_number
from ideas.selectors import triage as selectors

#: Themes get keys 1–9; an event with more shows the rest without a key.
THEME_KEYS = 9
ANY = "any"
DECISIONS = ("accept", "reject", "duplicate")


class TriageFilterForm(forms.Form):
    """Which ideas the queue holds; by default those submitted, not yet moderated."""

    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    theme = forms.ChoiceField(label=gettext_lazy("Theme"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)

    def __init__(self, data, *, themes):
        data = data.copy()
        data.setdefault("status", Idea.Status.SUBMITTED)
        super().__init__(data)
        self.fields["status"].choices = [
            (ANY, _("Any status")),
            *Idea.Status.choices,
        ]
        self.fields["theme"].choices = [
            ("", _("Any theme")),
            (selectors.NO_THEME, _("No theme yet")),
            *((theme.code, theme.name) for theme in themes),
        ]
        self.fields["language"].choices = [
            ("", _("Any language")),
            *Idea.Language.choices,
        ]

    def values(self) -> dict[str, str]:
        """The filter asked for; a value that is not a choice counts as unset."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        status = cleaned.get("status", Idea.Status.SUBMITTED)
        if "status" in self.errors:
            status = Idea.Status.SUBMITTED
        return {
            "status": status,
            "theme": cleaned.get("theme", ""),
            "language": cleaned.get("language", ""),
        }


class TriageDecisionForm(forms.Form):
    """One decision on the idea on screen, as its buttons send it."""

    action = forms.ChoiceField(
        choices=[(name, name) for name in (*DECISIONS, "theme", "tag")]
    )
    idea = forms.IntegerField(min_value=1)
    version = forms.CharField(required=False)
    reason = forms.CharField(required=False, strip=True)
    answer_template = forms.CharField(required=False)
    theme = forms.CharField(required=False)
    tags = forms.CharField(required=False)
    duplicate_of = forms.CharField(required=False)

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        if len(reason) > ANSWER_MAX_LENGTH:
            raise ValidationError(
                _(
                    "The reason is too long: at most %(limit)s characters "
                    "(it has %(count)s)."
                )
                % {"limit": ANSWER_MAX_LENGTH, "count": len(reason)}
            )
        return reason


class TriageView(EventView):
    """One idea of the queue in full, with the model's suggestion, similar ideas
    and the decisions on it; only the event's facilitators open it."""

    edits = True
    page_title = gettext_lazy("Moderate the queue")
    header_icon = "tasks"

    def setup_filter(self, request):
        self.themes = list(self.event.themes.all())
        self.filter_form = TriageFilterForm(request.GET, themes=self.themes)
        self.filter = self.filter_form.values()
        status = "" if self.filter["status"] == ANY else self.filter["status"]
        self.queue = selectors.triage_queue(
            event=self.event,
            status=status,
            theme=self.filter["theme"],
            language=self.filter["language"],
        )

    def url(self, **extra) -> str:
        """This screen's address with the current filter and ``extra`` added."""
        query = {key: value for key, value in self.filter.items() if value}
        query.update({key: value for key, value in extra.items() if value})
        base = reverse("workbench:triage", args=[self.event.pk])
        return f"{base}?{urlencode(query)}"

    def get(self, request, event_id: int):
        self.setup_filter(request)
        wanted = request.GET.get("idea")
        idea = self.idea_or_404(wanted) if wanted else self.queue.first()
        return self.show(idea, came_from=request.GET.get("from"))

    def idea_or_404(self, pk) -> Idea:
        number = whole_number(pk)
        idea = (
            selectors.triage_idea(event=self.event, pk=number)
            if number is not None
            else None
        )
        if idea is None:
            raise Http404(_("This event has no such idea."))
        return idea

    def show(self, idea, *, came_from=None, typed=None, status=200, focus=""):
        context = {
            **event_context(self.request, self.event),
            "filter_form": self.filter_form,
            "filter_query": urlencode(
                {key: value for key, value in self.filter.items() if value}
            ),
            "total": self.queue.count(),
            "idea": idea,
            "typed": typed or {},
            "focus": focus,
            "reason_limit": ANSWER_MAX_LENGTH,
        }
        if idea is not None:
            previous = None
            came_from = whole_number(came_from) if came_from else None
            if came_from and came_from != idea.pk:
                previous = selectors.triage_idea(event=self.event, pk=came_from)
            if previous is None:
                previous = selectors.triage_previous(queue=self.queue, idea=idea)
            following = selectors.triage_next(queue=self.queue, idea=idea)
            summary = selectors.suggestion_summary(idea)
            context.update(
                {
                    "position": selectors.triage_position(queue=self.queue, idea=idea),
                    "version": selectors.idea_version(idea),
                    "summary": summary,
                    "nearest": self.nearest(idea),
                    "similar": selectors.triage_similar(idea=idea),
                    "tags": sorted(idea.tags.names(), key=str.casefold),
                    "theme_buttons": [
                        {
                            "theme": theme,
                            "key": str(number) if number <= THEME_KEYS else "",
                            "suggested": theme.pk == idea.suggested_theme_id,
                            "current": theme.pk == idea.theme_id,
                        }
                        for number, theme in enumerate(self.themes, start=1)
                    ],
                    "previous_url": (self.url(idea=previous.pk) if previous else ""),
                    "next_url": self.url(idea=following.pk) if following else "",
                    "post_url": self.url(),
                    "answer_templates": self.answer_templates(idea),
                }
            )
        return self.render("facilitation/workbench/triage.html", context, status=status)

    def answer_templates(self, idea) -> list[dict]:
        """The event's answer templates, each filled in for ``idea``."""
        return [
            {
                "pk": template.pk,
                "name": template.name,
                "status_label": template.get_status_display(),
                "text": answers.template_answer(template, idea),
            }
            for template in AnswerTemplate.objects.filter(event=self.event)
        ]

    def answer(self, idea: Idea, data: dict) -> str:
        """What the author reads: the typed answer, else the chosen template's."""
        if data["reason"] or not data["answer_template"]:
            return data["reason"]
        template = AnswerTemplate.objects.filter(
            event=self.event, pk=whole_number(data["answer_template"]) or 0
        ).first()
        if template is None:
            raise ValidationError(_("This event has no such answer template."))
        return answers.template_answer(template, idea)

    def nearest(self, idea) -> list[dict]:
        names = {theme.code: theme.name for theme in self.themes}
        reasons = (
            idea.suggestion_reasons if isinstance(idea.suggestion_reasons, dict) else {}
        )
        return [
            {
                "idea": near.get("idea"),
                "number": near.get("number"),
                "title": near.get("title", ""),
                "theme": names.get(str(near.get("theme") or ""), ""),
            }
            for near in reasons.get("nearest") or []
            if isinstance(near, dict)
        ]

    def post(self, request, event_id: int):
        self.setup_filter(request)
        form = TriageDecisionForm(request.POST)
        idea_pk = request.POST.get("idea")
        if not idea_pk:
            raise Http404(_("This event has no such idea."))
        idea = self.idea_or_404(idea_pk)
        typed = {
            key: request.POST.get(key, "")
            for key in ("reason", "tags", "duplicate_of", "answer_template")
        }
        if not form.is_valid():
            field = next(iter(form.errors))
            for errors in form.errors.values():
                for text in errors:
                    messages.error(request, text)
            return self.show(idea, typed=typed, status=400, focus=field)
        data = form.cleaned_data
        refusal, stale = None, False
        with transaction.atomic():
            current = (
                Idea.objects.select_for_update(of=("self",))
                .select_related("event", "theme", "suggested_theme")
                .get(pk=idea.pk)
            )
            if data["version"] != selectors.idea_version(current):
                stale = True
            else:
                try:
                    done = self.decide(current, data)
                except ValidationError as error:
                    refusal = error
                    transaction.set_rollback(True)
        if stale:
            messages.error(
                request,
                _(
                    "#%(number)s was changed by someone else after you opened "
                    "it; nothing was done. Look at it again and decide."
                )
                % {"number": current.number},
            )
            return self.show(self.idea_or_404(current.pk), typed=typed, status=409)
        if refusal is not None:
            messages.error(
                request,
                _("#%(number)s: %(reason)s")
                % {"number": current.number, "reason": error_text(refusal)},
            )
            focus = {"reject": "reason", "duplicate": "duplicate_of"}.get(
                data["action"], data["action"]
            )
            return self.show(
                self.idea_or_404(idea.pk), typed=typed, status=400, focus=focus
            )
        messages.success(request, done)
        if data["action"] in DECISIONS:
            following = selectors.triage_next(queue=self.queue, idea=current)
            return redirect(
                self.url(idea=following.pk if following else "", **{"from": idea.pk})
            )
        return redirect(self.url(idea=idea.pk))

    def decide(self, idea: Idea, data: dict) -> str:
        """Apply one decision through the services; the message that says it."""
        action, user, number = data["action"], self.request.user, idea.number
        if action == "accept":
            services.idea_set_status(
                idea=idea,
                status=Idea.Status.ACCEPTED,
                actor=user,
                reason=self.answer(idea, data),
            )
            return _("#%(number)s accepted") % {"number": number}
        if action == "reject":
            services.idea_set_status(
                idea=idea,
                status=Idea.Status.REJECTED,
                actor=user,
                reason=self.answer(idea, data),
            )
            return _("#%(number)s rejected") % {"number": number}
        if action == "theme":
            theme = next(
                (theme for theme in self.themes if theme.code == data["theme"]), None
            )
            if theme is None:
                raise ValidationError(_("This event has no such theme."))
            if theme.pk == idea.suggested_theme_id:
                # Recorded as the model's theme, which teaches the next suggestions.
                services.idea_accept_suggestion(idea=idea, actor=user)
            else:
                services.idea_set_theme(idea=idea, theme=theme, actor=user)
            return _("#%(number)s: theme set to %(theme)s") % {
                "number": number,
                "theme": theme.name,
            }
        if action == "tag":
            tags = services.clean_tags(data["tags"].split(","))
            if not tags:
                raise ValidationError(_("Type one or more tags, separated by commas."))
            services.idea_add_tags(idea=idea, tags=tags, actor=user)
            return _("#%(number)s tagged: %(tags)s") % {
                "number": number,
                "tags": ", ".join(tags),
            }
        typed = data["duplicate_of"].strip().lstrip("#").strip()
        other_number = whole_number(typed)
        canonical = (
            Idea.objects.of_event(self.event)
            .select_related("event", "duplicate_of")
            .filter(number=other_number)
            .first()
            if other_number is not None
            else None
        )
        if canonical is None:
            if not typed:
                raise ValidationError(_("Type the number of the idea it repeats."))
            raise ValidationError(
                _("This event has no idea numbered “%(number)s”.")
                % {"number": typed[:20]}
            )
        services.idea_merge(duplicate=idea, canonical=canonical, actor=user)
        return _("#%(number)s marked as a duplicate of #%(other)s") % {
            "number": number,
            "other": canonical.number,
        }
