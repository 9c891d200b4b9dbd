from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .selectors import press_release_list_public


class PressReleaseSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return press_release_list_public()

    def location(self, item):
        return reverse("pressroom:detail", kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.updated_at


class PressListSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return ["pressroom:list"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"press": PressListSitemap, "press-releases": PressReleaseSitemap}
