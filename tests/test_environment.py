"""The pinned environment: requirements*.txt, requirements.lock (pins and hashes) and environment.yml
(Binder) agree, so that `make lab`, `make test` and Binder install the same versions."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s#;]+)")
REQUIREMENTS = ("requirements.txt", "requirements-test.txt", "requirements-site.txt")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins_in(lines) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = PIN.match(line)
        assert match, f"not an exact pin: {line!r}"
        pins[normalise(match.group(1))] = match.group(2)
    return pins


def requirement_pins(name: str) -> dict[str, str]:
    return pins_in((ROOT / name).read_text().splitlines())


def lock_entries() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of every package in requirements.lock."""
    entries: dict[str, tuple[str, list[str]]] = {}
    text = (ROOT / "requirements.lock").read_text()
    # An entry is a pin line followed by its backslash-continued option lines.
    for entry in re.split(r"\n(?=[^\s#])", text):
        first = entry.split("\n", 1)[0]
        if first.startswith("#") or not first.strip():
            continue
        match = PIN.match(first)
        assert match, f"requirements.lock: not an exact pin: {first!r}"
        name = normalise(match.group(1))
        if name in entries and entries[name][0] != match.group(2):
            # The same package twice is allowed only with markers for different Pythons.
            assert ";" in first, f"requirements.lock lists {name} twice without markers"
            continue
        entries[name] = (match.group(2), HASH.findall(entry))
    return entries


def all_requirement_pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for name in REQUIREMENTS:
        pins |= requirement_pins(name)
    return pins


def environment_yml() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def conda_and_pip_entries(env: dict) -> tuple[list[str], list[str]]:
    conda, pip = [], []
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            pip.extend(entry.get("pip", []))
        else:
            conda.append(entry)
    return conda, pip


def test_every_requirement_is_pinned_exactly():
    for name in REQUIREMENTS:
        assert requirement_pins(name), f"{name} has no pins"


def test_every_locked_package_carries_hashes():
    entries = lock_entries()
    assert len(entries) > len(all_requirement_pins()), "the lock should hold transitive dependencies too"
    unhashed = sorted(name for name, (_, hashes) in entries.items() if not hashes)
    assert not unhashed, f"requirements.lock has packages without hashes: {unhashed}; run `make lock`"


def test_lock_agrees_with_requirements():
    locked = {name: version for name, (version, _) in lock_entries().items()}
    wanted = all_requirement_pins()
    drift = {n: (v, locked.get(n)) for n, v in wanted.items() if locked.get(n) != v}
    assert not drift, f"requirements.lock disagrees with requirements*.txt (wanted, locked): {drift}; run `make lock`"


def test_lock_covers_the_site_helper_packages():
    site = requirement_pins("requirements-site.txt")
    assert {"sphinx", "myst-nb", "sphinx-book-theme", "linkify-it-py"} <= set(site)
    assert set(site) <= set(lock_entries())


def test_environment_yml_pins_python_311_from_conda_forge():
    env = environment_yml()
    assert env["channels"] == ["conda-forge"]
    conda, _ = conda_and_pip_entries(env)
    assert "python=3.11" in conda


def test_environment_yml_agrees_with_pip_pins():
    _, pip_entries = conda_and_pip_entries(environment_yml())
    in_yml = pins_in(pip_entries)
    runtime = requirement_pins("requirements.txt")
    everything = runtime | requirement_pins("requirements-test.txt")
    missing = sorted(set(runtime) - set(in_yml))
    assert not missing, f"environment.yml lacks runtime packages: {missing}"
    drift = {n: (v, everything.get(n)) for n, v in in_yml.items() if everything.get(n) != v}
    assert not drift, f"environment.yml pins differ from requirements*.txt (yml, pip): {drift}"


def test_environment_yml_agrees_with_the_lock():
    _, pip_entries = conda_and_pip_entries(environment_yml())
    locked = {name: version for name, (version, _) in lock_entries().items()}
    drift = {n: (v, locked.get(n)) for n, v in pins_in(pip_entries).items() if locked.get(n) != v}
    assert not drift, f"environment.yml pins differ from requirements.lock (yml, lock): {drift}"


def _fake_repo(tmp_path, monkeypatch, name: str, old: str, new: str) -> None:
    """A copy of the pin files with the first match of the pattern `old` replaced in `name`,
    seen by the tests above as ROOT."""
    fake = tmp_path / "repo"
    fake.mkdir()
    for each in (*REQUIREMENTS, "requirements.lock", "environment.yml"):
        text = (ROOT / each).read_text()
        if each == name:
            text, found = re.subn(old, new, text, count=1)
            assert found, f"{old!r} not in {name}"
        (fake / each).write_text(text)
    monkeypatch.setattr(__import__(__name__), "ROOT", fake)


@pytest.mark.parametrize(
    ("name", "old", "new", "check"),
    [
        ("environment.yml", "folium==0.20.0", "folium==0.19.0", test_environment_yml_agrees_with_pip_pins),
        ("environment.yml", "folium==0.20.0", "folium==0.19.0", test_environment_yml_agrees_with_the_lock),
        ("requirements.txt", "folium==0.20.0", "folium==0.19.0", test_lock_agrees_with_requirements),
        ("requirements.lock", "folium==0.20.0", "folium==0.19.0", test_lock_agrees_with_requirements),
        ("requirements-site.txt", "sphinx==9.0.4", "sphinx==9.0.3", test_lock_agrees_with_requirements),
        # folium's entry without its hash lines
        ("requirements.lock", r"(folium==0\.20\.0) \\\n(    --hash=\S+( \\)?\n)+", r"\1\n",
         test_every_locked_package_carries_hashes),
    ],
)
def test_drift_is_detected(tmp_path, monkeypatch, name, old, new, check):
    """Each agreement test fails when one file's pin is changed and the others are not."""
    _fake_repo(tmp_path, monkeypatch, name, old, new)
    with pytest.raises(AssertionError, match="folium|sphinx"):
        check()


def test_binder_installs_the_course_package():
    post_build = (ROOT / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build
    assert (ROOT / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
