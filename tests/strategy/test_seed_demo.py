from io import StringIO

import pytest
from django.core.management import call_command

from ideas.models import Idea
from strategy import exporters, selectors
from strategy.models import (
    Framework,
    Goal,
    Indicator,
    IndicatorTarget,
    Measure,
    MeasureIdea,
    StrategicIssue,
)


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return tuple(
        model.objects.count()
        for model in (
            Framework,
            StrategicIssue,
            Goal,
            Measure,
            MeasureIdea,
            Indicator,
            IndicatorTarget,
        )
    )


@pytest.mark.django_db
def test_seed_demo_builds_a_draft_framework_from_the_hackathon():
    output = seed()
    assert "framework" in output.split("Created: ", 1)[1]
    framework = Framework.objects.get(slug="reform-2566-2570")
    assert framework.title == "กรอบยุทธศาสตร์การพัฒนาระบบราชการ พ.ศ. 2566–2570"
    assert framework.status == Framework.Status.DRAFT
    assert list(framework.source_events.values_list("slug", flat=True)) == [
        "hackathon-11"
    ]
    tree = selectors.framework_tree(framework=framework)
    assert len(tree.issues) == 4
    assert {issue.issue.theme.code for issue in tree.issues} == {
        "services",
        "structure",
        "digital",
        "people",
    }
    for issue in tree.issues:
        assert len(issue.goals) >= 1
        assert sum(len(goal.measures) for goal in issue.goals) >= 2
    for node in tree.measures:
        assert node.ideas and node.indicators
        for indicator in node.indicators:
            assert sorted(indicator.targets) == [2023, 2024, 2025, 2026, 2027]
    cited = {idea.pk for idea in tree.cited_ideas}
    shortlisted = Idea.objects.filter(status=Idea.Status.SHORTLISTED)
    assert shortlisted.count() == 4
    assert set(shortlisted.values_list("pk", flat=True)) <= cited
    # Built from the demo clusters: each measure cites the one its ideas fell in.
    assert all(node.measure.cited_clusters.exists() for node in tree.measures)
    text = exporters.export_markdown(framework=framework)
    assert "SGSIC" in text and "| 2566 |" in text


@pytest.mark.django_db
def test_seed_demo_with_the_framework_is_still_idempotent():
    seed()
    before = counts()
    output = seed()
    assert counts() == before
    assert "Created: nothing" in output
