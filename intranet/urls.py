from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve as serve_file
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from .views import StaffLoginView, healthz

account_patterns = [
    path("masuk/", StaffLoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("lupa-sandi/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("lupa-sandi/terkirim/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "atur-sandi/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "atur-sandi/selesai/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("ganti-sandi/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("ganti-sandi/selesai/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before Wagtail's admin: see learning_center/monitoring_urls.py.
    path("admin/pemantauan/", include("learning_center.monitoring_urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    # Uploaded images are staff-only too, so they pass through Django's
    # login check rather than being served directly by the web server.
    re_path(
        rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", serve_file, {"document_root": settings.MEDIA_ROOT}
    ),
]

urlpatterns += i18n_patterns(
    path("akun/notifikasi/", include("cop_pages.preference_urls")),
    path("akun/", include(account_patterns)),
    path("komentar/", include("cop_pages.comment_urls")),
    # Translated: /cari/ in Indonesian, /en/search/ in English.
    path(_("search/"), include("search.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
