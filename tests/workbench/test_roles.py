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


def test_every_permission_a_role_names_exists(db):
    # roles_sync skips a name that matches no permission, so a typo would
    # silently leave a role without the right it was meant to have.
    for name, wanted in roles.ROLE_PERMISSIONS.items():
        assert perms(name) == set(wanted), name


def test_facilitators_work_the_clusters_and_writers_read_them(db):
    facilitator, writer = perms(roles.FACILITATOR), perms(roles.POLICY_WRITER)
    work = {"ideas.change_cluster", "ideas.add_clusteringrun"}
    read = {
        "ideas.view_cluster",
        "ideas.view_clusteringrun",
        "ideas.view_clusteredit",
        "ideas.view_duplicatedismissal",
    }
    assert work | read <= facilitator
    assert read <= writer and not work & writer
    # Every event only for administrators; facilitators need to be named.
    assert "ideas.facilitate_any_event" not in facilitator
    assert "ideas.facilitate_any_event" in perms(roles.ADMINISTRATOR)
