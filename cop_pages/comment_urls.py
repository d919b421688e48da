"""Staff discussion URLs, under ``komentar/`` (every one answers POST only; see ``comment_views``)."""

from django.urls import path

from . import comment_views

app_name = "staff_comments"

urlpatterns = [
    path("halaman/<int:page_id>/kirim/", comment_views.post_on_page, name="post"),
    path("halaman/<int:page_id>/bermanfaat/", comment_views.page_helpful, name="page_helpful"),
    path("<int:comment_id>/balas/", comment_views.reply, name="reply"),
    path("<int:comment_id>/sunting/", comment_views.edit, name="edit"),
    path("<int:comment_id>/hapus/", comment_views.delete, name="delete"),
    path("<int:comment_id>/laporkan/", comment_views.report, name="report"),
    path("<int:comment_id>/bermanfaat/", comment_views.comment_helpful, name="helpful"),
]
