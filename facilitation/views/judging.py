"""An event's judging rounds, a round's results and their export."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilitation.views.base import EventView, error_text, event_context, int_or_404
from ideas import access
from ideas.exporting import _FORMULA_STARTS, _guarded
from ideas.models import Idea
from judging import services
from judging.models import Round
from judging.selectors import exports as round_selectors
from judging.selectors.results import round_results

# Fewer judges than this and the aggregate has no trimmed mean.
TRIM_MIN_JUDGES = 5


def _number(value) -> str:
    return "–" if value is None else f"{value:.2f}"


class JudgingRoundsView(EventView):
    """The event's rounds; their results are for who runs the judging."""

    page_title = gettext_lazy("Judging")

    def get(self, request, event_id: int):
        return self.render(
            "facilitation/workbench/judging_rounds.html",
            {
                **event_context(request, self.event),
                "rounds": round_selectors.event_rounds(event=self.event),
                "can_run": access.can_run_judging(request.user, self.event),
            },
        )


class _RoundView(EventView):
    def check(self, request, *, event_id, round_id, **kwargs) -> None:
        super().check(request, event_id=event_id, **kwargs)
        access.require(access.can_run_judging(request.user, self.event))
        self.round = get_object_or_404(Round, event=self.event, pk=int_or_404(round_id))


class JudgingResultsView(_RoundView):
    """A round's results, best first, and what its facilitators do with them."""

    page_title = gettext_lazy("Judging results")

    def _page(self, *, reasons=None, status=200):
        results = round_results(round=self.round)
        count = sum(1 for row in results.rows if row.rank is not None)
        reasons = reasons or {}
        rows = []
        for row in results.rows:
            default = (
                # Translators: the reason prefilled when a judged idea is
                # marked ready to implement; its author reads it.
                _("The judging panel ranked it %(rank)s of %(count)s.")
                % {"rank": row.rank, "count": count}
                if row.rank is not None
                else ""
            )
            rows.append(
                {
                    "idea": row.key,
                    "rank": row.rank,
                    "means": [
                        _number(row.criterion_means.get(c.pk)) for c in results.criteria
                    ],
                    "weighted": _number(row.weighted_mean),
                    "trimmed": _number(
                        row.trimmed_mean if row.n_judges >= TRIM_MIN_JUDGES else None
                    ),
                    "spread": _number(row.spread),
                    "n_judges": row.n_judges,
                    "flagged": row.flagged,
                    "reason": reasons.get(row.key.pk, default),
                    "shortlisted": row.key.status == Idea.Status.SHORTLISTED,
                }
            )
        return self.render(
            "facilitation/workbench/judging_results.html",
            {
                **event_context(self.request, self.event),
                "round": self.round,
                "criteria": results.criteria,
                "rows": rows,
            },
            status=status,
        )

    def get(self, request, event_id: int, round_id: int):
        return self._page()

    def post(self, request, event_id: int, round_id: int):
        access.require(self.can_edit)
        access.require(access.can_run_judging(request.user, self.event))
        here = reverse("workbench:judging_results", args=[self.event.pk, self.round.pk])
        action = request.POST.get("action", "")
        try:
            if action == "open":
                short = services.round_open(round=self.round, actor=request.user)
                messages.success(request, _("The round is open for scoring."))
                if short:
                    messages.warning(
                        request,
                        _(
                            "These ideas have fewer judges than the round asks: "
                            "%(ideas)s"
                        )
                        % {"ideas": ", ".join(f"#{idea.number}" for idea in short)},
                    )
            elif action == "close":
                services.round_close(round=self.round, actor=request.user)
                messages.success(
                    request, _("The round is closed: its scores are final.")
                )
            elif action in ("publish", "unpublish"):
                services.round_publish_results(
                    round=self.round, actor=request.user, published=action == "publish"
                )
                messages.success(
                    request,
                    _("The results are public.")
                    if action == "publish"
                    else _("The results are no longer public."),
                )
            elif action == "ready":
                return self._ready(request, here)
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, error_text(error))
        return redirect(here)

    def _ready(self, request, here):
        idea = get_object_or_404(
            Idea, event=self.event, pk=int_or_404(request.POST.get("idea"))
        )
        reason = request.POST.get("reason", "")
        try:
            services.round_select_ready(
                round=self.round, idea=idea, actor=request.user, reason=reason
            )
        except ValidationError as error:
            messages.error(
                request,
                _("Idea #%(number)s: %(reason)s")
                % {"number": idea.number, "reason": error_text(error)},
            )
            return self._page(reasons={idea.pk: reason}, status=400)
        messages.success(
            request,
            _("Idea #%(number)s is on the shortlist: ready to implement.")
            % {"number": idea.number},
        )
        return redirect(here)


def export_rows(round: Round) -> tuple[list[str], list[list]]:
    """The header and rows of a round's results: no judge, no note."""
    results = round_results(round=round)
    header = [
        _("Idea number"),
        _("Title"),
        _("Theme"),
        *(
            # Translators: a column: a criterion's name and its weight.
            _("%(criterion)s (weight %(weight)s)")
            % {"criterion": c.name, "weight": c.weight}
            for c in results.criteria
        ),
        _("Weighted mean"),
        _("Trimmed mean"),
        _("Spread"),
        _("Judges"),
        _("Rank"),
    ]

    def figure(value):
        return None if value is None else round_2(value)

    rows = []
    for row in results.rows:
        idea = row.key
        rows.append(
            [
                idea.number,
                idea.title,
                idea.theme.name if idea.theme else "",
                *(figure(row.criterion_means.get(c.pk)) for c in results.criteria),
                figure(row.weighted_mean),
                figure(row.trimmed_mean if row.n_judges >= TRIM_MIN_JUDGES else None),
                figure(row.spread),
                row.n_judges,
                row.rank,
            ]
        )
    return header, rows


def round_2(value: float) -> float:
    return round(float(value), 2)


class JudgingExportView(_RoundView):
    """A round's results as a CSV or XLSX file."""

    def get(self, request, event_id: int, round_id: int, format: str):
        header, rows = export_rows(self.round)
        filename = f"judging-{self.event.pk}-{self.round.pk}.{format}"
        if format == "csv":
            text = io.StringIO(newline="")
            text.write("\ufeff")
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow([_guarded(cell) for cell in header])
            for row in rows:
                writer.writerow(["" if v is None else _guarded(v) for v in row])
            response = HttpResponse(
                text.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
            )
        elif format == "xlsx":
            response = HttpResponse(
                _xlsx(header, rows),
                content_type=(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                ),
            )
        else:
            raise Http404
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _xlsx(header, rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("results")
    for values in [header, *rows]:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
                if value.startswith(_FORMULA_STARTS):
                    cell.quotePrefix = True
            cells.append(cell)
        sheet.append(cells)
    binary = io.BytesIO()
    workbook.save(binary)
    return binary.getvalue()
