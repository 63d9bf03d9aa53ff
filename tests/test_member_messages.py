"""What a member reads when `smbsite check` finds a mistake: each message is true, sits at the
spot to fix, and its hint says what to write instead (run as a member runs it, on a small site)."""
from __future__ import annotations

import re

import pytest
import yaml

from conftest import AS_OF, MEMBER_YAML, VENDOR_YAML

M = "members/acme-networks.yaml"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 40
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40
GIF = b"GIF89a" + b"\x00" * 40
PDF = b"%PDF-1.7\n" + b"\x00" * 40
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect/></svg>'
HTML = b"<!DOCTYPE html><html><head><title>Logo</title></head><body></body></html>"


def edit(old: str, new: str, text: str = MEMBER_YAML) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def check(cli, site, severity: str = "error") -> tuple[int, list[str]]:
    """The exit code and the problem lines of one severity, as `smbsite check` prints them."""
    res = cli("check", "-s", str(site), "--as-of", AS_OF)
    assert "Traceback" not in res.stderr + res.stdout
    return res.returncode, [line for line in res.stderr.splitlines() if f": {severity}: " in line]


def hint_of(line: str) -> str:
    return line.split(" — ", 1)[1]


# --- a list without its opening bracket ------------------------------------------------

@pytest.mark.parametrize("written,items", [
    ("cabling, wireless]", ["cabling", "wireless"]),
    ("cabling, wireless", ["cabling", "wireless"]),
    ("[cabling, wireless]]", None),  # (a YAML syntax error of its own)
    ("cabling", ["cabling"]),
    ('"cabling, no, 2024, a: b"', ["cabling", "no", "2024", "a: b"]),
], ids=["closing-bracket-only", "no-brackets", "two-closing-brackets", "one-item", "items-that-need-quotes"])
def test_a_list_written_without_brackets_gets_a_hint_that_is_itself_valid_yaml(make_site, cli, written, items):
    site = make_site({M: edit("specialties: [cabling, web-development]", f"specialties: {written}")})
    code, lines = check(cli, site)
    assert code == 1
    if items is None:
        assert lines and "found 'cabling, wireless]'" not in lines[0]
        return
    found = written.strip('"') if written.startswith('"') else written
    assert lines[0] == (f"{M}:7:14: error: specialties: expected a list, found '{found}' — "
                        f"{hint_of(lines[0])}")
    shown = re.fullmatch(r"write it as (\[.*\]), or one '- …' line per item", hint_of(lines[0]))
    assert shown, lines[0]
    assert yaml.safe_load(f"specialties: {shown.group(1)}") == {"specialties": items}


def test_the_hint_for_a_list_missing_its_opening_bracket_names_the_fixed_list(make_site, cli):
    site = make_site({M: edit("specialties: [cabling, web-development]", "specialties: cabling, wireless]")})
    assert check(cli, site)[1] == [
        f"{M}:7:14: error: specialties: expected a list, found 'cabling, wireless]' — write it as "
        "[cabling, wireless], or one '- …' line per item"]


# --- a year where a date goes ----------------------------------------------------------

def test_a_year_alone_is_told_to_become_a_full_date(make_site, cli):
    site = make_site({M: edit("joined: 2024-05-01", "joined: 2006")})
    assert check(cli, site)[1] == [
        f"{M}:3:9: error: joined: expected a date written YYYY-MM-DD, found the number 2006 — write the full date, "
        "e.g. 2006-01-01"]


def test_a_date_written_without_dashes_is_shown_with_them(make_site, cli):
    site = make_site({M: edit("joined: 2024-05-01", "joined: 20060501")})
    assert check(cli, site)[1] == [
        f"{M}:3:9: error: joined: expected a date written YYYY-MM-DD, found the number 20060501 — write it with "
        "dashes: 2006-05-01"]


# --- the placeholder `smbsite new` leaves ------------------------------------------------

def test_a_placeholder_deep_in_a_description_is_reported_on_its_own_line(make_site, cli):
    head = MEMBER_YAML.split("description:")[0]  # description: | is line 10
    body = "".join(f"  Paragraph line {n}.\n" for n in range(11, 95)) + "  Our story: REPLACE ME, and more.\n"
    site = make_site({M: head + "description: |\n" + body})
    assert check(cli, site)[1] == [f"{M}:95:14: error: description: replace the placeholder 'REPLACE ME'"]


def test_a_placeholder_in_a_folded_or_quoted_value_is_reported_where_it_is_written(make_site, cli):
    text = edit("summary: Cabling and web sites for small offices.",
                'summary: "Cabling and\n  web REPLACE ME"')
    text = edit("description: |\n  We pull cable.", "description: >\n  We pull cable\n    and REPLACE ME.", text)
    assert check(cli, make_site({M: text}))[1] == [
        f"{M}:3:7: error: summary: replace the placeholder 'REPLACE ME'",
        f"{M}:13:9: error: description: replace the placeholder 'REPLACE ME'"]


# --- a label where its key goes -----------------------------------------------------------

@pytest.mark.parametrize("written", ["Structured cabling", "STRUCTURED CABLING", "structured  cabling"])
def test_a_specialty_label_in_any_case_suggests_its_key(make_site, cli, written):
    site = make_site({M: edit("specialties: [cabling, web-development]", f"specialties: [{written}]")})
    assert check(cli, site)[1] == [
        f"{M}:7:15: error: unknown specialty '{written}' — '{written}' is the label; write its key: cabling"]


def test_the_sites_own_wireless_label_suggests_wireless(make_site, cli):
    from conftest import SITE_YAML
    site_yaml = SITE_YAML + "  wireless: {label: Wireless Networking, description: Wi-Fi}\n"
    site = make_site({"site.yaml": site_yaml,
                      M: edit("specialties: [cabling, web-development]", "specialties: [Wireless Networking]")})
    assert check(cli, site)[1] == [
        f"{M}:7:15: error: unknown specialty 'Wireless Networking' — 'Wireless Networking' is the label; "
        "write its key: wireless"]


def test_a_vendors_name_suggests_its_key(make_site, cli):
    site = make_site({M: edit("vendors: [sonicwall]", "vendors: [Cisco Meraki]"),
                      "vendors/meraki.yaml": "name: Cisco Meraki\nsummary: Cloud networking.\n"})
    assert check(cli, site)[1] == [
        f"{M}:8:11: error: unknown vendor 'Cisco Meraki' — 'Cisco Meraki' is the vendor's name; write its key: "
        "meraki"]


# --- a vendor the site does not have ----------------------------------------------------------

def test_an_unknown_vendor_lists_the_known_ones_closest_first_and_says_who_adds_vendors(make_site, cli):
    site = make_site({M: edit("vendors: [sonicwall]", "vendors: [cisco]"),
                      "vendors/meraki.yaml": "name: Cisco Meraki\nsummary: Cloud networking.\n",
                      "vendors/fortinet.yaml": "name: Fortinet\nsummary: Firewalls.\n",
                      "vendors/ubiquiti.yaml": "name: Ubiquiti\nsummary: Wi-Fi.\n"})
    assert check(cli, site)[1] == [
        f"{M}:8:11: error: unknown vendor 'cisco' — no vendors/cisco.yaml in this site; the vendors of this site, "
        "closest first: meraki (Cisco Meraki), fortinet, ubiquiti, sonicwall; a maintainer adds new vendors: "
        "leave 'cisco' out, or ask for it in your pull request"]


def test_a_misspelt_vendor_is_still_one_did_you_mean(make_site, cli):
    site = make_site({M: edit("vendors: [sonicwall]", "vendors: [sonicwal]")})
    assert check(cli, site)[1] == [f"{M}:8:11: error: unknown vendor 'sonicwal' — did you mean 'sonicwall'?"]


def test_an_unknown_vendor_in_a_site_without_vendors_says_so(make_site, cli):
    site = make_site({M: edit("vendors: [sonicwall]", "vendors: [cisco]"), "vendors/sonicwall.yaml": None,
                      "events/annual-conference.yaml": None})
    assert check(cli, site)[1] == [
        f"{M}:8:11: error: unknown vendor 'cisco' — no vendors/cisco.yaml in this site; this site has no vendor "
        "records yet; a maintainer adds new vendors: leave 'cisco' out, or ask for it in your pull request"]


# --- a logo whose bytes are another type than its name ----------------------------------------

@pytest.mark.parametrize("name,raw,words", [
    ("logo.png", JPEG, "is a JPEG image, not a PNG — rename it to .jpg: call the file logo.jpg and write logo: "
                       "logo.jpg"),
    ("logo.jpg", PNG, "is a PNG image, not a JPEG — rename it to .png: call the file logo.png and write logo: "
                      "logo.png"),
    ("logo.jpeg", WEBP, "is a WebP image, not a JPEG — rename it to .webp: call the file logo.webp and write "
                        "logo: logo.webp"),
    ("logo.png", SVG, "is an SVG image, not a PNG — rename it to .svg: call the file logo.svg and write logo: "
                      "logo.svg"),
    ("logo.svg", PNG, "is a PNG image, not an SVG — rename it to .png: call the file logo.png and write logo: "
                      "logo.png"),
    ("logo.webp", GIF, "is a GIF file, not a WebP image — export it as PNG, JPEG, WebP or SVG"),
    ("logo.png", PDF, "is a PDF file, not a PNG image — export it as PNG, JPEG, WebP or SVG"),
    ("logo.png", HTML, "is a web page (HTML), not an image — save the image itself (right-click it, 'Save image "
                       "as…'), not the page around it"),
    ("logo.png", b"", "is an empty file — export the logo again as PNG, JPEG, WebP or SVG"),
    ("logo.png", b"\x00\x01\x02\x03" * 10, "is not a PNG image, nor any image type the checker knows — export the "
                                           "logo again as PNG, JPEG, WebP or SVG"),
], ids=["jpeg-as-png", "png-as-jpg", "webp-as-jpeg", "svg-as-png", "png-as-svg", "gif-as-webp", "pdf-as-png",
        "web-page-as-png", "empty", "unknown-bytes"])
def test_a_logo_of_another_type_than_its_name_is_named_for_what_it_is(make_site, cli, name, raw, words):
    site = make_site({M: MEMBER_YAML + f"logo: {name}\n", f"members/{name}": raw})
    assert check(cli, site)[1] == [f"{M}:12:7: error: logo '{name}' {words}"]


def test_renaming_the_logo_as_told_makes_it_pass(make_site, cli):
    import io

    from PIL import Image
    real_jpeg = io.BytesIO()
    Image.new("RGB", (40, 20), "#246").save(real_jpeg, "JPEG")  # (its pixel size is read as well)
    site = make_site({M: MEMBER_YAML + "logo: logo.jpg\n", "members/logo.jpg": real_jpeg.getvalue()})
    assert check(cli, site) == (0, [])


# --- an SVG logo with several problems -------------------------------------------------------

def test_every_problem_of_an_svg_logo_is_reported_at_once(make_site, cli):
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="go()">'
           b'<script>go()</script><rect onclick="x()"/><a href="javascript:go()"><text>t</text></a>'
           b'<image xlink:href="file:///etc/passwd"/><foreignObject/></svg>')
    site = make_site({M: MEMBER_YAML + "logo: logo.svg\n", "members/logo.svg": svg})
    assert check(cli, site)[1] == [
        f"{M}:12:7: error: logo 'logo.svg' contains <foreignobject>, which can run code — remove it: a logo needs "
        "only shapes, text and images",
        f"{M}:12:7: error: logo 'logo.svg' contains <script>, which can run code — remove it: a logo needs only "
        "shapes, text and images",
        f"{M}:12:7: error: logo 'logo.svg' has a javascript: address, which can run code — remove it",
        f"{M}:12:7: error: logo 'logo.svg' has an event handler (onclick on <rect>), which can run code — remove "
        "the attribute",
        f"{M}:12:7: error: logo 'logo.svg' has an event handler (onload on <svg>), which can run code — remove the "
        "attribute",
        f"{M}:12:7: error: logo 'logo.svg' links to 'file:///etc/passwd' — a logo may only link within "
        "itself or embed PNG, JPEG, GIF or WebP images"]


# --- Markdown: links without words, images, HTML ---------------------------------------------

DESCRIBED = MEMBER_YAML.split("description:")[0] + "description: |\n"  # the text starts on line 11


def test_a_link_without_words_is_an_error_where_it_is_written(make_site, cli):
    site = make_site({M: DESCRIBED + "  We pull cable.\n  Read [](https://acme.example.com/blog) and [ ](/join/).\n"})
    code, lines = check(cli, site)
    assert code == 1
    assert lines == [
        f"{M}:12:8: error: the link to https://acme.example.com/blog has no text: people using a screen reader hear "
        "only 'link' — write the words to show between the brackets: [what it links to]"
        "(https://acme.example.com/blog)",
        f"{M}:12:46: error: the link to /join/ has no text: people using a screen reader hear only 'link' — "
        "write the words to show between the brackets: [what it links to](/join/)"]


def test_an_image_from_another_site_is_an_error_where_it_is_written(make_site, cli):
    site = make_site({M: DESCRIBED + "  We pull cable.\n\n  Our van: ![](https://tracker.example/p.png)\n"})
    assert check(cli, site)[1] == [
        f"{M}:13:12: error: the image https://tracker.example/p.png is loaded from another site, which can follow "
        "readers and may vanish — save the image in the site's templates/static/ folder and write "
        "![what it shows](/static/name.png), or leave it out"]


def test_an_image_without_a_description_is_an_error_and_one_with_one_passes(make_site, cli):
    site = make_site({M: DESCRIBED + "  ![](/static/van.png) and ![Our van](/static/van.png)\n",
                      "templates/static/van.png": PNG}, templates=False)
    assert check(cli, site)[1] == [
        f"{M}:11:3: error: the image has no description (alt text) for people who cannot see it — describe it "
        "between the brackets: ![what the image shows](/static/van.png)"]


def test_markdown_problems_in_an_article_are_at_their_line_in_the_file(make_site, cli):
    article = ("---\ntitle: Hello members\ndate: 2026-10-01\nauthor: Staff\nsummary: First post.\n---\n"
               "Welcome.\n\nSee [](https://example.org/) here.\n")
    site = make_site({"content/articles/hello-members.md": article})
    assert [line.split(" — ")[0] for line in check(cli, site)[1]] == [
        "content/articles/hello-members.md:9:5: error: the link to https://example.org/ has no text: people using a "
        "screen reader hear only 'link'"]


def test_raw_html_is_a_warning_that_it_is_shown_as_text(make_site, cli):
    site = make_site({M: DESCRIBED + "  We pull <b>cable</b>.\n\n  <div>\n  A box.\n  </div>\n\n"
                                     "  Code `<b>` and <https://acme.example.com/> are fine.\n"})
    code, lines = check(cli, site, "warning")
    assert code == 0
    assert lines == [
        f"{M}:11:11: warning: HTML is not allowed here: '<b>' is shown as text — write **bold** instead",
        f"{M}:13:3: warning: HTML is not allowed here: '<div>' is shown as text — use Markdown instead: **bold**, "
        "*italic*, [words](https://…), '- ' lists"]
    page = (make_site({M: DESCRIBED + "  We pull <b>cable</b>.\n"}))
    res = cli("build", "-s", str(page), "--as-of", AS_OF)
    assert res.returncode == 0, res.stderr
    assert "We pull &lt;b&gt;cable&lt;/b&gt;." in (page / "output/members/acme-networks/index.html").read_text()


def test_a_vendor_benefit_details_with_html_warns_at_its_line(make_site, cli):
    vendor = VENDOR_YAML + "    details: |\n      Call <i>now</i>.\n"
    site = make_site({"vendors/sonicwall.yaml": vendor})
    assert check(cli, site, "warning")[1] == [
        "vendors/sonicwall.yaml:8:12: warning: HTML is not allowed here: '<i>' is shown as text — write *italic* "
        "instead"]


def test_markdown_problems_of_a_record_with_other_errors_are_reported_in_the_same_run(make_site, cli):
    text = (edit("state: CA", "state: Calif.", DESCRIBED)
            + "  We pull <b>cable</b>, see [](https://acme.example.com/).\n")
    site = make_site({M: text})
    code, lines = check(cli, site)
    assert code == 1
    assert [line.split(" — ")[0] for line in lines] == [
        f"{M}:5:8: error: state: unknown US state code 'Calif.'",
        f"{M}:11:29: error: the link to https://acme.example.com/ has no text: people using a screen reader hear "
        "only 'link'"]
    assert [line.split(" — ")[0] for line in check(cli, site, "warning")[1]] == [
        f"{M}:11:11: warning: HTML is not allowed here: '<b>' is shown as text"]


def test_markdown_problems_of_an_article_with_bad_front_matter_are_reported_too(make_site, cli):
    article = "---\ntitle: Hello members\ndate: someday\nauthor: Staff\nsummary: First post.\n---\nSee [](/join/).\n"
    site = make_site({"content/articles/hello-members.md": article})
    assert [line.split(" — ")[0] for line in check(cli, site)[1]] == [
        "content/articles/hello-members.md:3:7: error: date: expected a date (YYYY-MM-DD) or a local date-time "
        "(YYYY-MM-DDTHH:MM), found 'someday'",
        "content/articles/hello-members.md:7:5: error: the link to /join/ has no text: people using a screen reader "
        "hear only 'link'"]
