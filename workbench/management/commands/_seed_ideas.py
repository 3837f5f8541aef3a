"""seed_demo's ideas: submitted and moderated as in 2022, then themed and clustered.

The ideas ready to implement are accepted here and shortlisted by the judging
round, which runs next.

Each step appends what it created to ``created``, for the command's report.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError

from cms.models import EventPage
from ideas import services
from ideas.models import ClusteringRun, Idea
from ml.text import normalize_text


def seed_ideas(
    event: EventPage, items: list[dict], arrival: dict, *, actor, created: list[str]
) -> list[Idea]:
    """Submit the demo ideas not there yet and moderate them as in 2022.

    Returns the ideas created now.
    """
    themes = {theme.code: theme for theme in event.themes.all()}
    existing = set(Idea.objects.filter(event=event).values_list("title", flat=True))
    new = []
    for position, item in enumerate(items):
        if normalize_text(item["title"], multiline=False) in existing:
            continue
        contact = item.get("contact") or {}
        theme = themes.get(item["theme"]) if item.get("theme") else None
        submission = services.idea_submit(
            event=event,
            title=item["title"],
            problem=item["problem"],
            solution=item["solution"],
            benefit=item.get("benefit", ""),
            agencies=item.get("agencies", ""),
            team_name=item.get("team", ""),
            theme=theme,
            contact_name=contact.get("name", ""),
            contact_email=contact.get("email", ""),
            contact_phone=contact.get("phone", ""),
            consent=bool(contact),
        )
        idea = submission.idea
        # Spread submissions over the event day, as they arrived in 2022.
        Idea.objects.filter(pk=idea.pk).update(
            created_at=arrival["first_at"] + arrival["every"] * position
        )
        status = item.get("status", Idea.Status.SUBMITTED)
        if status == Idea.Status.SHORTLISTED:
            # Accepted now: the demo's judging round selects it from its
            # results (see _seed_judging), as the event did.
            status = Idea.Status.ACCEPTED
        if status != Idea.Status.SUBMITTED:
            services.idea_set_status(
                idea=idea,
                status=status,
                actor=actor,
                reason=item.get("reject_reason", ""),
            )
        services.idea_add_tags(idea=idea, tags=item.get("tags", []), actor=actor)
        new.append(idea)
    if new:
        created.append(f"{len(new)} ideas")
    return new


def suggest_themes(
    event: EventPage, new_ideas: list[Idea], *, actor, created: list[str]
) -> None:
    """Suggest themes for the ideas that have none, and confirm some.

    The model runs here, at once, rather than in the worker, so the
    workbench shows its suggestions as soon as the demo opens. A facilitator
    moderated the accepted ideas of 2022, so those new ones take the model's
    suggestion; the others wait in the workbench for a decision.
    """
    from ideas.services.suggestions import ideas_suggest_themes

    awaiting = Idea.objects.of_event(event).open().filter(theme__isnull=True)
    # Only what was never suggested: refreshing would change a seeded demo.
    if not awaiting.filter(suggested_at__isnull=True).exists():
        return
    suggested = ideas_suggest_themes(event_id=event.pk)
    created.append(f"theme suggestions for {suggested} ideas")
    confirmed = 0
    for idea in Idea.objects.filter(
        pk__in=[idea.pk for idea in new_ideas],
        status=Idea.Status.ACCEPTED,
        theme__isnull=True,
        suggested_theme__isnull=False,
    ):
        services.idea_accept_suggestion(idea=idea, actor=actor)
        confirmed += 1
    if confirmed:
        created.append(f"{confirmed} suggested themes confirmed")


def cluster(
    event: EventPage, *, created: list[str], warn: Callable[[str], None]
) -> None:
    """Run the event's first clustering (all themes), unless one finished."""
    from ideas.services.clusters import (
        clustering_run_execute,
        clustering_run_request,
    )

    finished = ClusteringRun.objects.filter(
        event=event, scope="", status=ClusteringRun.Status.DONE
    )
    if finished.exists():
        return
    try:
        run = clustering_run_request(event=event, scope="", actor=None, enqueue=False)
    except ValidationError as error:
        # A run in progress (the worker has it) or too few ideas: the site
        # works without clusters, and the workbench says why there are none.
        warn(" ".join(error.messages))
        return
    run = clustering_run_execute(run=run)
    if run.status != ClusteringRun.Status.DONE:
        warn(f"Clustering failed: {run.error or run.status}")
        return
    created.append(
        f"clustering run {run.pk} ({run.n_clusters} clusters of "
        f"{run.n_ideas} ideas, {run.seconds:.1f} s)"
    )
