"""The judges' screens, on a phone or a laptop: their list, one idea's sheet.

A judge is an account named in the round, or whoever used the round's
invitation link in this browser (the judge's id is kept in the session). The
panel's scores of an idea are refused (403) until the judge submitted theirs.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ideas import access
from ideas.models import Idea
from ideas.numbers import whole_number
from judging import services
from judging.models import Judge
from judging.selectors.results import judge_worklist, panel_scores

# Where a browser keeps the judges whose links it used.
SESSION_KEY = "judging_judge_ids"


def _refuse(request, message: str, *, status: int = 403):
    return render(request, "judging/refused.html", {"message": message}, status=status)


def current_judge(request, round_id) -> Judge | None:
    """The judge of round ``round_id`` this request acts as, if any."""
    if whole_number(round_id) is None:
        raise Http404
    judges = Judge.objects.filter(round_id=round_id).select_related("round__event")
    if access.is_active_user(request.user):
        judge = judges.filter(user=request.user).first()
        if judge is not None:
            return judge
    ids = request.session.get(SESSION_KEY, [])
    return judges.filter(pk__in=ids, user__isnull=True).first()


@require_http_methods(["GET", "POST"])
def join(request, token: str):
    """An invitation link: shown first, used only when the judge presses Start.

    A GET uses nothing, so that a mail client's link preview cannot spend it.
    """
    if request.method == "GET":
        return render(request, "judging/join.html", {})
    try:
        judge = services.judge_claim_link(token=token)
    except ValidationError as error:
        return _refuse(request, " ".join(error.messages), status=410)
    request.session.cycle_key()
    request.session[SESSION_KEY] = [
        *request.session.get(SESSION_KEY, []),
        judge.pk,
    ]
    return redirect("judging:worklist", round_id=judge.round_id)


def _judge_or_refusal(request, round_id):
    judge = current_judge(request, round_id)
    if judge is None:
        return None, _refuse(
            request,
            _(
                "You are not a judge of this round in this browser. Open the "
                "link you were sent, or sign in with the account named as judge."
            ),
        )
    return judge, None


def worklist(request, round_id: int):
    """The ideas the judge is to score, with what is done and what is left."""
    judge, refusal = _judge_or_refusal(request, round_id)
    if refusal:
        return refusal
    assignments = judge_worklist(judge=judge)
    done = sum(1 for a in assignments if a.submitted_at)
    return render(
        request,
        "judging/worklist.html",
        {
            "judge": judge,
            "round": judge.round,
            "assignments": assignments,
            "done": done,
        },
    )


def _idea(judge, idea_id) -> Idea:
    """An idea on ``judge``'s list; PermissionDenied for another of the event."""
    pk = whole_number(str(idea_id))
    if pk is None:
        raise Http404
    idea = get_object_or_404(
        Idea.objects.filter(event_id=judge.round.event_id).select_related("theme"),
        pk=pk,
    )
    if not judge.assignments.filter(idea=idea).exists():
        raise PermissionDenied(_("This idea is not assigned to you."))
    return idea


def _judge_and_idea(request, round_id, idea_id):
    """The judge and their idea, or a refusal saying why not."""
    judge, refusal = _judge_or_refusal(request, round_id)
    if refusal:
        return None, None, refusal
    try:
        return judge, _idea(judge, idea_id), None
    except PermissionDenied as refused:
        return None, None, _refuse(request, str(refused))


@require_http_methods(["GET", "POST"])
def sheet(request, round_id: int, idea_id: int):
    """One idea's score sheet: every criterion on the round's scale, a note."""
    judge, idea, refusal = _judge_and_idea(request, round_id, idea_id)
    if refusal:
        return refusal
    assignment = judge.assignments.prefetch_related("scores").get(idea=idea)
    criteria = list(judge.round.criteria.all())
    values = {s.criterion_id: str(s.value) for s in assignment.scores.all()}
    note, status, error = assignment.note, 200, ""
    if request.method == "POST":
        values = {c.pk: request.POST.get(f"criterion-{c.pk}", "") for c in criteria}
        note = request.POST.get("note", "")
        try:
            services.scores_save(
                judge=judge,
                idea=idea,
                values=values,
                note=note,
                submit="submit" in request.POST,
            )
        except PermissionDenied as refused:
            return _refuse(request, str(refused))
        except ValidationError as invalid:
            status, error = 400, " ".join(invalid.messages)
        else:
            messages.success(
                request,
                _("Your scores of idea #%(number)s are saved.")
                % {"number": idea.number},
            )
            return redirect(_next_after(judge, idea))
    rows = [
        {
            "criterion": c,
            "value": str(values.get(c.pk, "")),
            "levels": [
                (score, c.levels[score - 1] if len(c.levels) >= score else "")
                for score in range(1, judge.round.scale_max + 1)
            ],
        }
        for c in criteria
    ]
    return render(
        request,
        "judging/sheet.html",
        {
            "judge": judge,
            "round": judge.round,
            "idea": idea,
            "assignment": assignment,
            "rows": rows,
            "note": note,
            "error": error,
        },
        status=status,
    )


def _next_after(judge, idea) -> str:
    following = (
        judge.assignments.filter(submitted_at=None, idea__number__gt=idea.number)
        .select_related("idea")
        .first()
    )
    if following is not None and judge.round.is_open:
        return reverse("judging:sheet", args=[judge.round_id, following.idea_id])
    return reverse("judging:worklist", args=[judge.round_id])


def panel(request, round_id: int, idea_id: int):
    """The other judges' scores of an idea, without names; 403 before submitting."""
    judge, idea, refusal = _judge_and_idea(request, round_id, idea_id)
    if refusal:
        return refusal
    try:
        sheets = panel_scores(judge=judge, idea=idea)
    except PermissionDenied as refused:
        return _refuse(request, str(refused))
    criteria = list(judge.round.criteria.all())
    return render(
        request,
        "judging/panel.html",
        {
            "judge": judge,
            "round": judge.round,
            "idea": idea,
            "criteria": criteria,
            "sheets": [[sheet.get(c.pk) for c in criteria] for sheet in sheets],
        },
    )


@require_http_methods(["POST"])
def conflict(request, round_id: int, idea_id: int):
    """The judge declares a conflict of interest with an idea: it leaves their list."""
    judge, idea, refusal = _judge_and_idea(request, round_id, idea_id)
    if refusal:
        return refusal
    try:
        services.judge_declare_conflict(judge=judge, idea=idea)
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        messages.success(
            request,
            _("Idea #%(number)s is off your list: you declared a conflict of interest.")
            % {"number": idea.number},
        )
    return redirect("judging:worklist", round_id=judge.round_id)
