"""The ideas judged ready to implement, and the changes to that list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilitation.views.base import (
    EventView,
    event_context,
    int_or_404,
    next_url,
)
from ideas import services
from ideas.models import Idea
from ideas.numbers import whole_number


class ShortlistView(EventView):
    """The ideas marked ready to implement."""

    page_title = gettext_lazy("Workbench")

    def get(self, request, event_id: int):
        event = self.event
        ideas = (
            Idea.objects.filter(event=event, status=Idea.Status.SHORTLISTED)
            .select_related("theme")
            .order_by("number")
        )
        return self.render(
            "facilitation/workbench/shortlist.html",
            {**event_context(request, event), "ideas": list(ideas)},
        )


class ShortlistChangeView(EventView):
    """Add an idea to the shortlist (by button or by its number), or take it off.

    Only accepted ideas go on it; taken off, an idea returns to the status it
    had before (accepted: it stays public).
    """

    edits = True

    def post(self, request, event_id: int):
        event = self.event
        ideas = Idea.objects.filter(event=event)
        fallback = reverse("workbench:shortlist", args=[event.pk])
        if "remove" in request.POST:
            idea = get_object_or_404(ideas, pk=int_or_404(request.POST["remove"]))
            shortlisted = False
        elif "add" in request.POST:
            idea = get_object_or_404(ideas, pk=int_or_404(request.POST["add"]))
            shortlisted = True
        else:
            typed = request.POST.get("number", "").strip()
            number = whole_number(typed.lstrip("#"))
            idea = ideas.filter(number=number).first() if number is not None else None
            shortlisted = True
            if idea is None:
                messages.error(
                    request,
                    _("This event has no idea numbered “%(number)s”.")
                    % {"number": typed[:20]},
                )
                return redirect(next_url(request, fallback))
        try:
            services.idea_set_shortlisted(
                idea=idea, actor=request.user, shortlisted=shortlisted
            )
        except ValidationError as error:
            messages.error(
                request,
                _("Idea #%(number)s: %(reason)s")
                % {"number": idea.number, "reason": " ".join(error.messages)},
            )
        else:
            messages.success(
                request,
                (
                    _("Idea #%(number)s is on the shortlist: ready to implement.")
                    if shortlisted
                    else _("Idea #%(number)s is off the shortlist.")
                )
                % {"number": idea.number},
            )
        return redirect(next_url(request, fallback))
