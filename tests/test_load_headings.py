"""A Markdown heading written at the left edge inside `description: |` would become a
YAML comment and vanish; check says so at its line instead."""
from smbsite.reading.load import headings_outside_blocks
from conftest import MEMBER_YAML
from smbsite.api import check

DESCRIPTION = MEMBER_YAML + "HEADING\n  More text.\n"  # the heading lands on line 12


def errors(site):
    return [p.text() for p in check(site, as_of="2026-11-26").errors]


def test_heading_at_the_left_edge_inside_a_block_is_an_error(make_site):
    site = make_site({"members/acme-networks.yaml": DESCRIPTION.replace("HEADING", "## Services")})
    assert errors(site) == [
        "members/acme-networks.yaml:12:1: error: this Markdown heading starts at the left edge, so YAML reads it "
        "as a comment and it would be left out of 'description' — indent it like the text above it, "
        "e.g. '  ## Services'"]


def test_the_indented_heading_is_fine(make_site):
    site = make_site({"members/acme-networks.yaml": DESCRIPTION.replace("HEADING", "  ## Services")})
    assert errors(site) == []


def test_ordinary_yaml_comments_are_not_headings():
    text = "description: |\n  Text.\n# the vendors we work with\nvendors: [a]\n"
    assert headings_outside_blocks(text) == []
    assert headings_outside_blocks("# yaml-language-server: $schema=x\n## not after a block\nname: x\n") == []
    assert headings_outside_blocks("a: |\n  x\n\n### Last\n") == [(4, "a")]
