"""Every write to ideas goes through these functions: the services' one namespace.

Each sub-domain has its module; callers use the names re-exported here
(``from ideas import services; services.idea_moderate(...)``), except for
clustering, which is ``ideas.services.clusters``.

- ``submissions``: a participant's idea, from the event page's form.
- ``moderation``: facilitators' decisions on one idea (status, theme, tags,
  shortlist, accepting the model's suggestion).
- ``imports``: ideas from a file; purging uploads and exports left behind.
- ``exports``: exports written by the background worker.
- ``contacts``: contact details' retention and erasure.
- ``notifications``: e-mails to authors who asked for them.
- ``answers``: answer templates.
- ``duplicates``: merging duplicate ideas, and pairs that are not.
- ``suggestions``: embeddings and the model's theme suggestions.
- ``clusters``: clustering runs and facilitators' edits of clusters.
"""

from ideas.services.answers import answer_template_delete, answer_template_save
from ideas.services.contacts import contacts_erase, contacts_purge_expired
from ideas.services.duplicates import (
    duplicate_dismiss,
    duplicate_undismiss,
    idea_merge,
    idea_unmerge,
)
from ideas.services.exports import ideas_export_request
from ideas.services.imports import (
    ImportResult,
    ideas_import,
    ideas_import_request,
    import_uploads_purge,
)
from ideas.services.moderation import (
    TAG_MAX_LENGTH,
    clean_tags,
    idea_accept_suggestion,
    idea_add_tags,
    idea_moderate,
    idea_set_shortlisted,
    idea_set_status,
    idea_set_theme,
)
from ideas.services.notifications import (
    author_notify,
    notifications_stop,
    tracking_link_send,
)
from ideas.services.submissions import Submission, idea_submit
from ideas.services.suggestions import (
    idea_suggest_theme,
    ideas_embed,
    ideas_embed_event,
    ideas_embed_request,
    ideas_suggest_themes,
    theme_suggestions_request,
)

__all__ = [
    "TAG_MAX_LENGTH",
    "ImportResult",
    "Submission",
    "answer_template_delete",
    "answer_template_save",
    "author_notify",
    "clean_tags",
    "contacts_erase",
    "contacts_purge_expired",
    "duplicate_dismiss",
    "duplicate_undismiss",
    "idea_accept_suggestion",
    "idea_add_tags",
    "idea_merge",
    "idea_moderate",
    "idea_set_shortlisted",
    "idea_set_status",
    "idea_set_theme",
    "idea_submit",
    "idea_suggest_theme",
    "idea_unmerge",
    "ideas_embed",
    "ideas_embed_event",
    "ideas_embed_request",
    "ideas_export_request",
    "ideas_import",
    "ideas_import_request",
    "ideas_suggest_themes",
    "import_uploads_purge",
    "notifications_stop",
    "theme_suggestions_request",
    "tracking_link_send",
]
