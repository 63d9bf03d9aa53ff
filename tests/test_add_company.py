"""The "Add your company" page: a form that writes a member record in the browser and opens GitHub's editor.

What the form accepts must pass `smbsite check` and build a member page; what it
refuses it explains in the check's own words. The browser tests fill the form in
Chromium, catch the navigation to GitHub and check the record it carries.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
import yaml

from conftest import AS_OF, REPO, SITE_YAML
from smbsite import api
from smbsite.kinds import addform
from smbsite.kinds.addform import ALREADY_LISTED, FIELDS, WORDS, field_rules
from smbsite.model.records import MemberRecord
from smbsite.core.slugify import slugify
from conftest import AXE_TAGS, BASE, BASE_URL, Served, need_axe, watch_errors

REPOSITORY = "https://github.com/smbtn/website"
FORM_SITE = SITE_YAML + f"repository: {REPOSITORY}\n"

RULE_OF_PATTERN = {"website": "url", "email": "email", "phone": "phone"}  # the rule each pattern holds


def rules_broken(name: str) -> set[str]:
    """Every rule the form must word for a field: what the check enforces on it (WORDS must
    have a message for each, and the tests below make the check and the form refuse each)."""
    rule = addform.field_rules()[name]
    kinds: set[str] = set()
    if rule["required"] and name not in addform.DEFAULTS:
        kinds.add("too_few" if rule["kind"] == "list" else "missing")
    if rule.get("minItems") and rule["kind"] == "list":
        kinds.add("too_few")
    if "maxItems" in rule:
        kinds.add("too_many")
    if "maxLength" in rule:
        kinds.add("too_long")
    if rule["kind"] == "text":
        kinds.add("invisible")
    if rule["oneLine"]:
        kinds.add("one_line")
    if rule["placeholder"] and rule["kind"] == "text":
        kinds.add("placeholder")
    if "pattern" in rule:
        kinds.add(RULE_OF_PATTERN[name])
    if rule["kind"] == "integer":
        kinds |= {"whole", "positive"} if "minimum" in rule else {"whole"}
    if rule["kind"] == "date":
        kinds |= {"date", "date_range"} if "dateMin" in rule else {"date"}
    return kinds


def built(make_site, files: dict | None = None) -> Path:
    site = make_site(files or {})
    result = api.build(site, site / "output", as_of=AS_OF)
    assert result.ok, [str(p) for p in result.problems]
    return site / "output"


def form_page(out: Path):
    return lxml.html.parse(str(out / "add-your-company" / "index.html")).getroot()


# --- the page ---------------------------------------------------------------------------------

def test_page_is_built_only_when_site_yaml_names_the_repository(make_site):
    assert not (built(make_site) / "add-your-company").exists()
    out = built(make_site, {"site.yaml": FORM_SITE})
    assert (out / "add-your-company" / "index.html").is_file()
    assert "/add-your-company/" in (out / "sitemap.xml").read_text()


def test_form_controls_are_named_after_the_record_fields(make_site):
    doc = form_page(built(make_site, {"site.yaml": FORM_SITE}))
    form = doc.get_element_by_id("add-company")
    names = [el.get("name") for el in form.iter("input", "select", "textarea")]
    assert list(dict.fromkeys(names)) == ["name", "summary", "joined", "city", "state", "serves", "specialties",
                                          "vendors", "website", "email", "phone", "employees", "description"]
    assert set(names) <= set(MemberRecord.model_fields)
    # every control has a visible label
    for el in form.iter("input", "select", "textarea"):
        assert form.xpath(f".//label[@for='{el.get('id')}']"), el.get("id")
    # state: every code, named
    options = {o.get("value"): o.text for o in form.xpath(".//select[@name='state']/option") if o.get("value")}
    assert len(options) == 56 and options["CA"] == "California (CA)" and options["PR"] == "Puerto Rico (PR)"
    # specialties: the site's vocabulary, with its labels, in a fieldset with a legend
    group = form.get_element_by_id("f-specialties")
    assert group.tag == "fieldset" and group.find("legend").text_content().startswith("Specialties")
    boxes = group.xpath(".//input[@type='checkbox']")
    assert [b.get("value") for b in boxes] == ["cabling", "web-development", "microsoft-crm"]
    assert form.xpath(".//label[@for='f-specialty-cabling']")[0].text_content().startswith("Structured cabling")
    # vendors: the vendor records
    assert [b.get("value") for b in form.xpath(".//input[@name='vendors']")] == ["sonicwall"]
    assert form.xpath(".//label[@for='f-vendor-sonicwall']")[0].text_content() == "Sonicwall"
    # where else the company works: anywhere, or any state by name
    served = {b.get("value"): form.xpath(f".//label[@for='{b.get('id')}']")[0].text_content()
              for b in form.xpath(".//input[@name='serves']")}
    assert served["nationwide"] == "We work with clients anywhere (remote work)"
    assert len(served) == 57 and served["NV"] == "Nevada"
    assert form.get_element_by_id("f-website").get("type") == "url"
    assert form.get_element_by_id("f-email").get("type") == "email"


def test_form_limits_are_the_content_models():
    def constraint(field: str, attr: str):
        for meta in MemberRecord.model_fields[field].metadata:
            if getattr(meta, attr, None) is not None:
                return getattr(meta, attr)
            for inner in getattr(meta, "metadata", []) or []:
                if getattr(inner, attr, None) is not None:
                    return getattr(inner, attr)
        return None

    rules = field_rules()
    assert rules["name"]["maxLength"] == constraint("name", "max_length") == 120
    assert rules["summary"]["maxLength"] == constraint("summary", "max_length") == 200
    assert (rules["specialties"]["minItems"], rules["specialties"]["maxItems"]) == (
        constraint("specialties", "min_length"), constraint("specialties", "max_length")) == (1, 8)
    assert rules["employees"]["minimum"] == 1
    required = {name for name, f in MemberRecord.model_fields.items() if f.is_required()}
    assert {name for name, r in rules.items() if r["required"]} == required
    assert re.match(rules["website"]["pattern"], "https://acme.example.com")
    assert not re.match(rules["website"]["pattern"], "ftp://acme.example.com")


def test_page_says_how_to_add_a_logo_and_what_to_do_when_already_listed(make_site):
    doc = form_page(built(make_site, {"site.yaml": FORM_SITE}))
    text = " ".join(doc.text_content().split())
    assert "Adding a logo" in text and "at most 512 KB" in text and "logo: your-company.png" in text
    assert "Already listed?" in text and "Edit this file" in text
    assert "This form is for member companies." in text
    assert doc.xpath("//p[@id='not-a-member']//a/@href") == ["/net/join/"]  # applicants apply there
    assert "Member since (optional)" in text and "Today’s date is filled in" in text
    # the logo is the second step, linked from the confirmation: GitHub's upload page for the members folder
    assert doc.xpath("//section[@id='add-result']//a[@id='add-logo-link']/@href") == [
        f"{REPOSITORY}/upload/main/members"]
    links = [a.get("href") for a in doc.iter("a")]
    assert f"{REPOSITORY}/tree/main/members" in links
    assert f"{REPOSITORY}/new/main/members" in links  # the route without JavaScript


def test_branch_and_repository_come_from_site_yaml(make_site):
    out = built(make_site, {"site.yaml": FORM_SITE.replace(REPOSITORY, REPOSITORY + ".git")
                            + "branch: site/listings\n"})
    script = json.loads(form_page(out).get_element_by_id("add-company-rules").text)
    assert script["newFile"] == f"{REPOSITORY}/new/site/listings"


def test_a_repository_that_is_not_a_web_address_is_refused(make_site, cli):
    site = make_site({"site.yaml": SITE_YAML + "repository: smbtn/website\nbranch: my branch\n"})
    res = cli("check", "-s", str(site), "--as-of", AS_OF)
    line = SITE_YAML.count("\n") + 1
    assert res.returncode == 1
    assert (f"site.yaml:{line}:13: error: repository: expected the repository's web address, like "
            "https://github.com/smbtn/website, found 'smbtn/website'") in res.stderr
    assert (f"site.yaml:{line + 1}:9: error: branch: expected a branch name such as main, found 'my branch'"
            in res.stderr)


# --- the form's words and the check's rules ------------------------------------------------------

GOOD = {"name": "Basalt Data Works", "summary": "Backups for farms.", "joined": "2026-10-01", "city": "Yakima",
        "state": "WA", "specialties": ["cabling"]}

# One mistake per rule the check applies to a field the form asks for: (field, rule, value as typed).
MISTAKES = [
    ("name", "missing", ""), ("name", "too_long", "N" * 121), ("name", "one_line", "Basalt\u2028Data"),
    ("name", "invisible", "Basalt\u0085Data"), ("name", "placeholder", "REPLACE ME Networks"),
    ("summary", "missing", ""), ("summary", "too_long", "x" * 216), ("summary", "one_line", "Backups\u2029for farms"),
    ("summary", "invisible", "Backups\x1cfor farms"), ("summary", "placeholder", "We do REPLACE ME."),
    ("joined", "date", "2026-13-01"), ("joined", "date_range", "2201-01-01"),
    ("city", "missing", ""), ("city", "one_line", "Yak\u2028ima"), ("city", "invisible", "Yak\ufdd0ima"),
    ("city", "placeholder", "REPLACE ME"), ("state", "missing", ""),
    ("specialties", "too_few", []), ("specialties", "too_many", ["cabling"] * 9),
    ("serves", "too_many", ["NV"] * 58), ("vendors", "too_many", ["sonicwall"] * 101),
    ("website", "url", "ftp://acme.example"), ("website", "invisible", "https://acme.example/\x07"),
    ("email", "email", "info(at)acme"), ("email", "invisible", "info\x9b@acme.example"),
    ("phone", "phone", "call us"), ("phone", "invisible", "+1 555 010\x7f 0199"),
    ("employees", "whole", "a dozen"), ("employees", "positive", "0"),
    ("description", "invisible", "We\ufffe back up farms."), ("description", "placeholder", "We do REPLACE ME."),
]
INSTRUCTION = re.compile(r"^(Enter|Choose|Remove|Write|Shorten|Replace|Use) ")


def record_yaml(fields: dict) -> str:
    """The record with every value double-quoted and escaped, as the form writes text (JSON is YAML)."""
    return "".join(f"{k}: {json.dumps(v)}\n" for k, v in fields.items())


def test_the_forms_words_are_one_instruction_for_each_rule_the_check_applies():
    for field in FIELDS:
        assert set(WORDS[field]) - {"no_slug"} == rules_broken(field), field
        for rule, words in WORDS[field].items():
            assert INSTRUCTION.match(words), (field, rule, words)
            assert not re.search(r"field|expected|found|'|_", words), (field, rule, words)
    assert {(f, r) for f, r, _ in MISTAKES} == {(f, r) for f in FIELDS for r in rules_broken(f)}
    assert WORDS["name"]["missing"] == "Enter your company name"
    assert WORDS["specialties"]["too_few"] == "Choose at least one specialty"
    assert WORDS["website"]["url"] == "Enter your web address, like https://example.com"
    # what the check enforces, read from the content model
    rules = field_rules()
    assert rules["joined"]["dateMin"] == "1900-01-01" and rules["joined"]["dateMax"] == "2200-12-31"
    assert rules["name"]["oneLine"] and rules["city"]["oneLine"] and not rules["description"]["oneLine"]


def check_problems(site: Path, slug: str) -> list[str]:
    return [p.message for p in api.check(site, as_of=AS_OF).errors if p.path == f"members/{slug}.yaml"]


@pytest.mark.parametrize("field, rule, value", MISTAKES, ids=[f"{f}-{r}" for f, r, _ in MISTAKES])
def test_the_check_refuses_each_mistake_the_form_words_at_its_field(make_site, field, rule, value):
    fields = {**GOOD, field: value}
    if value in ("", []) and field != "specialties":
        del fields[field]
    if field == "employees":
        fields[field] = int(value) if value.isdigit() else value
    said = check_problems(make_site({"members/basalt-data-works.yaml": record_yaml(fields)}), "basalt-data-works")
    assert said and all(m.startswith(f"{field}:") or f"'{field}'" in m for m in said), said


def test_join_needs_no_date_from_the_form():
    assert "missing" not in WORDS["joined"] and field_rules()["joined"]["default"] == "today"


# --- in the browser -------------------------------------------------------------------------------

@pytest.fixture
def form_site(make_site, tmp_path):
    """A fixture site with a repository, built under a base path and served; yields (site, served)."""
    site = make_site({"site.yaml": FORM_SITE})
    root = tmp_path / "served"
    out = root / BASE.strip("/")
    result = api.build(site, out, as_of=AS_OF, base_url=BASE_URL)
    assert result.ok, [str(p) for p in result.problems]
    served = Served(root)
    yield site, served
    served.stop()


@pytest.fixture
def pg(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = watch_errors(page)
    page.opened = []  # what the page asked GitHub for

    def github(route):
        page.opened.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>GitHub</title>")

    page.route("https://github.com/**", github)
    yield page
    context.close()
    assert errors == [], "the page logged errors"


def open_form(page, served):
    page.goto(served.url("/add-your-company/"))
    page.wait_for_selector("#add-company:not([hidden])")


def fill_form(page, **values):
    for name in ("name", "summary", "joined", "city", "website", "email", "phone", "employees", "description"):
        if name in values:
            page.fill(f"#f-{name}", values[name])
    if "state" in values:
        page.select_option("#f-state", values["state"])
    for code in values.get("serves", []):
        if code != "nationwide" and not page.is_visible(f"#f-serves-{code.lower()}"):
            page.click("details.serves-states summary")
        page.check(f"#f-serves-{code.lower()}")
    for key in values.get("specialties", []):
        page.check(f"#f-specialty-{key}")
    for slug in values.get("vendors", []):
        page.check(f"#f-vendor-{slug}")


def submit_and_catch(page) -> tuple[str, dict]:
    page.click("button[type=submit]")
    page.wait_for_function("() => document.title === 'GitHub'")
    assert len(page.opened) == 1
    url = urlsplit(page.opened[0])
    return url.path, {k: v[0] for k, v in parse_qs(url.query).items()}


NEW_COMPANY = {
    "name": "Zoë & O’Hara Networks: Cabling #1",
    "summary": "Cabling: fiber, copper & \"quoted\" runs — for offices # and clinics",
    "joined": "2026-10-01", "city": "Yakima", "state": "WA", "serves": ["NV", "WA", "AZ"],
    "specialties": ["cabling", "microsoft-crm"],
    "vendors": ["sonicwall"], "website": "https://zoe-ohara.example.com", "email": "info@zoe-ohara.example.com",
    "phone": "+1 509 555 0142", "employees": "012",
    "description": "  Indented first line.\n\nWe pull cable: *fast*.\n\n- yes\n- no: maybe\n\n"
                   "See [our work](https://zoe-ohara.example.com/work).\n---\n# not a comment\n\n\n",
}


@pytest.mark.browser
def test_filled_form_opens_githubs_editor_with_a_record_that_checks_and_builds(pg, form_site):
    site, served = form_site
    open_form(pg, served)
    fill_form(pg, **NEW_COMPANY)
    path, query = submit_and_catch(pg)
    slug = slugify(NEW_COMPANY["name"])
    assert slug == "zoe-and-ohara-networks-cabling-1"
    assert path == "/smbtn/website/new/main"
    assert query["filename"] == f"members/{slug}.yaml"
    text = query["value"]
    assert text.startswith("# yaml-language-server: $schema=../schemas/member.schema.json\n")
    data = yaml.safe_load(text)
    assert list(data) == ["name", "summary", "joined", "city", "state", "serves", "specialties", "vendors",
                          "website", "email", "phone", "employees", "description"]
    assert data["serves"] == ["AZ", "NV"]  # its own state is where it is based, not served besides
    assert data["name"] == NEW_COMPANY["name"] and data["summary"] == NEW_COMPANY["summary"]
    assert data["employees"] == 12 and data["specialties"] == ["cabling", "microsoft-crm"]
    assert data["description"].startswith("  Indented first line.\n\nWe pull cable")
    # the record, as GitHub would commit it: the check passes and the build makes its page
    (site / "members" / f"{slug}.yaml").write_text(text, encoding="utf-8")
    checked = api.check(site, as_of=AS_OF)
    assert checked.ok and not [p for p in checked.problems if slug in p.path], [str(p) for p in checked.problems]
    out = site / "output"
    assert api.build(site, out, as_of=AS_OF).ok
    page = lxml.html.parse(str(out / "members" / slug / "index.html")).getroot()
    assert page.find(".//h1").text_content() == NEW_COMPANY["name"]
    assert page.xpath("//a[@href='https://zoe-ohara.example.com/work']")


@pytest.mark.browser
def test_mistakes_are_listed_announced_and_shown_at_their_fields(pg, form_site):
    _, served = form_site
    open_form(pg, served)
    fill_form(pg, name="Basalt Data Works", summary="x" * 210, website="www.basalt.example", employees="0",
              specialties=["cabling", "web-development", "microsoft-crm"])
    pg.click("button[type=submit]")
    summary = pg.locator("#add-errors")
    assert summary.is_visible() and summary.get_attribute("role") == "alert"
    assert pg.evaluate("document.activeElement.id") == "add-errors"
    items = pg.locator("#add-errors-list li").all_inner_texts()
    assert items == [
        "Shorten your summary to 200 characters or fewer (it has 210).",
        "Enter the city where your company is based.",
        "Choose the state where your company is based.",
        "Enter a number of employees of at least 1.",
    ]
    # the web address was only missing its https://: the form added it, and shows it
    assert pg.input_value("#f-website") == "https://www.basalt.example"
    # "member since" is today's date unless changed
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", pg.input_value("#f-joined"))
    assert pg.opened == []
    # each field says it too, and points at its message
    summary_field = pg.locator("#f-summary")
    assert summary_field.get_attribute("aria-invalid") == "true"
    assert summary_field.get_attribute("aria-describedby") == "f-summary-hint f-summary-error"
    assert pg.inner_text("#f-summary-error") == items[0]
    # a link in the list moves to the field
    pg.click("#add-errors-list a >> nth=2")
    assert pg.evaluate("document.activeElement.id") == "f-state"
    # correcting a field clears its message at once
    pg.fill("#f-summary", "Backups and wireless.")
    assert not pg.locator("#f-summary-error").is_visible()
    assert pg.locator("#f-summary").get_attribute("aria-invalid") is None
    # too few specialties: the group says so
    for key in ("cabling", "web-development", "microsoft-crm"):
        pg.uncheck(f"#f-specialty-{key}")
    assert pg.inner_text("#f-specialties-error") == "Choose at least one specialty."
    assert "f-specialties-error" in pg.locator("#f-specialties").get_attribute("aria-describedby")


@pytest.mark.browser
def test_form_says_the_tables_words_for_each_mistake(pg, form_site):
    _, served = form_site
    open_form(pg, served)
    for field, rule, value in MISTAKES:
        got = pg.evaluate("([f, v]) => window.smbsiteAddCompany.checkTyped(f, v)", [field, value])
        assert got is not None and got["rule"] == rule, (field, value, got)
        assert got["text"].startswith(WORDS[field][rule].split("{")[0]), (field, got)


HOSTILE_CHARS = ["\u2028", "\u2029", "\u0085", "\u001c", "\u001f", "\ufdd0", "\ufdef", "\x07", "\x0c", "\x7f", "\x9b",
                 "\ufeff", "\ufffe", "\uffff", "\u200b", "\u202e", "\t", "\u00a0", "\u3000", "\U0001fffe", "\ufffd",
                 "REPLACE ME", "\n"]
TYPED = {"name": "Basalt Data Works", "summary": "Backups for farms.", "city": "Yakima",
         "description": "We back up farms.", "website": "https://basalt.example.com",
         "email": "info@basalt.example.com", "phone": "+1 509 555 0100"}


def unique(typed: dict, i: int) -> dict:
    """Case i's own name, web site and email, so that no two cases are the same company."""
    return {**typed, "name": f"{i} {typed['name']}",
            "website": typed["website"].replace("basalt", f"basalt{i}"),
            "email": typed["email"].replace("basalt", f"basalt{i}")}
OTHER = [("joined", v) for v in ("1899-12-31", "1900-01-01", "2200-12-31", "2201-01-01", "0999-01-01", "9999-12-31",
                                 "2026-02-29", "2024-02-29", "2026-1-01")] + \
        [("employees", v) for v in ("0", "-1", "+5", "007", "99999999999999999999999", "1e3", "12.0", " 12 ", "١٢")] + \
        [("website", v) for v in ("acme.example.com", "www.acme.example", "https://a.example/\ufeffx",
                                  "https://a.example\u00a0/x", "http://x", "ftp://a.example", "https://a.example/ x",
                                  "https://a.example/\u0085")] + \
        [("email", v) for v in ("a@b.example", "a b@c.example", "a@b.c", "\ufeffa@b.example")] + \
        [("phone", v) for v in ("555 0100", "+1 (509) 555-0100 ext. 12", "+1 509 555 0100\u3000x12", "١٢٣٤٥٦٧٨")]


def hostile_values():
    cases = list(OTHER)
    for field, base in TYPED.items():
        for ch in HOSTILE_CHARS:
            cases += [(field, base[:4] + ch + base[4:]), (field, base + ch), (field, ch + base)]
    return cases


@pytest.mark.browser
def test_form_and_check_agree_on_every_hostile_value(pg, form_site, make_site):
    """Each value goes through the form as typed: the form accepts it exactly when the record the
    form writes for it passes the check (one site, one record per value)."""
    _, served = form_site
    open_form(pg, served)
    cases = hostile_values()
    files, verdicts = {}, {}
    for i, (field, value) in enumerate(cases):
        typed = {**TYPED, "joined": "2020-01-01", "state": "WA", "specialties": ["cabling"], field: value}
        typed = unique(typed, i)
        got = pg.evaluate("([f, v, all]) => [window.smbsiteAddCompany.checkTyped(f, v),"
                          " window.smbsiteAddCompany.write(all)]", [field, typed[field], typed])
        verdicts[f"case-{i}"] = got[0] is None
        files[f"members/case-{i}.yaml"] = got[1]
    site = make_site({**files, "members/acme-networks.yaml": None})
    refused: dict[str, list[str]] = {}
    for p in api.check(site, as_of=AS_OF).errors:
        refused.setdefault(p.path.split("/")[-1].removesuffix(".yaml"), []).append(p.message)
    disagree = [(cases[int(slug[5:])], "form accepts" if ok else "form refuses", refused.get(slug))
                for slug, ok in verdicts.items() if ok == (slug in refused)]
    assert disagree == [], "\n".join(map(repr, disagree))
    assert sum(verdicts.values()) > 50 and len(refused) > 50  # both sides of the line are tried


@pytest.mark.browser
def test_a_company_already_listed_is_sent_to_its_file(pg, form_site):
    _, served = form_site
    open_form(pg, served)
    fill_form(pg, **{**GOOD, "name": "acme networks", "specialties": ["cabling"]})
    pg.click("button[type=submit]")
    pg.wait_for_selector("#f-name-error:not([hidden])")
    assert pg.inner_text("#f-name-error") == "Acme Networks is already listed: See its listing or Change it in GitHub’s editor."
    links = pg.eval_on_selector_all("#f-name-error a", "as => as.map(a => a.getAttribute('href'))")
    assert links == [BASE + "members/acme-networks/", f"{REPOSITORY}/edit/main/members/acme-networks.yaml"]
    assert ALREADY_LISTED["exists"] == "{name} is already listed"
    assert pg.opened == []


@pytest.mark.browser
def test_a_record_too_long_for_a_link_is_shown_to_copy(pg, form_site):
    _, served = form_site
    open_form(pg, served)
    fill_form(pg, **{**GOOD, "description": "Long text. " * 1000})
    pg.click("button[type=submit]")
    pg.wait_for_selector("#add-result:not([hidden])")
    assert "too long" in pg.inner_text("#add-status") and pg.opened == []
    record = yaml.safe_load(pg.inner_text("#add-record"))
    assert record["description"].startswith("Long text.")
    href = pg.get_attribute("#add-open", "href")
    assert href == f"{REPOSITORY}/new/main?filename=members%2Fbasalt-data-works.yaml"
    # the logo instructions name the member's own file
    assert pg.locator(".slug-example").all_inner_texts() == ["basalt-data-works"] * 4


NAMES = ["Zürich Systèmes", "Ørsted & Sons", "O'Brien’s IT", "ﬁber ﬂow", "Straße Networks", "  --Acme--  ",
         "Łódź Tech", "Æon Þór", "Café №1", "ＡＢＣ Networks", "日本 IT", "日本", "Ŀlibre", "a" * 70,
         "Word " * 20, "Comma,Separated;Names!", "x-" * 40, "İstanbul Data", "ǅemal", "Ⅻ Systems"]


@pytest.mark.browser
def test_file_names_follow_smbsites_slug_rule(pg, form_site):
    _, served = form_site
    open_form(pg, served)
    got = pg.evaluate("names => names.map(n => window.smbsiteAddCompany.slugify(n))", NAMES)
    assert got == [slugify(n) for n in NAMES]


STRINGS = ["plain", "", "yes", "no", "null", "~", "123", "1e3", "0x1F", "2026-10-01", "- item", "key: value",
           "# comment", "a # b", "'single'", '"double"', "back\\slash", "tab\there", "line\nbreak", "trailing ",
           " leading", "{flow}", "[list]", "&anchor", "*alias", "!tag", "%directive", "@at", "`tick`", "|", ">",
           "Zoë ☕ 🚀", "nel\u0085x", "ls\u2028ps\u2029", "bom\ufeffx", "bell\x07", "del\x7f", "c1\x9b",
           "lone\ud800surrogate", "end\\", "---", "...", "? question", ": colon", "emoji 👩‍💻 zwj"]


@pytest.mark.browser
def test_strings_are_quoted_so_yaml_reads_them_back(pg, form_site):
    _, served = form_site
    open_form(pg, served)
    quoted = pg.evaluate("xs => xs.map(s => window.smbsiteAddCompany.yamlString(s))", STRINGS)
    for original, text in zip(STRINGS, quoted):
        expected = original.replace("\ud800", "\ufffd")
        assert yaml.safe_load(f"k: {text}\n") == {"k": expected}, (original, text)


BLOCKS = ["One paragraph.", "Two\n\nparagraphs", "  indented first line\nthen not", "\ttab first",
          "- a list\n- of items", "# heading\n\n> quote", "key: value\n---\n...", "trailing spaces  \nhard break",
          "\n\n\nleading blank lines", "ends with blank lines\n\n\n", "windows\r\nline\r\nends", "old mac\rends",
          "control \x07 char", "line\u2028separator", "very " * 300, "café ☕\n\n👩‍💻", "  \n  \nx"]


@pytest.mark.browser
def test_descriptions_are_written_so_yaml_reads_them_back(pg, form_site):
    _, served = form_site
    open_form(pg, served)
    written = pg.evaluate("xs => xs.map(s => window.smbsiteAddCompany.yamlBlock(s))", BLOCKS)
    for original, text in zip(BLOCKS, written):
        expected = re.sub(r"\r\n?", "\n", original).rstrip()
        expected = re.sub(r"\A([ \t]*\n)+", "", expected)
        got = yaml.safe_load(f"description: {text}\nnext: 1\n")
        assert got["next"] == 1, (original, text)
        assert got["description"].rstrip("\n") == expected, (original, text)
    assert written[0] == "|\n  One paragraph." and written[2].startswith("|2\n")


@pytest.mark.browser
def test_the_form_is_there_from_the_first_paint_and_moves_nothing(browser, form_site):
    _, served = form_site
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.add_init_script("""window.shifts = []; new PerformanceObserver(l => l.getEntries().forEach(
        e => window.shifts.push(e.value))).observe({type: 'layout-shift', buffered: true});""")
    page.goto(served.url("/add-your-company/"), wait_until="load")
    page.wait_for_timeout(500)
    assert page.locator("#add-company").is_visible() and page.locator("#add-company").get_attribute("hidden") is None
    assert page.locator("#add-nojs").count() == 0  # the note for browsers without scripts is not there
    assert page.evaluate("window.shifts") == []
    context.close()


@pytest.mark.browser
def test_without_javascript_the_page_points_to_githubs_editor(browser, form_site):
    _, served = form_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served.url("/add-your-company/"))
    assert not page.locator("#add-company").is_visible()
    note = page.locator("#add-nojs")
    assert note.is_visible() and "needs JavaScript" in note.inner_text()
    assert note.locator("a").get_attribute("href") == f"{REPOSITORY}/new/main/members"
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_the_form_before_and_after_mistakes(browser, form_site, scheme):
    axe = need_axe()
    _, served = form_site
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(served.url("/add-your-company/"))
    page.wait_for_selector("#add-company:not([hidden])")
    found = []
    for state in ("empty", "mistakes"):
        if state == "mistakes":
            page.fill("#f-website", "www.example")
            page.click("button[type=submit]")
            page.wait_for_selector("#add-errors:not([hidden])")
        page.add_script_tag(path=str(axe))
        res = page.evaluate("tags => axe.run(document, {runOnly: tags})", AXE_TAGS)
        found += [f"{state}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
                  for v in res["violations"]]
    context.close()
    assert found == []


@pytest.mark.browser
def test_form_fits_a_320_pixel_screen(browser, form_site):
    _, served = form_site
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(served.url("/add-your-company/"))
    page.wait_for_selector("#add-company:not([hidden])")
    page.click("button[type=submit]")
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 320
