"""Reads of frameworks that cross relations: the numbered tree, coverage, citations."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from ideas.models import Cluster, ClusterMembership, Idea, Theme
from ideas.selectors import PUBLIC_STATUSES
from strategy.models import (
    Framework,
    Goal,
    Indicator,
    Measure,
    MeasureCluster,
    MeasureIdea,
    StrategicIssue,
)

# How each node of the tree reaches its framework.
FRAMEWORK_PATH = {
    StrategicIssue: "framework_id",
    Goal: "issue__framework_id",
    Measure: "goal__issue__framework_id",
    Indicator: "measure__goal__issue__framework_id",
}


def adopted_framework(obj) -> Framework | None:
    """The approved or published framework ``obj`` is or belongs to, if any."""
    if isinstance(obj, Framework):
        pk = obj.pk
    elif type(obj) in FRAMEWORK_PATH:
        pk = (
            type(obj)
            .objects.filter(pk=obj.pk)
            .values_list(FRAMEWORK_PATH[type(obj)], flat=True)
            .first()
        )
    else:
        return None
    return Framework.objects.filter(
        pk=pk, status__in=Framework.APPROVED_STATUSES
    ).first()


def framework_get(*, slug: str) -> Framework | None:
    return Framework.objects.filter(slug=slug).first()


def format_number(value: Decimal | None) -> str:
    """A decimal as people write it: 80 rather than 80.00, 1,250,000.50."""
    if value is None:
        return ""
    if value == value.to_integral():
        return f"{int(value):,}"
    return f"{value.normalize():,}"


@dataclass
class IndicatorNode:
    indicator: Indicator
    targets: dict[int, Decimal]

    @property
    def name(self) -> str:
        return self.indicator.display_name

    def target_for(self, year: int) -> str:
        return format_number(self.targets.get(year))


@dataclass(frozen=True)
class ClusterCitation:
    """A cluster a measure cites, with what became of it since."""

    cluster: Cluster
    note: str = ""

    @property
    def label(self) -> str:
        return self.cluster.label

    @property
    def state(self) -> str:
        """Empty for an active cluster; else "merged into “Y”" or "no longer active".

        A cited cluster merged away stays listed with this note rather than
        disappearing from the measure.
        """
        if self.cluster.is_active:
            return ""
        if self.cluster.merged_into_id:
            return _("merged into “%(label)s”") % {
                "label": self.cluster.merged_into.label
            }
        return _("no longer active")

    @property
    def display(self) -> str:
        """“Label”, or “Label” (merged into “Y”), as exports print it."""
        text = f"“{self.label}”"
        return f"{text} ({self.state})" if self.state else text


@dataclass
class MeasureNode:
    number: str
    measure: Measure
    indicators: list[IndicatorNode]
    ideas: list[Idea]
    notes: dict[int, str]
    clusters: list[ClusterCitation] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.measure.display_title

    @property
    def citation(self) -> str:
        """The ideas cited, as the document prints them: "[#3] [#12]"."""
        return " ".join(f"[#{idea.number}]" for idea in self.ideas)

    @property
    def cluster_citation(self) -> str:
        """The clusters cited: “Label”, “Other” (merged into “Y”)."""
        return ", ".join(citation.display for citation in self.clusters)


@dataclass
class GoalNode:
    number: str
    goal: Goal
    measures: list[MeasureNode]

    @property
    def title(self) -> str:
        return self.goal.display_title


@dataclass
class IssueNode:
    number: str
    issue: StrategicIssue
    goals: list[GoalNode]

    @property
    def title(self) -> str:
        return self.issue.display_title


@dataclass
class FrameworkTree:
    framework: Framework
    issues: list[IssueNode]
    years: list[int] = field(default_factory=list)

    @property
    def measures(self) -> list[MeasureNode]:
        return [
            measure
            for issue in self.issues
            for goal in issue.goals
            for measure in goal.measures
        ]

    @property
    def cited_ideas(self) -> list[Idea]:
        """Every idea any measure cites, once, by event and number."""
        found = {idea.pk: idea for node in self.measures for idea in node.ideas}
        return sorted(found.values(), key=lambda idea: (idea.event_id, idea.number))


def _measure_queryset() -> QuerySet[Measure]:
    return Measure.objects.prefetch_related(
        Prefetch(
            "cited_ideas",
            queryset=MeasureIdea.objects.select_related("idea", "idea__theme").order_by(
                "idea__number", "pk"
            ),
        ),
        Prefetch(
            "cited_clusters",
            queryset=MeasureCluster.objects.select_related(
                "cluster", "cluster__merged_into"
            ).order_by("sort_order", "pk"),
        ),
        Prefetch(
            "indicators",
            queryset=Indicator.objects.prefetch_related("targets"),
        ),
    )


def measure_ideas(*, measure: Measure) -> list[Idea]:
    """The ideas a measure rests on, by number (prefetched where possible).

    The one place that decides which ideas feed a measure: those it cites.
    The members of a cited cluster are among them, copied as citations when
    the cluster was cited (``services.measure_cite_cluster``), so the ideas
    behind a measure do not change when the cluster is later edited or re-run.
    """
    return [citation.idea for citation in measure.cited_ideas.all()]


def measure_clusters(*, measure: Measure) -> list[ClusterCitation]:
    """The clusters a measure cites, in citation order (prefetched where possible)."""
    return [
        ClusterCitation(cluster=citation.cluster, note=citation.note)
        for citation in measure.cited_clusters.all()
    ]


def cluster_citable_ideas(*, cluster: Cluster) -> tuple[list[Idea], int]:
    """A cluster's accepted and shortlisted members by number, and how many others.

    Submitted and rejected members cannot be cited; the count tells the writer
    how many were left out.
    """
    members = list(
        Idea.objects.filter(cluster_memberships__cluster=cluster)
        .select_related("theme")
        .order_by("number", "pk")
    )
    citable = [idea for idea in members if idea.is_public]
    return citable, len(members) - len(citable)


def framework_tree(*, framework: Framework) -> FrameworkTree:
    """The framework's tree, numbered: issue 1, goal 1.1, measure 1.1.1."""
    issues = (
        StrategicIssue.objects.filter(framework=framework)
        .select_related("theme")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.prefetch_related(
                    Prefetch("measures", queryset=_measure_queryset())
                ),
            )
        )
    )
    tree = []
    for i, issue in enumerate(issues, start=1):
        goals = []
        for j, goal in enumerate(issue.goals.all(), start=1):
            measures = []
            for k, measure in enumerate(goal.measures.all(), start=1):
                measures.append(
                    MeasureNode(
                        number=f"{i}.{j}.{k}",
                        measure=measure,
                        indicators=[
                            IndicatorNode(
                                indicator=indicator,
                                targets={
                                    t.year: t.value for t in indicator.targets.all()
                                },
                            )
                            for indicator in measure.indicators.all()
                        ],
                        ideas=measure_ideas(measure=measure),
                        notes={
                            c.idea_id: c.note
                            for c in measure.cited_ideas.all()
                            if c.note
                        },
                        clusters=measure_clusters(measure=measure),
                    )
                )
            goals.append(GoalNode(number=f"{i}.{j}", goal=goal, measures=measures))
        tree.append(IssueNode(number=str(i), issue=issue, goals=goals))
    return FrameworkTree(framework=framework, issues=tree, years=framework.years)


def measure_number(*, measure: Measure) -> str:
    """A single measure's number in its framework ("2.1.3")."""
    goal = measure.goal
    issue = goal.issue
    i = list(
        StrategicIssue.objects.filter(framework_id=issue.framework_id).values_list(
            "pk", flat=True
        )
    ).index(issue.pk)
    j = list(Goal.objects.filter(issue=issue).values_list("pk", flat=True)).index(
        goal.pk
    )
    k = list(Measure.objects.filter(goal=goal).values_list("pk", flat=True)).index(
        measure.pk
    )
    return f"{i + 1}.{j + 1}.{k + 1}"


def measure_node(*, measure: Measure) -> MeasureNode:
    """One measure with its indicators and ideas, as a document block shows it."""
    measure = (
        _measure_queryset().select_related("goal__issue__framework").get(pk=measure.pk)
    )
    return MeasureNode(
        number=measure_number(measure=measure),
        measure=measure,
        indicators=[
            IndicatorNode(
                indicator=indicator,
                targets={t.year: t.value for t in indicator.targets.all()},
            )
            for indicator in measure.indicators.all()
        ],
        ideas=measure_ideas(measure=measure),
        notes={c.idea_id: c.note for c in measure.cited_ideas.all() if c.note},
        clusters=measure_clusters(measure=measure),
    )


# Coverage


@dataclass
class ClusterCoverage:
    """A cluster of a source event that no measure of the framework cites yet."""

    cluster: Cluster
    # Its accepted and shortlisted members, and how many of them a measure of
    # the framework cites anyway (through another cluster or directly).
    ideas: int
    cited_ideas: int


@dataclass
class ThemeCoverage:
    theme: Theme | None
    uncovered: list[Idea]
    covered_count: int
    clusters: list[ClusterCoverage] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.covered_count + len(self.uncovered)


@dataclass
class Coverage:
    framework: Framework
    themes: list[ThemeCoverage]
    measures: list[MeasureNode]
    # Clusters of all an event's ideas (scope ""), or of a theme since removed.
    event_clusters: list[ClusterCoverage] = field(default_factory=list)

    @property
    def uncovered_count(self) -> int:
        return sum(len(theme.uncovered) for theme in self.themes)

    @property
    def uncovered_cluster_count(self) -> int:
        return len(self.event_clusters) + sum(
            len(theme.clusters) for theme in self.themes
        )


def _uncovered_clusters(
    *, framework: Framework, events: list[int], cited: set[int]
) -> list[ClusterCoverage]:
    """Active clusters of ``events`` that no measure of the framework cites.

    Clusters without an accepted or shortlisted member are left out: nothing
    in them can be cited yet, and the ideas' coverage shows them once accepted.
    """
    cited_clusters = MeasureCluster.objects.filter(
        measure__goal__issue__framework=framework
    ).values_list("cluster_id", flat=True)
    clusters = list(
        Cluster.objects.filter(event_id__in=events, is_active=True)
        .exclude(pk__in=cited_clusters)
        .select_related("event")
        .order_by("event_id", "scope", "-size", "number")
    )
    members: dict[int, list[int]] = defaultdict(list)
    for cluster_id, idea_id in ClusterMembership.objects.filter(
        cluster__in=[cluster.pk for cluster in clusters],
        idea__status__in=PUBLIC_STATUSES,
    ).values_list("cluster_id", "idea_id"):
        members[cluster_id].append(idea_id)
    return [
        ClusterCoverage(
            cluster=cluster,
            ideas=len(members[cluster.pk]),
            cited_ideas=sum(1 for idea_id in members[cluster.pk] if idea_id in cited),
        )
        for cluster in clusters
        if members[cluster.pk]
    ]


def framework_coverage(*, framework: Framework) -> Coverage:
    """What citizens said that the framework has not taken up yet.

    For each theme of the framework's source events (and "no theme"): the
    accepted and shortlisted ideas no measure of this framework cites, and the
    theme's active clusters no measure cites; then the clusters of all an
    event's ideas that no measure cites. With them, every measure and the
    ideas and clusters behind it.
    """
    tree = framework_tree(framework=framework)
    cited = {idea.pk for node in tree.measures for idea in node.ideas}
    events = list(framework.source_events.values_list("pk", flat=True))
    ideas = (
        Idea.objects.public()
        .filter(event_id__in=events)
        .select_related("theme")
        .order_by("event_id", "number")
    )
    by_theme: dict[int | None, list[Idea]] = defaultdict(list)
    covered: dict[int | None, int] = defaultdict(int)
    for idea in ideas:
        if idea.pk in cited:
            covered[idea.theme_id] += 1
        else:
            by_theme[idea.theme_id].append(idea)
    themes: list[Theme | None] = list(
        Theme.objects.filter(event_id__in=events).order_by("event_id", "sort_order")
    )
    theme_by_scope = {(theme.event_id, theme.code): theme.pk for theme in themes}
    clusters_by_theme: dict[int, list[ClusterCoverage]] = defaultdict(list)
    event_clusters = []
    for item in _uncovered_clusters(framework=framework, events=events, cited=cited):
        theme_id = theme_by_scope.get((item.cluster.event_id, item.cluster.scope))
        if item.cluster.scope and theme_id is not None:
            clusters_by_theme[theme_id].append(item)
        else:
            event_clusters.append(item)
    themes.append(None)
    return Coverage(
        framework=framework,
        themes=[
            ThemeCoverage(
                theme=theme,
                uncovered=by_theme.get(theme.pk if theme else None, []),
                covered_count=covered.get(theme.pk if theme else None, 0),
                clusters=clusters_by_theme.get(theme.pk, []) if theme else [],
            )
            for theme in themes
            if theme is not None or by_theme.get(None) or covered.get(None)
        ],
        measures=tree.measures,
        event_clusters=event_clusters,
    )


# Ideas → measures, for the tracker


@dataclass(frozen=True)
class Adoption:
    """A measure an idea fed, as the public and the idea's author see it."""

    measure_id: int
    measure_title: str
    framework_title: str
    framework_status: str
    framework_status_label: str

    @property
    def adopted(self) -> bool:
        return self.framework_status in Framework.APPROVED_STATUSES


def _adoption(citation: MeasureIdea | MeasureCluster) -> Adoption:
    framework = citation.measure.goal.issue.framework
    return Adoption(
        measure_id=citation.measure_id,
        measure_title=citation.measure.display_title,
        framework_title=framework.display_title,
        framework_status=framework.status,
        framework_status_label=str(framework.get_status_display()),
    )


def idea_measures(*, idea: Idea, adopted_only: bool = False) -> list[Adoption]:
    """The measures that cite an idea, of any framework or only approved ones."""
    citations = MeasureIdea.objects.filter(idea=idea).select_related(
        "measure__goal__issue__framework"
    )
    if adopted_only:
        citations = citations.filter(
            measure__goal__issue__framework__status__in=Framework.APPROVED_STATUSES
        )
    return [
        _adoption(citation)
        for citation in citations.order_by("measure__goal__issue__framework", "pk")
    ]


def ideas_adoptions(*, ideas: list[Idea]) -> dict[int, list[Adoption]]:
    """Idea id → the measures of approved or published frameworks that cite it.

    Any approved or published framework counts, whichever events it draws on:
    a framework is public once approved, and so is what it adopted.
    """
    found: dict[int, list[Adoption]] = defaultdict(list)
    citations = (
        MeasureIdea.objects.filter(
            idea__in=[idea.pk for idea in ideas],
            measure__goal__issue__framework__status__in=Framework.APPROVED_STATUSES,
        )
        .select_related("measure__goal__issue__framework")
        .order_by("pk")
    )
    for citation in citations:
        found[citation.idea_id].append(_adoption(citation))
    return dict(found)


def cluster_measures(*, cluster: Cluster) -> list[Adoption]:
    """The measures, of any framework, that cite a cluster: why it cannot be deleted."""
    citations = (
        MeasureCluster.objects.filter(cluster=cluster)
        .select_related("measure__goal__issue__framework")
        .order_by("measure__goal__issue__framework", "pk")
    )
    return [_adoption(citation) for citation in citations]


@dataclass(frozen=True)
class FrameworkWork:
    """A framework not yet adopted, with what is left to do on it."""

    framework: Framework
    measures: int
    measures_without_citations: int


def frameworks_in_progress(*, status: str | None = None) -> list[FrameworkWork]:
    """Frameworks still being written or reviewed (``status`` narrows them).

    A measure without citations cites neither an idea nor a cluster: the
    trace from citizens' ideas to it is missing.
    """
    open_statuses = [Framework.Status.DRAFT, Framework.Status.IN_REVIEW]
    frameworks = Framework.objects.filter(
        status__in=[status] if status else open_statuses
    ).order_by("-start_year", "title")
    measures = (
        Measure.objects.filter(goal__issue__framework__in=frameworks)
        .order_by()
        .values("goal__issue__framework")
        .annotate(
            total=Count("pk", distinct=True),
            uncited=Count(
                "pk",
                distinct=True,
                filter=Q(cited_ideas__isnull=True, cited_clusters__isnull=True),
            ),
        )
    )
    counts = {row["goal__issue__framework"]: row for row in measures}
    return [
        FrameworkWork(
            framework=framework,
            measures=counts.get(framework.pk, {}).get("total", 0),
            measures_without_citations=counts.get(framework.pk, {}).get("uncited", 0),
        )
        for framework in frameworks
    ]
