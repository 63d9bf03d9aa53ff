from conftest import AS_OF, REPO, run_cli


def test_fixture_site_builds(make_site, tmp_path):
    site = make_site()
    res = run_cli("build", "-s", str(site), "--as-of", AS_OF)
    assert res.returncode == 0, res.stderr
    assert (site / "output" / "members" / "acme-networks" / "index.html").is_file()


def test_bundled_site_checks_clean():
    res = run_cli("check", "-s", str(REPO), "--as-of", AS_OF)
    assert res.returncode == 0, res.stderr
    assert "error:" not in res.stderr
