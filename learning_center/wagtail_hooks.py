"""The "Pemantauan" (monitoring) menu of the admin, for whoever monitors at least one CoP.

Its URLs are in learning_center/monitoring_urls.py, mounted by the project
ahead of Wagtail's admin (see there why).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from cop_pages.permissions import manages_any_community

from .monitoring_urls import APP_NAMESPACE


class MonitoringMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return manages_any_community(request.user)


monitoring_menu = Menu(register_hook_name="register_monitoring_menu_item", construct_hook_name=None)


@hooks.register("register_monitoring_menu_item")
def register_community_health_item():
    return MonitoringMenuItem(
        _("CoP health"), reverse(f"{APP_NAMESPACE}:community_health"), icon_name="glasses", order=100
    )


@hooks.register("register_admin_menu_item")
def register_monitoring_menu():
    return SubmenuMenuItem(_("Monitoring"), monitoring_menu, icon_name="glasses", order=250)
