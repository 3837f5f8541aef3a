"""What every kind of write shares: ordering, appending, versions, cluster rules.

The cluster rules live here because both a measure saved from the admin form
(``tree``) and the cluster actions (``clusters``) cite clusters.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ideas.models import Cluster
from strategy.models import Framework, Goal, Measure


def _next_order(queryset: models.QuerySet) -> int:
    last = queryset.aggregate(n=Max("sort_order"))["n"]
    return 0 if last is None else last + 1


def _append(node, *, siblings: models.QuerySet):
    """Validate ``node`` and save it after ``siblings``, in one transaction."""
    with transaction.atomic():
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
