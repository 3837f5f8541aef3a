"""The facilitator's workbench in the Wagtail admin: one event at a time."""

urlpatterns = []
