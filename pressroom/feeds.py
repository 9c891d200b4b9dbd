"""RSS 2.0 and Atom feeds of published releases (Uzbek Cyrillic, the release's main text)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .rendering import body_html, summary
from .selectors import press_release_list_public

FEED_SIZE = 20


class LatestReleasesFeed(Feed):
    title = _("El-yurt umidi: press releases")
    link = reverse_lazy("pressroom:list")
    description = _("Press releases of the International Expert Council's videoconferences.")
    language = "uz"
    author_name = "Жамғарма Матбуот хизмати"

    def items(self):
        return press_release_list_public()[:FEED_SIZE]

    def item_title(self, item):
        return item.title_cyrl

    def item_description(self, item):
        return summary(item.body_cyrl, 60)

    def item_link(self, item):
        return reverse_lazy("pressroom:detail", kwargs={"slug": item.slug})

    def item_guid(self, item):
        return f"press-release-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.conference.council.name]


class LatestReleasesAtomFeed(LatestReleasesFeed):
    feed_type = Atom1Feed
    subtitle = LatestReleasesFeed.description

    def item_description(self, item):
        return body_html(item.body_cyrl)
