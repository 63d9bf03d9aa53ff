"""The words of the site: one spelling (US), typographic quotes and dashes in Markdown that
leave code and addresses alone, breadcrumbs and navigation that agree, no doubled period."""
from __future__ import annotations

import re

import lxml.html
import pytest

from conftest import AS_OF, REPO, build_ok
from smbsite import api
from smbsite.core.markdown import MarkdownRenderer

BRITISH = re.compile(r"\b(programmes?|customis\w+|colours?|organis\w+|centres?|licences?|catalogue|specialis(e|es|ed|ing)"
                     r"|enrolment|neighbour\w*|honour\w*|ageing|labelling|travelling|favourite|behaviour)\b", re.I)


def words(el) -> str:
    return " ".join(el.text_content().split())


@pytest.fixture(scope="module")
def bundled_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("copy") / "out"
    assert api.build(REPO, out, as_of=AS_OF).ok
    return out


def pages(out):
    for file in sorted(out.rglob("*.html")):
        if "pagefind" not in file.parts:
            yield file, lxml.html.parse(str(file)).getroot()


def test_the_bundled_site_speaks_us_english_and_never_doubles_a_period(bundled_out):
    for file, doc in pages(bundled_out):
        text = words(doc)
        assert not BRITISH.search(text), (file, BRITISH.search(text).group())
        assert not re.search(r"\w\.\.(?!\.)", text.replace("../", "")), (file, re.search(r".{20}\w\.\.(?!\.).{5}", text))


def test_theme_and_bundled_content_files_use_us_spelling():
    files = [*REPO.glob("content/*/*.md"), *REPO.glob("*s/*.yaml"), REPO / "site.yaml",
             *(REPO / "smbsite" / "theme").glob("*.html"), *(REPO / "smbsite" / "starter").rglob("*.md"),
             *(REPO / "smbsite" / "starter").rglob("*.yaml")]
    assert len(files) > 50
    for file in files:
        found = BRITISH.search(file.read_text(encoding="utf-8"))
        assert found is None, (file, found and found.group())


def test_markdown_has_typographic_quotes_and_dashes_but_keeps_code_addresses_and_html_as_written():
    md = MarkdownRenderer("/")
    html = md.html('She said "we\'re in" -- then left --- twice...')
    assert html == "<p>She said “we’re in” – then left — twice…</p>\n"
    code = md.html('Run `say "hi" -- now` or\n\n```\n"block" -- x\n```')
    assert '<code>say &quot;hi&quot; -- now</code>' in code and '&quot;block&quot; -- x' in code
    linked = md.html('See "https://example.org/a--b\'c" or write to a--b@example.org, [our "work"](https://example.org/x--y).')
    doc = lxml.html.fragment_fromstring(linked, create_parent="div")
    assert [a.get("href") for a in doc.iter("a")] == ["https://example.org/a--b'c", "mailto:a--b@example.org",
                                                        "https://example.org/x--y"]
    assert [a.text_content() for a in doc.iter("a")] == ["https://example.org/a--b'c", "a--b@example.org", "our “work”"]
    raw = md.html('<b onclick="x()">bold</b> <script>alert(1)</script>')
    assert "<b" not in raw and "<script" not in raw and "&lt;script&gt;" in raw


def test_radio_episodes_are_filed_under_radio_in_breadcrumbs_and_navigation(bundled_out):
    doc = lxml.html.parse(str(bundled_out / "events" / "radio-pilot" / "index.html")).getroot()
    crumbs = [(a.text_content(), a.get("href")) for a in doc.xpath("//nav[@aria-label='Breadcrumb']//a")]
    assert crumbs == [("Home", "/"), ("Radio show", "/radio/")]
    assert [a.text_content() for a in doc.xpath("//nav[@aria-label='Main']//a[@aria-current]")] == ["Radio"]
    other = lxml.html.parse(str(bundled_out / "events" / "smbtn-conference-2027" / "index.html")).getroot()
    assert [a.text_content() for a in other.xpath("//nav[@aria-label='Breadcrumb']//a")] == ["Home", "Events"]
    assert [a.text_content() for a in other.xpath("//nav[@aria-label='Main']//a[@aria-current]")] == ["Events"]


def test_a_name_ending_in_a_period_ends_a_sentence_once(make_site):
    member = ("name: Far Reach Co.\nsummary: Remote CRM work.\njoined: 2024-01-01\ncity: Seattle\nstate: WA\n"
              "serves: [nationwide]\nspecialties: [microsoft-crm]\n")
    out = build_ok(make_site, {"members/far-reach-co.yaml": member})
    for path in ("partners", "regions", "partners/microsoft-crm"):
        text = words(lxml.html.parse(str(out / path / "index.html")).getroot())
        assert "Far Reach Co." in text and "Co.." not in text, path


# Words that only make sense to another IT provider: on pages a business reads, they belong in
# a part that says it is for members.
TO_PROVIDERS = re.compile(r"\byour (clients?|customers?)\b|\bsubcontract|\bunder your name\b|\bresell", re.I)


def test_member_pages_speak_to_businesses_and_say_plainly_what_is_for_members(bundled_out):
    members = sorted((bundled_out / "members").glob("*/index.html"))
    assert len(members) > 30
    for file in members:
        doc = lxml.html.parse(str(file)).getroot()
        for p in doc.xpath("//div[@class='prose']//p | //div[@class='prose']//li | //p[@class='lead']"):
            text = words(p)
            if TO_PROVIDERS.search(text):
                block = p if p.tag == "p" else p.xpath("ancestor::*[self::ol or self::ul][1]/preceding-sibling::p[1]")[0]
                assert words(block).startswith("For other members:"), (file.parent.name, text)


@pytest.mark.parametrize("path", ["partners", "partners/cabling", "regions/nv"])
def test_finder_pages_speak_to_businesses_and_name_the_partner_side(bundled_out, path):
    doc = lxml.html.parse(str(bundled_out / path / "index.html")).getroot()
    text = words(doc.xpath("//main")[0])
    assert "open to partner work" not in text  # a business does not know what that means for it
    assert "Members looking for a partner to subcontract:" in text
    assert "call" in text.lower()


def test_short_texts_from_yaml_get_the_quotes_and_dashes_of_markdown_but_addresses_stay(make_site):
    from conftest import MEMBER_YAML, SITE_YAML
    site = (SITE_YAML.replace("tagline: Testing, together", "tagline: \"IT shops that don't go it alone -- together\"")
            + "contact: {email: o'neil--office@example.org, phone: \"(916) 555-0100\", "
              "address: \"1107 Ninth St -- Suite 410, Sacramento\"}\n"
            + "home:\n  quote:\n    text: \"We don't do security -- so we call a member.\"\n    member: acme-networks\n")
    member = (MEMBER_YAML.replace("name: Acme Networks", "name: \"Acme's Networks -- West\"")
              .replace("summary: Cabling and web sites for small offices.",
                       "summary: \"The \\\"last-mile\\\" crew -- call (559) 555-0142 -- or see https://acme.example.com/a--b's.\""))
    out = build_ok(make_site, {"site.yaml": site, "members/acme-networks.yaml": member})
    home = lxml.html.parse(str(out / "index.html")).getroot()
    assert words(home.xpath("//blockquote")[0]) == "We don’t do security – so we call a member."
    assert words(home.xpath("//h1")[0]) == "IT shops that don’t go it alone – together"
    summary = "The “last-mile” crew – call (559) 555-0142 – or see https://acme.example.com/a--b's."
    page = lxml.html.parse(str(out / "members" / "acme-networks" / "index.html")).getroot()
    assert words(page.xpath("//p[@class='lead']")[0]) == summary
    assert words(page.xpath("//h1")[0]) == "Acme's Networks -- West"  # a name is as its owner writes it
    import json
    row = json.loads((out / "members.json").read_text(encoding="utf-8"))["members"][0]
    assert row["summary"] == summary and row["name"] == "Acme's Networks -- West"
    # the footer's address, phone and email are as written
    footer = words(page.xpath("//footer")[0])
    assert "1107 Ninth St -- Suite 410" in footer and "(916) 555-0100" in footer and "o'neil--office@example.org" in footer


def test_typographic_sets_prose_and_leaves_addresses_numbers_and_markup_characters():
    from smbsite.core.markdown import typographic
    assert typographic("We don't -- won't --- can't... (c)") == "We don’t – won’t — can’t… ©"
    assert typographic('Say "hi" to *everyone* at 1_000 sites') == "Say “hi” to *everyone* at 1_000 sites"
    kept = "Write to a--b@example.org, call +1 (916) 555-0100 or open 'https://example.org/x--y'"
    assert typographic(kept) == kept
    assert typographic("<b>&amp;</b>") == "<b>&amp;</b>"  # plain text: nothing is HTML


def test_every_page_of_the_bundled_site_shows_typographic_apostrophes_quotes_and_dashes(bundled_out):
    straight = re.compile(r"[A-Za-z]'[A-Za-z]|\"| -- ")
    for file, doc in pages(bundled_out):
        for code in doc.xpath("//code|//pre|//script|//style|//textarea"):
            code.drop_tree()  # written to be copied: as typed
        text = words(doc)
        found = straight.search(text)
        assert found is None, (file.relative_to(bundled_out), text[max(0, found.start() - 30):found.end() + 30])


def test_the_forms_own_words_use_typographic_apostrophes():
    """The add-company form's messages are shown only after a mistake, so no built page holds them:
    they are read from the table the page's script gets."""
    from smbsite.kinds.addform import ALREADY_LISTED, WORDS
    texts = [*ALREADY_LISTED.values(), *(t for rules in WORDS.values() for t in rules.values())]
    assert len(texts) > 20
    straight = [t for t in texts if "'" in t or '"' in t]
    assert straight == []
