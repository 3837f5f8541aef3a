from django.contrib.auth.models import Group

from workbench import roles


def perms(name):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=name).permissions.select_related("content_type")
    }


def test_roles_exist_after_migrate_with_least_permissions(db):
    facilitator = perms(roles.FACILITATOR)
    assert {"wagtailadmin.access_admin", "ideas.change_idea"} <= facilitator
    assert "ideas.view_contact" not in facilitator
    assert "ideas.delete_idea" not in facilitator
    writer = perms(roles.POLICY_WRITER)
    assert "ideas.view_idea" in writer and "ideas.change_idea" not in writer
    assert "ideas.view_contact" in perms(roles.CONTACT_ACCESS)
    assert "ideas.view_contact" in perms(roles.ADMINISTRATOR)


def test_roles_sync_is_idempotent_and_repairs_drift(db):
    group = Group.objects.get(name=roles.FACILITATOR)
    group.permissions.clear()
    first = roles.roles_sync()
    assert roles.roles_sync() == first
    assert perms(roles.FACILITATOR) == set(roles.ROLE_PERMISSIONS[roles.FACILITATOR])
