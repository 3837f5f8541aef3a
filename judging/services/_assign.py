"""Who scores which idea: every eligible pair, or a balanced share."""

from judging.models import Assignment, Judge, Round


def eligible(judge: Judge, idea) -> bool:
    """Whether ``judge`` may score ``idea``: no conflict with it or its team."""
    if idea.pk in judge.conflict_idea_ids:
        return False
    team = idea.team_name.strip().casefold()
    return not (team and team in judge.team_conflicts())


def with_conflicts(judges) -> list[Judge]:
    judges = list(judges)
    for judge in judges:
        judge.conflict_idea_ids = set(judge.conflict_ideas.values_list("pk", flat=True))
    return judges


def assign(*, round: Round, ideas) -> list:
    """Create the round's assignments; return the ideas left short of judges.

    Every judge gets every idea they may score, or, for a balanced round, each
    idea goes to ``judges_per_idea`` eligible judges, those with the fewest
    ideas so far first, so that the work is shared evenly.
    """
    judges = with_conflicts(round.judges.all())
    load = {judge.pk: judge.assignments.count() for judge in judges}
    taken = set(
        Assignment.objects.filter(judge__round=round).values_list("judge_id", "idea_id")
    )
    short, new = [], []
    for idea in ideas:
        candidates = [j for j in judges if eligible(j, idea)]
        if round.assignment == Round.Assignment.BALANCED:
            already = [j for j in candidates if (j.pk, idea.pk) in taken]
            free = sorted(
                (j for j in candidates if (j.pk, idea.pk) not in taken),
                key=lambda j: (load[j.pk], j.pk),
            )
            wanted = max(round.judges_per_idea - len(already), 0)
            chosen = free[:wanted]
            if len(already) + len(chosen) < round.judges_per_idea:
                short.append(idea)
        else:
            chosen = [j for j in candidates if (j.pk, idea.pk) not in taken]
            if not candidates:
                short.append(idea)
        for judge in chosen:
            load[judge.pk] += 1
            taken.add((judge.pk, idea.pk))
            new.append(Assignment(judge=judge, idea=idea))
    Assignment.objects.bulk_create(new)
    return short
