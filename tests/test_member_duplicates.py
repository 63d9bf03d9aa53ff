"""One company, one record: a second file for a member already listed is an error at the
later file (by path), naming the first, whether it repeats the name or the web site."""
from __future__ import annotations

import pytest

from conftest import AS_OF, MEMBER_YAML, NEW_MEMBER
from smbsite.api import check
from smbsite.checking.validate import company_key, website_host

M = "members/acme-networks.yaml"
HINT = f"edit {M} instead of adding a second file for the same company"


def errors(site) -> list[str]:
    return [p.text() for p in check(site, as_of=AS_OF).problems if p.severity == "error"]


@pytest.mark.parametrize("name", ["Acme Networks", "ACME NETWORKS", "Acme Networks, LLC", "Acme Networks Inc.",
                                  "Acme Networks L.L.C.", "Acme-Networks Co", "Acmé Networks Corp.",
                                  "Acme Networks, Ltd", "Acme Networks Co., Inc."])
def test_a_second_member_with_the_same_name_is_an_error_naming_the_first(make_site, name):
    copy = MEMBER_YAML.replace("name: Acme Networks", f"name: {name}").replace(
        "website: https://acme.example.com", "website: https://other.example.com")
    site = make_site({"members/acme-networks-llc.yaml": copy})
    assert errors(site) == [f"members/acme-networks-llc.yaml:1:7: error: {M} already lists a member named "
                            f"'Acme Networks' — {HINT}"]


def test_a_copy_saved_under_another_name_is_an_error_at_the_later_file(make_site):
    """Files are taken in the order of their names without extension: acme-networks before
    acme-networks-llc (as a plain sort of the paths would not have it: '-' sorts before '.')."""
    site = make_site({"members/acme-networks-llc.yaml": MEMBER_YAML})
    assert errors(site) == [
        f"members/acme-networks-llc.yaml:1:7: error: {M} already lists a member named 'Acme Networks' — {HINT}",
        f"members/acme-networks-llc.yaml:9:10: error: {M} already lists a member with the web site "
        f"acme.example.com — {HINT}"]
    site = make_site({"members/a-copy.yaml": MEMBER_YAML})
    assert errors(site) == [
        f"{M}:1:7: error: members/a-copy.yaml already lists a member named 'Acme Networks' — edit "
        "members/a-copy.yaml instead of adding a second file for the same company",
        f"{M}:9:10: error: members/a-copy.yaml already lists a member with the web site acme.example.com — edit "
        "members/a-copy.yaml instead of adding a second file for the same company"]


@pytest.mark.parametrize("website", ["https://www.acme.example.com/", "http://ACME.example.com/about",
                                     "https://acme.example.com:8443"])
def test_a_second_member_with_the_same_web_site_host_is_an_error(make_site, website):
    other = NEW_MEMBER + f"website: {website}\n"
    site = make_site({"members/zephyr-it.yaml": other})
    assert errors(site) == [f"members/zephyr-it.yaml:7:10: error: {M} already lists a member with the web site "
                            f"acme.example.com — {HINT}"]


@pytest.mark.parametrize("name", ["Acme Netwоrks", "Аcme Networks", "Acme Νetworks", "Acme Net\u200bworks"])
def test_a_name_written_with_look_alike_letters_of_another_alphabet_is_the_same_company(make_site, name):
    """Cyrillic о and А, Greek Ν, a zero-width space: each looks exactly like the listed name."""
    copy = MEMBER_YAML.replace("name: Acme Networks", f"name: {name}").replace(
        "website: https://acme.example.com", "website: https://other.example.com")
    site = make_site({"members/acme-networks-2.yaml": copy})
    found = errors(site)
    assert len(found) == 1 and found[0].startswith(f"members/acme-networks-2.yaml:1:7: error: {M} already lists")


def test_look_alike_hosts_are_the_same_web_site(make_site):
    other = NEW_MEMBER + "website: https://acme.exаmple.com\n"  # a Cyrillic а in the host
    found = errors(make_site({"members/zephyr-it.yaml": other}))
    assert len(found) == 1 and "already lists a member with the web site" in found[0]


def test_names_that_differ_in_ascii_letters_are_different_companies(make_site):
    site = make_site({"members/bam-it.yaml": NEW_MEMBER.replace("Basalt Data Works", "Bam IT"),
                      "members/barn-it.yaml": NEW_MEMBER.replace("Basalt Data Works", "Barn IT")})
    assert errors(site) == []
    assert company_key("Bam IT") != company_key("Barn IT")
    assert company_key("Grаnite Peak IT") == company_key("Granite Peak IT")


def test_different_companies_pass(make_site):
    site = make_site({
        "members/zephyr-it.yaml": NEW_MEMBER + "website: https://acme.example.org\n",  # another host
        "members/acme-web.yaml": NEW_MEMBER.replace("Basalt Data Works", "Acme Networks West"),
        "members/basalt-fb.yaml": NEW_MEMBER.replace("Basalt Data Works", "Basalt Farms")
        + "website: https://facebook.com/basaltfarms\n",
        "members/cedar-fb.yaml": NEW_MEMBER.replace("Basalt Data Works", "Cedar Row")
        + "website: https://www.facebook.com/cedarrow/\n",
    })
    assert errors(site) == []


def test_the_comparison_ignores_case_punctuation_accents_and_company_forms():
    assert company_key("Joe's IT Co.") == company_key("JOES IT") == "joesit"
    assert company_key("Café Networks Corporation") == company_key("Cafe Networks") == "cafenetworks"
    assert company_key("Inc") == "inc"  # a suffix alone is the name
    assert company_key("Acme Networks West") != company_key("Acme Networks")
    assert website_host("https://www.Example.com:8080/x") == "example.com"
    assert website_host("https://facebook.com/Acme/") == "facebook.com/acme"
    assert website_host(None) == ""


def test_serve_reports_a_web_site_edited_into_a_duplicate_like_a_full_check(make_site):
    from smbsite.server.incremental import IncrementalSite

    site = make_site({"members/basalt-data-works.yaml": NEW_MEMBER + "website: https://basalt.example.com\n"})
    inc = IncrementalSite(site, as_of=AS_OF)
    inc.full()
    assert not inc.errors
    other = site / "members/basalt-data-works.yaml"
    other.write_text(other.read_text().replace("basalt.example.com", "www.acme.example.com"), encoding="utf-8")
    inc.apply({"members/basalt-data-works.yaml"})
    assert [p.text() for p in inc.errors] == errors(site) == [
        f"members/basalt-data-works.yaml:7:10: error: {M} already lists a member with the web site "
        f"acme.example.com — {HINT}"]
