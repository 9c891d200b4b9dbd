from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .selectors import press_release_list_public


class SiteUrlSitemap(Sitemap):
    """Locations on SITE_URL's scheme and host, not the request's (nor a Sites row)."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PressReleaseSitemap(SiteUrlSitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return press_release_list_public()

    def location(self, item):
        return reverse("pressroom:detail", kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.updated_at


class PressListSitemap(SiteUrlSitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return ["pressroom:list"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"press": PressListSitemap, "press-releases": PressReleaseSitemap}
