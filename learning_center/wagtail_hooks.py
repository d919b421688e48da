"""The "Pemantauan" (monitoring) menu of the admin, for whoever monitors at least one CoP.

Its URLs are in learning_center/monitoring_urls.py, mounted by the project
ahead of Wagtail's admin (see there why); its items are the section's
views (monitoring_base.SECTIONS).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from cop_pages.permissions import manages_any_community

from .dashboard import add_glance_panel
from .monitoring_base import SECTIONS
from .monitoring_urls import APP_NAMESPACE


class MonitoringMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return manages_any_community(request.user)


monitoring_menu = Menu(register_hook_name="register_monitoring_menu_item", construct_hook_name=None)


def section_menu_item(order: int, section):
    return lambda: MonitoringMenuItem(
        section.label, reverse(f"{APP_NAMESPACE}:{section.url_name}"), icon_name=section.icon, order=order
    )


for position, section in enumerate(SECTIONS, start=1):
    hooks.register("register_monitoring_menu_item", section_menu_item(position * 100, section))


@hooks.register("register_admin_menu_item")
def register_monitoring_menu():
    return SubmenuMenuItem(_("Monitoring"), monitoring_menu, icon_name="glasses", order=250)


@hooks.register("construct_homepage_panels")
def learning_center_glance_panel(request, panels):
    """The "Pusat Belajar sekilas" panel at the top of the dashboard, for the learning-center team."""
    add_glance_panel(request, panels)
