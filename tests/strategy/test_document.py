import pytest
from django.conf import settings
from django.db.models import ProtectedError
from django.urls import reverse
from wagtail.models import GroupApprovalTask, GroupPagePermission, Workflow

from cms.models import FrameworkPage
from ideas import services as idea_services
from strategy.models import Framework
from tests.factories import SCRIPT
from tests.strategy.helpers import th
from workbench import roles


@pytest.fixture
def document(section, framework):
    measures = framework["measures"]
    page = section.add_child(
        instance=FrameworkPage(
            title="เอกสารกรอบยุทธศาสตร์",
            slug="reform",
            framework=framework["framework"],
            body=[
                ("heading", f"ประเด็นที่ 1 {SCRIPT}"),
                ("measure", {"measure": measures[0], "show_ideas": True}),
                ("measure", {"measure": measures[2], "show_ideas": False}),
            ],
        )
    )
    page.save_revision().publish()
    return page


def test_document_renders_measures_with_indicators_and_citations(
    client, document, ideas
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    body = client.get(document.url).content.decode()
    measure = "Measure %(number)s: %(title)s"
    assert th(measure, number="1.1.1", title="ศูนย์บริการแบบไร้รอยต่อ") in body
    assert th(measure, number="2.1.1", title="แลกเปลี่ยนข้อมูลระหว่างหน่วยงาน") in body
    assert '<th scope="col">2566</th>' in body and '<th scope="col">2570</th>' in body
    assert "<td>120</td>" in body
    assert "[#3] [#12]" in body
    assert "#12 ยกเลิกสำเนาบัตรประชาชน" in body
    assert ideas["data"].title not in body  # show_ideas off: numbers only
    assert SCRIPT not in body
    assert "พ.ศ. 2566–2570" in body


def test_an_idea_rejected_after_citation_leaves_the_public_document(
    client, document, ideas, facilitator
):
    idea_services.idea_set_status(
        idea=ideas["portal"], status="rejected", actor=facilitator, reason="ซ้ำ"
    )
    body = client.get(document.url).content.decode()
    assert "[#3]" not in body and "One-stop service portal" not in body
    assert "[#12]" in body


def test_writer_drafts_approver_publishes(
    document, policy_writer, approver, facilitator
):
    writer_rights = document.permissions_for_user(policy_writer)
    assert writer_rights.can_edit() and not writer_rights.can_publish()
    assert document.get_parent().permissions_for_user(policy_writer).can_add_subpage()
    assert document.permissions_for_user(approver).can_publish()
    assert not document.permissions_for_user(facilitator).can_edit()


def test_documents_go_through_the_approvers(document, policy_writer, approver):
    workflow = document.get_workflow()
    assert workflow.name == roles.FRAMEWORK_WORKFLOW
    task = workflow.tasks.get().specific
    assert isinstance(task, GroupApprovalTask)
    assert list(task.groups.values_list("name", flat=True)) == [roles.APPROVER]
    workflow.start(document, policy_writer)
    document.refresh_from_db()
    assert task.get_actions(document, policy_writer) == []
    assert "approve" in [name for name, *_rest in task.get_actions(document, approver)]


def test_strategy_pages_sync_is_idempotent(section):
    before = (GroupPagePermission.objects.count(), Workflow.objects.count())
    roles.strategy_pages_sync()
    assert (GroupPagePermission.objects.count(), Workflow.objects.count()) == before


def test_a_framework_with_a_document_cannot_be_deleted(document, framework):
    with pytest.raises(ProtectedError):
        Framework.objects.filter(pk=framework["framework"].pk).delete()


def test_writer_compares_revisions_and_previews_the_draft(
    client, document, framework, policy_writer
):
    first = document.get_latest_revision()
    document.body = [
        ("heading", "ประเด็นที่ 1 ฉบับปรับปรุง"),
        ("measure", {"measure": framework["measures"][1], "show_ideas": True}),
    ]
    second = document.save_revision(user=policy_writer)
    client.force_login(policy_writer)

    compare = client.get(
        reverse(
            "wagtailadmin_pages:revisions_compare",
            args=[document.pk, first.pk, second.pk],
        )
    )
    assert compare.status_code == 200
    page = compare.content.decode()
    assert "ฉบับปรับปรุง" in page and SCRIPT not in page

    # The draft revision renders with its measure; the live page does not yet.
    preview = client.get(
        reverse("wagtailadmin_pages:revisions_view", args=[document.pk, second.pk])
    ).content.decode()
    assert "ยกเลิกสำเนาเอกสาร" in preview and "ร้อยละ" in preview
    assert "ยกเลิกสำเนาเอกสาร" not in client.get(document.url).content.decode()
