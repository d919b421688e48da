from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report


@login_not_required
@never_cache
@require_GET
def healthz(request):
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)


@method_decorator(login_not_required, name="dispatch")
class StaffLoginView(LoginView):
    """The login page, which also answers people who are logged in already.

    Someone logged in lands here when a page refused them (the admin sends
    staff without admin rights to the login URL). Sending them back to
    ``next`` would loop; the form is shown with a line that says who they
    are, so they can switch accounts. Without ``next`` they go home.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.get_redirect_url():
            return redirect(self.get_default_redirect_url())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.is_authenticated:
            context["refused_user"] = self.request.user
        return context
