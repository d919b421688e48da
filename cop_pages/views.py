"""Admin views for memberships, scoped to the CoPs the user manages."""

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic

from .models import Membership
from .permissions import manageable_communities, manageable_memberships


class MembershipForm(WagtailAdminModelForm):
    class Meta:
        model = Membership
        fields = ["user", "community", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = manageable_communities(self.for_user).order_by("title")
        self.fields["user"].queryset = (
            self.fields["user"].queryset.filter(is_active=True).order_by("username")
        )


class ScopedToManagedMemberships:
    """Facilitators reach only their own CoPs' memberships, even by URL."""

    def get_base_queryset(self):
        return manageable_memberships(self.request.user).select_related("user", "community")

    def get_queryset(self):
        return manageable_memberships(self.request.user)


class MembershipIndexView(ScopedToManagedMemberships, generic.IndexView):
    pass


class MembershipEditView(ScopedToManagedMemberships, generic.EditView):
    pass


class MembershipDeleteView(ScopedToManagedMemberships, generic.DeleteView):
    pass
