"""Admin forms of pages, where a plain field panel offers too much."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.admin.forms import WagtailAdminPageForm


def _holders(codename: str) -> Q:
    # Imported here: cms.models imports this module while models load.
    from django.contrib.auth.models import Permission

    permission = Permission.objects.filter(
        content_type__app_label="ideas", codename=codename
    ).first()
    if permission is None:
        return Q(pk__in=[])
    return Q(groups__permissions=permission) | Q(user_permissions=permission)


def facilitator_candidates(*, named=()):
    """Who may be named an event's facilitator, and whoever is named already.

    Naming someone has an effect only if they may moderate ideas at all
    (``ideas.change_idea``, the Facilitator role) and are active; those who
    facilitate every event anyway (administrators) would only lengthen the
    list. Those already named stay listed, even if deactivated or moved to
    another role, so that an editor sees them and can untick them.
    """
    user_model = get_user_model()
    every_event = user_model.objects.filter(_holders("facilitate_any_event"))
    candidates = (
        user_model.objects.filter(_holders("change_idea"), is_active=True)
        .exclude(is_superuser=True)
        .exclude(pk__in=every_event.values("pk"))
    )
    holders = Q(pk__in=candidates.values("pk")) | Q(pk__in=[user.pk for user in named])
    return user_model.objects.filter(holders).order_by(
        "first_name", "last_name", user_model.USERNAME_FIELD
    )


class EventPageForm(WagtailAdminPageForm):
    """The event's edit form: facilitators are chosen among facilitators only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("facilitators")
        if field is not None:
            named = list(self.instance.facilitators.all()) if self.instance.pk else []
            field.queryset = facilitator_candidates(named=named)
            field.label_from_instance = _user_label


def _user_label(user) -> str:
    name = user.get_full_name()
    username = user.get_username()
    return f"{name} ({username})" if name else username
