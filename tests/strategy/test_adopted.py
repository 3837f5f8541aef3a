"""What the public reads of a framework is what an approver approved (issue 18, 2).

An approved or published framework's content and tree are frozen; only an
approver reopens it, which takes its documents off the public site.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from strategy import services
from strategy.models import Framework, Goal, Indicator, Measure, StrategicIssue
from tests.strategy.helpers import measure_data
from tests.strategy.test_admin import framework_data, url
from tests.strategy.test_workflow import add_document

Status = Framework.Status


@pytest.fixture
def published(framework, section, approver):
    target = framework["framework"]
    document = add_document(section, target)
    document.save_revision(user=approver).publish(user=approver)
    target.refresh_from_db()
    assert target.status == Status.PUBLISHED
    return {**framework, "document": document}


def refused(call):
    with pytest.raises(ValidationError) as error:
        call()
    assert error.value.code == "adopted"
    return " ".join(error.value.messages)


def test_no_service_changes_the_tree_of_a_published_framework(published, ideas):
    target = published["framework"]
    issue, goal = published["issues"][0], published["goals"][0]
    measure = published["measures"][0]
    before = (
        StrategicIssue.objects.count(),
        Goal.objects.count(),
        Measure.objects.count(),
        Indicator.objects.count(),
    )
    message = refused(lambda: services.issue_create(framework=target, title="ใหม่"))
    assert "the public reads what an approver approved" in message
    refused(lambda: services.goal_create(issue=issue, title="ใหม่"))
    refused(lambda: services.measure_create(goal=goal, title="ใหม่"))
    refused(
        lambda: services.indicator_create(measure=measure, name="ใหม่", unit="ร้อยละ")
    )
    refused(lambda: services.measure_cite_ideas(measure=measure, ideas=[ideas["data"]]))
    measure.title = "แก้หลังเผยแพร่"
    refused(lambda: services.measure_save(measure=measure))
    issue.title = "แก้หลังเผยแพร่"
    refused(lambda: services.node_save(node=issue))
    refused(lambda: services.framework_link_clusters(framework=target))
    assert before == (
        StrategicIssue.objects.count(),
        Goal.objects.count(),
        Measure.objects.count(),
        Indicator.objects.count(),
    )
    assert not Measure.objects.filter(title="แก้หลังเผยแพร่").exists()
    assert measure.cited_ideas.count() == 2


def test_a_measure_cannot_move_into_a_published_framework(published, ideas):
    other = Framework.objects.create(
        title="กรอบร่าง", slug="draft", start_year=2023, end_year=2027
    )
    issue = services.issue_create(framework=other, title="ประเด็นร่าง")
    goal = services.goal_create(issue=issue, title="เป้าหมายร่าง")
    loose = services.measure_create(goal=goal, title="มาตรการร่าง")
    loose.goal = published["goals"][0]
    refused(lambda: services.measure_save(measure=loose))
    assert Measure.objects.get(pk=loose.pk).goal == goal


def test_a_writer_cannot_edit_or_reopen_a_published_framework(
    client, policy_writer, published
):
    client.force_login(policy_writer)
    target = published["framework"]
    edited = client.post(
        url("framework", "edit", target.pk),
        framework_data(target, vision="วิสัยทัศน์ที่ไม่มีใครอนุมัติ"),
    )
    assert "the public reads what an approver approved" in edited.content.decode()
    reopened = client.post(
        url("framework", "edit", target.pk), framework_data(target, status="draft")
    )
    assert "Only an approver can reopen" in reopened.content.decode()
    target.refresh_from_db()
    assert target.status == Status.PUBLISHED
    assert target.vision != "วิสัยทัศน์ที่ไม่มีใครอนุมัติ"
    with pytest.raises(ValidationError):
        services.framework_set_status(
            framework=target, status=Status.IN_REVIEW, actor=policy_writer
        )
    published["document"].refresh_from_db()
    assert published["document"].live


def test_a_writer_cannot_edit_a_measure_of_it_in_the_admin(
    client, policy_writer, published
):
    client.force_login(policy_writer)
    measure = published["measures"][0]
    opened = client.get(url("measure", "edit", measure.pk)).content.decode()
    assert "the public reads what an approver approved" in opened  # told first
    response = client.post(
        url("measure", "edit", measure.pk), measure_data(measure, title="แก้ไขแล้ว")
    )
    assert response.status_code == 200
    assert "the public reads what an approver approved" in response.content.decode()
    assert Measure.objects.get(pk=measure.pk).title != "แก้ไขแล้ว"


def test_nothing_of_it_is_deleted_in_the_admin(client, superuser, published):
    client.force_login(superuser)
    measure = published["measures"][0]
    response = client.post(url("measure", "delete", measure.pk), follow=True)
    assert "the public reads what an approver approved" in response.content.decode()
    assert Measure.objects.filter(pk=measure.pk).exists()
    bulk = reverse("wagtail_bulk_action", args=("strategy", "strategicissue", "delete"))
    issue = published["issues"][0]
    client.post(f"{bulk}?id={issue.pk}", follow=True)
    assert StrategicIssue.objects.filter(pk=issue.pk).exists()
    client.post(url("framework", "delete", published["framework"].pk), follow=True)
    assert Framework.objects.filter(pk=published["framework"].pk).exists()


def test_an_approver_reopens_it_and_its_documents_leave_the_public_site(
    client, approver, published
):
    target = published["framework"]
    document = published["document"]
    assert client.get(document.url).status_code == 200
    services.framework_set_status(
        framework=target, status=Status.IN_REVIEW, actor=approver
    )
    document.refresh_from_db()
    assert not document.live
    assert client.get(document.url).status_code == 404
    target.refresh_from_db()
    assert target.status == Status.IN_REVIEW  # unpublishing did not step it
    # Open again, the writers change it; approval is needed before it is public.
    services.issue_create(framework=target, title="ประเด็นที่เพิ่มหลังเปิดใหม่")
    assert target.issues.filter(title="ประเด็นที่เพิ่มหลังเปิดใหม่").exists()


def test_an_approver_still_cannot_change_content_while_it_is_adopted(
    client, approver, published
):
    client.force_login(approver)
    target = published["framework"]
    response = client.post(
        url("framework", "edit", target.pk),
        framework_data(target, title="ชื่อใหม่โดยไม่เปิดทบทวน"),
    )
    assert "the public reads what an approver approved" in response.content.decode()
    target.refresh_from_db()
    assert target.title != "ชื่อใหม่โดยไม่เปิดทบทวน"
