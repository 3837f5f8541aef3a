"""The review queue of likely duplicate ideas, in the Wagtail admin."""

urlpatterns = []
