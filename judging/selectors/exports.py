"""What a staff screen reads of an event's rounds: counts, never names."""

from django.db.models import Count, Q

from judging.models import Assignment, Round


def event_rounds(*, event) -> list[Round]:
    """``event``'s rounds, newest first, with counts of judges, ideas and sheets."""
    rounds = list(
        Round.objects.filter(event=event).annotate(
            n_judges=Count("judges", distinct=True)
        )
    )
    for round in rounds:
        assignments = Assignment.objects.filter(judge__round=round)
        counts = assignments.aggregate(
            sheets=Count("pk"),
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
            ideas=Count("idea", distinct=True),
        )
        round.n_ideas = counts["ideas"]
        round.n_sheets = counts["sheets"]
        round.n_submitted = counts["submitted"]
    return rounds
