from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Membership
from .views import MembershipDeleteView, MembershipEditView, MembershipForm, MembershipIndexView


class MembershipViewSet(ModelViewSet):
    """Facilitators set roles of their CoP's members; the team manages all."""

    model = Membership
    index_view_class = MembershipIndexView
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView
    icon = "group"
    menu_label = _("CoP members")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["user", "community", "role", "joined_at"]
    list_filter = ["role", "community"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_form_class(self, for_update=False):
        return MembershipForm
