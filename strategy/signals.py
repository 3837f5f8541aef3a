"""Wiring: a framework follows its document page through Wagtail's workflow.

The rule is ``strategy.services.framework_follow_document``; this module only
turns Wagtail's signals into calls to it. The signals are connected when the
app is ready, not in wagtail_hooks (which Wagtail imports only when the admin
is first used), so workflows run from code or commands are followed too.
"""

import logging

from django.core.exceptions import FieldDoesNotExist, ValidationError
from wagtail.models import WorkflowState
from wagtail.signals import (
    page_published,
    page_unpublished,
    workflow_approved,
    workflow_cancelled,
    workflow_rejected,
    workflow_submitted,
)

from strategy import services
from strategy.models import Framework

logger = logging.getLogger(__name__)


def framework_document(obj):
    """The framework document behind a page or a workflow state, or None.

    Recognised by its ``framework`` field rather than its class, since
    strategy may not import cms (the layers point the other way).
    """
    if isinstance(obj, WorkflowState):
        obj = obj.content_object
    obj = getattr(obj, "specific", obj)
    try:
        field = type(obj)._meta.get_field("framework")
    except (AttributeError, FieldDoesNotExist):
        return None
    return obj if field.related_model is Framework else None


def _follow(obj, change: str, user=None) -> None:
    document = framework_document(obj)
    if document is None:
        return
    try:
        services.framework_follow_document(document=document, change=change, actor=user)
    except ValidationError:
        # The page's own step has happened; refusing it from here would undo
        # an approver's work over the framework's status, which an approver
        # can still set on the framework itself.
        logger.warning(
            "framework %s not moved on %s of document %s by %s: no right to approve",
            document.framework_id,
            change,
            document.pk,
            user,
        )


def on_workflow_submitted(sender, instance, user=None, **kwargs):
    _follow(instance, "submitted", user)


def on_workflow_rejected(sender, instance, user=None, **kwargs):
    _follow(instance, "rejected", user)


def on_workflow_cancelled(sender, instance, user=None, **kwargs):
    _follow(instance, "cancelled", user)


def on_workflow_approved(sender, instance, user=None, **kwargs):
    _follow(instance, "approved", user)


def on_page_published(sender, instance, **kwargs):
    # A page scheduled to go live later is "published" without being live;
    # it counts once the scheduler makes it live (and signals again).
    if instance.live:
        _follow(instance, "published")


def on_page_unpublished(sender, instance, **kwargs):
    _follow(instance, "unpublished")


def connect() -> None:
    for signal, receiver in (
        (workflow_submitted, on_workflow_submitted),
        (workflow_rejected, on_workflow_rejected),
        (workflow_cancelled, on_workflow_cancelled),
        (workflow_approved, on_workflow_approved),
        (page_published, on_page_published),
        (page_unpublished, on_page_unpublished),
    ):
        signal.connect(receiver, dispatch_uid=f"strategy.{receiver.__name__}")
