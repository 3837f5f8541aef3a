"""Wagtail's own strings whose Thai we correct.

Our catalogue (``LOCALE_PATHS``) is read before Wagtail's, so a msgid listed here
takes our translation on every admin screen. The list is for ``makemessages``
to find; nothing reads it at run time.
"""

from django.utils.translation import gettext_noop

WAGTAIL_STRINGS = [
    # The menu of further bulk actions: Wagtail's Thai says "เพิ่ม" ("add"), so
    # facilitators looked for a way to add ideas there.
    gettext_noop("More"),
    gettext_noop("More bulk actions"),
]
