"""One cluster's members, and the edits a facilitator makes to it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from facilitation.forms import MembersForm, MergeForm, RenameForm
from facilitation.views.base import (
    EventView,
    clusters_url,
    error_text,
    event_context,
    int_or_404,
    keyword_words,
    next_url,
)
from ideas import access
from ideas.models import Cluster
from ideas.selectors import clusters as cluster_selectors
from ideas.services import clusters as cluster_services
from strategy import selectors as strategy_selectors


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
            version=int_or_404(seen) if seen else None,
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
            versions[other.pk] = int_or_404(
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


class ClusterView(EventView):
    """One cluster's members, and the edits a facilitator makes to it.

    Every edit form carries the version of the cluster it was made against.
    If someone else changed the cluster since, the edit is refused, the page
    shows the cluster as it is now, and the form keeps what the user typed.
    """

    page_title = gettext_lazy("Workbench")

    def get(self, request, event_id: int, cluster_id: int):
        event = self.event
        cluster = get_object_or_404(Cluster, pk=cluster_id, event=event)
        base = event_context(request, event)
        can_edit = base["can_edit"]
        others = _other_clusters(cluster)
        rename_form = RenameForm(
            initial={"label": cluster.label, "version": cluster.version},
            prefix="rename",
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
                    messages.error(request, error_text(error))
                    status = 400
                else:
                    messages.success(request, text)
                    return redirect(next_url(request, request.path))
            else:
                status = 400

        members = list(cluster_selectors.cluster_members(cluster=cluster))
        context = {
            **base,
            "cluster": cluster,
            "keyword_words": keyword_words(cluster.keywords),
            "members": members,
            "checked": {str(value) for value in members_form["ideas"].value() or []},
            "merge_checked": {
                str(value) for value in merge_form["others"].value() or []
            },
            "others": list(others),
            "rename_form": rename_form,
            "members_form": members_form,
            "merge_form": merge_form,
            "clusters_url": clusters_url(event, cluster.scope),
            "merged_into": cluster.merged_into if cluster.merged_into_id else None,
            # Where a policy writer takes the cluster on into the framework.
            "measures": strategy_selectors.cluster_measures(cluster=cluster),
            "measure_url": (
                reverse("strategy_measure_from_cluster", args=[cluster.pk])
                if cluster.is_active and access.has(request.user, access.ADD_MEASURE)
                else None
            ),
        }
        return self.render(
            "facilitation/workbench/cluster.html", context, status=status
        )

    # One method for both: a refused edit shows the page again, its forms as sent.
    post = get
