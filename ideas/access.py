"""Who may see and change what, in which event: the workbench's one access rule.

Roles (``workbench.roles``) say what a person may do at all; this module says
where. Every staff screen, chooser, bulk action, export, API view, service and
selector asks it, so the rule has one home:

- **Administrators** (superusers, or holders of :data:`FACILITATE_ANY_EVENT`
  with :data:`CHANGE_IDEA`) see and change every event.
- **Facilitators** (:data:`CHANGE_IDEA`) see and change only the events that
  name them (``EventPage.facilitators``): their ideas, non-public ones
  included, themes, clusters, duplicates, imports and exports. Nothing of
  another event reaches them, not even through a chooser.
- **Readers** (:data:`VIEW_IDEA` without :data:`CHANGE_IDEA`: policy writers,
  approvers) read every event's ideas and, with :data:`VIEW_WORKBENCH`, its
  workbench, to build the framework from them; they change no idea.
- **Contact data** (names, emails, phones) needs :data:`VIEW_CONTACT` *and*
  an event the person facilitates (administrators: every event). It is read
  only from its idea's screen and the contacts listing; no chooser or
  autocomplete serves it. Finding or erasing what is held about an email
  address takes :data:`ERASE_CONTACTS` (administrators).
- Everyone else, anonymous visitors included, reads public ideas through the
  public site and API only (``Idea.objects.public()``).

A refusal is :class:`~django.core.exceptions.PermissionDenied` (403, or the
admin's own refusal) or, where saying "forbidden" would confirm that an object
exists, a 404; never a partial list.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

ACCESS_ADMIN = "wagtailadmin.access_admin"
VIEW_IDEA = "ideas.view_idea"
CHANGE_IDEA = "ideas.change_idea"
FACILITATE_ANY_EVENT = "ideas.facilitate_any_event"
# The workbench (themes, clusters, map, duplicates) reads clusters.
VIEW_WORKBENCH = "ideas.view_cluster"
VIEW_CONTACT = "ideas.view_contact"
ERASE_CONTACTS = "ideas.delete_contact"
VIEW_FRAMEWORK = "strategy.view_framework"
ADD_MEASURE = "strategy.add_measure"
CHANGE_MEASURE = "strategy.change_measure"
APPROVE_FRAMEWORK = "strategy.approve_framework"

# Where a user's facilitated event ids are kept for the rest of the request.
_CACHE = "_access_facilitated_event_ids"


def _event_model():
    return apps.get_model("cms", "EventPage")


def is_active_user(user) -> bool:
    """Whether ``user`` is a logged-in, active account."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def has(user, permission: str) -> bool:
    """Whether an active ``user`` holds ``permission`` at all (in any event)."""
    return is_active_user(user) and user.has_perm(permission)


def facilitates_every_event(user) -> bool:
    """Whether ``user`` is an administrator of every event's ideas."""
    if not is_active_user(user):
        return False
    return user.is_superuser or (
        user.has_perm(CHANGE_IDEA) and user.has_perm(FACILITATE_ANY_EVENT)
    )


def facilitated_event_ids(user) -> frozenset[int]:
    """The ids of the events ``user`` may facilitate, read once per request.

    For listings and bulk actions, which ask once per idea; the answer is kept
    on the user object, which Django loads anew for every request.
    """
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = frozenset(events_facilitated(user).values_list("pk", flat=True))
        if is_active_user(user):
            setattr(user, _CACHE, cached)
    return cached


def events_facilitated(user) -> QuerySet:
    """The events whose ideas ``user`` may moderate, theme, cluster and export."""
    events = _event_model().objects.all()
    if facilitates_every_event(user):
        return events
    if not has(user, CHANGE_IDEA):
        return events.none()
    # From the user's side: the page's own relation may hold unsaved choices
    # in memory (modelcluster), and rights come from what is saved.
    return events.filter(pk__in=user.facilitated_events.values("pk"))


def _names(user, event) -> bool:
    # Asked afresh: a service's actor may outlive a change of the event's
    # facilitators, which the per-request ids would miss.
    return user.facilitated_events.filter(pk=event.pk).exists()


def can_facilitate(user, event) -> bool:
    """Whether ``user`` may change ``event``'s ideas, themes and clusters."""
    if event is None or not has(user, CHANGE_IDEA):
        return False
    return facilitates_every_event(user) or _names(user, event)


def reads_every_event(user) -> bool:
    """Whether ``user`` reads the ideas of every event (administrators, readers)."""
    if facilitates_every_event(user):
        return True
    return has(user, VIEW_IDEA) and not user.has_perm(CHANGE_IDEA)


def readable_event_ids(user) -> frozenset[int] | None:
    """The events whose ideas ``user`` reads; None means every event."""
    if reads_every_event(user):
        return None
    if not has(user, VIEW_IDEA):
        return frozenset()
    return facilitated_event_ids(user)


def events_readable(user) -> QuerySet:
    """The events whose ideas ``user`` may read in the admin."""
    events = _event_model().objects.all()
    ids = readable_event_ids(user)
    return events if ids is None else events.filter(pk__in=ids)


def can_read_event(user, event) -> bool:
    """Whether ``user`` may read ``event``'s ideas, non-public ones included."""
    ids = readable_event_ids(user)
    return event is not None and (ids is None or event.pk in ids)


def ideas_readable(user, ideas: QuerySet) -> QuerySet:
    """``ideas`` narrowed to those ``user`` may read in the admin."""
    ids = readable_event_ids(user)
    if ids is None:
        return ideas
    return ideas.filter(event_id__in=ids) if ids else ideas.none()


def ideas_changeable(user, ideas: QuerySet) -> QuerySet:
    """``ideas`` narrowed to those ``user`` may moderate."""
    if not has(user, CHANGE_IDEA):
        return ideas.none()
    if facilitates_every_event(user):
        return ideas
    return ideas.filter(event_id__in=facilitated_event_ids(user))


def can_read_idea(user, idea) -> bool:
    """Whether ``user`` may read ``idea`` in the admin."""
    ids = readable_event_ids(user)
    return ids is None or idea.event_id in ids


def can_change_idea(user, idea) -> bool:
    """Whether ``user`` may moderate ``idea``."""
    if not has(user, CHANGE_IDEA):
        return False
    return facilitates_every_event(user) or idea.event_id in facilitated_event_ids(user)


def can_read_workbench(user, event) -> bool:
    """Whether ``user`` may read ``event``'s workbench: themes, clusters, map,
    duplicates. Facilitators read the events they run; readers every event."""
    return has(user, VIEW_WORKBENCH) and can_read_event(user, event)


def events_with_workbench(user) -> QuerySet:
    """The events whose workbench ``user`` may read."""
    if not has(user, VIEW_WORKBENCH):
        return _event_model().objects.none()
    return events_readable(user)


def can_see_contacts(user, event) -> bool:
    """Whether ``user`` may read the contact details of ``event``'s ideas."""
    return has(user, VIEW_CONTACT) and (
        facilitates_every_event(user)
        or (has(user, CHANGE_IDEA) and _names(user, event))
    )


def contacts_readable(user, contacts: QuerySet) -> QuerySet:
    """``contacts`` narrowed to those ``user`` may read."""
    if not has(user, VIEW_CONTACT):
        return contacts.none()
    if facilitates_every_event(user):
        return contacts
    return contacts.filter(idea__event_id__in=facilitated_event_ids(user))


def can_erase_contacts(user) -> bool:
    """Whether ``user`` may find, download and erase what is held about an
    email address, across events (a personal-data request)."""
    return has(user, ERASE_CONTACTS)


def require(allowed: bool, message: str = "") -> None:
    """Raise :class:`PermissionDenied` unless ``allowed``; None actors are the
    system and are checked by the caller, not here."""
    if not allowed:
        raise PermissionDenied(message or _("You may not do this."))


def require_facilitator(*, actor, event, message: str = "") -> None:
    """Refuse ``actor`` unless they may facilitate ``event``; None is the system.

    Every write of a person goes through here, so the admin, the workbench and
    the shell share one rule.
    """
    if actor is None:
        return
    require(
        can_facilitate(actor, event),
        message or _("You may change only the ideas of events you facilitate."),
    )


def log_entries_readable(user, entries: QuerySet) -> QuerySet:
    """Wagtail's log ``entries`` less those about ideas or contacts ``user`` may
    not read: an entry's label is the idea's title or the contact's name."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField, Q
    from django.db.models.functions import Cast

    from ideas.models import Contact, Idea

    if facilitates_every_event(user):
        return entries
    for model, readable in (
        (Idea, ideas_readable(user, Idea.objects.all())),
        (Contact, contacts_readable(user, Contact.objects.all())),
    ):
        keys = readable.annotate(key=Cast("pk", CharField())).values("key")
        entries = entries.exclude(
            Q(content_type=ContentType.objects.get_for_model(model))
            & ~Q(object_id__in=keys)
        )
    return entries


# Judging. A round is run by its event's facilitators; a judge (an account, or
# a person holding an invitation link) scores only the ideas assigned to them
# while the round is open, and reads the panel's scores of an idea only once
# they have submitted their own.


def can_run_judging(user, event) -> bool:
    """Whether ``user`` may prepare, open, close and read ``event``'s rounds."""
    return can_facilitate(user, event)


def _assignment(judge, idea):
    return (
        apps.get_model("judging", "Assignment")
        .objects.filter(judge=judge, idea=idea)
        .first()
    )


def judge_may_score(judge, idea) -> bool:
    """Whether ``judge`` may score ``idea`` now: assigned, round open."""
    return judge.round.is_open and _assignment(judge, idea) is not None


def judge_may_read_panel(judge, idea) -> bool:
    """Whether ``judge`` may read the other judges' scores of ``idea``."""
    assignment = _assignment(judge, idea)
    return assignment is not None and assignment.submitted_at is not None
