"""What every kind of write shares: ordering, versions, cluster rules, the lock.

The cluster rules live here because both a measure saved from the admin form
(``tree``) and the cluster actions (``clusters``) cite clusters; the lock keeps
the content of an approved or published framework as it was approved.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ideas.models import Cluster
from strategy.models import Framework, Goal, Indicator, Measure, StrategicIssue
from strategy.selectors import FRAMEWORK_PATH


def _next_order(queryset: models.QuerySet) -> int:
    last = queryset.aggregate(n=Max("sort_order"))["n"]
    return 0 if last is None else last + 1


def _append(node, *, siblings: models.QuerySet):
    """Validate ``node`` and save it after ``siblings``, in one transaction."""
    with transaction.atomic():
        check_node_open(node)
        node.sort_order = _next_order(siblings)
        node.full_clean()
        node.save()
    return node


def _check_version(*, model, pk: int, expected_version: int) -> int:
    """Lock the stored row and return its version, or refuse a stale edit."""
    current = (
        model.objects.select_for_update()
        .filter(pk=pk)
        .values_list("version", flat=True)
    )
    stored = current.first()
    if stored is None:
        raise ValidationError(
            _("This %(name)s has been deleted by someone else.")
            % {"name": model._meta.verbose_name},
            code="deleted",
        )
    if stored != expected_version:
        raise ValidationError(
            _(
                "Someone else saved this %(name)s while you were editing it. Your "
                "changes have not been saved and are still in the form: open the "
                "%(name)s again in a new tab to see the other changes, then apply "
                "yours there."
            )
            % {"name": model._meta.verbose_name},
            code="conflict",
        )
    return stored


def _bump_version(measure: Measure) -> None:
    Measure.objects.filter(pk=measure.pk).update(version=models.F("version") + 1)
    measure.refresh_from_db(fields=["version"])


def _from_cluster_note(cluster: Cluster) -> str:
    return _("from cluster “%(label)s”") % {"label": cluster.label}


def _check_cluster_event(*, goal: Goal, cluster: Cluster) -> None:
    framework = Framework.objects.get(issues__goals=goal.pk)
    events = set(framework.source_events.values_list("pk", flat=True))
    if events and cluster.event_id not in events:
        raise ValidationError(
            _(
                "The cluster “%(label)s” comes from an event that is not one of the "
                "source events of “%(framework)s”: add the event to the framework "
                "first."
            )
            % {"label": cluster.label, "framework": framework.title},
            code="other_event",
        )


# The field naming each node's parent (an issue names its framework).
_PARENT = {Goal: "issue", Measure: "goal", Indicator: "measure"}


def adopted_message(framework: Framework) -> str:
    """Why an approved or published framework's content cannot be changed."""
    return _(
        "“%(framework)s” is %(status)s: the public reads what an approver approved, "
        "so its content is not changed. An approver can reopen it (set it back to "
        "“In review”), which takes it off the public site until it is approved "
        "again."
    ) % {"framework": framework.title, "status": framework.get_status_display()}


def _check_open(*, framework_ids) -> None:
    """Refuse a change to the content of an approved or published framework.

    Read from the database, locked, so a framework approved while a writer had
    the form open is not changed by their save.
    """
    adopted = (
        Framework.objects.select_for_update()
        .filter(
            pk__in=[pk for pk in framework_ids if pk],
            status__in=Framework.APPROVED_STATUSES,
        )
        .first()
    )
    if adopted is not None:
        raise ValidationError(adopted_message(adopted), code="adopted")


def _node_frameworks(node) -> set[int]:
    """The frameworks a node belongs to as stored and as edited (a moved node: both)."""
    kind = type(node)
    ids = set()
    if node.pk is not None:
        stored = kind.objects.filter(pk=node.pk)
        ids |= set(stored.values_list(FRAMEWORK_PATH[kind], flat=True))
    if kind is StrategicIssue:
        ids.add(node.framework_id)
    else:
        parent = kind._meta.get_field(_PARENT[kind]).related_model
        named = parent.objects.filter(pk=getattr(node, f"{_PARENT[kind]}_id"))
        ids |= set(named.values_list(FRAMEWORK_PATH[parent], flat=True))
    return ids


def check_node_open(node) -> None:
    """Refuse adding, changing or deleting a node of an adopted framework."""
    _check_open(framework_ids=_node_frameworks(node))
