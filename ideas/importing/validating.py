"""Judging parsed rows as the submission form judges an idea."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from ideas.importing.cells import _present, _tags, _text
from ideas.importing.date_cells import parse_date
from ideas.importing.fields import REQUIRED, _header_key
from ideas.importing.rows import CleanRow, ImportRow, RowError
from ideas.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH

# Validating


def clean_rows(
    rows: Iterable[ImportRow], *, themes: Iterable
) -> tuple[list[CleanRow], list[RowError]]:
    """Judge every row as the submission form judges a participant's idea.

    Parameters
    ----------
    rows : iterable of ImportRow
    themes : iterable of Theme
        The event's themes; a theme cell must name one (code, Thai or English
        name, any case) or be empty.

    Returns
    -------
    (clean, errors)
        The valid rows, and an error per invalid cell. Two rows with the same
        id are an error on the second.
    """
    by_name = {}
    for theme in themes:
        for key in (theme.name_en, theme.name_th, theme.code):
            if key:
                by_name[_header_key(key)] = theme
    clean: list[CleanRow] = []
    errors: list[RowError] = []
    seen_ids: dict[str, int] = {}
    for row in rows:
        row_errors: list[RowError] = []

        def fail(field_name, message, *, row=row, row_errors=row_errors):
            row_errors.append(
                RowError(row=row.row, column=row.columns[field_name], message=message)
            )

        text = {}
        for field_name, limit, multiline in (
            ("title", TITLE_MAX_LENGTH, False),
            ("problem", BODY_MAX_LENGTH, True),
            ("solution", BODY_MAX_LENGTH, True),
            ("benefit", BODY_MAX_LENGTH, True),
            ("agencies", BODY_MAX_LENGTH, True),
            ("team", TITLE_MAX_LENGTH, False),
        ):
            value = _text(row.values.get(field_name), multiline=multiline)
            text[field_name] = value
            if field_name not in row.columns:
                continue
            if field_name in REQUIRED and not value:
                fail(field_name, _("This field is empty; it is required."))
            elif len(value) > limit:
                fail(
                    field_name,
                    _("%(length)s characters; at most %(limit)s are allowed.")
                    % {"length": f"{len(value):,}", "limit": f"{limit:,}"},
                )

        theme = None
        theme_text = _text(row.values.get("theme"), multiline=False)
        if theme_text:
            theme = by_name.get(_header_key(theme_text))
            if theme is None:
                codes = sorted({item.code for item in by_name.values()})
                fail(
                    "theme",
                    _(
                        "“%(value)s” is not a theme of this event; use one of: "
                        "%(codes)s."
                    )
                    % {"value": theme_text, "codes": ", ".join(codes) or "—"},
                )

        external_id = _text(row.values.get("id"), multiline=False)
        if len(external_id) > 100:
            fail("id", _("An id may have at most 100 characters."))
        elif external_id:
            first = seen_ids.setdefault(external_id, row.row)
            if first != row.row:
                fail(
                    "id",
                    _("The id “%(id)s” is also on row %(first)s.")
                    % {"id": external_id, "first": first},
                )

        submitted_at = None
        raw_date = row.values.get("submitted_at")
        if _present(raw_date):
            try:
                submitted_at = parse_date(raw_date)
            except ValueError:
                fail(
                    "submitted_at",
                    _(
                        "“%(value)s” is not a date; write it as 11/06/2565, "
                        "11/06/2022 or 2022-06-11."
                    )
                    % {"value": raw_date},
                )

        if row_errors:
            errors.extend(row_errors)
            continue
        clean.append(
            CleanRow(
                row=row.row,
                external_id=external_id,
                title=text["title"],
                problem=text["problem"],
                solution=text["solution"],
                benefit=text["benefit"],
                agencies=text["agencies"],
                team_name=text["team"],
                theme=theme,
                tags=_tags(row.values.get("tags")),
                submitted_at=submitted_at,
            )
        )
    return clean, errors
