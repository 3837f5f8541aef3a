"""seed_demo's judging round: the panel that picked the ideas ready to implement.

At the event, OPDC's executives heard the teams and named four ideas ready to
implement. The demo replays that as a finished judging round: criteria, the
demo users as judges, every accepted idea scored, the round closed, its
results published and the four ideas selected from them, each with its rank.
Everything goes through the judging services, as a facilitator would.

Scores are drawn from generators seeded by the round's seed and each idea's
title, so every run gives the same results. The four ideas score 4 or 5 on
every criterion but the cost (3 or more) and 5 on the impact, at least 4.25
overall; the others score 4 at most, so the four are always ranked first.
"""

import random

from cms.models import EventPage
from ideas.models import Idea
from judging import services
from judging.models import Round
from judging.selectors.results import round_results
from ml.text import normalize_text

# The other ideas' overall quality, drawn once per idea, and how far one
# judge's score of one criterion strays from it.
OTHERS_QUALITY = (1.6, 3.8)
OTHERS_NOISE = 0.7
OTHERS_HIGHEST = 4


def _ready_sheet(rng: random.Random, share_of_fives: float, weights: list) -> list:
    """One judge's scores of an idea ready to implement, criterion by criterion.

    The first criterion (the impact) always gets the highest score, the cost
    (weight 1) may get a 3; the rest 4 or 5.
    """
    sheet = []
    for position, weight in enumerate(weights):
        if position == 0:
            sheet.append(5)
        elif weight == 1 and rng.random() < 0.25:
            sheet.append(3)
        else:
            sheet.append(5 if rng.random() < share_of_fives else 4)
    return sheet


def _other_sheet(rng: random.Random, quality: float, n_criteria: int) -> list:
    return [
        min(max(round(quality + rng.gauss(0, OTHERS_NOISE)), 1), OTHERS_HIGHEST)
        for _ in range(n_criteria)
    ]


def seed_judging(
    event: EventPage, data: dict, users: dict, *, actor, created: list[str]
) -> Round | None:
    """Run the demo's judging round once; a round of that name already there stays.

    ``users`` maps the demo usernames to their accounts; ``data`` is
    :func:`workbench.demo.loader.judging`. Returns the round created now.
    """
    spec = data["round"]
    name = normalize_text(spec["name"], multiline=False)
    if Round.objects.filter(event=event, name=name).exists():
        return None
    round = services.round_create(
        event=event,
        actor=actor,
        name=name,
        scale_max=spec["scale_max"],
        assignment=spec["assignment"],
    )
    criteria = [
        services.criterion_save(round=round, actor=actor, **criterion)
        for criterion in data["criteria"]
    ]
    judges = [
        services.judge_add_account(round=round, actor=actor, user=users[username])
        for username in data["judges"]
    ]
    services.round_open(round=round, actor=actor)

    ready = {
        normalize_text(item["title"], multiline=False): item["share_of_fives"]
        for item in data["ready"]
    }
    weights = [criterion.weight for criterion in criteria]
    for judge in judges:
        assignments = judge.assignments.select_related("idea")
        for assignment in assignments.order_by("idea__number"):
            idea = assignment.idea
            # One generator per idea and judge: an idea added to the event
            # later does not change the others' scores.
            rng = random.Random(f"{data['random_seed']}:{idea.title}:{judge.name}")
            if idea.title in ready:
                sheet = _ready_sheet(rng, ready[idea.title], weights)
            else:
                quality = random.Random(f"{data['random_seed']}:{idea.title}")
                sheet = _other_sheet(
                    rng, quality.uniform(*OTHERS_QUALITY), len(criteria)
                )
            services.scores_save(
                judge=judge,
                idea=idea,
                values={c.pk: v for c, v in zip(criteria, sheet, strict=True)},
                submit=True,
            )

    round = services.round_close(round=round, actor=actor)
    round = services.round_publish_results(round=round, actor=actor)
    results = round_results(round=round)
    ranked = [row for row in results.rows if row.rank is not None]
    for row in ranked:
        idea = row.key
        if idea.title not in ready or idea.status == Idea.Status.SHORTLISTED:
            # Shortlisted already: seeded before the demo had a round.
            continue
        reason = data["ready_reason"].format(
            rank=row.rank,
            of=len(ranked),
            score=f"{row.aggregate:.1f}",
            scale=round.scale_max,
        )
        services.round_select_ready(round=round, idea=idea, actor=actor, reason=reason)
    created.append(
        f"judging round ({len(ranked)} ideas, {len(judges)} judges, "
        f"{len(ready)} ready to implement)"
    )
    return round
