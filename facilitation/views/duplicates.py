"""The review queue of likely duplicate ideas, in the Wagtail admin.

Facilitators of an event see its likely duplicate pairs side by side and
merge them (either way round), dismiss them, or undo either; every change
goes through ideas.services.duplicates and is a POST followed by a redirect.
No personal data is shown: ideas only, never their contacts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilitation.forms import PairForm
from facilitation.views.base import EventView, StaffView
from ideas import access, services
from ideas.models import DuplicateDismissal, Idea
from ideas.selectors import duplicates as duplicate_selectors
from ideas.services import duplicates as duplicate_services

# What the queue page offers to undo after the last action, read once.
_UNDO = "duplicates_undo"


def _pair(request, event, *, pair: bool = True):
    form = PairForm(request.POST, event=event, pair=pair)
    if not form.is_valid():
        messages.error(request, _("That idea is not one of this event's ideas."))
        return None
    return form.cleaned_data["first"], form.cleaned_data.get("second")


def _error(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _back(event):
    return redirect("duplicates:queue", event_id=event.pk)


class DuplicatesIndexView(StaffView):
    """The events whose duplicates the user may review."""

    page_title = gettext_lazy("Likely duplicates")

    def check(self, request, **kwargs):
        access.require(access.has(request.user, access.VIEW_WORKBENCH))

    def get(self, request):
        events = access.events_with_workbench(request.user).order_by(
            "-start_date", "title"
        )
        return self.render(
            "facilitation/duplicates/index.html", {"events": list(events)}
        )


class DuplicatesQueueView(EventView):
    """An event's likely duplicate pairs, its current merges, and the last undo."""

    page_title = gettext_lazy("Likely duplicates")

    def get(self, request, event_id: int):
        event, can_edit = self.event, self.can_edit
        candidates = duplicate_selectors.duplicate_candidates(event=event)
        if candidates.missing_vectors:
            # The page says these ideas are being embedded: make it so, in the
            # worker, never in this request.
            services.ideas_embed_request(event_id=event.pk)
        return self.render(
            "facilitation/duplicates/queue.html",
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


class PairActionView(EventView):
    """A POST on one idea or a pair of the event's ideas, then back to the queue.

    A subclass says what to do (``act``) and what to tell or remember once done
    (``done``); a refusal of the service is said above the queue.
    """

    edits = True
    pair = True

    def act(self, first, second) -> None:
        raise NotImplementedError

    def done(self, first, second) -> None:
        raise NotImplementedError

    def remember_undo(self, action: str, *ideas) -> None:
        # What the queue's notice offers to undo, read once by the next page.
        self.request.session[_UNDO] = {
            "event": self.event.pk,
            "action": action,
            "ideas": [idea.pk for idea in ideas],
        }

    def post(self, request, event_id: int):
        found = _pair(request, self.event, pair=self.pair)
        if found:
            try:
                self.act(*found)
            except ValidationError as error:
                _error(request, error)
            else:
                self.done(*found)
        return _back(self.event)


class MergeView(PairActionView):
    """Merge: ``first`` becomes a duplicate of ``second``."""

    def act(self, duplicate, canonical):
        duplicate_services.idea_merge(
            duplicate=duplicate, canonical=canonical, actor=self.request.user
        )

    def done(self, duplicate, canonical):
        self.remember_undo("merge", duplicate)


class UnmergeView(PairActionView):
    """Undo a merge: ``first`` stands on its own again."""

    pair = False

    def act(self, idea, _none):
        duplicate_services.idea_unmerge(idea=idea, actor=self.request.user)

    def done(self, idea, _none):
        messages.success(
            self.request,
            _("Merge undone: idea #%(number)s stands on its own again.")
            % {"number": idea.number},
        )


class DismissView(PairActionView):
    """Say two ideas are not duplicates."""

    def act(self, first, second):
        duplicate_services.duplicate_dismiss(
            idea_a=first, idea_b=second, actor=self.request.user
        )

    def done(self, first, second):
        self.remember_undo("dismiss", first, second)


class UndismissView(PairActionView):
    """Take back "not duplicates": the pair may be suggested again."""

    def act(self, first, second):
        duplicate_services.duplicate_undismiss(
            idea_a=first, idea_b=second, actor=self.request.user
        )

    def done(self, first, second):
        messages.success(
            self.request,
            _("Ideas #%(first)s and #%(second)s may be suggested as duplicates again.")
            % {"first": first.number, "second": second.number},
        )


def queue_url(event) -> str:
    """The address of an event's duplicate queue, for links from other screens."""
    return reverse("duplicates:queue", kwargs={"event_id": event.pk})
