"""Saved outputs are byte-stable, so a re-execution shows only what really changed.

tools/stable_outputs.py renames the random ids (folium elements, ipywidgets models) and memory
addresses that every execution makes anew; tools/execute_notebooks.py applies it when saving.
"""

import importlib.util
import json
import random
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbdime import diff_notebooks

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from notebook_diff import condense  # noqa: E402
from stable_outputs import stabilise  # noqa: E402

spec = importlib.util.spec_from_file_location("execute_notebooks", ROOT / "tools" / "execute_notebooks.py")
execute_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(execute_notebooks)


def fake_notebook(rng: random.Random) -> dict:
    """A notebook shaped like a saved lesson: a map, a widget view and its model graph."""
    def new():
        return f"{rng.getrandbits(128):032x}"

    map_id, slider, layout, style, orphan = new(), new(), new(), new(), new()
    state = {
        slider: {"model_name": "IntSliderModel", "state": {"layout": f"IPY_MODEL_{layout}",
                                                           "style": f"IPY_MODEL_{style}"}},
        layout: {"model_name": "LayoutModel", "state": {}},
        style: {"model_name": "SliderStyleModel", "state": {}},
        orphan: {"model_name": "LayoutModel", "state": {"width": "1px"}},
    }
    keys = list(state)
    rng.shuffle(keys)  # saved widget state has no meaningful order
    return {
        "cells": [{"cell_type": "code", "metadata": {}, "source": "m", "outputs": [
            {"output_type": "display_data", "data": {
                "text/html": f'<div id="map_{map_id}"></div><script>var map_{map_id} = L.map();</script>',
                "text/plain": f"<folium.folium.Map at 0x7f{rng.getrandbits(40):010x}>"}},
            {"output_type": "display_data", "data": {
                "application/vnd.jupyter.widget-view+json": {"model_id": slider, "version_major": 2}}},
            {"output_type": "stream", "name": "stdout",
             "text": "checksum 0123456789abcdef0123456789abcdef\n"},
        ]}],
        "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {
            "state": {key: state[key] for key in keys}, "version_major": 2}}},
    }


def test_two_executions_with_different_random_ids_save_the_same_bytes():
    first = stabilise(fake_notebook(random.Random(1)), seed="02_alliances.ipynb")
    second = stabilise(fake_notebook(random.Random(2)), seed="02_alliances.ipynb")
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_links_between_outputs_and_widget_state_survive_and_content_is_kept():
    notebook = stabilise(fake_notebook(random.Random(3)), seed="x.ipynb")
    outputs = notebook["cells"][0]["outputs"]
    state = notebook["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    model = outputs[1]["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert model in state
    layout = state[model]["state"]["layout"].removeprefix("IPY_MODEL_")
    assert layout in state
    html = outputs[0]["data"]["text/html"]
    map_id = html.split('id="map_')[1][:32]
    assert html.count(map_id) == 2  # the div and the script still name the same map
    # A 32-hex number a cell prints is content, not an id: it must not be renamed.
    assert outputs[2]["text"] == "checksum 0123456789abcdef0123456789abcdef\n"


def test_printed_text_split_by_a_busy_kernel_is_saved_as_one_output():
    """ipykernel flushes printed text on a timer: under load one print can arrive as two outputs, and
    a re-execution then changes a cell nobody touched (seen once with `-n 4`: lesson 02's CAHS line)."""
    def printed(*chunks, name="stdout"):
        return [{"output_type": "stream", "name": name, "text": chunk} for chunk in chunks]

    def notebook(outputs):
        return {"cells": [{"cell_type": "code", "metadata": {}, "source": "print(x)", "outputs": outputs}],
                "metadata": {}}

    whole = stabilise(notebook(printed("participants: A, B\n")), seed="x.ipynb")
    split = stabilise(notebook(printed("participants: A, B", "\n")), seed="x.ipynb")
    assert split == whole
    # text of another stream, or after a display, stays where it was
    figure = {"output_type": "display_data", "data": {"text/plain": "<figure>"}, "metadata": {}}
    mixed = printed("a\n") + printed("warning\n", name="stderr") + printed("b\n") + [figure] + printed("c\n")
    kept = stabilise(notebook(mixed), seed="x.ipynb")["cells"][0]["outputs"]
    assert [o.get("text") for o in kept] == ["a\n", "warning\n", "b\n", None, "c\n"]


def test_different_notebooks_get_different_ids():
    a = stabilise(fake_notebook(random.Random(4)), seed="a.ipynb")
    b = stabilise(fake_notebook(random.Random(4)), seed="b.ipynb")
    assert a["metadata"] != b["metadata"]


def execute_copy(source: Path, folder: Path) -> bytes:
    target = folder / source.name
    shutil.copy(source, target)
    execute_notebooks.execute(target)
    return target.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("source", ["notebooks/02_alliances.ipynb", "solutions/02_alliances_solutions.ipynb"])
def test_re_executing_a_notebook_writes_the_committed_bytes(source, tmp_path):
    """The committed file is an earlier execution (`make outputs`): executing it again writes the
    same bytes, so re-executing leaves `git status` clean (and the committed outputs are current)."""
    again = execute_copy(ROOT / source, tmp_path)
    committed = (ROOT / source).read_bytes()
    if again != committed:
        pytest.fail(first_difference(committed, again), pytrace=False)


def first_difference(first: bytes, second: bytes) -> str:
    """Where two saved notebooks part (the committed one first), with the text around it in each (a byte diff of a 2 MB file
    shows only its last lines, which is not where the difference is)."""
    at = next((i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b), min(len(first), len(second)))
    line = first[:at].count(b"\n") + 1
    around = slice(max(0, at - 400), at + 400)
    return (f"the committed file and a new execution part at byte {at} (line {line}; sizes {len(first)} and "
            f"{len(second)}; `make outputs` re-executes):\n"
            f"--- committed ---\n{first[around].decode('utf-8', 'replace')}\n"
            f"--- executed now ---\n{second[around].decode('utf-8', 'replace')}")


@pytest.mark.slow
def test_a_corrected_data_row_changes_only_the_cells_that_show_it(tmp_path, monkeypatch):
    """What `make diff` shows a reviewer after a data fix: the few cells that changed."""
    lesson = ROOT / "notebooks" / "02_alliances.ipynb"  # before the fix: the committed execution (see above)
    (tmp_path / "after").mkdir()

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    rows = (data / "memberships.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, row in enumerate(rows) if row.startswith("SCO,IND,member,"))
    old_url = rows[index].rstrip("\n").split(",")[-2]
    assert old_url.startswith("http")
    rows[index] = rows[index].replace(old_url, "https://example.org/corrected-source")
    (data / "memberships.csv").write_text("".join(rows), encoding="utf-8")
    monkeypatch.setenv("CASECURITY_DATA", str(data))
    execute_copy(lesson, tmp_path / "after")

    before = nbformat.read(lesson, as_version=4)
    after = nbformat.read(tmp_path / "after" / lesson.name, as_version=4)
    before, after = condense(before, after)  # as `make diff` shows them
    changed = sorted(change["key"] for top in diff_notebooks(before, after) if top["key"] == "cells"
                     for change in top["diff"])
    assert changed, "the corrected row shows up nowhere"
    assert all("corrected-source" in json.dumps(after.cells[i].outputs) for i in changed), changed
    assert len(changed) <= 3, f"a one-row fix changed {len(changed)} cells: {changed}"


def test_make_diff_condenses_a_long_output_to_the_text_around_its_change():
    page = "<html>" + "x" * 50_000 + "<a href='http://old.example/source'>" + "y" * 50_000 + "</html>"
    table = "<table><tr><td>unchanged</td></tr></table>"

    def notebook(html):
        output = nbformat.v4.new_output("display_data", data={"text/html": html})
        cell = nbformat.v4.new_code_cell("m", outputs=[output])
        other = nbformat.v4.new_code_cell("t", outputs=[nbformat.v4.new_output("display_data", data={
            "text/html": table * 100})])
        cell.id, other.id = "map-cell", "table-cell"  # fixed: new cells get random ids
        return nbformat.v4.new_notebook(cells=[cell, other])

    before, after = condense(notebook(page), notebook(page.replace("old.example", "new.example")))
    shown_before = before.cells[0].outputs[0]["data"]["text/html"]
    shown_after = after.cells[0].outputs[0]["data"]["text/html"]
    assert "old.example" in shown_before and "new.example" in shown_after
    assert len(shown_after) < 500  # not the 100,000 characters around it
    assert before.cells[1].outputs == after.cells[1].outputs  # an unchanged long output stays equal
    changed = [change["key"] for top in diff_notebooks(before, after) if top["key"] == "cells"
               for change in top["diff"]]
    assert changed == [0]
