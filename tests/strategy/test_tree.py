from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from ideas.models import Idea
from strategy import selectors, services
from strategy.models import Framework, IndicatorTarget, Measure
from tests.factories import EventPageFactory, ThemeFactory


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_the_tree_is_numbered_and_cites_ideas(framework, ideas):
    tree = selectors.framework_tree(framework=framework["framework"])
    assert [issue.number for issue in tree.issues] == ["1", "2"]
    assert [goal.number for goal in tree.issues[0].goals] == ["1.1"]
    assert [node.number for node in tree.measures] == ["1.1.1", "1.1.2", "2.1.1"]
    first = tree.measures[0]
    assert first.citation == "[#3] [#12]"
    assert first.indicators[0].targets[2027] == Decimal("120")
    assert first.indicators[0].target_for(2025) == "50"
    assert [idea.number for idea in tree.cited_ideas] == [3, 7, 12]
    assert selectors.measure_number(measure=framework["measures"][2]) == "2.1.1"


def test_period_that_ends_before_it_starts_is_refused(db):
    with pytest.raises(ValidationError) as error:
        services.framework_create(
            title="กรอบ", slug="backwards", start_year=2027, end_year=2023
        )
    assert "ends before it starts" in messages(error.value)
    assert not Framework.objects.exists()


def test_a_buddhist_era_year_is_named(db):
    with pytest.raises(ValidationError) as error:
        services.framework_create(
            title="กรอบ", slug="be", start_year=2566, end_year=2570
        )
    assert "not the Buddhist era (2566)" in messages(error.value)


def test_target_outside_the_period_is_refused(framework):
    measure = framework["measures"][2]
    with pytest.raises(ValidationError) as error:
        services.indicator_create(
            measure=measure,
            name="ตัวชี้วัด",
            unit="ร้อยละ",
            targets={2026: 10, 2030: 50},
        )
    text = messages(error.value)
    assert "2030 (พ.ศ. 2573) is outside the framework's period 2023–2027" in text
    assert "พ.ศ. 2566–2570" in text
    assert not measure.indicators.exists()


def test_indicator_without_a_unit_is_refused(framework):
    with pytest.raises(ValidationError) as error:
        services.indicator_create(
            measure=framework["measures"][2], name="ตัวชี้วัด", unit="", targets={}
        )
    assert "Give the indicator a unit" in messages(error.value)
    assert error.value.message_dict.keys() == {"unit"}


def test_shrinking_the_period_past_existing_targets_is_refused(framework, superuser):
    target = framework["framework"]
    target.end_year = 2025
    with pytest.raises(ValidationError) as error:
        services.framework_save(framework=target, actor=superuser)
    assert "yearly targets fall outside this period, the first in 2026" in messages(
        error.value
    )
    assert Framework.objects.get(pk=target.pk).end_year == 2027
    assert IndicatorTarget.objects.filter(year=2027).count() == 2


def test_only_accepted_ideas_can_be_cited(framework, ideas):
    for idea in (ideas["submitted"], ideas["rejected"]):
        with pytest.raises(ValidationError) as error:
            services.measure_cite_ideas(measure=framework["measures"][2], ideas=[idea])
        assert f"Idea #{idea.number} is" in messages(error.value)
    assert framework["measures"][2].cited_ideas.count() == 1


def test_citing_again_keeps_one_citation(framework, ideas):
    measure = framework["measures"][0]
    added = services.measure_cite_ideas(
        measure=measure, ideas=[ideas["copies"], ideas["unthemed"]], note="บางส่วน"
    )
    assert [citation.idea for citation in added] == [ideas["unthemed"]]
    assert measure.cited_ideas.count() == 3


def test_a_cited_idea_cannot_be_deleted(framework, ideas):
    with pytest.raises(ProtectedError):
        Idea.objects.filter(pk=ideas["copies"].pk).delete()
    assert Idea.objects.filter(pk=ideas["copies"].pk).exists()


def test_second_writer_saving_a_stale_measure_is_told(framework):
    # Two writers open the same measure at version 1.
    first = Measure.objects.get(pk=framework["measures"][0].pk)
    second = Measure.objects.get(pk=framework["measures"][0].pk)
    first.title = "ชื่อจากผู้เขียนคนแรก"
    services.measure_save(measure=first)
    assert first.version == 2
    second.title = "ชื่อจากผู้เขียนคนที่สอง"
    with pytest.raises(ValidationError) as error:
        services.measure_save(measure=second)
    assert error.value.code == "conflict"
    assert "Someone else saved this measure" in messages(error.value)
    assert Measure.objects.get(pk=first.pk).title == "ชื่อจากผู้เขียนคนแรก"


def test_only_an_approver_approves(framework, policy_writer, approver):
    target = framework["framework"]
    services.framework_set_status(
        framework=target, status=Framework.Status.IN_REVIEW, actor=policy_writer
    )
    with pytest.raises(ValidationError) as error:
        services.framework_set_status(
            framework=target, status=Framework.Status.APPROVED, actor=policy_writer
        )
    assert "Only an approver can approve" in messages(error.value)
    assert Framework.objects.get(pk=target.pk).status == "in_review"
    services.framework_set_status(
        framework=target, status=Framework.Status.APPROVED, actor=approver
    )
    assert Framework.objects.get(pk=target.pk).status == "approved"


def test_measure_from_selected_ideas_is_prefilled(framework, ideas):
    measure = services.measure_create_from_ideas(
        goal=framework["goals"][1], ideas=[ideas["open_data"], ideas["data"]]
    )
    assert measure.title == ideas["open_data"].title
    assert "[#8]" in measure.description and "[#7]" in measure.description
    assert selectors.measure_number(measure=measure) == "2.1.2"
    assert {c.idea_id for c in measure.cited_ideas.all()} == {
        ideas["open_data"].pk,
        ideas["data"].pk,
    }


def test_coverage_lists_accepted_ideas_no_measure_cites(framework, ideas, themes):
    coverage = selectors.framework_coverage(framework=framework["framework"])
    by_theme = {
        item.theme.code if item.theme else None: item for item in coverage.themes
    }
    assert [idea.number for idea in by_theme["services"].uncovered] == []
    assert by_theme["services"].covered_count == 2
    assert [idea.number for idea in by_theme["digital"].uncovered] == [8]
    assert [idea.number for idea in by_theme[None].uncovered] == [9]
    assert coverage.uncovered_count == 2
    behind = {node.number: [i.number for i in node.ideas] for node in coverage.measures}
    assert behind == {"1.1.1": [3, 12], "1.1.2": [12], "2.1.1": [7]}


def test_a_theme_of_another_event_is_refused(framework, event_index):
    other = ThemeFactory(event=EventPageFactory(parent=event_index))
    with pytest.raises(ValidationError) as error:
        services.issue_create(framework=framework["framework"], title="x", theme=other)
    assert "not one of the framework's source events" in messages(error.value)
