"""The pinned environment: requirements.txt, environment.yml (Binder) and constraints.txt agree."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s#;]+)")


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
    for name in ("requirements.txt", "requirements-test.txt", "constraints.txt"):
        assert requirement_pins(name), f"{name} has no pins"


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


def test_constraints_agree_with_requirements():
    constraints = requirement_pins("constraints.txt")
    wanted = requirement_pins("requirements.txt") | requirement_pins("requirements-test.txt")
    drift = {n: (v, constraints.get(n)) for n, v in wanted.items() if constraints.get(n) != v}
    assert not drift, f"constraints.txt disagrees with requirements (wanted, constraint): {drift}; run `make freeze`"


def test_drift_is_detected(tmp_path, monkeypatch):
    """The agreement test must fail when environment.yml and requirements.txt disagree."""
    fake = tmp_path / "repo"
    fake.mkdir()
    for name in ("requirements.txt", "requirements-test.txt", "constraints.txt"):
        (fake / name).write_text((ROOT / name).read_text())
    (fake / "environment.yml").write_text(
        (ROOT / "environment.yml").read_text().replace("folium==0.20.0", "folium==0.19.0")
    )
    monkeypatch.setattr(__import__(__name__), "ROOT", fake)
    with pytest.raises(AssertionError, match="folium"):
        test_environment_yml_agrees_with_pip_pins()


def test_binder_installs_the_course_package():
    post_build = (ROOT / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build
    assert (ROOT / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
