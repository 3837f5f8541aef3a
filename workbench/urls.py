from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import api as cms_api
from cms import notifications as cms_notifications
from cms import search as cms_search
from cms import views as cms_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("track/<str:token>/", cms_views.idea_track, name="idea_track"),
    path(
        "track/<str:token>/email/",
        cms_notifications.tracking_link_mail,
        name="idea_track_mail",
    ),
    path(
        "notifications/stop/<str:token>/",
        cms_notifications.notifications_stop,
        name="notifications_stop",
    ),
    path("search/", cms_search.search, name="search"),
    path("judging/", include("judging.urls")),
    path("api/v1/", cms_api.api_index, name="api_index"),
    path("api/v1/events/", cms_api.api_events, name="api_events"),
    path("api/v1/events/<slug:slug>/", cms_api.api_event, name="api_event"),
    path(
        "api/v1/events/<slug:slug>/ideas/",
        cms_api.api_event_ideas,
        name="api_event_ideas",
    ),
    path(
        "api/v1/events/<slug:slug>/clusters/",
        cms_api.api_event_clusters,
        name="api_event_clusters",
    ),
    path("api/v1/frameworks/", cms_api.api_frameworks, name="api_frameworks"),
    path("api/v1/frameworks/<slug:slug>/", cms_api.api_framework, name="api_framework"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
