"""Markdown of records and articles: no raw HTML, safe links only, links under the base
path, and every link's position in the file (also inside folded or quoted YAML)."""
from __future__ import annotations

import lxml.html
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from smbsite.core.markdown import LazyHtml, MarkdownRenderer, needs_link_check
from smbsite.reading.sourcemap import source_mapper
from smbsite.reading.yamlpos import parse_yaml


@pytest.fixture(scope="module")
def md() -> MarkdownRenderer:
    return MarkdownRenderer("/net/")


def hrefs(html: str) -> list[str]:
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    return [a.get("href") for a in doc.iter("a")] + [i.get("src") for i in doc.iter("img")]


# --- raw HTML and link schemes ----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    "Hello <b onclick=\"alert(1)\">there</b>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<!-- comment --><iframe src=\"https://evil.example\"></iframe>",
])
def test_raw_html_is_shown_as_text(md, text):
    html = md.render(text).html
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    # a web address written inside the text may become a plain link to itself, nothing else
    assert [el.tag for el in doc.iter() if el.tag != "a"] == ["div", "p"]
    assert all(a.get("href") == a.text and a.text.startswith("https://") and list(a.attrib) == ["href", "data-bare"]
               for a in doc.iter("a"))
    # shown as written, but for the typographer's quotes and dashes
    shown = doc.text_content().strip()
    assert shown.translate(str.maketrans("“”‘’", "\"\"''")).replace("–", "--") == text


@pytest.mark.parametrize("url", ["https://example.org/x", "http://example.org", "mailto:info@example.org",
                                 "tel:+15550100199", "#section", "other-page/", "MAILTO:a@b.org"])
def test_safe_links_survive(md, url):
    rendered = md.render(f"[x]({url})")
    assert hrefs(rendered.html) == [url]
    assert rendered.unsafe == []


@pytest.mark.parametrize("markdown,reported", [
    ("[x](javascript:alert(1))", "javascript:alert(1)"),
    ("[x](JaVaScRiPt:alert(1))", "JaVaScRiPt:alert(1)"),
    ("[x](&#106;avascript:alert(1))", "javascript:alert(1)"),
    ("[x](vbscript:msgbox)", "vbscript:msgbox"),
    ("[x](data:text/html,hi)", "data:text/html,hi"),
    ("![x](data:image/png;base64,AAAA)", "data:image/png;base64,AAAA"),
    ("[x](file:///etc/passwd)", "file:///etc/passwd"),
    ("[x](//evil.example/)", "//evil.example/"),
    ("<javascript:alert(1)>", "javascript:alert(1)"),
    ("[x][r]\n\n[r]: javascript:alert(1)", "javascript:alert(1)"),
    ("> [r]: javascript:alert(1)\n> [x][r]", "javascript:alert(1)"),
])
def test_unsafe_links_are_dropped_and_reported(md, markdown, reported):
    rendered = md.render(markdown)
    assert hrefs(rendered.html) in ([], [None])  # left as text, not a link
    assert [link.target for link in rendered.unsafe] == [reported]
    assert needs_link_check(markdown)


def test_site_links_move_under_the_base_path(md):
    rendered = md.render("See [members](/members/?q=1#top) and ![logo](/static/logo.png).")
    assert hrefs(rendered.html) == ["/net/members/?q=1#top", "/net/static/logo.png"]
    assert [link.target for link in rendered.links] == ["/members/", "/static/logo.png"]


def test_tables_and_strikethrough_render(md):
    html = md.render("| a | b |\n|---|---|\n| [x](/y/) | ~~z~~ |\n").html
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    assert doc.find(".//table") is not None and doc.find(".//s") is not None


# --- link positions in the Markdown text ---------------------------------------------------

def test_link_positions_in_the_text(md):
    text = "First line\nsecond [a](/one/) and\n[b](/two/)\n\n| t |\n|---|\n| [c](/three/) |\n\n[d]: /four/\n[e][d]\n"
    links = md.render(text).links
    assert [(link.target, link.line, link.col) for link in links] == [
        ("/one/", 2, 12), ("/two/", 3, 5), ("/three/", 7, 7), ("/four/", 9, 6)]


def test_the_same_link_twice_on_a_line_gets_two_positions(md):
    links = md.render("[a](/x/) or [b](/x/)").links
    assert [(link.line, link.col) for link in links] == [(1, 5), (1, 17)]


# --- from the Markdown text back to the YAML file -----------------------------------------

def file_position(doc: str, path: tuple, needle: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """(reported, expected) file position of the link to `needle` in the YAML value at path."""
    data, pos = parse_yaml(doc)
    value = data
    for part in path:
        value = value[part]
    rendered = MarkdownRenderer("/").render(value)
    link = next(link for link in rendered.links + rendered.unsafe if link.target.startswith(needle))
    to_file = source_mapper(*pos.value(path), pos.style(path), doc.splitlines())
    lines = doc.splitlines()
    expected = next((i + 1, line.index(needle) + 1) for i, line in enumerate(lines) if needle in line)
    return to_file(link.line, link.col), expected


@pytest.mark.parametrize("doc", [
    "description: See [x](/nope/) now\n",
    "description: See the\n  [x](/nope/) page\n",
    "description: 'It''s [x](/nope/)'\n",
    'description: "Say \\"hi\\" [x](/nope/)"\n',
    'description: "A long line \\\n  continued [x](/nope/)"\n',
    "description: |\n  Line one\n  see [x](/nope/)\n",
    "description: |-\n  one\n\n  two [x](/nope/)\n",
    "description: >\n  Line one\n  see [x](/nope/) now\n",
    "description: >\n  one\n\n  two\n  three [x](/nope/)\n",
    "description: |2\n    indented [x](/nope/)\n",
    "description: |\n  [ref]\n\n  [ref]: /nope/\n",
    "description: |\n  <javascript:alert(1)>\n",
])
def test_a_link_is_reported_where_it_is_written_in_the_yaml(doc):
    needle = "javascript:" if "javascript:" in doc else "/nope/"
    reported, expected = file_position(doc, ("description",), needle)
    assert reported == expected


def test_a_link_in_a_nested_block_is_reported_where_it_is_written():
    doc = "benefits:\n  - title: T\n    details: >-\n      Ask\n      [here](/nope/)\n"
    reported, expected = file_position(doc, ("benefits", 0, "details"), "/nope/")
    assert reported == expected == (5, 14)


YAML_TEXT = st.lists(st.sampled_from(list("ab [](/)#:'\"\\\n -x\t") + ["é", "[x](/p/)"]), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(value=YAML_TEXT, style=st.sampled_from([None, "'", '"', "|", ">"]),
       nested=st.booleans())
def test_every_character_of_a_yaml_string_maps_back_to_where_it_is_written(value, style, nested):
    """However PyYAML chose to write a value (plain, quoted, literal, folded, wrapped), the
    scan of the file gives back the value and each of its characters' places."""
    from smbsite.reading.sourcemap import _scalar_chars
    doc = {"a": [{"description": value}]} if nested else {"description": value}
    try:
        text = yaml.dump(doc, default_style=style, allow_unicode=True, width=24)
    except yaml.YAMLError:
        return
    data, pos = parse_yaml(text)
    path = ("a", 0, "description") if nested else ("description",)
    if (data["a"][0] if nested else data)["description"] != value:
        return  # PyYAML could not round-trip it; nothing to compare against
    lines = text.splitlines()
    chars = _scalar_chars(*pos.value(path), pos.style(path), lines)
    got = "".join(ch for ch, _ in chars)
    assert got.rstrip("\n") == value.rstrip("\n")
    for ch, (line, col) in chars:
        if ch not in "\n ":
            written = lines[line - 1][col - 1]
            assert written == ch or written == "\\", (text, ch, line, col)


# --- the pre-scan that skips parsing text without site links -----------------------------------

PIECES = st.sampled_from(["[", "]", "(", ")", "<", ">", ":", " ", "\n", "\n\n", "> ", "- ", "1. ", "    ", "/x/",
                          "javascript:", "data:", "#", "https://a.example", "x", "!", "[a]: ", "[a]", "\\", "`",
                          "&#106;", '"t"', "*", "|", "---"])


@settings(max_examples=1500, deadline=None)
@given(st.lists(PIECES, max_size=25).map("".join))
def test_text_the_pre_scan_skips_has_no_link_to_check(text):
    rendered = MarkdownRenderer("/").render(text)
    if rendered.links or rendered.unsafe:
        assert needs_link_check(text)


def test_plainly_external_links_need_no_parse():
    assert not needs_link_check("Visit [us](https://example.org) or mail <mailto:a@b.org>.")
    assert not needs_link_check("No links at all.")
    assert needs_link_check("Visit [us](/about/).")


def test_lazy_html_renders_when_shown():
    lazy = LazyHtml(MarkdownRenderer("/net/"), "Go [home](/)")
    assert bool(lazy)
    assert lazy.__html__() == '<p>Go <a href="/net/">home</a></p>\n'
    assert not LazyHtml(MarkdownRenderer("/"), "  \n")


# --- one rendering for every text: nothing differs between pages, nothing is lost -------------

WORD = st.integers(0, 999).map(lambda n: f"wq{n}z")  # each one must show in the page's text


def _inline(leaf):
    return st.one_of(
        leaf,
        leaf.map(lambda s: f"*{s}*"), leaf.map(lambda s: f"**{s}**"), leaf.map(lambda s: f"_{s}_"),
        leaf.map(lambda s: f"~~{s}~~"), WORD.map(lambda w: f"`{w}`"), WORD.map(lambda w: f"``a ` {w}``"),
        leaf.map(lambda s: f"[{s}](https://example.org/p)"), leaf.map(lambda s: f"[{s}](/members/)"),
        leaf.map(lambda s: f"[{s}][ref]"), st.just("<https://example.org/a>"), st.just("![pic](/i.png)"),
        st.sampled_from(["&amp;", "&copy;", "&#123;", "&#x1F600;", "&#0;", "&bogus;", "&", "<b>", "</div>",
                         "<!-- c -->", "<span class=x>", "\\*", "[`", "`", "*", "_", "~~", "[", "]", "<", ">",
                         "😀", "é", "\u00a0", "|", "#", "1.", "-"]),
    )


INLINE = st.recursive(WORD, _inline, max_leaves=6)
LINE = st.tuples(WORD, st.lists(INLINE, max_size=6)).map(lambda t: " ".join([t[0], *t[1]]))


def _wrap(prefix: str, block: str) -> str:
    first, *rest = block.split("\n")
    pad = " " * len(prefix)
    return "\n".join([prefix + first] + [(pad + line) if line and not prefix.startswith(">") else
                                         (prefix.rstrip() + " " + line if line else prefix.rstrip())
                                         for line in rest])


BLOCK = st.one_of(
    LINE,
    st.tuples(st.integers(1, 6), LINE).map(lambda t: "#" * t[0] + " " + t[1]),
    st.tuples(LINE, st.sampled_from(["===", "---"])).map(lambda t: f"{t[0]}\n{t[1]}"),
    WORD.map(lambda w: f"```\n{w} <x> &amp;\n```"), WORD.map(lambda w: f"~~~py\n{w}"),
    WORD.map(lambda w: f"    {w} *not em*"),
    st.lists(WORD, min_size=4, max_size=4).map(
        lambda w: f"| {w[0]} | {w[1]} |\n|:---|---:|\n| {w[2]} | {w[3]} |"),
    st.just("---"), st.just("[ref]: https://example.org/r 'Title'"),
)
# quotes and lists around a block, up to past the nesting limit
WRAPPED = st.tuples(st.lists(st.sampled_from(["> ", ">", "- ", "* ", "1. ", "2) "]), max_size=30), BLOCK).map(
    lambda t: __import__("functools").reduce(lambda b, p: _wrap(p, b), reversed(t[0]), t[1]))
MARKDOWN = st.lists(WRAPPED, min_size=1, max_size=5).map("\n\n".join)


@settings(max_examples=400, deadline=None)
@given(MARKDOWN)
def test_every_text_renders_the_same_on_every_path_and_loses_nothing(text):
    """Text with site links (parsed when the site is checked) and text without (rendered when
    a page shows it) give the same bytes; a word of the text is never dropped unless the text
    is reported as nested too deeply."""
    for base in ("/", "/net/"):
        md = MarkdownRenderer(base)
        careful = md.render(text)
        assert LazyHtml(MarkdownRenderer(base), text).__html__() == careful.html
    if careful.too_deep:
        return
    shown = lxml.html.fragment_fromstring(careful.html or "<p></p>", create_parent="div").text_content()
    for word in set(WORD_RE.findall(text)):
        assert word in shown, (word, text, careful.html)


WORD_RE = __import__("re").compile(r"wq\d+z")


@pytest.mark.parametrize("text", ["> " * 25 + "Deep", "> " * 25 + "Deep, see [us](/about/)", "- " * 24 + "Deep",
                                  "\n".join("  " * i + f"- level {i}" for i in range(24))])
def test_deeply_nested_text_renders_whole_with_or_without_site_links(text):
    md = MarkdownRenderer("/")
    rendered = md.render(text)
    assert rendered.too_deep == [] and md.html(text) == rendered.html
    doc = lxml.html.fragment_fromstring(rendered.html, create_parent="div")
    assert "Deep" in doc.text_content() or "level 23" in doc.text_content()
    assert len(doc.xpath("//blockquote")) == text.count(">") and len(doc.xpath("//ul")) == text.count("-")


def test_text_nested_past_the_limit_is_reported_where_it_starts():
    from smbsite.core.markdown import MAX_NESTING, may_nest_too_deep
    text = "Intro\n\n" + "> " * (MAX_NESTING + 5) + "hidden"
    assert may_nest_too_deep(text)
    assert MarkdownRenderer("/").render(text).too_deep == [(3, 2 * MAX_NESTING + 1)]
    lists = "\n".join("  " * i + f"- level {i}" for i in range(MAX_NESTING // 2 + 1))
    # the 25th list inside a list opens at level 50: its text is where the rest is hidden
    assert MarkdownRenderer("/").render(lists).too_deep == [(MAX_NESTING // 2, MAX_NESTING + 1)]
    assert not may_nest_too_deep("> " * 10 + "fine\n" + "    code\n")


@pytest.mark.parametrize("text", ["We pull [`cable.", "[`", "😀 _wide_ ~~struck~~", "a\n:-", "```\ncode"])
def test_awkward_text_renders_without_a_crash(text):
    html = MarkdownRenderer("/").html(text)
    assert html == MarkdownRenderer("/").render(text).html and html


def test_records_nested_past_the_limit_are_errors_at_the_line_and_nothing_is_built(make_site):
    from conftest import AS_OF, ARTICLE_MD, MEMBER_YAML
    from smbsite import api
    from smbsite.core.markdown import MAX_NESTING

    deep = "> " * (MAX_NESTING + 2) + "hidden words"
    member = MEMBER_YAML.replace("  We pull cable. See [joining](/join/).\n", f"  Intro.\n\n  {deep}\n")
    article = ARTICLE_MD + "\n" + "\n".join("  " * i + f"- level {i}" for i in range(MAX_NESTING // 2 + 2)) + "\n"
    site = make_site({"members/acme-networks.yaml": member, "content/articles/hello-members.md": article})
    result = api.build(site, site / "output", as_of=AS_OF)
    found = [(p.path, p.line, p.col) for p in result.errors]
    assert found == [("content/articles/hello-members.md", 8 + MAX_NESTING // 2, MAX_NESTING + 1),
                     ("members/acme-networks.yaml", 13, 2 * MAX_NESTING + 3)]
    assert all("nested more than" in p.message and p.hint for p in result.errors)
    assert not (site / "output").exists()


def test_a_record_with_an_unclosed_code_span_in_a_link_builds(make_site):
    from conftest import AS_OF, MEMBER_YAML
    from smbsite import api

    member = MEMBER_YAML.replace("  We pull cable. See [joining](/join/).\n", "  We pull [`cable.\n")
    site = make_site({"members/acme-networks.yaml": member})
    result = api.build(site, site / "output", as_of=AS_OF)
    assert result.ok, [p.text() for p in result.problems]
    page = (site / "output" / "members" / "acme-networks" / "index.html").read_text()
    assert "We pull [`cable." in page
