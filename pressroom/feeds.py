"""RSS 2.0 and Atom feeds of published releases, in Uzbek Cyrillic (the release's main text)
and in Uzbek Latin (``feed/rss/latn/``, ``feed/atom/latn/``: the Latin as edited, else derived).

One feed class per script rather than a query parameter: a Feed instance serves every request
at once, so nothing of one request may be kept on it."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from elyurt.script_text import shown

from .rendering import body_html, pick_text, summary
from .selectors import press_release_list_public

FEED_SIZE = 20


def _site_url(path: str) -> str:
    # Absolute links stop Django's syndication from prefixing the request's Host and scheme.
    return f"{settings.SITE_URL}{path}"


class LatestReleasesFeed(Feed):
    """Every link on SITE_URL (README, "Behind a proxy"): the feed is the same for any Host."""

    title = _("El-yurt umidi: press releases")
    url_name = "pressroom:feed_rss"
    description = _("Press releases of the International Expert Council's videoconferences.")
    language = "uz"
    author_name = "Жамғарма Матбуот хизмати"

    def link(self):
        return _site_url(reverse("pressroom:list"))

    def feed_url(self):
        return _site_url(reverse(self.url_name))

    def items(self):
        return press_release_list_public()[:FEED_SIZE]

    def item_title(self, item):
        return item.title_cyrl

    def item_description(self, item):
        return summary(item.body_cyrl, 60)

    def item_link(self, item):
        return _site_url(reverse("pressroom:detail", kwargs={"slug": item.slug}))

    def item_guid(self, item):
        return f"press-release-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        council = item.conference.council
        return [shown(council.name, self.script, latn=council.name_latin, cyrl=council.name_cyrl)]

    script = "cyrl"


class LatestReleasesAtomFeed(LatestReleasesFeed):
    feed_type = Atom1Feed
    url_name = "pressroom:feed_atom"
    subtitle = LatestReleasesFeed.description

    def item_description(self, item):
        return body_html(item.body_cyrl)


class _Latin:
    """The same feed in Uzbek Latin; its items link to the Latin pages."""

    script = "latn"
    language = "uz-Latn"
    author_name = "Jamgʻarma Matbuot xizmati"

    def __call__(self, request, *args, **kwargs):
        # The feed's own title and description in Latin too, whatever the visitor's language.
        with translation.override("uz-latn"):
            return super().__call__(request, *args, **kwargs)

    def link(self):
        return _site_url(reverse("pressroom:list") + "?lang=latn")

    def item_title(self, item):
        return pick_text(item, "latn", "uz-latn").title

    def item_link(self, item):
        return _site_url(reverse("pressroom:detail", kwargs={"slug": item.slug}) + "?lang=latn")


class LatestReleasesLatinFeed(_Latin, LatestReleasesFeed):
    url_name = "pressroom:feed_rss_latn"

    def item_description(self, item):
        return summary(pick_text(item, "latn", "uz-latn").body, 60)


class LatestReleasesLatinAtomFeed(_Latin, LatestReleasesAtomFeed):
    url_name = "pressroom:feed_atom_latn"

    def item_description(self, item):
        return body_html(pick_text(item, "latn", "uz-latn").body)
