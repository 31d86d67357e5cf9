"""Beginners' mistakes read as one sentence, in a real kernel of the course's environment.

The kernel is started by nbclient on a temporary notebook, the way JupyterLab starts one:
nothing imports casecurity first, so these tests also show that the kernel config written
by ``python -m casecurity.install`` loads the extension before the first cell ran.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from casecurity import friendly, install

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
pytestmark = pytest.mark.slow


def _run(cells: list[str]) -> list[str]:
    """Run each source in one fresh kernel; return each cell's visible output as text."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(ROOT)}},
    ).execute()
    texts = []
    for cell in notebook.cells:
        parts = []
        for output in cell.outputs:
            if output.output_type == "error":
                parts.append("ERROR " + "\n".join(output.traceback))
            elif output.output_type == "stream":
                parts.append(output.text)
            else:
                parts.append(output.get("data", {}).get("text/plain", ""))
        texts.append(ANSI.sub("", "\n".join(parts)))
    return texts


@pytest.fixture(scope="module")
def course_kernel_installed():
    config = Path(sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.py"
    if not config.is_file() or install.KERNEL_LINE not in config.read_text():
        pytest.fail(
            f"{config} does not load casecurity.friendly: the set-up must run `python -m casecurity.install`"
        )


def test_mistakes_read_as_one_sentence_without_running_the_first_cell(course_kernel_installed):
    outputs = _run(
        [
            "ex.q1.check(['KAZ'])",  # import cell skipped
            "data.load('countries')",
            "maps.region_map()",
            "from casecurity import data\ncountries = data.load('countries')\ncountries['nmae']",
            "countries[['iso3', 'grop']]",
            "answer = b",
            "from casecurity.exercises import lesson00 as ex\nex.q1.check",
            "ex.q2.hint",
            "for day in ['2010-01-01']:\nprint(day)",  # a template's indentation lost
            "answer = 1\n    answer = 2",
            "1 / 0",  # not a beginner's pattern: the normal traceback stays
            "undefined_variable_xyz",
            "data.members('CTSO')",
        ]
    )
    for name, output in zip(["ex", "data", "maps"], outputs[:3], strict=True):
        assert f"`{name}` is not defined yet: run the first code cell of this notebook" in output
        assert "Traceback" not in output and "Cell In[" not in output
    assert "no column 'nmae'; did you mean 'name'?" in outputs[3]
    assert "Its columns are: iso3, name" in outputs[3]
    assert (
        "no column 'grop'; did you mean 'group'?" in outputs[4] and "iso3'" not in outputs[4].split("Its")[0]
    )
    assert 'Put the option letter in quotes: answer = "b"' in outputs[5]
    assert "ex.q1.check needs brackets to run: write ex.q1.check(answer)" in outputs[6]
    assert "bound method" not in outputs[6]
    assert "ex.q2.hint needs brackets to run: write ex.q2.hint()" in outputs[7]
    assert "Line 2 (print(day)) should start with four spaces" in outputs[8]
    assert "Line 2 (answer = 2) starts with spaces it should not have" in outputs[9]
    assert "ZeroDivisionError" in outputs[10] and "----> 1" in outputs[10]
    assert "name 'undefined_variable_xyz' is not defined" in outputs[11]
    assert outputs[12].strip().startswith("CourseError: Unknown organization 'CTSO'; did you mean 'CSTO'?")
    for output in outputs[:10]:
        assert output.count("\n") <= 1, output  # one sentence, not a traceback


def test_other_bound_methods_keep_their_usual_display():
    assert friendly.method_hint("text".upper) is None
    assert friendly.method_hint([].append) is None


@pytest.mark.parametrize(
    ("exception", "expected"),
    [
        (NameError("name 'ex' is not defined", name="ex"), "run the first code cell"),
        (NameError("name 'c' is not defined", name="c"), 'answer = "c"'),
        (NameError("name 'D' is not defined", name="D"), 'answer = "D"'),
        (NameError("name '____' is not defined", name="____"), "Fill in the blanks (____) first"),
        (KeyError("____"), "Fill in the blanks (____) first"),  # outlines[____]: a blank used as a key
        (TypeError("unhashable type: 'Blank'"), "Fill in the blanks (____) first"),
    ],
)
def test_messages_for_known_names(exception, expected):
    assert expected in friendly.friendly_message(type(exception), exception)


@pytest.mark.parametrize(
    "exception",
    [
        NameError("name 'answer' is not defined", name="answer"),  # a real, not a beginner's, mistake
        NameError("name 'abc' is not defined", name="abc"),  # a word, not an option letter
        KeyError("nmae"),  # not raised by a table: no frame to read columns from
        ValueError("x"),
    ],
)
def test_other_errors_keep_their_traceback(exception):
    assert friendly.friendly_message(type(exception), exception, exception.__traceback__) is None


def test_install_writes_both_files_once(tmp_path):
    assert install.main(["--prefix", str(tmp_path), "--quiet"]) == 0
    config = tmp_path / "etc" / "ipython" / "ipython_kernel_config.py"
    config.write_text("c.Existing = 1\n" + config.read_text())  # an admin's line survives
    assert install.main(["--prefix", str(tmp_path), "--quiet"]) == 0
    text = config.read_text()
    assert text.count(install.KERNEL_LINE) == 1 and text.startswith("c.Existing = 1\n")
    overrides = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "casecurity.json"
    import json

    settings = json.loads(overrides.read_text())
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_install_reports_an_unwritable_prefix_in_one_line(tmp_path, capsys):
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert install.main(["--prefix", str(blocked), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write the course's settings" in err


def test_every_way_of_opening_the_course_installs_the_settings():
    makefile = (ROOT / "Makefile").read_text()
    lab_recipe = makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    assert "-m casecurity.install" in lab_recipe
    assert "-m casecurity.install" in (ROOT / "postBuild").read_text()
    # `make test` sets up through tools/setup_env.py, so a fresh machine's kernels get the extension too
    assert '"casecurity.install"' in (ROOT / "tools" / "setup_env.py").read_text()


def test_a_blank_that_reaches_a_course_function_reads_as_fill_in():
    from casecurity.errors import CourseError

    error = CourseError("Give a country as an ISO3 code or name such as 'KAZ', not ____.")
    assert friendly.friendly_message(CourseError, error) == friendly.BLANK_SENTENCE
    plain = CourseError("Unknown organization 'CTSO'; did you mean 'CSTO'?")
    assert friendly.friendly_message(CourseError, plain) == str(plain)


@pytest.mark.parametrize(
    ("lookup", "expected"),
    [
        (lambda t: t["nmae"], "no column 'nmae'; did you mean 'name'?"),
        (lambda t: t[["iso3", "grop"]], "no column 'grop'; did you mean 'group'?"),
        (lambda t: t.loc[t["group"] == "central_asia", "captial"], "no column 'captial'; did you mean 'capital'?"),
        (lambda t: t.sort_values("capital_lt"), "no column 'capital_lt'; did you mean 'capital_lat'?"),
        (lambda t: t.set_index("iso3").loc["UZZ"], None),  # a missing row is not a misspelled column
        (lambda t: t.set_index("iso3").loc["UZZ", "name"], None),
    ],
)
def test_misspelled_columns_are_named_and_missing_rows_are_not(lookup, expected):
    from casecurity import data

    table = data.load("countries")
    with pytest.raises(KeyError) as caught:
        lookup(table)
    message = friendly.friendly_message(KeyError, caught.value, caught.value.__traceback__)
    if expected is None:
        assert message is None
    else:
        assert expected in message and "Its columns are: iso3, name" in message


def test_dates_quotes_and_question_names_read_as_one_sentence(course_kernel_installed):
    """The mistakes a new learner met in lesson 00 and the exercise sets, in a real kernel."""
    outputs = _run(
        [
            "from casecurity import data\nfrom casecurity.exercises import lesson00 as ex\nevents = data.events()",
            'events["start_date"] >= 2022',
            'events[events["start_date"] >= "2022-13-01"]',
            'events["start_date"] >= "2023-02-29"',
            "answer = central_asia",
            "ex.Q6",
            "ex.q99",
            "my_own_variable_typo",  # not a course value: the usual short NameError stays
        ]
    )
    assert 'Compare dates with a date: events["start_date"] >= "2022-01-01"' in outputs[1]
    assert "there is no month 13" in outputs[2]
    assert "February 2023 has no day 29" in outputs[3]
    assert "Text values need quotes: 'central_asia'" in outputs[4]
    assert "Question names are lower case: ex.q6" in outputs[5]
    assert "has no question q99" in outputs[6] and "ex.q1 to ex.q" in outputs[6]
    for output in outputs[1:7]:
        assert "Traceback" not in output and "Invalid comparison" not in output
        assert output.strip().count("\n") == 0, output  # one sentence
    assert "name 'my_own_variable_typo' is not defined" in outputs[7]
