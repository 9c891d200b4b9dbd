from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .selectors import press_release_list_public

# Each page in both Uzbek scripts, each version listed with the other as its alternate.
SCRIPT_VERSIONS = (("cyrl", "uz-Cyrl"), ("latn", "uz-Latn"))


class SiteUrlSitemap(Sitemap):
    """Locations on SITE_URL's scheme and host, not the request's (nor a Sites row); every
    page once per script (``?lang=cyrl``, ``?lang=latn``), with hreflang alternates naming
    both versions and the address without a script as x-default."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def items(self):
        return [(item, code) for item in self.pages() for code, _tag in SCRIPT_VERSIONS]

    def location(self, item):
        page, code = item
        return f"{self.page_path(page)}?lang={code}"

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            path = self.page_path(url["item"][0])
            url["alternates"] = [
                {"location": f"{protocol}://{domain}{path}?lang={code}", "lang_code": tag}
                for code, tag in SCRIPT_VERSIONS
            ] + [{"location": f"{protocol}://{domain}{path}", "lang_code": "x-default"}]
        return urls


class PressReleaseSitemap(SiteUrlSitemap):
    changefreq = "monthly"
    priority = 0.7

    def pages(self):
        return press_release_list_public()

    def page_path(self, page):
        return reverse("pressroom:detail", kwargs={"slug": page.slug})

    def lastmod(self, item):
        return item[0].updated_at


class PressListSitemap(SiteUrlSitemap):
    changefreq = "daily"
    priority = 0.5

    def pages(self):
        return ["home", "pressroom:list"]

    def page_path(self, page):
        return reverse(page)


SITEMAPS = {"press": PressListSitemap, "press-releases": PressReleaseSitemap}
