"""Answers to authors: the placeholders a template may use, and filling them in.

A template is written once for many ideas ("Thank you for idea #{number} …").
Only the names below may appear between braces: anything else would either
fail at the worst moment (a bulk answer to 40 authors) or, with Python's
format syntax, reach attributes no author should read.
"""

from string import Formatter

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = {
    "number": _("the idea's number"),
    "title": _("the idea's title"),
    "event": _("the event's name"),
    "theme": _("the idea's theme"),
}


def placeholders_help() -> str:
    """The placeholders as a facilitator reads them, for a form's help text."""
    return ", ".join(
        f"{{{name}}} ({description})" for name, description in PLACEHOLDERS.items()
    )


def check_placeholders(text: str) -> None:
    """Raise ValidationError unless ``text`` uses only the known placeholders.

    Doubled braces (``{{``, ``}}``) stand for a brace itself.
    """
    try:
        parts = list(Formatter().parse(text))
    except ValueError:
        raise ValidationError(
            _(
                "A brace is not closed. Placeholders are written {number}; "
                "write {{ or }} for a brace itself."
            ),
            code="braces",
        ) from None
    unknown = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            unknown.append("{" + name + (f"!{conversion}" if conversion else "") + "}")
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(unknown)s. You can use: %(known)s."),
            code="unknown_placeholder",
            params={"unknown": ", ".join(unknown), "known": placeholders_help()},
        )


def fill(text: str, *, number: int, title: str, event: str, theme: str) -> str:
    """``text`` with its placeholders replaced; checked with check_placeholders."""
    check_placeholders(text)
    return text.format_map(
        {"number": number, "title": title, "event": event, "theme": theme}
    )


def template_answer(template, idea) -> str:
    """The answer ``template`` gives ``idea``'s author, in the language they wrote.

    English when the idea is in English and the template has an English text;
    Thai otherwise.
    """
    text = template.text_en if idea.language == "en" and template.text_en else ""
    english = bool(text)
    text = text or template.text_th
    theme = idea.theme
    theme_name = ""
    if theme is not None:
        theme_name = (theme.name_en or theme.name_th) if english else theme.name_th
    event = idea.event
    event_title = (event.english_title or event.title) if english else event.title
    return fill(
        text,
        number=idea.number,
        title=idea.title,
        event=event_title,
        theme=theme_name,
    )
