"""The one place that knows the base path: site paths -> link URLs and files."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Urls:
    origin: str  # https://smbtn.github.io
    base_path: str  # /site/  (always starts and ends with /)

    def rel(self, site_path: str) -> str:
        """The href for a site path like /members/acme/ (Jekyll's relative_url)."""
        if site_path.startswith(("http://", "https://", "mailto:", "tel:", "#")):
            return site_path
        return self.base_path + quote(site_path.lstrip("/"), safe="/#?=&.-_~%")

    def abs(self, site_path: str) -> str:
        """The absolute URL (Jekyll's absolute_url), for feeds, sitemap and canonical links."""
        if site_path.startswith(("http://", "https://")):
            return site_path
        return self.origin + self.rel(site_path)


def output_file(site_path: str) -> str:
    """The file a site path is written to, relative to OUT: /a/ -> a/index.html."""
    path = site_path.lstrip("/")
    if path == "" or path.endswith("/"):
        return path + "index.html"
    return path


def tel_href(phone: str) -> str:
    """A tel: link for a phone number as people write it: the digits and a leading +, and an
    extension as ';ext=' (RFC 3966): '(916) 555-0199 x12' -> 'tel:9165550199;ext=12'."""
    m = re.match(r"^(.*?)(?:\s*(?:x|ext\.?)\s*([0-9]+))?\s*$", phone.strip(), re.I)
    number, ext = (m.group(1), m.group(2)) if m else (phone, None)
    plus = "+" if number.lstrip().startswith("+") else ""
    return f"tel:{plus}{re.sub(r'[^0-9]', '', number)}" + (f";ext={ext}" if ext else "")
