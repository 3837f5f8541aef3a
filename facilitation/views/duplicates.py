"""The review queue of likely duplicate ideas, in the Wagtail admin.

Facilitators of an event see its likely duplicate pairs side by side and
merge them (either way round, after a confirmation page), dismiss them, or
undo either from the list of recent decisions at the top; every change goes
through ideas.services.duplicates and is a POST followed by a redirect.
No personal data is shown: ideas only, never their contacts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilitation.forms import PairForm
from facilitation.views.base import EventView, StaffView, next_url
from ideas import access, services
from ideas.selectors import duplicates as duplicate_selectors
from ideas.services import duplicates as duplicate_services

# The words for a pair's similarity: a facilitator reads these, not 52 %.
CLOSENESS = {
    duplicate_selectors.VERY_SIMILAR: gettext_lazy("Very similar"),
    duplicate_selectors.SIMILAR: gettext_lazy("Similar"),
}


def _pair(request, event, *, pair: bool = True, data=None):
    form = PairForm(request.POST if data is None else data, event=event, pair=pair)
    if not form.is_valid():
        messages.error(request, _("That idea is not one of this event's ideas."))
        return None
    return form.cleaned_data["first"], form.cleaned_data.get("second")


def _error(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _back(event):
    return redirect("duplicates:queue", event_id=event.pk)


def _next(request, fallback: str) -> str:
    # An idea page's undo button posts the page's own edit form, where a
    # "next" field would also steer Wagtail's save: its way back comes in the
    # address instead.
    if "next" in request.GET and "next" not in request.POST:
        request.POST = request.POST.copy()
        request.POST["next"] = request.GET["next"]
    return next_url(request, fallback)


def _pair_rows(candidates) -> list[dict]:
    """The queue's pairs as the page shows them: words for the similarity, and
    the stamp that tells a decision made on this page from a stale one."""
    return [
        {
            "first": first,
            "second": second,
            "similarity": similarity,
            "closeness": CLOSENESS[
                duplicate_selectors.closeness(similarity, candidates.threshold)
            ],
            "stamp": duplicate_selectors.pair_stamp(first, second),
        }
        for first, second, similarity in candidates.pairs
    ]


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
                "pairs": _pair_rows(candidates),
                "recent": duplicate_selectors.duplicates_recent(event=event),
                "merged": duplicate_selectors.duplicates_merged(event=event),
            },
        )


class PairActionView(EventView):
    """A POST on one idea or a pair of the event's ideas, then back to the queue.

    A subclass says what to do (``act``) and what to tell once done
    (``done``); a refusal of the service is said above the queue. A ``next``
    on this site (an idea's admin page) is where the user goes back to.
    """

    edits = True
    pair = True

    def act(self, first, second) -> None:
        raise NotImplementedError

    def done(self, first, second) -> None:
        raise NotImplementedError

    def post(self, request, event_id: int):
        found = _pair(request, self.event, pair=self.pair)
        if found:
            try:
                self.act(*found)
            except ValidationError as error:
                _error(request, error)
            else:
                self.done(*found)
        return redirect(_next(request, queue_url(self.event)))


class MergeView(PairActionView):
    """Merge: ``first`` becomes a duplicate of ``second``, which is kept.

    A GET is the confirmation step: both ideas in full and what a merge does,
    with the POST that makes it and a way back that changes nothing.
    """

    def get(self, request, event_id: int):
        found = _pair(request, self.event, data=request.GET)
        if not found:
            return _back(self.event)
        duplicate, canonical = found
        try:
            duplicate_services.idea_merge_check(
                duplicate=duplicate, canonical=canonical, actor=request.user
            )
        except ValidationError as error:
            _error(request, error)
            return _back(self.event)
        stamp = duplicate_selectors.pair_stamp(duplicate, canonical)
        if request.GET.get("stamp") and request.GET["stamp"] != stamp:
            messages.error(
                request,
                _(
                    "Idea #%(first)s or #%(second)s changed after this page was "
                    "shown. Nothing was merged: look at them again."
                )
                % {"first": duplicate.number, "second": canonical.number},
            )
            return _back(self.event)
        return self.render(
            "facilitation/duplicates/confirm.html",
            {
                "event": self.event,
                "duplicate": duplicate,
                "canonical": canonical,
                "stamp": stamp,
                "followers": duplicate_selectors.idea_merges(idea=duplicate)["merged"],
            },
        )

    def act(self, duplicate, canonical):
        duplicate_services.idea_merge(
            duplicate=duplicate,
            canonical=canonical,
            actor=self.request.user,
            stamp=self.request.POST.get("stamp", ""),
        )

    def done(self, duplicate, canonical):
        messages.success(
            self.request,
            _(
                "Merged: #%(duplicate)s now points to #%(kept)s. Both ideas and "
                "their authors are kept; undo it under Recent decisions."
            )
            % {"duplicate": duplicate.number, "kept": canonical.number},
        )


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
        messages.success(
            self.request,
            _(
                "Ideas #%(first)s and #%(second)s are marked as not duplicates; "
                "undo it under Recent decisions."
            )
            % {"first": first.number, "second": second.number},
        )


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
