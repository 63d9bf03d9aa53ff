"""A script link hidden behind an unclosed autolink is still reported (the pre-scan that skips
parsing text without site links once read `<https://…<javascript:…>` as one external link)."""
from __future__ import annotations

from conftest import AS_OF, MEMBER_YAML
from smbsite.api import check
from smbsite.core.markdown import needs_link_check

M = "members/acme-networks.yaml"


def test_the_pre_scan_does_not_read_past_an_angle_bracket():
    assert needs_link_check("<https://a.example<javascript:alert(1)>")
    assert not needs_link_check("<https://a.example> and <mailto:a@b.org>")


def test_a_script_autolink_after_an_unclosed_one_is_an_error_at_its_place(make_site):
    site = make_site({M: MEMBER_YAML.replace("We pull cable.", "Mail <https://a.example<javascript:alert(1)>.")})
    assert [p.text() for p in check(site, as_of=AS_OF).problems] == [
        f"{M}:11:27: error: link 'javascript:alert(1)' is not allowed: only http, https, mailto, tel and site "
        "links are kept"]
