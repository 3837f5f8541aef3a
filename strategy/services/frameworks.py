"""Frameworks: creating, saving and moving them through their statuses.

A framework's status also follows its document page through Wagtail's
workflow (``framework_follow_document``, connected by ``strategy.signals``).
"""

import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ideas import access
from strategy.models import Framework, IndicatorTarget, NationalMilestone
from strategy.services._common import _check_version, adopted_message

# What the public reads of a framework; frozen while it is approved or published.
CONTENT_FIELDS = (
    "title",
    "english_title",
    "slug",
    "start_year",
    "end_year",
    "vision",
    "english_vision",
)
CONTENT_RELATIONS = ("source_events", "milestones")


def _content(framework: Framework) -> tuple:
    return tuple(getattr(framework, name) for name in CONTENT_FIELDS) + tuple(
        frozenset(item.pk for item in getattr(framework, name).all())
        for name in CONTENT_RELATIONS
    )


def _check_content_unchanged(*, framework: Framework, status: str) -> None:
    """An adopted framework keeps its content: it is reopened first, then changed."""
    stored = Framework.objects.get(pk=framework.pk)
    if status in Framework.APPROVED_STATUSES and _content(stored) != _content(
        framework
    ):
        raise ValidationError(adopted_message(stored), code="adopted")


def _unpublish_documents(*, framework: Framework, actor) -> int:
    """Take a reopened framework's documents off the public site."""
    documents = list(framework.documents.live().specific())
    for page in documents:
        page.unpublish(user=actor, log_action=True)
    return len(documents)


logger = logging.getLogger(__name__)


def _check_approval(*, status: str, old_status: str | None, actor) -> None:
    approver = actor is not None and access.has(actor, access.APPROVE_FRAMEWORK)
    if status == old_status or approver:
        return
    if old_status in Framework.APPROVED_STATUSES:
        # Reopening takes an adopted framework off the public site and lets
        # its content change: the approver's decision, as approving was.
        raise ValidationError(
            {
                "status": _(
                    "Only an approver can reopen an approved or published "
                    "framework. Ask an approver to set it back to “In review”."
                )
            },
            code="not_approver",
        )
    if status in Framework.APPROVED_STATUSES:
        raise ValidationError(
            {
                "status": _(
                    "Only an approver can approve or publish a framework. Set it to "
                    "“In review” and ask an approver."
                )
            },
            code="not_approver",
        )


def _check_targets_in_period(framework: Framework) -> None:
    if framework.pk is None:
        return
    outside = (
        IndicatorTarget.objects.filter(
            indicator__measure__goal__issue__framework=framework
        )
        .exclude(year__gte=framework.start_year, year__lte=framework.end_year)
        .order_by("year")
    )
    first = outside.first()
    if first is not None:
        raise ValidationError(
            {
                "end_year": _(
                    "%(count)d yearly targets fall outside this period, the first "
                    "in %(year)s. Move or remove them before changing the period."
                )
                % {"count": outside.count(), "year": first.year}
            },
            code="targets_outside",
        )


def framework_create(
    *,
    title: str,
    slug: str,
    start_year: int,
    end_year: int,
    english_title: str = "",
    vision: str = "",
    english_vision: str = "",
    source_events: Iterable = (),
    milestones: Iterable[NationalMilestone] = (),
    actor=None,
) -> Framework:
    """Create a draft framework.

    Parameters
    ----------
    title, english_title : str
        The framework's name in Thai and in English.
    slug : str
        Unique short name, used by ``export_framework``.
    start_year, end_year : int
        The period, in the Common era (2023, not 2566).
    source_events : iterable of EventPage
        The events whose ideas the framework is built from.
    milestones : iterable of NationalMilestone
        National plan milestones it aligns with.

    Raises
    ------
    ValidationError
        When the period ends before it starts, a year is out of range (a
        Buddhist-era year, say) or the slug is taken.
    """
    with transaction.atomic():
        framework = Framework(
            title=title,
            english_title=english_title,
            slug=slug,
            start_year=start_year,
            end_year=end_year,
            vision=vision,
            english_vision=english_vision,
            status=Framework.Status.DRAFT,
        )
        framework.full_clean()
        framework.save()
        framework.source_events.set(list(source_events))
        framework.milestones.set(list(milestones))
        framework.save()
    logger.info("framework created: %s", framework.pk)
    return framework


def framework_save(
    *, framework: Framework, actor, expected_version: int | None = None
) -> Framework:
    """Save an edited framework (as the admin form filled it in), checking who and when.

    Parameters
    ----------
    framework : Framework
        The instance with the writer's changes, its many-to-many fields held
        in memory (a ClusterForm's ``save(commit=False)``).
    actor : User
        Only a user with ``strategy.approve_framework`` may move it to
        approved or published.
    expected_version : int, optional
        The version the writer started from; None for a new framework.

    Raises
    ------
    ValidationError
        On a stale version (code ``"conflict"``), an approval without the
        right (``"not_approver"``), a period that would leave yearly targets
        outside it, or any field error.
    """
    with transaction.atomic():
        old_status = None
        if framework.pk is not None:
            stored = _check_version(
                model=Framework,
                pk=framework.pk,
                expected_version=expected_version
                if expected_version is not None
                else framework.version,
            )
            old_status = (
                Framework.objects.filter(pk=framework.pk)
                .values_list("status", flat=True)
                .first()
            )
            framework.version = stored + 1
        _check_approval(status=framework.status, old_status=old_status, actor=actor)
        if old_status in Framework.APPROVED_STATUSES:
            _check_content_unchanged(framework=framework, status=framework.status)
        framework.full_clean()
        _check_targets_in_period(framework)
        framework.save()
        if _reopened(old_status=old_status, status=framework.status):
            _unpublish_documents(framework=framework, actor=actor)
    return framework


def _reopened(*, old_status: str | None, status: str) -> bool:
    return (
        old_status in Framework.APPROVED_STATUSES
        and status not in Framework.APPROVED_STATUSES
    )


def framework_set_status(*, framework: Framework, status: str, actor) -> Framework:
    """Move a framework through draft → in review → approved → published.

    Only an approver approves, publishes, or reopens an adopted framework (moves
    it back to in review or draft); reopening unpublishes its documents, so the
    public never reads content nobody approved.

    Raises ValidationError when ``actor`` may not approve (code
    ``"not_approver"``).
    """
    with transaction.atomic():
        current = Framework.objects.select_for_update().get(pk=framework.pk)
        old_status = current.status
        _check_approval(status=status, old_status=old_status, actor=actor)
        _write_status(framework=current, status=status)
        if _reopened(old_status=old_status, status=status):
            _unpublish_documents(framework=current, actor=actor)
    return current


def _write_status(*, framework: Framework, status: str) -> None:
    if framework.status != status:
        old = framework.status
        framework.status = status
        framework.version += 1
        framework.full_clean()
        framework.save(update_fields=["status", "version", "updated_at"])
        logger.info("framework %s: %s → %s", framework.pk, old, status)


# What happens to a framework's document page in Wagtail → the statuses the
# framework moves from, and the one it moves to. From any other status the
# change leaves it alone: a published framework whose document is revised and
# sent for review again stays published, and Wagtail's publishing on approval
# (which signals "published" before "approved") cannot step it back.
DOCUMENT_STEPS = {
    "submitted": ((Framework.Status.DRAFT,), Framework.Status.IN_REVIEW),
    "rejected": ((Framework.Status.IN_REVIEW,), Framework.Status.DRAFT),
    "cancelled": ((Framework.Status.IN_REVIEW,), Framework.Status.DRAFT),
    "approved": (
        (Framework.Status.DRAFT, Framework.Status.IN_REVIEW),
        Framework.Status.APPROVED,
    ),
    "published": (
        (
            Framework.Status.DRAFT,
            Framework.Status.IN_REVIEW,
            Framework.Status.APPROVED,
        ),
        Framework.Status.PUBLISHED,
    ),
    "unpublished": ((Framework.Status.PUBLISHED,), Framework.Status.APPROVED),
}
# Wagtail's page_published and page_unpublished signals name no user; Wagtail
# has checked the publish right on the page, which workbench.roles gives
# approvers alone (strategy.wagtail_hooks refuses anyone else in the admin).
PUBLISHING_CHANGES = ("published", "unpublished")


def framework_follow_document(*, document, change: str, actor=None) -> Framework:
    """Keep a framework's status in step with its document's Wagtail workflow.

    Submitting the document to the approval workflow puts a draft framework
    "In review"; a rejection, or the writer cancelling, returns it to draft
    (unless another of its documents is still in review); the approver's
    approval makes it "Approved"; publishing the document makes it
    "Published", and unpublishing its last live document "Approved" again.
    See ``DOCUMENT_STEPS`` for the statuses each change moves it from.

    Parameters
    ----------
    document : cms.FrameworkPage
        Any page (or object) with a ``framework``.
    change : str
        One of ``DOCUMENT_STEPS``.
    actor : User, optional
        Who made the change. Approving takes ``strategy.approve_framework``.
        None for publishing and unpublishing, which Wagtail reports without
        a user after checking its own publish right.

    Raises
    ------
    ValidationError
        With code ``"not_approver"`` when ``actor`` may not approve.
    """
    sources, status = DOCUMENT_STEPS[change]
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=document.framework_id)
        if framework.status not in sources:
            return framework
        others = framework.documents.exclude(pk=document.pk)
        if change in ("rejected", "cancelled") and any(
            page.workflow_in_progress for page in others
        ):
            return framework
        if change == "unpublished" and others.filter(live=True).exists():
            return framework
        if actor is not None or change not in PUBLISHING_CHANGES:
            _check_approval(status=status, old_status=framework.status, actor=actor)
        _write_status(framework=framework, status=status)
    return framework
