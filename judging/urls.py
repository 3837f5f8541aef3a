from django.urls import path

from judging import views

app_name = "judging"

urlpatterns = [
    path("join/<str:token>/", views.join, name="join"),
    path("<int:round_id>/", views.worklist, name="worklist"),
    path("<int:round_id>/ideas/<int:idea_id>/", views.sheet, name="sheet"),
    path("<int:round_id>/ideas/<int:idea_id>/panel/", views.panel, name="panel"),
    path(
        "<int:round_id>/ideas/<int:idea_id>/conflict/",
        views.conflict,
        name="conflict",
    ),
]
