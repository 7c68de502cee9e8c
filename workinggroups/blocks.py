"""StreamField blocks of the programme page, each with its template in templates/blocks/."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from .choices import StakeholderProfile


class ResourceLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("intitulé"), max_length=200)
    page = blocks.PageChooserBlock(label=_("page de l'intranet"), required=False)
    document = DocumentChooserBlock(label=_("document"), required=False)
    url = blocks.URLBlock(label=_("adresse externe"), required=False)
    description = blocks.TextBlock(label=_("description"), required=False)

    def clean(self, value):
        value = super().clean(value)
        targets = [name for name in ("page", "document", "url") if value.get(name)]
        if len(targets) != 1:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ValidationError(
                        _("Choisissez exactement une cible : une page, un document ou une adresse.")
                    )
                }
            )
        return value

    class Meta:
        icon = "link"
        label = _("Ressource")
        template = "blocks/resource_link_block.html"


class TestimonialBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("témoignage"))
    author = blocks.CharBlock(label=_("auteur"), max_length=120)
    profile = blocks.ChoiceBlock(
        label=_("profil de sociétaire"), choices=StakeholderProfile.choices, required=False
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["profile_label"] = StakeholderProfile(value["profile"]).label if value.get("profile") else ""
        return context

    class Meta:
        icon = "openquote"
        label = _("Témoignage")
        template = "blocks/testimonial_block.html"
