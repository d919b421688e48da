from django.contrib.auth.middleware import LoginRequiredMiddleware

# Views that must answer anonymous visitors but whose class-based views
# override ``dispatch`` and so lose Django's ``login_not_required`` flag.
LOGIN_EXEMPT_URL_NAMES = frozenset(
    {
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
        "wagtailcore_authenticate_with_password",
    }
)


class StaffOnlyMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, aware of Wagtail's exempt views."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.url_name in LOGIN_EXEMPT_URL_NAMES:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
