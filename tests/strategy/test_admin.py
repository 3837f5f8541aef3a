import pytest
from django.urls import reverse
from wagtail.log_actions import log

from strategy import services
from strategy.models import Framework, Indicator, Measure
from tests.factories import SCRIPT
from tests.strategy.helpers import measure_data


def url(model, action, *args):
    return reverse(f"wagtailsnippets_strategy_{model}:{action}", args=args)


def framework_data(framework, **changes):
    data = {
        "title": framework.title,
        "english_title": framework.english_title,
        "slug": framework.slug,
        "start_year": framework.start_year,
        "end_year": framework.end_year,
        "vision": framework.vision,
        "english_vision": framework.english_vision,
        "status": framework.status,
        "source_events": [event.pk for event in framework.source_events.all()],
        "milestones": [m.pk for m in framework.milestones.all()],
        "expected_version": framework.version,
    }
    data.update(changes)
    return data


def test_policy_writer_sees_the_strategy_screens_escaped(
    client, policy_writer, framework
):
    client.force_login(policy_writer)
    target = framework["framework"]
    for address in (
        url("framework", "list"),
        url("framework", "edit", target.pk),
        url("strategicissue", "list"),
        url("goal", "list"),
        url("measure", "list"),
        url("measure", "edit", framework["measures"][0].pk),
        url("indicator", "list"),
        url("nationalmilestone", "list"),
        reverse("strategy_coverage_index"),
        reverse("strategy_coverage", args=[target.pk]),
    ):
        response = client.get(address)
        assert response.status_code == 200, address
        assert SCRIPT not in response.content.decode(), address
    body = client.get(url("framework", "edit", target.pk)).content.decode()
    assert "Measure 1.1.2: ยกเลิกสำเนาเอกสาร" in body
    assert f"{url('measure', 'add')}?goal={framework['goals'][0].pk}" in body
    milestones = client.get(url("nationalmilestone", "list")).content.decode()
    assert "ไทยมีภาครัฐที่ทันสมัย มีประสิทธิภาพ และตอบโจทย์ประชาชน" in milestones


def test_facilitator_cannot_reach_or_change_strategy(client, facilitator, framework):
    client.force_login(facilitator)
    target = framework["framework"]
    for address in (
        url("framework", "list"),
        url("framework", "edit", target.pk),
        url("measure", "edit", framework["measures"][0].pk),
        reverse("strategy_coverage", args=[target.pk]),
        reverse("strategy_export", args=[target.pk, "docx"]),
    ):
        assert client.get(address).status_code in (302, 403), address
    client.post(url("framework", "edit", target.pk), framework_data(target, title="x"))
    assert Framework.objects.get(pk=target.pk).title == target.title


def test_policy_writer_edits_a_measure_through_the_admin(
    client, policy_writer, framework, ideas
):
    client.force_login(policy_writer)
    measure = framework["measures"][2]
    response = client.post(
        url("measure", "edit", measure.pk),
        measure_data(measure, title="ชื่อใหม่", **{"cited_ideas-0-note": "หัวใจหลัก"}),
    )
    assert response.status_code == 302
    saved = Measure.objects.get(pk=measure.pk)
    assert (saved.title, saved.version) == ("ชื่อใหม่", 2)
    assert saved.cited_ideas.get().note == "หัวใจหลัก"


def test_second_writer_is_told_and_keeps_their_text(client, policy_writer, framework):
    measure = framework["measures"][0]
    stale = measure_data(measure, title="ข้อความของผู้เขียนคนที่สอง")
    # Someone else saves first.
    other = Measure.objects.get(pk=measure.pk)
    other.title = "ข้อความของผู้เขียนคนแรก"
    services.measure_save(measure=other)

    client.force_login(policy_writer)
    response = client.post(url("measure", "edit", measure.pk), stale)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this measure" in body
    assert "ข้อความของผู้เขียนคนที่สอง" in body  # still in the form
    assert Measure.objects.get(pk=measure.pk).title == "ข้อความของผู้เขียนคนแรก"


def test_new_measure_opens_under_its_goal(client, policy_writer, framework):
    client.force_login(policy_writer)
    goal = framework["goals"][1]
    body = client.get(f"{url('measure', 'add')}?goal={goal.pk}").content.decode()
    assert f'value="{goal.pk}"' in body
    # A parent that is not a number leaves the field empty instead of a 500.
    for odd in ("²", "9" * 40):
        assert client.get(f"{url('measure', 'add')}?goal={odd}").status_code == 200


def test_indicator_target_outside_period_is_refused_in_the_admin(
    client, policy_writer, framework
):
    client.force_login(policy_writer)
    measure = framework["measures"][2]
    data = {
        "measure": measure.pk,
        "name": "ตัวชี้วัดใหม่",
        "english_name": "",
        "unit": "",
        "baseline": "",
        "baseline_year": "",
        "sort_order": 0,
        "targets-TOTAL_FORMS": 1,
        "targets-INITIAL_FORMS": 0,
        "targets-MIN_NUM_FORMS": 0,
        "targets-MAX_NUM_FORMS": 1000,
        "targets-0-year": 2031,
        "targets-0-value": "10",
        "targets-0-ORDER": 1,
        "targets-0-DELETE": "",
    }
    body = client.post(url("indicator", "add"), data).content.decode()
    assert "Give the indicator a unit" in body
    data["unit"] = "ร้อยละ"
    body = client.post(url("indicator", "add"), data).content.decode()
    assert "is outside the framework&#x27;s period 2023–2027" in body
    assert not Indicator.objects.filter(name="ตัวชี้วัดใหม่").exists()
    data["targets-0-year"] = 2026
    assert client.post(url("indicator", "add"), data).status_code == 302
    assert Indicator.objects.get(name="ตัวชี้วัดใหม่").targets.get().year == 2026


@pytest.mark.parametrize("status", ["approved", "published"])
def test_policy_writer_cannot_approve_in_the_admin(
    client, policy_writer, framework, status
):
    client.force_login(policy_writer)
    target = framework["framework"]
    response = client.post(
        url("framework", "edit", target.pk), framework_data(target, status=status)
    )
    assert response.status_code == 200
    assert "Only an approver can approve or publish" in response.content.decode()
    assert Framework.objects.get(pk=target.pk).status == "draft"


def test_approver_approves_in_the_admin(client, approver, framework):
    client.force_login(approver)
    target = framework["framework"]
    response = client.post(
        url("framework", "edit", target.pk), framework_data(target, status="approved")
    )
    assert response.status_code == 302
    assert Framework.objects.get(pk=target.pk).status == "approved"


def test_writer_creates_a_framework_and_period_is_checked(client, policy_writer, event):
    client.force_login(policy_writer)
    data = {
        "title": "กรอบใหม่",
        "english_title": "",
        "slug": "new-framework",
        "start_year": 2027,
        "end_year": 2023,
        "vision": "",
        "english_vision": "",
        "status": "draft",
        "source_events": [event.pk],
    }
    body = client.post(url("framework", "add"), data).content.decode()
    assert "The period ends before it starts" in body
    data["end_year"] = 2031
    assert client.post(url("framework", "add"), data).status_code == 302
    created = Framework.objects.get(slug="new-framework")
    assert list(created.source_events.all()) == [event]


def test_coverage_shows_uncovered_ideas_per_theme(
    client, policy_writer, framework, ideas
):
    client.force_login(policy_writer)
    body = client.get(
        reverse("strategy_coverage", args=[framework["framework"].pk])
    ).content.decode()
    assert "ข้อมูลเปิดที่เครื่องอ่านได้" in body  # accepted, cited by nothing
    assert "สำนักงานสีเขียว" in body  # accepted, no theme
    assert "ไอเดียที่ยังรอการคัดกรอง" not in body
    assert "โฆษณาขายของ" not in body
    assert "somchai@example.org" not in body


def test_admin_export_downloads(client, policy_writer, framework):
    client.force_login(policy_writer)
    response = client.get(
        reverse("strategy_export", args=[framework["framework"].pk, "md"])
    )
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="reform-2566-2570.md"'
    )
    assert "[#12]" in response.content.decode()


def test_writer_creates_a_measure_from_selected_ideas(
    client, policy_writer, framework, ideas
):
    client.force_login(policy_writer)
    selected = [ideas["open_data"], ideas["submitted"], ideas["data"]]
    ids = "&".join(f"id={idea.pk}" for idea in selected)
    action = reverse("wagtail_bulk_action", args=["ideas", "idea", "create_measure"])
    address = f"{action}?{ids}"
    assert client.get(address).status_code == 200
    response = client.post(address, {"goal": framework["goals"][1].pk, "title": ""})
    measure = Measure.objects.get(goal=framework["goals"][1], title=ideas["data"].title)
    assert response.status_code == 302
    assert response["Location"] == url("measure", "edit", measure.pk)
    assert sorted(c.idea.number for c in measure.cited_ideas.all()) == [7, 8]


def test_facilitator_cannot_create_a_measure_from_ideas(
    client, facilitator, framework, ideas
):
    client.force_login(facilitator)
    address = (
        f"{reverse('wagtail_bulk_action', args=['ideas', 'idea', 'create_measure'])}"
        f"?id={ideas['data'].pk}"
    )
    client.post(address, {"goal": framework["goals"][1].pk, "title": "x"})
    assert not Measure.objects.filter(title="x").exists()


def test_writer_can_choose_ideas_goals_and_measures(
    client, policy_writer, framework, ideas
):
    client.force_login(policy_writer)
    for name in ("ideas_idea", "strategy_goal", "strategy_measure"):
        response = client.get(reverse(f"wagtailsnippetchoosers_{name}:choose"))
        assert response.status_code == 200, name
    body = client.get(
        reverse("wagtailsnippetchoosers_ideas_idea:choose")
    ).content.decode()
    assert "One-stop service portal" in body


def test_stale_framework_save_is_refused(client, policy_writer, framework, superuser):
    target = framework["framework"]
    stale = framework_data(target, vision="วิสัยทัศน์ของผู้เขียนคนที่สอง")
    fresh = Framework.objects.get(pk=target.pk)
    fresh.vision = "วิสัยทัศน์ของผู้เขียนคนแรก"
    services.framework_save(framework=fresh, actor=superuser)

    client.force_login(policy_writer)
    response = client.post(url("framework", "edit", target.pk), stale)
    assert "Someone else saved this framework" in response.content.decode()
    assert Framework.objects.get(pk=target.pk).vision == "วิสัยทัศน์ของผู้เขียนคนแรก"


def test_choosers_and_history_refuse_ids_that_are_not_whole_numbers(
    client, policy_writer, framework
):
    """chosen/abc/, ?id=² and ?user=<40 digits> were 500s (found by the fuzz test)."""
    client.force_login(policy_writer)
    goal = framework["goals"][0]
    chosen = "wagtailsnippetchoosers_strategy_goal:chosen"
    assert client.get(reverse(chosen, args=[goal.pk])).status_code == 200
    many = reverse("wagtailsnippetchoosers_strategy_goal:chosen_multiple")
    for odd in ("abc", "²", "9" * 40):
        assert client.get(reverse(chosen, args=[odd])).status_code == 404
        response = client.get(many, {"id": [odd, goal.pk]})
        assert response.status_code == 200
        assert [item["id"] for item in response.json()["result"]] == [str(goal.pk)]
    target = framework["framework"]
    log(instance=target, action="wagtail.edit", user=policy_writer)
    history = url("framework", "history", target.pk)
    assert client.get(history, {"user": ["9" * 40, "²"]}).status_code == 200
