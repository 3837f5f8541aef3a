"""Every write to judging goes through these functions.

- ``rounds``: a round, its criteria, opening (which assigns ideas to judges),
  closing, publishing its results and selecting the ideas ready to implement.
- ``judges``: judges by account or by invitation link, and their conflicts
  of interest.
- ``scores``: a judge's scores and note on one idea.
"""

from judging.services.judges import (
    judge_add_account,
    judge_claim_link,
    judge_declare_conflict,
    judge_invite,
    judge_remove,
    judge_set_conflicts,
)
from judging.services.rounds import (
    criterion_delete,
    criterion_save,
    round_close,
    round_create,
    round_open,
    round_publish_results,
    round_select_ready,
)
from judging.services.scores import scores_save

__all__ = [
    "criterion_delete",
    "criterion_save",
    "judge_add_account",
    "judge_claim_link",
    "judge_declare_conflict",
    "judge_invite",
    "judge_remove",
    "judge_set_conflicts",
    "round_close",
    "round_create",
    "round_open",
    "round_publish_results",
    "round_select_ready",
    "scores_save",
]
