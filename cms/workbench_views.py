"""The facilitator's workbench in the Wagtail admin: one event at a time.

Anyone holding ``ideas.view_cluster`` (facilitators, policy writers) may read
an event's workbench; only those who facilitate the event may change its
themes, clusters or shortlist. The views stay thin: every write goes through
``ideas.services``, every read that crosses relations through
``ideas.selectors``.
"""

import functools
import math
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from wagtail.admin.auth import require_admin_access

from cms.models import EventPage
from ideas import access, services, tasks
from ideas.models import Cluster, ClusteringRun, Idea
from ideas.selectors import clusters as cluster_selectors
from ideas.services import clusters as cluster_services
from strategy import selectors as strategy_selectors

AWAITING_PER_PAGE = 50
TOP_IDEAS = 5


# Permissions ---------------------------------------------------------------


def workbench_view(view):
    """An admin view that answers a refusal with 403 and says why.

    Wagtail would redirect to the dashboard instead; a facilitator who sent
    a form should see plainly that it was refused, and not lose their place.
    """

    @functools.wraps(view)
    def refusing(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return TemplateResponse(
                request, "cms/workbench/forbidden.html", {}, status=403
            )

    return require_admin_access(refusing)


def _require_view(request) -> None:
    access.require(access.has(request.user, access.VIEW_WORKBENCH))


def _event_for_viewing(request, event_id: int) -> EventPage:
    _require_view(request)
    event = get_object_or_404(EventPage, pk=event_id)
    access.require(access.can_read_workbench(request.user, event))
    return event


def _event_for_editing(request, event_id: int) -> EventPage:
    event = _event_for_viewing(request, event_id)
    access.require(access.can_facilitate(request.user, event))
    return event


def _scopes(event) -> list[tuple[str, str]]:
    scopes = [("", _("All ideas"))]
    scopes += [
        (code, label)
        for code, label in cluster_selectors.cluster_scopes(event=event)
        if code
    ]
    return scopes


def _scope_from(event, source) -> tuple[str, list[tuple[str, str]]]:
    scopes = _scopes(event)
    scope = source.get("scope", "")
    if scope not in dict(scopes):
        raise Http404(_("This event has no such theme."))
    return scope, scopes


def _event_context(request, event) -> dict:
    """What every workbench page of an event shows: its links and the user's rights."""
    return {
        "event": event,
        "can_edit": access.can_facilitate(request.user, event),
        "duplicates_url": _duplicates_url(event),
    }


def _duplicates_url(event) -> str:
    # The duplicates queue is its own screen; until it is installed the
    # dashboard simply shows no link to it.
    try:
        return reverse("duplicates:queue", args=[event.pk])
    except NoReverseMatch:
        return ""


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _clusters_url(event, scope: str) -> str:
    url = reverse("workbench:clusters", args=[event.pk])
    return f"{url}?scope={scope}" if scope else url


# Index and dashboard -------------------------------------------------------


@workbench_view
@require_GET
def index(request):
    """The events the user may open, with what awaits them in each."""
    _require_view(request)
    open_ideas = ~Q(ideas__status=Idea.Status.REJECTED) & Q(
        ideas__duplicate_of__isnull=True
    )
    events = (
        access.events_with_workbench(request.user)
        .annotate(
            n_ideas=Count("ideas", distinct=True),
            n_awaiting=Count(
                "ideas",
                filter=open_ideas & Q(ideas__theme__isnull=True),
                distinct=True,
            ),
            n_shortlisted=Count(
                "ideas",
                filter=Q(ideas__status=Idea.Status.SHORTLISTED),
                distinct=True,
            ),
            n_clusters=Count(
                "clusters", filter=Q(clusters__is_active=True), distinct=True
            ),
        )
        .order_by("-start_date", "-pk")
    )
    return TemplateResponse(
        request, "cms/workbench/index.html", {"events": list(events)}
    )


@dataclass
class AwaitingRow:
    """An idea waiting for a theme decision, with the model's reasons."""

    idea: Idea
    percent: int | None
    cant_decide: bool
    nearest: list[dict]
    keywords: list[str]


def _percent(value) -> int | None:
    try:
        return round(float(value) * 100)
    except (TypeError, ValueError):
        return None


def _keyword_text(keyword) -> str:
    # Stored as words, or as (word, score) pairs straight from ml.keywords.
    return str(keyword[0]) if isinstance(keyword, list | tuple) else str(keyword)


def _awaiting_row(idea: Idea, theme_names: dict[str, str]) -> AwaitingRow:
    reasons = (
        idea.suggestion_reasons if isinstance(idea.suggestion_reasons, dict) else {}
    )
    nearest = []
    for near in reasons.get("nearest") or []:
        if not isinstance(near, dict):
            continue
        theme = near.get("theme") or ""
        nearest.append(
            {
                "idea": near.get("idea"),
                "number": near.get("number"),
                "title": near.get("title", ""),
                "theme": theme_names.get(str(theme), str(theme)),
                "percent": _percent(near.get("similarity")),
            }
        )
    return AwaitingRow(
        idea=idea,
        percent=_percent(idea.suggestion_confidence),
        cant_decide=(
            idea.suggestion_confidence is not None and idea.suggested_theme_id is None
        ),
        nearest=nearest,
        keywords=[_keyword_text(word) for word in reasons.get("keywords") or []],
    )


def _counts(queryset, field: str) -> dict:
    # Ideas are ordered by date by default, which would split the groups.
    return dict(
        queryset.order_by()
        .values_list(field)
        .annotate(n=Count("pk"))
        .values_list(field, "n")
    )


@workbench_view
@require_GET
def event_dashboard(request, event_id: int):
    """The event at a glance, and the ideas that await a theme decision."""
    event = _event_for_viewing(request, event_id)
    themes = list(event.themes.all())
    ideas = Idea.objects.filter(event=event)

    status_counts = _counts(ideas, "status")
    theme_counts = _counts(ideas, "theme")
    language_counts = _counts(ideas, "language")
    awaiting = (
        ideas.filter(theme__isnull=True, duplicate_of__isnull=True)
        .exclude(status=Idea.Status.REJECTED)
        .select_related("suggested_theme")
        .order_by("number")
    )
    page = Paginator(awaiting, AWAITING_PER_PAGE).get_page(request.GET.get("page"))
    theme_names = {theme.code: theme.name for theme in themes}
    context = {
        **_event_context(request, event),
        "total": sum(status_counts.values()),
        "by_status": [
            (value, label, status_counts.get(value, 0))
            for value, label in Idea.Status.choices
        ],
        "by_theme": [(theme.name, theme_counts.get(theme.pk, 0)) for theme in themes]
        + [(_("No theme"), theme_counts.get(None, 0))],
        "by_language": [
            (label, language_counts.get(value, 0))
            for value, label in Idea.Language.choices
        ],
        "themes": themes,
        "page": page,
        "rows": [_awaiting_row(idea, theme_names) for idea in page.object_list],
        "shortlisted": status_counts.get(Idea.Status.SHORTLISTED, 0),
    }
    return TemplateResponse(request, "cms/workbench/event.html", context)


@workbench_view
@require_POST
def theme_decisions(request, event_id: int):
    """Accept suggestions (one, or the ticked ones) or set another theme."""
    event = _event_for_editing(request, event_id)
    ideas = Idea.objects.filter(event=event).select_related("theme")
    done, refused = 0, []

    if "set_theme" in request.POST:
        idea = get_object_or_404(ideas, pk=_int(request.POST["set_theme"]))
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
                refused.append(f"#{idea.number}: {_error_text(error)}")
    else:
        if "accept" in request.POST:
            wanted = [_int(request.POST["accept"])]
        else:
            wanted = [_int(value) for value in request.POST.getlist("selected")]
        chosen = list(ideas.filter(pk__in=wanted).order_by("number"))
        if not chosen:
            messages.warning(request, _("Tick the ideas whose suggestion you accept."))
        for idea in chosen:
            try:
                services.idea_accept_suggestion(idea=idea, actor=request.user)
                done += 1
            except ValidationError as error:
                refused.append(f"#{idea.number}: {_error_text(error)}")

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
    return redirect(_next_url(request, reverse("workbench:event", args=[event.pk])))


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@workbench_view
@require_POST
def refresh_suggestions(request, event_id: int):
    """Ask the worker to suggest themes again for the ideas that await one."""
    event = _event_for_editing(request, event_id)
    tasks.suggest_themes.enqueue(event_id=event.pk)
    messages.success(
        request,
        _("Suggestions are being refreshed in the background; reload in a moment."),
    )
    return redirect("workbench:event", event.pk)


# Shortlist -----------------------------------------------------------------


@workbench_view
@require_GET
def shortlist(request, event_id: int):
    """The ideas marked ready to implement."""
    event = _event_for_viewing(request, event_id)
    ideas = (
        Idea.objects.filter(event=event, status=Idea.Status.SHORTLISTED)
        .select_related("theme")
        .order_by("number")
    )
    return TemplateResponse(
        request,
        "cms/workbench/shortlist.html",
        {**_event_context(request, event), "ideas": list(ideas)},
    )


@workbench_view
@require_POST
def shortlist_change(request, event_id: int):
    """Add an idea to the shortlist (by button or by its number), or take it off.

    Taken off, an idea is accepted again: it stays public.
    """
    event = _event_for_editing(request, event_id)
    ideas = Idea.objects.filter(event=event)
    fallback = reverse("workbench:shortlist", args=[event.pk])
    if "remove" in request.POST:
        idea = get_object_or_404(ideas, pk=_int(request.POST["remove"]))
        shortlisted = False
    elif "add" in request.POST:
        idea = get_object_or_404(ideas, pk=_int(request.POST["add"]))
        shortlisted = True
    else:
        number = request.POST.get("number", "").strip().lstrip("#")
        idea = ideas.filter(number=number).first() if number.isdigit() else None
        shortlisted = True
        if idea is None:
            messages.error(
                request,
                _("This event has no idea numbered “%(number)s”.") % {"number": number},
            )
            return redirect(_next_url(request, fallback))
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
    return redirect(_next_url(request, fallback))


# Clustering runs -----------------------------------------------------------


@workbench_view
@require_GET
def clusters(request, event_id: int):
    """The clusters of one scope, the run in progress, and the runs before."""
    event = _event_for_viewing(request, event_id)
    scope, scopes = _scope_from(event, request.GET)
    # A run whose worker died is marked failed here, so that the page tells
    # why and a new run can start.
    cluster_services.clustering_runs_fail_stale(event=event)
    runs = list(
        cluster_selectors.clustering_runs_for_event(event=event, scope=scope, limit=20)
    )
    finished = [run for run in runs if run.status in _FINISHED]
    latest = cluster_selectors.clustering_run_latest_done(event=event, scope=scope)
    found = list(
        cluster_selectors.clusters_for_scope(event=event, scope=scope, top_n=TOP_IDEAS)
    )
    for cluster in found:
        cluster.keyword_words = _keyword_words(cluster.keywords)
    context = {
        **_event_context(request, event),
        "scope": scope,
        "scopes": scopes,
        "active": cluster_selectors.clustering_run_active(event=event, scope=scope),
        "latest": latest,
        "changes": _describe_changes(latest.changes) if latest else [],
        "moved": _moved(latest.changes, {c.number: c.label for c in found})
        if latest
        else [],
        # The most recent finished run failed: say why, above the clusters
        # of the run before it, which stay in place.
        "failed": finished[0]
        if finished and finished[0].status == ClusteringRun.Status.FAILED
        else None,
        "runs": runs,
        "clusters": found,
    }
    return TemplateResponse(request, "cms/workbench/clusters.html", context)


_FINISHED = (ClusteringRun.Status.DONE, ClusteringRun.Status.FAILED)
KEYWORDS_SHOWN = 8


def _keyword_words(keywords) -> list[str]:
    return [_keyword_text(word) for word in (keywords or [])[:KEYWORDS_SHOWN]]


def _change_labels() -> list[tuple[str, str]]:
    return [
        ("moved", _("Ideas that changed cluster")),
        ("added", _("Ideas placed in a cluster for the first time")),
        ("removed", _("Ideas taken out of the clusters")),
        ("new_clusters", _("New clusters")),
        ("emptied_clusters", _("Clusters left empty")),
        ("relabelled", _("Clusters renamed from new keywords")),
        ("edits_kept", _("Facilitators' edits made during the run, kept")),
    ]


def _change_item(item) -> str:
    if isinstance(item, dict):
        label = item.get("label") or item.get("to") or ""
        number = item.get("number") or item.get("cluster")
        if label and number is not None:
            return f"{label} (#{number})"
        return str(label or number or "")
    return str(item)


def _describe_changes(changes) -> list[dict]:
    """A run's ``changes`` as lines of "what: count (which)"; zeros left out."""
    if not isinstance(changes, dict):
        return []
    lines = []
    for key, label in _change_labels():
        value = changes.get(key)
        if key == "moved":
            count = changes.get("moved_count")
            if count is None:
                count = len(value) if isinstance(value, list) else 0
            items = []
        elif isinstance(value, list | tuple):
            count, items = len(value), [_change_item(item) for item in value]
        elif isinstance(value, dict):
            count, items = len(value), [_change_item(item) for item in value.values()]
        else:
            count, items = (value if isinstance(value, int) else 0), []
        if count:
            lines.append({"label": label, "count": count, "items": items})
    return lines


def _moved(changes, labels: dict[int, str]) -> list[dict]:
    """The ideas a run moved, with their clusters' names where still known."""
    moved = changes.get("moved") if isinstance(changes, dict) else None
    rows = []
    for item in moved or []:
        if not isinstance(item, dict):
            continue
        rows.append(
            {
                **item,
                "from": _cluster_name(item.get("from"), labels),
                "to": _cluster_name(item.get("to"), labels),
            }
        )
    return rows


def _cluster_name(number, labels: dict[int, str]) -> str:
    if number is None:
        return ""
    return labels.get(number) or _("Cluster %(number)s") % {"number": number}


@workbench_view
@require_POST
def run_clustering(request, event_id: int):
    """Queue a clustering run for the worker; a refusal is said, not raised."""
    event = _event_for_editing(request, event_id)
    scope, _all_scopes = _scope_from(event, request.POST)
    try:
        cluster_services.clustering_run_request(
            event=event, scope=scope, actor=request.user
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("Clustering started. This page shows its progress."),
        )
    return redirect(_clusters_url(event, scope))


@workbench_view
@require_GET
def run_status(request, event_id: int, run_id: int):
    """A run's progress as JSON, polled by workbench.js while the run goes on."""
    event = _event_for_viewing(request, event_id)
    cluster_services.clustering_runs_fail_stale(event=event)
    run = get_object_or_404(ClusteringRun, pk=run_id, event=event)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": str(run.get_status_display()),
            "progress": run.progress,
            "stage": run.stage,
            "error": run.error,
            "finished": run.status in _FINISHED,
        }
    )


# One cluster ---------------------------------------------------------------


class RenameForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)


class MembersForm(forms.Form):
    """The ticked members and what to do with them: move, split off, pin."""

    ideas = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Ideas"),
        queryset=Idea.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Tick at least one idea.")},
    )
    target = forms.ModelChoiceField(
        label=gettext_lazy("Move to"),
        queryset=Cluster.objects.none(),
        required=False,
        empty_label=gettext_lazy("Choose a cluster"),
    )
    label = forms.CharField(
        label=gettext_lazy("Name of the new cluster"), max_length=200, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, cluster, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ideas"].queryset = Idea.objects.filter(
            cluster_memberships__cluster=cluster
        )
        self.fields["target"].queryset = others


class MergeForm(forms.Form):
    others = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Clusters to merge into this one"),
        queryset=Cluster.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Tick the clusters to merge.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["others"].queryset = others


def _other_clusters(cluster: Cluster):
    return Cluster.objects.filter(
        event_id=cluster.event_id, scope=cluster.scope, is_active=True
    ).exclude(pk=cluster.pk)


def _with_version(data, prefix: str, version: int):
    # After a conflict the form keeps what the user typed but carries the
    # version now shown, so sending it again is a deliberate decision.
    data = data.copy()
    data[f"{prefix}-version"] = str(version)
    return data


_MEMBER_ACTIONS = {"move", "split", "pin", "unpin"}


def _apply_members(request, cluster, form) -> str:
    """Carry out a members action; returns the success message."""
    action = request.POST.get("action")
    ideas = list(form.cleaned_data["ideas"])
    version = form.cleaned_data["version"]
    count = len(ideas)
    if action == "move":
        target = form.cleaned_data["target"]
        if target is None:
            raise ValidationError(_("Choose the cluster to move the ideas to."))
        # Moving changes the target most: it is checked against the version
        # of the target the page showed.
        seen = request.POST.get(f"members-target-version-{target.pk}")
        cluster_services.cluster_move_ideas(
            ideas=ideas,
            target=target,
            actor=request.user,
            version=_int(seen) if seen else None,
        )
        return ngettext(
            "%(count)d idea moved to “%(label)s”.",
            "%(count)d ideas moved to “%(label)s”.",
            count,
        ) % {"count": count, "label": target.label}
    if action == "split":
        label = form.cleaned_data["label"].strip()
        if not label:
            raise ValidationError(_("Name the new cluster."))
        cluster_services.cluster_split(
            cluster=cluster,
            ideas=ideas,
            label=label,
            actor=request.user,
            version=version,
        )
        return ngettext(
            "%(count)d idea split off into “%(label)s”.",
            "%(count)d ideas split off into “%(label)s”.",
            count,
        ) % {"count": count, "label": label}
    pinned = action == "pin"
    cluster_services.cluster_pin(
        cluster=cluster, ideas=ideas, actor=request.user, pinned=pinned
    )
    if pinned:
        return ngettext(
            "%(count)d idea pinned: re-runs keep it here.",
            "%(count)d ideas pinned: re-runs keep them here.",
            count,
        ) % {"count": count}
    return ngettext("%(count)d idea unpinned.", "%(count)d ideas unpinned.", count) % {
        "count": count
    }


@workbench_view
def cluster_detail(request, event_id: int, cluster_id: int):
    """One cluster's members, and the edits a facilitator makes to it.

    Every edit form carries the version of the cluster it was made against.
    If someone else changed the cluster since, the edit is refused, the page
    shows the cluster as it is now, and the form keeps what the user typed.
    """
    event = _event_for_viewing(request, event_id)
    cluster = get_object_or_404(Cluster, pk=cluster_id, event=event)
    base = _event_context(request, event)
    can_edit = base["can_edit"]
    others = _other_clusters(cluster)
    rename_form = RenameForm(
        initial={"label": cluster.label, "version": cluster.version}, prefix="rename"
    )
    members_form = MembersForm(
        initial={"version": cluster.version},
        prefix="members",
        cluster=cluster,
        others=others,
    )
    merge_form = MergeForm(
        initial={"version": cluster.version}, prefix="merge", others=others
    )
    status = 200

    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action == "rename":
            rename_form = RenameForm(request.POST, prefix="rename")
            bound = rename_form
        elif action == "merge":
            merge_form = MergeForm(request.POST, prefix="merge", others=others)
            bound = merge_form
        elif action in _MEMBER_ACTIONS:
            members_form = MembersForm(
                request.POST, prefix="members", cluster=cluster, others=others
            )
            bound = members_form
        else:
            raise Http404
        if bound.is_valid():
            try:
                text = _apply_edit(request, cluster, action, bound, others)
            except cluster_services.EditConflict as conflict:
                messages.error(request, conflict.message)
                # The conflict may concern another cluster (a move's target,
                # a merged one): show this one, and all of them, as they are now.
                cluster = Cluster.objects.get(pk=cluster.pk)
                others = _other_clusters(cluster)
                data = _with_version(request.POST, bound.prefix, cluster.version)
                bound = _rebind(action, data, cluster, others)
                if action == "rename":
                    rename_form = bound
                elif action == "merge":
                    merge_form = bound
                else:
                    members_form = bound
                status = 409
            except ValidationError as error:
                # Said above the page: the form it came from may be hidden
                # now (a cluster merged away meanwhile has no edit forms).
                messages.error(request, _error_text(error))
                status = 400
            else:
                messages.success(request, text)
                return redirect(_next_url(request, request.path))
        else:
            status = 400

    members = list(cluster_selectors.cluster_members(cluster=cluster))
    context = {
        **base,
        "cluster": cluster,
        "keyword_words": _keyword_words(cluster.keywords),
        "members": members,
        "checked": {str(value) for value in members_form["ideas"].value() or []},
        "merge_checked": {str(value) for value in merge_form["others"].value() or []},
        "others": list(others),
        "rename_form": rename_form,
        "members_form": members_form,
        "merge_form": merge_form,
        "clusters_url": _clusters_url(event, cluster.scope),
        "merged_into": cluster.merged_into if cluster.merged_into_id else None,
        # Where a policy writer takes the cluster on into the framework.
        "measures": strategy_selectors.cluster_measures(cluster=cluster),
        "measure_url": (
            reverse("strategy_measure_from_cluster", args=[cluster.pk])
            if cluster.is_active and access.has(request.user, access.ADD_MEASURE)
            else None
        ),
    }
    return TemplateResponse(
        request, "cms/workbench/cluster.html", context, status=status
    )


def _rebind(action: str, data, cluster, others):
    if action == "rename":
        return RenameForm(data, prefix="rename")
    if action == "merge":
        return MergeForm(data, prefix="merge", others=others)
    return MembersForm(data, prefix="members", cluster=cluster, others=others)


def _apply_edit(request, cluster, action: str, form, others) -> str:
    if action == "rename":
        label = form.cleaned_data["label"].strip()
        cluster_services.cluster_rename(
            cluster=cluster,
            label=label,
            actor=request.user,
            version=form.cleaned_data["version"],
        )
        return _("Cluster renamed “%(label)s”.") % {"label": label}
    if action == "merge":
        chosen = list(form.cleaned_data["others"])
        # Each cluster's version as the page showed it, so a cluster changed
        # by someone else in the meantime is not merged unseen.
        versions = {cluster.pk: form.cleaned_data["version"]}
        for other in chosen:
            versions[other.pk] = _int(
                request.POST.get(f"merge-version-{other.pk}", other.version)
            )
        cluster_services.cluster_merge(
            target=cluster, others=chosen, actor=request.user, versions=versions
        )
        return ngettext(
            "%(count)d cluster merged into this one.",
            "%(count)d clusters merged into this one.",
            len(chosen),
        ) % {"count": len(chosen)}
    return _apply_members(request, cluster, form)


# Map -----------------------------------------------------------------------

# Okabe–Ito-like colours darkened to at least 3:1 against white (WCAG 1.4.11),
# told apart by hue for most colour-blind readers; every marker also has a
# dark outline. After the colours, the shapes change.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#007A5A",
    "#AA3377",
    "#7A6500",
    "#5E3C99",
    "#B2182B",
    "#00758A",
)
SHAPES = ("circle", "square", "triangle", "diamond")
UNGROUPED_FILL = "#FFFFFF"
MAP_WIDTH = 800
MAP_HEIGHT = 560
MAP_MARGIN = 20
MARKER = 6


@dataclass
class MapGroup:
    key: str
    label: str
    fill: str
    shape: str
    count: int = 0

    @property
    def swatch(self) -> str:
        """The marker's polygon in the legend's 16×16 box."""
        if self.shape in ("triangle", "diamond"):
            return _marker_points(self.shape, 8, 8, 5)
        return ""


def _marker_points(shape: str, x: float, y: float, r: float) -> str:
    if shape == "triangle":
        corners = [
            (x, y - r * 1.2),
            (x + r * 1.1, y + r * 0.8),
            (x - r * 1.1, y + r * 0.8),
        ]
    else:  # diamond
        corners = [
            (x, y - r * 1.3),
            (x + r * 1.3, y),
            (x, y + r * 1.3),
            (x - r * 1.3, y),
        ]
    return " ".join(f"{px:.1f},{py:.1f}" for px, py in corners)


def _map_groups(points: list[dict]) -> tuple[dict, bool]:
    groups: dict = {}
    ordered = sorted(
        {(point["group"], point["group_label"]) for point in points},
        key=lambda item: (item[0] is None or item[0] == "", str(item[1])),
    )
    styles = len(PALETTE) * len(SHAPES)
    index = 0
    for key, label in ordered:
        if key is None or key == "":
            groups[key] = MapGroup(
                key="", label=label or _("None"), fill=UNGROUPED_FILL, shape="circle"
            )
            continue
        style = index % styles
        groups[key] = MapGroup(
            key=str(key),
            label=str(label),
            fill=PALETTE[style % len(PALETTE)],
            shape=SHAPES[style // len(PALETTE)],
        )
        index += 1
    return groups, index > styles


def _scale(value, size: int) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        value = 0.0
    if not math.isfinite(value):
        value = 0.0
    value = max(-1.0, min(1.0, value))
    return MAP_MARGIN + (value + 1) / 2 * (size - 2 * MAP_MARGIN)


@workbench_view
@require_GET
def idea_map(request, event_id: int):
    """The ideas on a plane, coloured by cluster or theme, drawn as inline SVG."""
    event = _event_for_viewing(request, event_id)
    scope, scopes = _scope_from(event, request.GET)
    colour = request.GET.get("colour", "cluster")
    if colour not in ("cluster", "theme"):
        colour = "cluster"
    points = list(
        cluster_selectors.idea_map_points(event=event, scope=scope, colour_by=colour)
    )
    groups, repeated = _map_groups(points)
    markers = []
    for point in points:
        group = groups[point["group"]]
        group.count += 1
        x = _scale(point["x"], MAP_WIDTH)
        # SVG's y axis points down; the projection's points up.
        y = MAP_HEIGHT - _scale(point["y"], MAP_HEIGHT)
        markers.append(
            {
                **point,
                "cx": f"{x:.1f}",
                "cy": f"{y:.1f}",
                "corner_x": f"{x - MARKER:.1f}",
                "corner_y": f"{y - MARKER:.1f}",
                "polygon": _marker_points(group.shape, x, y, MARKER)
                if group.shape in ("triangle", "diamond")
                else "",
                "style": group,
            }
        )
    legend = sorted(groups.values(), key=lambda group: (group.key == "", group.label))
    context = {
        **_event_context(request, event),
        "scope": scope,
        "scopes": scopes,
        "colour": colour,
        "markers": markers,
        "legend": legend,
        "repeated": repeated,
        "width": MAP_WIDTH,
        "height": MAP_HEIGHT,
        "marker": MARKER,
        "marker_size": MARKER * 2,
    }
    return TemplateResponse(request, "cms/workbench/map.html", context)


urlpatterns = [
    path("", index, name="index"),
    path("<int:event_id>/", event_dashboard, name="event"),
    path("<int:event_id>/themes/", theme_decisions, name="themes"),
    path(
        "<int:event_id>/suggestions/refresh/",
        refresh_suggestions,
        name="refresh_suggestions",
    ),
    path("<int:event_id>/shortlist/", shortlist, name="shortlist"),
    path("<int:event_id>/shortlist/change/", shortlist_change, name="shortlist_change"),
    path("<int:event_id>/clusters/", clusters, name="clusters"),
    path("<int:event_id>/clusters/run/", run_clustering, name="run"),
    path(
        "<int:event_id>/clusters/runs/<int:run_id>/status/",
        run_status,
        name="run_status",
    ),
    path("<int:event_id>/clusters/<int:cluster_id>/", cluster_detail, name="cluster"),
    path("<int:event_id>/map/", idea_map, name="map"),
]
