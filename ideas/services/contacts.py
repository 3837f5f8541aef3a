"""Participants' contact details: kept only as long as allowed, erased on request."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ideas import selectors
from ideas.models import Contact

logger = logging.getLogger(__name__)


def contacts_purge_expired(*, now=None, dry_run: bool = False) -> int:
    """Delete contact details kept longer than ``IDEAS_CONTACT_RETENTION_DAYS``.

    The ideas stay, anonymous, as if submitted without contact details. Returns
    how many contacts were (or, with ``dry_run``, would be) deleted.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.IDEAS_CONTACT_RETENTION_DAYS)
    expired = Contact.objects.filter(consent_at__lt=cutoff)
    count = expired.count()
    if not dry_run and count:
        with transaction.atomic():
            expired.delete()
        logger.info("contacts purged after retention: %s", count)
    return count


def contacts_erase(*, email: str, actor) -> int:
    """Erase every contact record held for ``email`` (PDPA right to erasure).

    The ideas stay, without a contact. Returns how many records were erased;
    the log line says how many and by whom, never the address.
    """
    contacts = selectors.contacts_for_email(email=email)
    count = len(contacts)
    if count:
        with transaction.atomic():
            Contact.objects.filter(pk__in=[contact.pk for contact in contacts]).delete()
        logger.info("contacts erased on request: %s by user %s", count, actor.pk)
    return count
