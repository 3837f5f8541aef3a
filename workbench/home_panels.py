"""The admin home: what each role has to do next, before Wagtail's own panels.

A facilitator sees each event's queues, a policy writer the frameworks being
written and their measures that cite no idea yet, an approver the frameworks
waiting for a decision. A user with several roles sees each panel.
"""

from wagtail.admin.ui.components import Component

from ideas import access
from ideas.selectors.dashboard import facilitator_queues
from strategy.selectors import frameworks_in_progress


class FacilitatorPanel(Component):
    name = "facilitator_queues"
    order = 10
    template_name = "workbench/home/facilitator.html"

    def __init__(self, queues):
        self.queues = queues

    def get_context_data(self, parent_context=None):
        return {"queues": self.queues}


class PolicyWriterPanel(Component):
    name = "frameworks_in_progress"
    order = 20
    template_name = "workbench/home/policy_writer.html"

    def __init__(self, frameworks):
        self.frameworks = frameworks

    def get_context_data(self, parent_context=None):
        return {"frameworks": self.frameworks}


class ApproverPanel(Component):
    name = "frameworks_to_approve"
    order = 30
    template_name = "workbench/home/approver.html"

    def __init__(self, frameworks):
        self.frameworks = frameworks

    def get_context_data(self, parent_context=None):
        return {"frameworks": self.frameworks}


def role_panels(user) -> list[Component]:
    """The panels ``user``'s roles call for, each asked of the access rule."""
    panels = []
    if access.has(user, access.CHANGE_IDEA):
        panels.append(FacilitatorPanel(facilitator_queues(user=user)))
    if access.has(user, access.CHANGE_MEASURE):
        panels.append(PolicyWriterPanel(frameworks_in_progress()))
    if access.has(user, access.APPROVE_FRAMEWORK):
        panels.append(ApproverPanel(frameworks_in_progress(status="in_review")))
    return panels
