"""seed_demo's strategy: the draft framework, its document page and clusters.

Each step appends what it created to ``created``, for the command's report.
"""

from django.utils.html import escape
from wagtail.rich_text import RichText

from cms.models import EventPage, FrameworkIndexPage, FrameworkPage, HomePage
from ideas.models import Idea
from ml.text import normalize_text
from strategy import services
from strategy.models import Framework, NationalMilestone
from workbench import roles


def seed_framework(event: EventPage, data: dict, *, created: list[str]) -> Framework:
    # All or nothing: a framework already there, even edited since, is the
    # writers' and is left alone.
    existing = Framework.objects.filter(slug=data["framework"]["slug"]).first()
    if existing is not None:
        return existing
    ideas = {
        idea.title: idea
        for idea in Idea.objects.filter(
            event=event, status__in=[Idea.Status.ACCEPTED, Idea.Status.SHORTLISTED]
        )
    }
    themes = {theme.code: theme for theme in event.themes.all()}
    milestones = data["national_milestones"]
    framework = services.framework_create(
        source_events=[event],
        milestones=NationalMilestone.objects.filter(
            number__in=milestones["numbers"],
            plan__contains=milestones["plan_contains"],
        ),
        **data["framework"],
    )
    for item in data["issues"]:
        issue = services.issue_create(
            framework=framework,
            title=item["title"],
            english_title=item["english_title"],
            theme=themes.get(item["theme"]),
        )
        goal = services.goal_create(issue=issue, **item["goal"])
        for spec in item["measures"]:
            titles = [normalize_text(t, multiline=False) for t in spec["ideas"]]
            measure = services.measure_create(
                goal=goal,
                title=spec["title"],
                english_title=spec["english_title"],
                description=spec["description"],
                lead_agency=spec["lead_agency"],
                supporting_agencies=spec["supporting_agencies"],
                pilot_scope=spec["pilot_scope"],
                estimated_budget=spec["estimated_budget"],
                ideas=[ideas[title] for title in titles if title in ideas],
            )
            services.indicator_create(measure=measure, **spec["indicator"])
    created.append("framework")
    return framework


def seed_framework_document(
    home: HomePage, framework: Framework, section: dict, *, created: list[str]
) -> None:
    index = FrameworkIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=FrameworkIndexPage(**section))
        created.append("strategy section")
    roles.strategy_pages_sync()
    if FrameworkPage.objects.filter(framework=framework).exists():
        return
    body = []
    for issue in framework.issues.prefetch_related("goals__measures"):
        body.append(("heading", issue.title))
        for goal in issue.goals.all():
            body.append(("paragraph", RichText(f"<p><b>{escape(goal.title)}</b></p>")))
            body += [
                ("measure", {"measure": measure, "show_ideas": True})
                for measure in goal.measures.all()
            ]
    # A draft, as the framework is: a writer submits it for approval.
    document = index.add_child(
        instance=FrameworkPage(
            title=framework.title,
            english_title=framework.english_title,
            slug=framework.slug,
            framework=framework,
            body=body,
            live=False,
        )
    )
    document.save_revision()
    created.append("framework document")


def link_clusters(framework: Framework, *, created: list[str]) -> None:
    """Cite, on each demo measure, the cluster its ideas fell into."""
    linked = services.framework_link_clusters(framework=framework)
    if linked:
        created.append(f"{linked} measures linked to their clusters")
