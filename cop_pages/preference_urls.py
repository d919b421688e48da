from django.urls import path

from .preference_views import notification_preferences

urlpatterns = [
    path("", notification_preferences, name="notification_preferences"),
]
