"""Theme decisions on an event's ideas, and fresh suggestions from the model."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from facilitation.views.base import (
    EventView,
    error_text,
    int_or_404,
    next_url,
)
from ideas import services
from ideas.models import Idea


class ThemeDecisionsView(EventView):
    """Accept suggestions (one, or the ticked ones) or set another theme."""

    edits = True

    def post(self, request, event_id: int):
        event = self.event
        ideas = Idea.objects.filter(event=event).select_related("theme")
        done, refused = 0, []

        if "set_theme" in request.POST:
            idea = get_object_or_404(ideas, pk=int_or_404(request.POST["set_theme"]))
            code = request.POST.get(f"theme_{idea.pk}", "")
            theme = event.themes.filter(code=code).first()
            if theme is None:
                messages.error(
                    request,
                    _("Choose a theme for idea #%(number)s.") % {"number": idea.number},
                )
            else:
                try:
                    services.idea_set_theme(idea=idea, theme=theme, actor=request.user)
                    done = 1
                except ValidationError as error:
                    refused.append(f"#{idea.number}: {error_text(error)}")
        else:
            if "accept" in request.POST:
                wanted = [int_or_404(request.POST["accept"])]
            else:
                wanted = [
                    int_or_404(value) for value in request.POST.getlist("selected")
                ]
            chosen = list(ideas.filter(pk__in=wanted).order_by("number"))
            if not chosen:
                messages.warning(
                    request, _("Tick the ideas whose suggestion you accept.")
                )
            for idea in chosen:
                try:
                    services.idea_accept_suggestion(idea=idea, actor=request.user)
                    done += 1
                except ValidationError as error:
                    refused.append(f"#{idea.number}: {error_text(error)}")

        if done:
            messages.success(
                request,
                ngettext(
                    "Theme decided for %(count)d idea.",
                    "Themes decided for %(count)d ideas.",
                    done,
                )
                % {"count": done},
            )
        for text in refused:
            messages.error(request, text)
        return redirect(next_url(request, reverse("workbench:event", args=[event.pk])))


class RefreshSuggestionsView(EventView):
    """Ask the worker to suggest themes again for the ideas that await one."""

    edits = True

    def post(self, request, event_id: int):
        event = self.event
        services.theme_suggestions_request(event=event, actor=request.user)
        messages.success(
            request,
            _("Suggestions are being refreshed in the background; reload in a moment."),
        )
        return redirect("workbench:event", event.pk)
