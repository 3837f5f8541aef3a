"""What every staff screen shares: the access check, its refusal, its links.

Who may open which screen is ``ideas.access``'s rule; a screen only says which
question it asks. A refusal is a 403 page that says so: Wagtail would redirect
to the dashboard instead, and a facilitator who sent a form should see plainly
that it was refused, and not lose their place.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ideas import access
from ideas.numbers import whole_number
from ideas.selectors import clusters as cluster_selectors


def event_model():
    # The event is a page of the public site; staff screens reach it through
    # the model registry, as the ideas' foreign key does.
    return apps.get_model("cms", "EventPage")


class StaffView(WagtailAdminTemplateMixin, View):
    """A staff screen: ``check`` raises PermissionDenied, answered with a 403."""

    header_icon = "group"

    def check(self, request, **kwargs) -> None:
        """Refuse the request unless the user may open this screen."""

    def render(self, template_name: str, context: dict, *, status: int = 200):
        """The screen's page, with Wagtail's admin context (title, breadcrumbs)."""
        return self.response_class(
            request=self.request,
            template=[template_name],
            context=self.get_context_data(**context),
            using=self.template_engine,
            status=status,
        )

    def dispatch(self, request, *args, **kwargs):
        try:
            self.check(request, **kwargs)
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            return TemplateResponse(
                request, "facilitation/workbench/forbidden.html", {}, status=403
            )


class EventView(StaffView):
    """A screen of one event: readers of its workbench open it; a screen that
    ``edits`` is for who may facilitate the event."""

    edits = False

    def check(self, request, *, event_id, **kwargs) -> None:
        # An event's key is its page's, a one-to-one field that Django does not
        # guard: past a database integer, SQLite raised OverflowError (a 500).
        if whole_number(event_id) is None:
            raise Http404
        event = get_object_or_404(event_model(), pk=event_id)
        self.can_edit = access.can_facilitate(request.user, event)
        if self.edits:
            access.require(self.can_edit)
        else:
            access.require(access.can_read_workbench(request.user, event))
        self.event = event


def event_context(request, event) -> dict:
    """What every workbench page of an event shows: its links and the user's rights."""
    return {
        "event": event,
        "can_edit": access.can_facilitate(request.user, event),
        "duplicates_url": duplicates_url(event),
    }


def duplicates_url(event) -> str:
    # The duplicates queue is its own screen; until it is installed the
    # dashboard simply shows no link to it.
    try:
        return reverse("duplicates:queue", args=[event.pk])
    except NoReverseMatch:
        return ""


def clusters_url(event, scope: str) -> str:
    url = reverse("workbench:clusters", args=[event.pk])
    return f"{url}?scope={scope}" if scope else url


def scopes_of(event) -> list[tuple[str, str]]:
    scopes = [("", _("All ideas"))]
    scopes += [
        (code, label)
        for code, label in cluster_selectors.cluster_scopes(event=event)
        if code
    ]
    return scopes


def scope_from(event, source) -> tuple[str, list[tuple[str, str]]]:
    """The scope (a theme's code, or "" for all ideas) asked for, and all of them."""
    scopes = scopes_of(event)
    scope = source.get("scope", "")
    if scope not in dict(scopes):
        raise Http404(_("This event has no such theme."))
    return scope, scopes


def next_url(request, fallback: str) -> str:
    """Where to go after a POST: its ``next``, if it is on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def keyword_text(keyword) -> str:
    # Stored as words, or as (word, score) pairs straight from ml.keywords.
    return str(keyword[0]) if isinstance(keyword, list | tuple) else str(keyword)


KEYWORDS_SHOWN = 8


def keyword_words(keywords) -> list[str]:
    return [keyword_text(word) for word in (keywords or [])[:KEYWORDS_SHOWN]]
