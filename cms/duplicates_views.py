"""The review queue of likely duplicate ideas, in the Wagtail admin.

Facilitators of an event see its likely duplicate pairs side by side and
merge them (either way round), dismiss them, or undo either; every change
goes through ideas.services.duplicates and is a POST followed by a redirect.
No personal data is shown: ideas only, never their contacts.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms.models import EventPage
from cms.workbench_views import workbench_view
from ideas import access
from ideas.models import DuplicateDismissal, Idea
from ideas.selectors import duplicates as duplicate_selectors
from ideas.selectors.hints import ask_worker_to_embed
from ideas.services import duplicates as duplicate_services

# What the queue page offers to undo after the last action, read once.
_UNDO = "duplicates_undo"


def _event_for(request, event_id: int) -> EventPage:
    event = get_object_or_404(EventPage, pk=event_id)
    access.require(access.can_facilitate(request.user, event))
    return event


def _event_for_reading(request, event_id: int) -> tuple[EventPage, bool]:
    """The event and whether the user may change its merges; readers of the
    workbench (policy writers) see the queue without its buttons."""
    event = get_object_or_404(EventPage, pk=event_id)
    if access.can_facilitate(request.user, event):
        return event, True
    access.require(access.can_read_workbench(request.user, event))
    return event, False


class _PairForm(forms.Form):
    """Two ideas of one event, by id; anything else is refused, not looked up."""

    first = forms.ModelChoiceField(queryset=Idea.objects.none())
    second = forms.ModelChoiceField(queryset=Idea.objects.none(), required=False)

    def __init__(self, *args, event, pair: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            self.fields[name].queryset = Idea.objects.filter(event=event)
        self.fields["second"].required = pair


def _pair(request, event, *, pair: bool = True):
    form = _PairForm(request.POST, event=event, pair=pair)
    if not form.is_valid():
        messages.error(request, _("That idea is not one of this event's ideas."))
        return None
    return form.cleaned_data["first"], form.cleaned_data.get("second")


def _error(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _back(event):
    return redirect("duplicates:queue", event_id=event.pk)


@workbench_view
def index(request):
    """The events whose duplicates the user may review."""
    access.require(access.has(request.user, access.VIEW_WORKBENCH))
    events = access.events_with_workbench(request.user).order_by("-start_date", "title")
    return TemplateResponse(
        request, "cms/duplicates/index.html", {"events": list(events)}
    )


@workbench_view
def queue(request, event_id: int):
    """An event's likely duplicate pairs, its current merges, and the last undo."""
    event, can_edit = _event_for_reading(request, event_id)
    candidates = duplicate_selectors.duplicate_candidates(event=event)
    if candidates.missing_vectors:
        # The page says these ideas are being embedded: make it so, in the
        # worker, never in this request.
        ask_worker_to_embed(event.pk)
    return TemplateResponse(
        request,
        "cms/duplicates/queue.html",
        {
            "event": event,
            "can_edit": can_edit,
            "queue": candidates,
            "merged": duplicate_selectors.duplicates_merged(event=event),
            "undo": _pending_undo(request, event) if can_edit else None,
        },
    )


def _pending_undo(request, event) -> dict | None:
    """What the success notice of the last action offers to undo, if still possible."""
    undo = request.session.pop(_UNDO, None)
    if not undo or undo.get("event") != event.pk:
        return None
    ideas = {
        idea.pk: idea
        for idea in Idea.objects.filter(event=event, pk__in=undo.get("ideas", []))
    }
    if undo.get("action") == "merge":
        duplicate = ideas.get(undo["ideas"][0])
        if duplicate is None or duplicate.duplicate_of_id is None:
            return None
        return {
            "action": "merge",
            "duplicate": duplicate,
            "canonical": duplicate.duplicate_of,
        }
    if undo.get("action") == "dismiss" and len(ideas) == 2:
        low, high = sorted(ideas)
        if not DuplicateDismissal.objects.filter(
            idea_low_id=low, idea_high_id=high
        ).exists():
            return None
        return {"action": "dismiss", "first": ideas[low], "second": ideas[high]}
    return None


@workbench_view
@require_POST
def merge(request, event_id: int):
    """Merge: ``first`` becomes a duplicate of ``second``."""
    event = _event_for(request, event_id)
    found = _pair(request, event)
    if found:
        duplicate, canonical = found
        try:
            duplicate_services.idea_merge(
                duplicate=duplicate, canonical=canonical, actor=request.user
            )
        except ValidationError as error:
            _error(request, error)
        else:
            request.session[_UNDO] = {
                "event": event.pk,
                "action": "merge",
                "ideas": [duplicate.pk],
            }
    return _back(event)


@workbench_view
@require_POST
def unmerge(request, event_id: int):
    """Undo a merge: ``first`` stands on its own again."""
    event = _event_for(request, event_id)
    found = _pair(request, event, pair=False)
    if found:
        idea = found[0]
        try:
            duplicate_services.idea_unmerge(idea=idea, actor=request.user)
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(
                request,
                _("Merge undone: idea #%(number)s stands on its own again.")
                % {"number": idea.number},
            )
    return _back(event)


@workbench_view
@require_POST
def dismiss(request, event_id: int):
    """Say two ideas are not duplicates."""
    event = _event_for(request, event_id)
    found = _pair(request, event)
    if found:
        try:
            duplicate_services.duplicate_dismiss(
                idea_a=found[0], idea_b=found[1], actor=request.user
            )
        except ValidationError as error:
            _error(request, error)
        else:
            request.session[_UNDO] = {
                "event": event.pk,
                "action": "dismiss",
                "ideas": [found[0].pk, found[1].pk],
            }
    return _back(event)


@workbench_view
@require_POST
def undismiss(request, event_id: int):
    """Take back "not duplicates": the pair may be suggested again."""
    event = _event_for(request, event_id)
    found = _pair(request, event)
    if found:
        try:
            duplicate_services.duplicate_undismiss(
                idea_a=found[0], idea_b=found[1], actor=request.user
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(
                request,
                _(
                    "Ideas #%(first)s and #%(second)s may be suggested as "
                    "duplicates again."
                )
                % {"first": found[0].number, "second": found[1].number},
            )
    return _back(event)


def queue_url(event) -> str:
    """The address of an event's duplicate queue, for links from other screens."""
    return reverse("duplicates:queue", kwargs={"event_id": event.pk})


urlpatterns = [
    path("", index, name="index"),
    path("<int:event_id>/", queue, name="queue"),
    path("<int:event_id>/merge/", merge, name="merge"),
    path("<int:event_id>/unmerge/", unmerge, name="unmerge"),
    path("<int:event_id>/dismiss/", dismiss, name="dismiss"),
    path("<int:event_id>/undismiss/", undismiss, name="undismiss"),
]
