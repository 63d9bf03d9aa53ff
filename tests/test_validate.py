"""One test per rule of the record formats: the exact `path:line:col: error: message` a member sees.

Each fixture changes one line of the small valid site in conftest, so the line
and column of the offending value are known by reading the fixture.
"""
from __future__ import annotations

import io

import pytest

from conftest import AS_OF, ARTICLE_MD, EVENT_YAML, MEMBER_YAML, PAGE_MD, SITE_YAML, VENDOR_YAML
from smbsite.api import check

M = "members/acme-networks.yaml"
V = "vendors/sonicwall.yaml"
E = "events/annual-conference.yaml"
A = "content/articles/hello-members.md"
P = "content/pages/join.md"
BASE = {M: MEMBER_YAML, V: VENDOR_YAML, E: EVENT_YAML, A: ARTICLE_MD, P: PAGE_MD, "site.yaml": SITE_YAML}

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG_OK = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'


def edit(path: str, old: str, new: str) -> dict[str, str]:
    """The base file at path with one piece replaced (the piece must be there)."""
    text = BASE[path]
    assert old in text, f"{old!r} not in {path}"
    return {path: text.replace(old, new, 1)}


def problems(site, severity: str = "error") -> list[str]:
    return [p.text() for p in check(site, as_of=AS_OF).problems if p.severity == severity]


def test_the_base_fixture_is_clean(make_site):
    assert problems(make_site()) == []
    assert problems(make_site(), "warning") == []


# --- members: one rule each ----------------------------------------------------------

MEMBER_RULES = {
    "required field missing": (
        edit(M, "name: Acme Networks\n", ""),
        f"{M}:1:1: error: missing required field 'name' — add a line 'name: …'"),
    "name empty": (
        edit(M, "name: Acme Networks", 'name: ""'),
        f"{M}:1:7: error: name: must not be empty"),
    "name without a value": (
        edit(M, "name: Acme Networks", "name:"),
        f"{M}:1:6: error: name: expected text, found nothing — write a value after 'name:'"),
    "name is a list": (
        edit(M, "name: Acme Networks", "name: [Acme, Networks]"),
        f"{M}:1:7: error: name: expected text, found a list"),
    "name too long": (
        edit(M, "name: Acme Networks", "name: " + "A" * 121),
        f"{M}:1:7: error: name: at most 120 characters allowed, this has 121"),
    "summary is a number": (
        edit(M, "summary: Cabling and web sites for small offices.", "summary: 42"),
        f'{M}:2:10: error: summary: expected text, found the number 42 — put it in quotes: summary: "42"'),
    "summary on two lines": (
        edit(M, "summary: Cabling and web sites for small offices.", 'summary: "One line\\nand another"'),
        f"{M}:2:10: error: summary: must be one line of plain text"),
    "summary too long": (
        edit(M, "summary: Cabling and web sites for small offices.", "summary: " + "s" * 201),
        f"{M}:2:10: error: summary: at most 200 characters allowed, this has 201"),
    "joined is not a date": (
        edit(M, "joined: 2024-05-01", "joined: last spring"),
        f"{M}:3:9: error: joined: expected a date written YYYY-MM-DD, found 'last spring'"),
    "joined is a year only": (
        edit(M, "joined: 2024-05-01", "joined: 2024"),
        f"{M}:3:9: error: joined: expected a date written YYYY-MM-DD, found the number 2024 — write the full date, "
        "e.g. 2024-01-01"),
    "joined is an impossible date": (
        edit(M, "joined: 2024-05-01", "joined: 2024-02-30"),
        f"{M}:3:9: error: joined: '2024-02-30' is not a real date (day is out of range for month)"
        " — write dates as YYYY-MM-DD, e.g. 2027-03-30"),
    "placeholder left in": (
        edit(M, "city: Fresno", "city: REPLACE ME"),
        f"{M}:4:7: error: city: replace the placeholder 'REPLACE ME'"),
    "state code unknown": (
        edit(M, "state: CA", "state: XX"),
        f"{M}:5:8: error: state: unknown US state code 'XX'"),
    "state is a number": (
        edit(M, "state: CA", "state: 12"),
        f"{M}:5:8: error: state: expected a two-letter US state code such as CA"),
    "served state unknown": (
        edit(M, "serves: [NV]", "serves: [NV, ZZ]"),
        f"{M}:6:14: error: serves › item 2: unknown US state code 'ZZ'"),
    "serves not a list": (
        edit(M, "serves: [NV]", "serves: NV"),
        f"{M}:6:9: error: serves: expected a list, found 'NV' — write it as [NV], or one '- …' line per item"),
    "served state twice": (
        edit(M, "serves: [NV]", "serves: [NV, nv]"),
        f"{M}:6:14: error: 'NV' is listed twice in serves"),
    "no specialties": (
        edit(M, "specialties: [cabling, web-development]", "specialties: []"),
        f"{M}:7:14: error: specialties: needs at least 1 item"),
    "too many specialties": (
        edit(M, "specialties: [cabling, web-development]", "specialties: [" + ", ".join(["cabling"] * 9) + "]"),
        f"{M}:7:14: error: specialties: at most 8 items allowed, this has 9"),
    "unknown specialty": (
        edit(M, "specialties: [cabling, web-development]", "specialties: [cabeling, web-development]"),
        f"{M}:7:15: error: unknown specialty 'cabeling' — did you mean 'cabling'?"),
    "unknown specialty, nothing close": (
        edit(M, "specialties: [cabling, web-development]", "specialties: [cabling, plumbing]"),
        f"{M}:7:24: error: unknown specialty 'plumbing' — the specialties of site.yaml are cabling, "
        "microsoft-crm, web-development; a maintainer adds new specialties to site.yaml: leave 'plumbing' out, "
        "or ask for it in your pull request"),
    "specialty in capitals": (
        edit(M, "specialties: [cabling, web-development]", "specialties: [Cabling, web-development]"),
        f"{M}:7:15: error: unknown specialty 'Cabling' — did you mean 'cabling'?"),
    "specialty twice": (
        edit(M, "specialties: [cabling, web-development]", "specialties: [cabling, cabling]"),
        f"{M}:7:24: error: 'cabling' is listed twice in specialties"),
    "unknown vendor": (
        edit(M, "vendors: [sonicwall]", "vendors: [sonicwal]"),
        f"{M}:8:11: error: unknown vendor 'sonicwal' — did you mean 'sonicwall'?"),
    "unknown vendor, nothing close": (
        edit(M, "vendors: [sonicwall]", "vendors: [sonicwall, zzz]"),
        f"{M}:8:22: error: unknown vendor 'zzz' — no vendors/zzz.yaml in this site; the vendors of this site are "
        "sonicwall; a maintainer adds new vendors: leave 'zzz' out, or ask for it in your pull request"),
    "website not http": (
        edit(M, "website: https://acme.example.com", "website: ftp://acme.example.com"),
        f"{M}:9:10: error: website: expected a web address starting with http:// or https://, "
        "found 'ftp://acme.example.com'"),
    "website is a script": (
        edit(M, "website: https://acme.example.com", "website: javascript:alert(1)"),
        f"{M}:9:10: error: website: expected a web address starting with http:// or https://, "
        "found 'javascript:alert(1)'"),
    "unknown field": (
        {M: MEMBER_YAML + "websit: https://acme.example.com\n"},
        f"{M}:12:1: error: unknown field 'websit' — did you mean 'website'?"),
    "unknown field, nothing close": (
        {M: MEMBER_YAML + "colour: blue\n"},
        f"{M}:12:1: error: unknown field 'colour' — allowed here: name, summary, joined, city, state, serves, "
        "specialties, vendors, certifications, website, email, phone, employees, partnering, logo, description"),
    "email invalid": (
        {M: MEMBER_YAML + "email: sales at acme\n"},
        f"{M}:12:8: error: email: expected an email address like info@example.com, found 'sales at acme'"),
    "phone invalid": (
        {M: MEMBER_YAML + "phone: call us\n"},
        f"{M}:12:8: error: phone: expected a phone number like +1 555 010 0199, found 'call us'"),
    "employees not positive": (
        {M: MEMBER_YAML + "employees: 0\n"},
        f"{M}:12:12: error: employees: must be a positive number, found the number 0"),
    "employees a fraction": (
        {M: MEMBER_YAML + "employees: 2.5\n"},
        f"{M}:12:12: error: employees: expected a whole number, found the number 2.5"),
    "partnering not a bool": (
        {M: MEMBER_YAML + "partnering: maybe\n"},
        f"{M}:12:13: error: partnering: expected true or false, found 'maybe'"),
    "certification empty": (
        {M: MEMBER_YAML + "certifications: [CCNA, '']\n"},
        f"{M}:12:24: error: certifications › item 2: must not be empty"),
    "broken link in the description": (
        edit(M, "[joining](/join/)", "[joining](/joinn/)"),
        f"{M}:11:32: error: link to /joinn/, a page that does not exist — did you mean '/join/'?"),
    "script link in the description": (
        edit(M, "[joining](/join/)", "[joining](javascript:alert(1))"),
        f"{M}:11:32: error: link 'javascript:alert(1)' is not allowed: only http, https, mailto, tel and site "
        "links are kept"),
}


@pytest.mark.parametrize("files,expected", MEMBER_RULES.values(), ids=MEMBER_RULES.keys())
def test_member_rule(make_site, files, expected):
    assert problems(make_site(files)) == [expected]


def test_every_mistake_of_a_record_is_reported_in_one_run(make_site):
    """A schema error elsewhere in the file must not hide the unknown specialty and vendor."""
    text = MEMBER_YAML.replace("state: CA", "state: XX").replace("cabling, web", "cabeling, web")
    text = text.replace("[sonicwall]", "[sonicwal]")
    assert problems(make_site({M: text})) == [
        f"{M}:5:8: error: state: unknown US state code 'XX'",
        f"{M}:7:15: error: unknown specialty 'cabeling' — did you mean 'cabling'?",
        f"{M}:8:11: error: unknown vendor 'sonicwal' — did you mean 'sonicwall'?",
    ]


def test_a_vendor_with_a_schema_error_still_gets_its_logo_checked(make_site):
    text = "logo: sonic.png\n" + VENDOR_YAML.replace("type: discount", "type: discont")
    assert problems(make_site({V: text})) == [
        f"{V}:1:7: error: logo file 'sonic.png' not found beside {V}",
        f"{V}:6:11: error: benefits › item 1 › type: 'discont' is not one of discount, training, marketing, "
        "support, certification, other — did you mean 'discount'?",
    ]


def test_a_reference_to_a_record_with_errors_is_not_reported_as_unknown(make_site):
    """The vendor's own error is the one to fix; the member and event naming it are fine."""
    site = make_site(edit(V, "type: discount", "type: discont"))
    assert problems(site) == [
        f"{V}:5:11: error: benefits › item 1 › type: 'discont' is not one of discount, training, marketing, "
        "support, certification, other — did you mean 'discount'?"]


# --- member logos ----------------------------------------------------------------------

LOGO_LINE = "logo: acme.png\n"


def with_logo(name: str, content: bytes | None) -> dict:
    files: dict = {M: MEMBER_YAML + f"logo: {name}\n"}
    if content is not None:
        files[f"members/{name}"] = content
    return files


LOGO_RULES = {
    "missing": (
        with_logo("acme.png", None),
        f"{M}:12:7: error: logo file 'acme.png' not found beside {M}"),
    "missing, a similar file exists": (
        {**with_logo("acme.png", None), "members/acme.svg": SVG_OK},
        f"{M}:12:7: error: logo file 'acme.png' not found beside {M} — did you mean 'acme.svg'?"),
    "not an image type": (
        with_logo("acme.gif", b"GIF89a"),
        f"{M}:12:7: error: logo 'acme.gif' must be a png, jpg, webp or svg file"),
    "a path, not a file name": (
        with_logo("../acme.png", None),
        f"{M}:12:7: error: logo '../acme.png' must be a file name beside the record — put the file next to {M} "
        "and write just its name"),
    "larger than 512 KB": (
        with_logo("acme.png", PNG + b"\x00" * (512 * 1024)),
        f"{M}:12:7: error: logo 'acme.png' is 513 KB; at most 512 KB allowed — export it smaller "
        "(a 400 px wide PNG or an SVG is plenty)"),
    "content is not what the name says": (
        with_logo("acme.png", b"GIF89a" + b"\x00" * 32),
        f"{M}:12:7: error: logo 'acme.png' is a GIF file, not a PNG image — export it as PNG, JPEG, WebP or SVG"),
    "svg with a script": (
        with_logo("acme.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        f"{M}:12:7: error: logo 'acme.svg' contains <script>, which can run code — remove it: a logo needs only "
        "shapes, text and images"),
    "svg with an event handler": (
        with_logo("acme.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="alert(1)"/></svg>'),
        f"{M}:12:7: error: logo 'acme.svg' has an event handler (onclick on <rect>), which can run code — remove "
        "the attribute"),
    "svg with a javascript link": (
        with_logo("acme.svg", b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                              b'<a xlink:href=" java&#9;script:alert(1)"><text>x</text></a></svg>'),
        f"{M}:12:7: error: logo 'acme.svg' has a javascript: address, which can run code — remove it"),
    "svg that is not svg": (
        with_logo("acme.svg", b"<?xml version='1.0'?><html><body>hi</body></html>"),
        f"{M}:12:7: error: logo 'acme.svg' is not an SVG image (its first element is not <svg>) — export it "
        "again as SVG"),
}


@pytest.mark.parametrize("files,expected", LOGO_RULES.values(), ids=LOGO_RULES.keys())
def test_logo_rule(make_site, files, expected):
    assert problems(make_site(files)) == [expected]


def image_bytes(fmt: str) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "#246").save(buf, fmt)
    return buf.getvalue()


@pytest.mark.parametrize("name,fmt", [("acme.png", "PNG"), ("acme.jpg", "JPEG"), ("acme.jpeg", "JPEG"),
                                      ("acme.webp", "WEBP"), ("acme.svg", None)])
def test_logo_of_each_allowed_type_is_accepted(make_site, name, fmt):
    assert problems(make_site(with_logo(name, image_bytes(fmt) if fmt else SVG_OK))) == []


def test_a_valid_logo_is_published_beside_the_page(make_site, tmp_path):
    """An SVG rebuilt from its allowed parts; a raster logo resized to the sizes the theme draws (test_identity.py)."""
    from smbsite.api import build
    site = make_site({**with_logo("acme.png", image_bytes("PNG")), V: "logo: sonic.svg\n" + VENDOR_YAML,
                      "vendors/sonic.svg": SVG_OK})
    result = build(site, tmp_path / "out", as_of=AS_OF)
    assert result.ok, [p.text() for p in result.problems]
    assert (tmp_path / "out/members/acme-networks/logo-40x20.webp").is_file()
    assert (tmp_path / "out/vendors/sonicwall/logo.svg").read_bytes() == b'<?xml version="1.0" encoding="UTF-8"?>\n' + SVG_OK + b"\n"


def test_a_vendor_logo_is_checked_like_a_member_logo(make_site):
    site = make_site({V: "logo: sonic.png\n" + VENDOR_YAML})
    assert problems(site) == [f"{V}:1:7: error: logo file 'sonic.png' not found beside {V}"]


def test_logo_linked_to_a_file_elsewhere_is_refused(make_site, tmp_path):
    """A symlink would publish whatever it points at (on CI: secrets) as the logo."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    site = make_site(with_logo("acme.png", None))
    (site / "members" / "acme.png").symlink_to(secret)
    assert problems(site) == [
        f"{M}:12:7: error: logo 'acme.png' is a link to another file — put the image file itself beside the record"]


# --- vendors ---------------------------------------------------------------------------

VENDOR_RULES = {
    "benefit type unknown": (
        edit(V, "type: discount", "type: discont"),
        f"{V}:5:11: error: benefits › item 1 › type: 'discont' is not one of discount, training, marketing, "
        "support, certification, other — did you mean 'discount'?"),
    "benefit claim missing": (
        edit(V, "    claim: Email the partner desk.\n", ""),
        f"{V}:4:5: error: missing required field 'claim' in benefits › item 1 — add a line 'claim: …'"),
    "benefit ends before it starts": (
        {V: VENDOR_YAML + "    starts: 2027-01-10\n    ends: 2027-01-01\n"},
        f"{V}:8:11: error: benefit '20% off firewalls' ends (2027-01-01) before it starts (2027-01-10)"),
    "benefit field unknown": (
        {V: VENDOR_YAML + "    expires: 2027-01-01\n"},
        f"{V}:7:5: error: unknown field 'expires' in benefits › item 1 — allowed here: title, type, claim, "
        "details, starts, ends"),
    "vendor name missing": (
        edit(V, "name: Sonicwall\n", ""),
        f"{V}:1:1: error: missing required field 'name' — add a line 'name: …'"),
}


@pytest.mark.parametrize("files,expected", VENDOR_RULES.values(), ids=VENDOR_RULES.keys())
def test_vendor_rule(make_site, files, expected):
    assert problems(make_site(files)) == [expected]


def test_expired_benefit_is_a_warning_not_an_error(make_site):
    site = make_site({V: VENDOR_YAML + "    ends: 2026-11-01\n"})
    assert problems(site) == []
    assert problems(site, "warning") == [
        f"{V}:7:11: warning: benefit '20% off firewalls' expired on 2026-11-01 and is not shown — remove it or "
        "set a new end date"]


def test_benefit_expiring_within_30_days_is_a_warning(make_site):
    site = make_site({V: VENDOR_YAML + "    ends: 2026-12-26\n"})
    assert problems(site, "warning") == [
        f"{V}:7:11: warning: benefit '20% off firewalls' expires on 2026-12-26 — renew it with the vendor or let "
        "it lapse"]
    later = make_site({V: VENDOR_YAML + "    ends: 2026-12-27\n"})
    assert problems(later, "warning") == []


# --- events ----------------------------------------------------------------------------

RADIO = """\
title: Radio hour
type: radio
starts: 2027-01-12T10:00
ends: 2027-01-12T11:00
stations:
  - {city: Fresno, state: CA, station: KFRE 1340 AM}
guests: [acme-networks]
"""

EVENT_RULES = {
    "type unknown": (
        edit(E, "type: conference", "type: confrence"),
        f"{E}:2:7: error: type: 'confrence' is not one of conference, radio, webinar, training, meetup — "
        "did you mean 'conference'?"),
    "title on two lines": (
        edit(E, "title: Annual Conference", 'title: "Annual\\nConference"'),
        f"{E}:1:8: error: title: must be one line of plain text"),
    "starts missing": (
        edit(E, "starts: 2027-03-30\n", ""),
        f"{E}:1:1: error: missing required field 'starts' — add a line 'starts: …'"),
    "starts is not a date": (
        edit(E, "starts: 2027-03-30", "starts: next spring"),
        f"{E}:3:9: error: starts: expected a date (YYYY-MM-DD) or a local date-time (YYYY-MM-DDTHH:MM), "
        "found 'next spring'"),
    "starts has a UTC offset": (
        {E: RADIO.replace("starts: 2027-01-12T10:00", "starts: 2027-01-12T10:00:00+02:00")},
        f"{E}:3:9: error: starts: 2027-01-12T10:00:00+02:00 has a UTC offset, which is not allowed here — write "
        "the local time without the offset, e.g. starts: 2027-01-12T10:00; the event's 'timezone' field says "
        "where it is (default: site.yaml's timezone)"),
    "ends before starts": (
        edit(E, "ends: 2027-04-01", "ends: 2027-03-29"),
        f"{E}:4:7: error: ends (2027-03-29) is before starts (2027-03-30)"),
    "starts a date, ends a time": (
        edit(E, "ends: 2027-04-01", "ends: 2027-04-01T17:00"),
        f"{E}:4:7: error: starts is a date but ends has a time — give both a time, or neither"),
    "location state unknown": (
        edit(E, "state: CA}", "state: XX}"),
        f"{E}:5:69: error: location › state: unknown US state code 'XX'"),
    "unknown sponsor": (
        edit(E, "sponsors: [sonicwall]", "sponsors: [sonicwal]"),
        f"{E}:6:12: error: unknown vendor 'sonicwal' — did you mean 'sonicwall'?"),
    "session outside the event": (
        edit(E, "starts: 2027-03-30T09:00, ends: 2027-03-30T10:00", "starts: 2027-04-02T09:00"),
        f"{E}:8:30: error: session 'Opening' starts 2027-04-02 09:00 is outside the event (2027-03-30 to "
        "2027-04-01)"),
    "session ends before it starts": (
        edit(E, "ends: 2027-03-30T10:00", "ends: 2027-03-30T08:00"),
        f"{E}:8:54: error: session 'Opening' ends (2027-03-30 08:00) before it starts (2027-03-30 09:00)"),
    "session without a title": (
        edit(E, "{title: Opening, ", "{"),
        f"{E}:8:5: error: missing required field 'title' in sessions › item 1 — add a line 'title: …'"),
    "time zone unknown": (
        {E: EVENT_YAML + "timezone: Pacific Time\n"},
        f"{E}:9:11: error: timezone: unknown time zone 'Pacific Time' (use an IANA name such as "
        "America/Los_Angeles)"),
    "online address not http": (
        {E: EVENT_YAML + "online: zoom.example.com/j/1\n"},
        f"{E}:9:9: error: online: expected a web address starting with http:// or https://, "
        "found 'zoom.example.com/j/1' — write it in full: https://zoom.example.com/j/1"),
    "radio episode without stations": (
        {E: RADIO.replace("stations:\n  - {city: Fresno, state: CA, station: KFRE 1340 AM}\n", "")},
        f"{E}:2:7: error: a radio episode needs 'stations' (city, state, station) — add stations: "
        "[{city: Fresno, state: CA, station: KXYZ 1340 AM}]"),
    "radio station without a call sign": (
        {E: RADIO.replace(", station: KFRE 1340 AM", "")},
        f"{E}:6:5: error: missing required field 'station' in stations › item 1 — add a line 'station: …'"),
    "unknown guest": (
        {E: RADIO.replace("[acme-networks]", "[acme-network]")},
        f"{E}:7:10: error: unknown member 'acme-network' — did you mean 'acme-networks'?"),
    "audio without a size": (
        {E: RADIO + "audio: {url: https://example.org/ep1.mp3, bytes: 0}\n"},
        f"{E}:8:50: error: audio › bytes: must be a positive number, found the number 0"),
    "audio duration unreadable": (
        {E: RADIO + "audio: {url: https://example.org/ep1.mp3, bytes: 1000, duration: an hour}\n"},
        f"{E}:8:66: error: audio › duration: expected a duration like \"58:30\" or \"1:02:00\", or seconds, "
        "found 'an hour'"),
    "station air day unknown": (
        {E: RADIO.replace("KFRE 1340 AM}", "KFRE 1340 AM, day: Satruday}")},
        f"{E}:6:59: error: stations › item 1 › day: expected a day of the week such as Saturday, found 'Satruday' "
        "— did you mean 'Saturday'?"),
    "station air time as a bare number": (
        {E: RADIO.replace("KFRE 1340 AM}", "KFRE 1340 AM, time: 1830}")},
        f"{E}:6:60: error: stations › item 1 › time: expected a time of day such as \"18:00\" or \"6:30 PM\", "
        "found the number 1830 — write it as a time: \"18:30\""),
    "station air time unreadable": (
        {E: RADIO.replace("KFRE 1340 AM}", "KFRE 1340 AM, time: noon}")},
        f"{E}:6:60: error: stations › item 1 › time: expected a time of day such as \"18:00\" or \"6:30 PM\", "
        "found 'noon'"),
    "station listen-live address not http": (
        {E: RADIO.replace("KFRE 1340 AM}", "KFRE 1340 AM, listen: kfre.example.com/live}")},
        f"{E}:6:62: error: stations › item 1 › listen: expected a web address starting with http:// or https://, "
        "found 'kfre.example.com/live' — write it in full: https://kfre.example.com/live"),
    "speaker names an unknown member": (
        edit(E, "speakers: [Ann Lee]", "speakers: [{name: Ann Lee, member: acme-network}]"),
        f"{E}:8:107: error: unknown member 'acme-network' — did you mean 'acme-networks'?"),
    "speaker with neither name nor member": (
        edit(E, "speakers: [Ann Lee]", "speakers: [{room: A}]"),
        f"{E}:8:84: error: unknown field 'room' in sessions › item 1 › speakers › item 1 — allowed here: "
        "name, member"),
    "register_by after the event": (
        {E: EVENT_YAML + "register_by: 2027-04-02\n"},
        f"{E}:9:14: error: register_by (2027-04-02) is after the event's last day (2027-04-01)"),
    "hotel without a name": (
        {E: EVENT_YAML + "hotel: {address: 2 Main St}\n"},
        f"{E}:9:8: error: missing required field 'name' in hotel — add a line 'name: …'"),
}


@pytest.mark.parametrize("files,expected", EVENT_RULES.values(), ids=EVENT_RULES.keys())
def test_event_rule(make_site, files, expected):
    assert problems(make_site(files)) == [expected]


def test_a_speaker_with_an_unknown_member_is_reported_even_when_the_record_has_other_errors(make_site):
    text = EVENT_YAML.replace("speakers: [Ann Lee]", "speakers: [{member: acme-network}]")
    text = text.replace("title: Annual Conference", "title: ''")
    assert problems(make_site({E: text})) == [
        f"{E}:1:8: error: title: must not be empty",
        f"{E}:8:92: error: unknown member 'acme-network' — did you mean 'acme-networks'?",
    ]


def test_station_times_days_and_speakers_in_their_other_forms_are_valid(make_site):
    text = RADIO.replace("KFRE 1340 AM}", 'KFRE 1340 AM, day: saturdays, time: "6:30 pm", listen: https://k.example.com/}')
    assert problems(make_site({E: text})) == []
    # unquoted, YAML 1.1 would read 18:30 as the number 1110; it is taken as the time it says
    text = RADIO.replace("KFRE 1340 AM}", "KFRE 1340 AM, day: Sat, time: 18:30}")
    site = make_site({E: text})
    assert problems(site) == []
    [event] = check(site, as_of=AS_OF).graph.site.events
    assert (event.stations[0].day, event.stations[0].time) == ("Saturday", "18:30")
    text = EVENT_YAML.replace("speakers: [Ann Lee]", 'speakers: ["Ann Lee (Sonicwall)", {member: acme-networks}]')
    assert problems(make_site({E: text})) == []


def test_stations_of_the_wrong_kind_are_one_mistake_not_two(make_site):
    text = RADIO.replace("stations:\n  - {city: Fresno, state: CA, station: KFRE 1340 AM}\n", "stations:\n")
    assert problems(make_site({E: text})) == [f"{E}:5:10: error: stations: expected a list, found nothing"]


def test_a_radio_episode_with_stations_and_guests_is_valid(make_site):
    assert problems(make_site({E: RADIO})) == []


def test_radio_without_stations_is_reported_even_when_the_record_has_other_errors(make_site):
    text = RADIO.replace("stations:\n  - {city: Fresno, state: CA, station: KFRE 1340 AM}\n", "")
    text = text.replace("title: Radio hour", "title: ''")
    assert problems(make_site({E: text})) == [
        f"{E}:1:8: error: title: must not be empty",
        f"{E}:2:7: error: a radio episode needs 'stations' (city, state, station) — add stations: "
        "[{city: Fresno, state: CA, station: KXYZ 1340 AM}]",
    ]


# --- site.yaml -------------------------------------------------------------------------

SITE_RULES = {
    "title missing": (
        edit("site.yaml", "title: Test Network\n", ""),
        "site.yaml:1:1: error: missing required field 'title' — add a line 'title: …'"),
    "base_url not absolute": (
        edit("site.yaml", "base_url: https://example.org/net/", "base_url: /net/"),
        "site.yaml:3:11: error: base_url: expected a web address starting with http:// or https://, found '/net/'"),
    "language not a code": (
        edit("site.yaml", "language: en", "language: English (US)"),
        "site.yaml:4:11: error: language: expected a language code such as en or en-US, found 'English (US)'"),
    "time zone unknown": (
        edit("site.yaml", "timezone: America/Los_Angeles", "timezone: PST"),
        "site.yaml:5:11: error: timezone: unknown time zone 'PST' (use an IANA name such as America/Los_Angeles)"),
    "membership goal not positive": (
        edit("site.yaml", "membership_goal: 10", "membership_goal: -5"),
        "site.yaml:6:18: error: membership_goal: must be a positive number, found the number -5"),
    "specialty key not a slug": (
        edit("site.yaml", "  cabling: {label", "  Cabling: {label"),
        "site.yaml:8:3: error: specialties › Cabling: 'Cabling' is not a valid name: use lowercase letters, "
        "digits and single hyphens — e.g. cabling"),
    "specialty without a label": (
        edit("site.yaml", "{label: Structured cabling, description: Network drops}", "{description: Network drops}"),
        "site.yaml:8:12: error: missing required field 'label' in specialties › cabling — add a line 'label: …'"),
    "cname with a scheme": (
        {"site.yaml": SITE_YAML + "cname: https://www.example.org\n"},
        "site.yaml:11:8: error: cname: expected a domain name such as www.smbtn.org (no https://, no path), "
        "found 'https://www.example.org'"),
    "unknown field": (
        {"site.yaml": SITE_YAML + "titel: x\n"},
        "site.yaml:11:1: error: unknown field 'titel' — did you mean 'title'?"),
}


@pytest.mark.parametrize("files,expected", SITE_RULES.values(), ids=SITE_RULES.keys())
def test_site_rule(make_site, files, expected):
    assert problems(make_site(files)) == [expected]


def test_missing_site_yaml_is_a_usage_error(make_site, cli):
    site = make_site({"site.yaml": None})
    for command in ("check", "build"):
        res = cli(command, "-s", str(site), "--as-of", "2026-11-26")
        assert res.returncode == 2, res.stderr
        assert res.stderr.strip() == f"smbsite: no site.yaml in {site}: run smbsite in the site folder, or pass -s SRC"
        assert "Traceback" not in res.stderr
    # every command says it the same way, naming itself where it is the one to run
    for args, command in ((("new", "member", "Acme Networks"), "new "), (("schema",), "schema "),
                          (("serve", "--port", "0"), "serve ")):
        res = cli(*args, "-s", str(site))
        assert res.returncode == 2, res.stderr
        assert res.stderr.strip() == (f"smbsite: no site.yaml in {site}: run smbsite {command}in the site folder, "
                                      "or pass -s SRC")


# --- articles and pages --------------------------------------------------------------

# a page with errors is left out, so the member's link to it would be reported too
NO_JOIN_LINK = edit(M, "See [joining](/join/).", "See us.")

CONTENT_RULES = {
    "article date missing": (
        edit(A, "date: 2026-10-01\n", ""),
        f"{A}:2:1: error: missing required field 'date' — add a line 'date: …'"),
    "article date unreadable": (
        edit(A, "date: 2026-10-01", "date: October 1st"),
        f"{A}:3:7: error: date: expected a date (YYYY-MM-DD) or a local date-time (YYYY-MM-DDTHH:MM), "
        "found 'October 1st'"),
    "article field unknown": (
        edit(A, "author: Staff", "tag: news"),
        f"{A}:4:1: error: unknown field 'tag' — did you mean 'tags'?"),
    "article draft not a bool": (
        edit(A, "author: Staff", "draft: perhaps"),
        f"{A}:4:8: error: draft: expected true or false, found 'perhaps'"),
    "article without front matter": (
        {A: "Welcome to the [directory](/members/).\n"},
        f"{A}:1:1: error: missing front matter — start the file with a '---' line, the fields (title: …), "
        "and another '---' line"),
    "article front matter not fields": (
        edit(A, "title: Hello members\ndate: 2026-10-01\nauthor: Staff\nsummary: First post.\n", "- a list\n"),
        f"{A}:2:1: error: expected fields (name: value lines), found a list — write one 'field: value' per line, "
        "e.g. title: Spring meetup"),
    "article front matter syntax": (
        edit(A, "summary: First post.", "summary: First: post."),
        f"{A}:5:15: error: YAML syntax error: a value holds ': ' but is not in quotes — put the value in quotes, "
        'e.g. summary: "Cabling: fiber and copper"; if this is a field, indent it like the others'),
    "article broken link": (
        edit(A, "(/members/)", "(/member/)"),
        f"{A}:7:28: error: link to /member/, a page that does not exist — did you mean '/members/'?"),
    "article script link": (
        {A: ARTICLE_MD + "\nMore [here](javascript:alert(1)).\n"},
        f"{A}:9:13: error: link 'javascript:alert(1)' is not allowed: only http, https, mailto, tel and site "
        "links are kept"),
    "article data link": (
        {A: ARTICLE_MD + "\n![pixel](data:image/svg+xml;base64,PHN2Zz4=)\n"},
        f"{A}:9:10: error: link 'data:image/svg+xml;base64,PHN2Zz4=' is not allowed: only http, https, mailto, "
        "tel and site links are kept"),
    "page title missing": (
        {**edit(P, "title: Join\n", ""), **NO_JOIN_LINK},
        f"{P}:2:1: error: missing required field 'title' — add a line 'title: …'"),
    "page menu not a number": (
        {**edit(P, "menu: 1", "menu: first"), **NO_JOIN_LINK},
        f"{P}:3:7: error: menu: expected a whole number, found 'first'"),
    "page slug reserved": (
        {"content/pages/members.md": PAGE_MD},
        "content/pages/members.md:1:1: error: a page cannot be called 'members': /members/ belongs to the site "
        "— rename the file"),
}


@pytest.mark.parametrize("files,expected", CONTENT_RULES.values(), ids=CONTENT_RULES.keys())
def test_content_rule(make_site, files, expected):
    assert problems(make_site(files)) == [expected]


def test_a_draft_is_checked_too(make_site):
    """check validates drafts: they will be published one day."""
    text = ARTICLE_MD.replace("summary: First post.", "summary: First post.\ndraft: true")
    text = text.replace("(/members/)", "(/member/)")
    assert problems(make_site({A: text})) == [
        f"{A}:8:28: error: link to /member/, a page that does not exist — did you mean '/members/'?"]


# --- all problems, sorted --------------------------------------------------------------

def test_every_problem_of_a_run_is_reported_sorted_by_path_and_line(make_site):
    site = make_site({
        M: MEMBER_YAML.replace("state: CA", "state: XX").replace("[sonicwall]", "[sonicwal]"),
        E: EVENT_YAML.replace("type: conference", "type: confrence"),
        A: ARTICLE_MD.replace("(/members/)", "(/member/)"),
        "members/zeta-it.yaml": "name: Zeta IT\n",
    })
    found = problems(site)
    assert [p.split(": error:")[0] for p in found] == [
        f"{A}:7:28",
        f"{E}:2:7",
        f"{M}:5:8",
        f"{M}:8:11",
        "members/zeta-it.yaml:1:1",
        "members/zeta-it.yaml:1:1",
        "members/zeta-it.yaml:1:1",
        "members/zeta-it.yaml:1:1",
        "members/zeta-it.yaml:1:1",
    ]


def test_a_link_to_a_page_left_out_for_its_own_errors_is_not_reported_again(make_site):
    # the member links to /join/; join.md has no title: one error, at its cause
    site = make_site({"content/pages/join.md": "---\nmenu: 1\n---\nJoin us.\n"})
    assert problems(site) == [
        "content/pages/join.md:2:1: error: missing required field 'title' — add a line 'title: …'"]


def test_a_link_to_a_draft_is_still_broken(make_site):
    site = make_site({"content/pages/join.md": "---\ntitle: Join\ndraft: true\n---\nJoin us.\n"})
    from smbsite import build
    result = build(site, site / "output", as_of="2026-11-26")
    assert [p.text() for p in result.errors] == [
        "members/acme-networks.yaml:11:32: error: link to /join/, a page that does not exist"
        " — link to a page of this site, e.g. /members/"]


def test_a_join_date_in_the_future_is_a_warning(make_site):
    site = make_site({"members/acme-networks.yaml": MEMBER_YAML.replace("joined: 2024-05-01", "joined: 2027-05-01")})
    assert problems(site) == []
    assert problems(site, "warning") == [
        "members/acme-networks.yaml:3:9: warning: joined 2027-05-01 is after today (2026-11-26)"
        " — write the date the company became a member"]
