"""An event's public ideas as open data: CSV, XLSX and JSON.

The columns are the same in every format and documented in
docs/import-export.md; they are chosen from the idea, never from its Contact,
and never include tokens or fingerprints. An export imports back
(``import_ideas``): ``number`` is read as the id and ``theme_code`` as the
theme.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.utils import timezone

from ideas import selectors
from ideas.models import ClusterEdit, ClusteringRun, ClusterMembership, Idea

__all__ = [
    "COLUMNS",
    "FORMATS",
    "export_dir",
    "export_ideas",
    "export_ideas_to_bytes",
    "export_ideas_to_file",
    "idea_record",
    "partial_path",
]

COLUMNS = (
    "number",
    "title",
    "problem",
    "solution",
    "benefit",
    "agencies",
    "team",
    "theme_code",
    "theme_name_th",
    "theme_name_en",
    "status",
    "language",
    "tags",
    "submitted_at",
)
# The open-data formats, which import back; then the layouts for other tools
# and the record of decisions.
DATA_FORMATS = ("csv", "xlsx", "json")
FORMATS = (*DATA_FORMATS, "polis", "provenance")
# Pol.is's comments.csv, which Talk to the City and Jigsaw's Sensemaker read.
POLIS_COLUMNS = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
PROVENANCE_COLUMNS = (
    "number",
    "title",
    "field",
    "from",
    "to",
    "source",
    "decided_by",
    "decided_at",
    "reason",
)

# A spreadsheet runs a cell that starts with one of these as a formula, which
# an idea's text must never become (OWASP "CSV injection"). Tab and carriage
# return open the same door in some spreadsheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TAG_SEPARATOR = "; "


def idea_record(idea: Idea) -> dict[str, Any]:
    """One idea as an export row, keyed by COLUMNS; tags as a list."""
    theme = idea.theme
    return {
        "number": idea.number,
        "title": idea.title,
        "problem": idea.problem,
        "solution": idea.solution,
        "benefit": idea.benefit,
        "agencies": idea.agencies,
        "team": idea.team_name,
        "theme_code": theme.code if theme else "",
        "theme_name_th": theme.name_th if theme else "",
        "theme_name_en": theme.name_en if theme else "",
        "status": idea.status,
        "language": idea.language,
        # Sorted, so two exports of the same ideas are the same file.
        "tags": sorted(tag.name for tag in idea.tags.all()),
        "submitted_at": timezone.localtime(idea.created_at).isoformat(),
    }


def export_ideas(*, event, format: str, stream: IO) -> int:
    """Write an event's public ideas to ``stream``; return how many.

    Parameters
    ----------
    event : EventPage
    format : {"csv", "xlsx", "json"}
    stream : file object
        Text (opened with ``newline=""`` for CSV) for csv and json, binary for
        xlsx. CSV starts with a byte-order mark, so Excel reads it as UTF-8.
    """
    ideas = selectors.ideas_public(event=event).prefetch_related("tags")
    if format == "provenance":
        return _write_provenance(ideas, stream)
    records = [idea_record(idea) for idea in ideas]
    if format == "polis":
        _write_polis(ideas, stream)
    elif format == "csv":
        _write_csv(records, stream)
    elif format == "xlsx":
        _write_xlsx(records, stream)
    elif format == "json":
        _write_json(event, records, stream)
    else:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    return len(records)


def export_ideas_to_bytes(*, event, format: str) -> bytes:
    """An event's public ideas as the bytes of a download (UTF-8 for text)."""
    if format == "xlsx":
        binary = io.BytesIO()
        export_ideas(event=event, format=format, stream=binary)
        return binary.getvalue()
    text = io.StringIO(newline="")
    export_ideas(event=event, format=format, stream=text)
    return text.getvalue().encode("utf-8")


def export_dir() -> Path:
    """Where background exports wait for download, beside the import uploads
    (``import_uploads_purge`` deletes old ones); never served directly."""
    from ideas import importing

    return importing.upload_dir().with_name("exports")


def partial_path(path: Path) -> Path:
    """Where an export to ``path`` is written until it is complete."""
    return path.with_name(f"{path.name}.part")


def export_ideas_to_file(*, event, format: str, path: Path) -> int:
    """Write an event's public ideas to ``path``; return how many.

    Written beside the target and moved over it, so the file appears under
    its name only once complete: a failed export never leaves half a file
    where a good one was, nor reads as done. Raises what writing raises
    (``OSError`` for a full disk), having removed the partial file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(path)
    try:
        if format == "xlsx":
            with partial.open("wb") as stream:
                count = export_ideas(event=event, format=format, stream=stream)
        else:
            with partial.open("w", encoding="utf-8", newline="") as stream:
                count = export_ideas(event=event, format=format, stream=stream)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def _spreadsheet_cells(record: dict[str, Any]) -> Iterator[Any]:
    for column in COLUMNS:
        value = record[column]
        if column == "tags":
            value = _TAG_SEPARATOR.join(value)
        yield value


def _guarded(value: Any) -> Any:
    # CSV has no cell types: a leading quote makes a spreadsheet show the
    # text, and the importer takes it off again.
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _write_csv(records: Iterable[dict[str, Any]], stream: IO[str]) -> None:
    stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow([_guarded(value) for value in _spreadsheet_cells(record)])


def _write_xlsx(records: Iterable[dict[str, Any]], stream: IO[bytes]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("ideas")
    sheet.append(list(COLUMNS))
    for record in records:
        row = []
        for value in _spreadsheet_cells(record):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # openpyxl would store a string starting with "=" as a formula.
                # Typed as text, with Excel's own quote prefix so that editing
                # the cell keeps it text, the value stays exactly as written.
                cell.data_type = "s"
                if value.startswith(_FORMULA_STARTS):
                    cell.quotePrefix = True
            row.append(cell)
        sheet.append(row)
    workbook.save(stream)


def _write_json(event, records: list[dict[str, Any]], stream: IO[str]) -> None:
    document = {
        "event": {
            "slug": event.slug,
            "title": event.title,
            "english_title": event.english_title,
            "start_date": event.start_date.isoformat(),
        },
        "columns": list(COLUMNS),
        "ideas": records,
    }
    json.dump(document, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def _write_polis(ideas: Iterable[Idea], stream: IO[str]) -> None:
    """Pol.is comments.csv: one comment per idea, all moderated in.

    Ideas carry no author identity, so each gets its own anonymous author id;
    there are no votes. The body is the title, the problem and the solution,
    which is what sensemaking tools cluster and summarise.
    """
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(POLIS_COLUMNS)
    for author, idea in enumerate(ideas):
        submitted = timezone.localtime(idea.created_at)
        body = "\n".join(
            part for part in (idea.title, idea.problem, idea.solution) if part
        )
        writer.writerow(
            [
                int(submitted.timestamp() * 1000),
                submitted.strftime("%a %b %d %Y %H:%M:%S GMT%z"),
                idea.number,
                author,
                0,
                0,
                1,
                _guarded(body),
            ]
        )


def _write_provenance(ideas, stream: IO[str]) -> int:
    """Every theme and status decision on the public ideas: who, when, from what.

    The first row of each idea is how its theme was first set (by the
    participant, a facilitator or the model); then the model's suggestion
    (field ``theme_suggestion``: which model, when, with what confidence; an
    empty ``to`` is "can't decide"); then each recorded decision.
    """
    stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(PROVENANCE_COLUMNS)
    ideas = list(
        ideas.select_related("suggested_theme").prefetch_related("decisions__actor")
    )
    clusters = _cluster_provenance(ideas)
    for idea in ideas:
        decisions = list(idea.decisions.all())
        first_theme = next((d for d in decisions if d.field == "theme"), None)
        initial = (
            first_theme.old_value
            if first_theme
            else (idea.theme.code if idea.theme else "")
        )
        if initial:
            source = Idea.ThemeSource.PARTICIPANT if first_theme else idea.theme_source
            writer.writerow(
                [
                    idea.number,
                    _guarded(idea.title),
                    "theme",
                    "",
                    initial,
                    source,
                    "",
                    idea.created_at.isoformat(),
                    "",
                ]
            )
        if idea.suggestion_model:
            writer.writerow(
                [
                    idea.number,
                    _guarded(idea.title),
                    "theme_suggestion",
                    "",
                    idea.suggested_theme.code if idea.suggested_theme else "",
                    Idea.ThemeSource.MODEL,
                    idea.suggestion_model,
                    idea.suggested_at.isoformat() if idea.suggested_at else "",
                    f"confidence {idea.suggestion_confidence:.2f}",
                ]
            )
        for decision in decisions:
            actor = decision.actor
            writer.writerow(
                [
                    idea.number,
                    _guarded(idea.title),
                    decision.field,
                    decision.old_value,
                    decision.new_value,
                    Idea.ThemeSource.FACILITATOR if actor else "",
                    actor.get_username() if actor else "",
                    decision.created_at.isoformat(),
                    _guarded(decision.reason),
                ]
            )
        for row in clusters.get(idea.pk, []):
            writer.writerow([idea.number, _guarded(idea.title), *row])
    return len(ideas)


def _cluster_provenance(ideas: list[Idea]) -> dict[int, list[list[str]]]:
    """Idea id → a row per cluster it is in now, saying who put it there.

    ``field`` is ``cluster`` (all the event's ideas) or ``cluster:<theme
    code>``; ``to`` is the cluster's number and name. A facilitator's
    placement (a move, a split, a pin) names them and when; the model's names
    the clustering run, its encoder and when it finished.
    """
    if not ideas:
        return {}
    event_id = ideas[0].event_id
    wanted = {idea.pk for idea in ideas}
    memberships = (
        ClusterMembership.objects.filter(idea_id__in=wanted, cluster__is_active=True)
        .select_related("cluster")
        .order_by("scope", "idea_id")
    )
    runs = {}
    for run in ClusteringRun.objects.filter(
        event_id=event_id, status=ClusteringRun.Status.DONE
    ).order_by("finished_at", "pk"):
        runs[run.scope] = run  # the latest finished run of each scope
    placed = {}
    edits = ClusterEdit.objects.filter(
        event_id=event_id,
        action__in=[
            ClusterEdit.Action.MOVE,
            ClusterEdit.Action.SPLIT,
            ClusterEdit.Action.PIN,
        ],
    ).select_related("actor")
    for edit in edits.order_by("created_at", "pk"):
        for idea_id in edit.detail.get("ideas", []):
            placed[(edit.scope, idea_id)] = edit
    rows: dict[int, list[list[str]]] = {}
    for membership in memberships:
        cluster = membership.cluster
        field = f"cluster:{membership.scope}" if membership.scope else "cluster"
        to = _guarded(f"{cluster.number}: {cluster.label}")
        edit = placed.get((membership.scope, membership.idea_id))
        reason = "pinned" if membership.pinned else ""
        if membership.source == ClusterMembership.Source.FACILITATOR and edit:
            row = [
                field,
                "",
                to,
                ClusterMembership.Source.FACILITATOR,
                edit.actor.get_username() if edit.actor else "",
                edit.created_at.isoformat(),
                reason,
            ]
        else:
            run = runs.get(membership.scope)
            row = [
                field,
                "",
                to,
                ClusterMembership.Source.MODEL,
                f"clustering run {run.pk}, {run.encoder_id}" if run else "",
                run.finished_at.isoformat() if run and run.finished_at else "",
                "; ".join(
                    filter(
                        None,
                        [
                            reason,
                            f"similarity {membership.similarity:.2f}"
                            if membership.similarity is not None
                            else "",
                        ],
                    )
                ),
            ]
        rows.setdefault(membership.idea_id, []).append(row)
    return rows
