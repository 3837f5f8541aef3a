"""Answer templates: the answers a facilitator gives many authors at once."""

from django.db import transaction

from ideas import access
from ideas.models import AnswerTemplate
from ml.text import normalize_text


def answer_template_save(
    *,
    event,
    actor,
    name: str,
    text_th: str,
    text_en: str = "",
    status: str = "",
    template: AnswerTemplate | None = None,
) -> AnswerTemplate:
    """Create (``template`` None) or change one of ``event``'s answer templates.

    Raises ValidationError for an unknown placeholder, a text over the limit,
    or a name the event already uses; PermissionDenied when ``actor`` may not
    facilitate the event, or the template is another event's.
    """
    access.require_facilitator(actor=actor, event=event)
    if template is not None:
        access.require(template.event_id == event.pk)
    template = template or AnswerTemplate(event=event)
    template.name = normalize_text(name, multiline=False)
    template.status = status
    template.text_th = normalize_text(text_th)
    template.text_en = normalize_text(text_en)
    with transaction.atomic():
        template.full_clean()
        template.save()
    return template


def answer_template_delete(*, template: AnswerTemplate, actor) -> None:
    """Delete an answer template; answers already given stay in the log.

    Raises PermissionDenied when ``actor`` may not facilitate its event.
    """
    access.require_facilitator(actor=actor, event=template.event)
    with transaction.atomic():
        template.delete()
