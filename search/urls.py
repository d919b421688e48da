"""The search page and its helpers, under ``cari/`` (``en/search/`` in English)."""

from django.urls import path

from . import views

app_name = "knowledge_search"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("autocomplete/", views.autocomplete, name="autocomplete"),
    path("klik/", views.result_click, name="click"),
]
