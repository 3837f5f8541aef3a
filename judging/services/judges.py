"""Judges: staff accounts or people invited by a single-use link, and conflicts."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ideas import access
from ideas.models import Idea
from judging.models import Assignment, Judge, Round
from judging.services._assign import assign
from judging.services.rounds import _locked, _require_draft, _require_runner
from ml.text import normalize_text

INVITE_DAYS = 14


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def judge_add_account(*, round: Round, actor, user) -> Judge:
    """Make a staff account a judge of a round being prepared."""
    _require_runner(actor, round)
    if not access.is_active_user(user):
        raise ValidationError(_("Only an active account can judge."))
    with transaction.atomic():
        _require_draft(_locked(round))
        if round.judges.filter(user=user).exists():
            raise ValidationError(_("This account is already a judge of the round."))
        judge = Judge(
            round=round, user=user, name=user.get_full_name() or user.get_username()
        )
        judge.full_clean()
        judge.save()
    return judge


def judge_invite(
    *, round: Round, actor, name: str, valid_days: int = INVITE_DAYS
) -> tuple[Judge, str]:
    """Invite a person without an account; return the judge and their link's token.

    The token is shown once, to be sent to the judge; only its hash is kept.
    The link works once, until ``valid_days`` from now.
    """
    _require_runner(actor, round)
    if not 1 <= valid_days <= 90:
        raise ValidationError(_("A link stays valid from 1 to 90 days."))
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        _require_draft(_locked(round))
        judge = Judge(
            round=round,
            name=normalize_text(name, multiline=False),
            invite_token_hash=token_hash(token),
            invite_expires_at=timezone.now() + timedelta(days=valid_days),
        )
        judge.full_clean()
        judge.save()
    return judge, token


def judge_claim_link(*, token: str) -> Judge:
    """Use an invitation link: the judge it names, once, before it expires.

    Raises ValidationError, using nothing, for an unknown, expired or used link
    or a round that is closed.
    """
    with transaction.atomic():
        judge = (
            Judge.objects.select_for_update()
            .filter(invite_token_hash=token_hash(token or ""), user__isnull=True)
            .exclude(invite_token_hash="")
            .select_related("round")
            .first()
        )
        if judge is None:
            raise ValidationError(_("This judging link is not valid."), code="unknown")
        if judge.invite_used_at is not None:
            raise ValidationError(
                _(
                    "This judging link was already used. Ask the facilitator "
                    "for a new one."
                ),
                code="used",
            )
        if judge.invite_expires_at <= timezone.now():
            raise ValidationError(
                _("This judging link expired on %(date)s. Ask for a new one.")
                % {"date": date_format(judge.invite_expires_at, "DATE_FORMAT")},
                code="expired",
            )
        if judge.round.state == Round.State.CLOSED:
            raise ValidationError(_("The round is closed."), code="closed")
        judge.invite_used_at = timezone.now()
        judge.save(update_fields=["invite_used_at"])
    return judge


def judge_remove(*, judge: Judge, actor) -> None:
    """Take a judge off a round being prepared."""
    _require_runner(actor, judge.round)
    with transaction.atomic():
        _require_draft(_locked(judge.round))
        judge.delete()


def judge_set_conflicts(
    *, judge: Judge, actor, teams: str = "", ideas: Iterable[Idea] = ()
) -> Judge:
    """Record the teams and ideas a judge must not score (round being prepared)."""
    _require_runner(actor, judge.round)
    ideas = list(ideas)
    if any(idea.event_id != judge.round.event_id for idea in ideas):
        raise ValidationError(_("A conflict can only name ideas of this event."))
    with transaction.atomic():
        _require_draft(_locked(judge.round))
        judge.conflict_teams = normalize_text(teams)
        judge.full_clean()
        judge.save(update_fields=["conflict_teams"])
        judge.conflict_ideas.set(ideas)
    return judge


def judge_declare_conflict(*, judge: Judge, idea: Idea) -> list:
    """A judge declares they must not score ``idea``: it leaves their list.

    Their scores of it are deleted; in a balanced round the idea goes to the
    eligible judge with the fewest ideas. Returns the ideas left short of
    judges (this one, when nobody else may take it).
    """
    with transaction.atomic():
        round = _locked(judge.round)
        if not round.is_open:
            raise ValidationError(_("The round is not open."))
        assignment = Assignment.objects.filter(judge=judge, idea=idea).first()
        if assignment is None:
            raise ValidationError(_("This idea is not on your list."))
        assignment.delete()
        judge.conflict_ideas.add(idea)
        if round.assignment == Round.Assignment.BALANCED:
            return assign(round=round, ideas=[idea])
        return []
