from django.contrib.auth.models import Group

from workbench import roles


def perms(name):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=name).permissions.select_related("content_type")
    }


def test_policy_writer_edits_strategy_but_does_not_approve(db):
    writer = perms(roles.POLICY_WRITER)
    for model in ("framework", "measure", "measureidea", "indicatortarget"):
        assert {f"strategy.add_{model}", f"strategy.change_{model}"} <= writer
    assert "strategy.approve_framework" not in writer
    assert not any(name.startswith("strategy.") for name in perms(roles.FACILITATOR))


def test_approver_approves(db):
    approver = perms(roles.APPROVER)
    assert {"strategy.approve_framework", "strategy.change_framework"} <= approver
    assert "strategy.delete_framework" not in approver
    assert "ideas.view_contact" not in approver


def test_policy_writer_user_permissions(policy_writer, facilitator, approver):
    assert policy_writer.has_perm("strategy.change_measure")
    assert not policy_writer.has_perm("strategy.approve_framework")
    assert not facilitator.has_perm("strategy.change_measure")
    assert approver.has_perm("strategy.approve_framework")
