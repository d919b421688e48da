from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock


class ChannelBlock(blocks.StructBlock):
    """A place where the CoP connects: chat group, video call, room."""

    kind = blocks.ChoiceBlock(
        choices=[
            ("chat", _("Chat group")),
            ("video", _("Video call")),
            ("room", _("Meeting room")),
            ("other", _("Other")),
        ],
        label=_("Kind"),
    )
    label = blocks.CharBlock(label=_("Name"), max_length=120)
    url = blocks.URLBlock(label=_("Link"), required=False)

    class Meta:
        icon = "group"
        label = _("Channel")


class LinkResourceBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    url = blocks.URLBlock(label=_("Link"))

    class Meta:
        icon = "link"
        label = _("Link")


class DocumentResourceBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200, required=False)
    document = DocumentChooserBlock(label=_("Document file"))

    class Meta:
        icon = "doc-full"
        label = _("Document file")


class ResourceStreamBlock(blocks.StreamBlock):
    link = LinkResourceBlock()
    document = DocumentResourceBlock()
