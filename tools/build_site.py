"""Build the course website into build/site/ (`make site`): static files any web server can host.

Steps:

1. Browser files from npm (``site/package-lock.json``, integrity-checked by ``npm ci``):
   axe-core for the accessibility test. Skipped when ``site/node_modules`` already matches the lock file, so a re-build
   needs no network.
2. A source tree in build/site-src/ laid out like the repository, so the notebooks' and
   documents' relative links keep working: ``notebooks/`` (lesson COPIES re-executed in site
   mode), ``exercises/`` (exercise sets, not executed), ``docs/teaching.md``, ``data/``
   (README, provenance pages, changelog, the CSV files) and ``downloads/``. The repository's
   own notebooks and their saved outputs are never touched.
3. ``sphinx-build -W`` (warnings are errors) with myst-nb and the book theme into build/site/.

Site mode for maps: lessons execute with ``CASECURITY_OFFLINE=1`` (no tiles, no CDN) and
``CASECURITY_ASSETS_URL=../_static/casecurity/``, so each map links the site's single copy of
Leaflet and jQuery instead of inlining it. A map sits in an ``<iframe srcdoc>``, which
resolves that relative URL against its page, one folder below the site root.

Executed lessons are cached in build/site-cache/, keyed by a hash of the notebook, the
``casecurity`` package and ``data/``, so a re-build after a prose-only change is quick.

    python tools/build_site.py            # build
    python tools/build_site.py --fresh    # ignore the execution cache
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "site"
NODE = CONF / "node_modules"
CACHE = ROOT / "build" / "site-cache"
# set by configure(): where the sources, the static files and the finished site go
BUILD = ROOT / "build"
SRC = BUILD / "site-src"
STATIC = BUILD / "site-static"
OUT = BUILD / "site"
#: relative to a lesson page (notebooks/NN.html); _static/casecurity holds casecurity/static
ASSETS_URL = "../_static/casecurity/"
BINDER = "https://mybinder.org/v2/gh/central-asia-security-course/casecurity/HEAD"


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- inputs


def dataset_info() -> tuple[str, str]:
    """(version, as_of) of the dataset, from data/datapackage.json."""
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    version, as_of = package.get("version"), package.get("as_of")
    if not version or not as_of:
        fail('data/datapackage.json needs "version" and "as_of" (the site shows both on every lesson)')
    return str(version), str(as_of)


def title_of(nb) -> str:
    """The first '# ' heading of a notebook (its page title)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def npm_files() -> None:
    """`npm ci` in site/ unless node_modules already matches package-lock.json."""
    lock = CONF / "package-lock.json"
    stamp = NODE / ".casecurity-lock-sha256"
    wanted = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return
    npm = shutil.which("npm")
    if not npm:
        fail("npm not found: install Node.js 18 or newer (it fetches axe-core for the site's tests)")
    print("npm ci (site/package-lock.json) ...", file=sys.stderr, flush=True)
    result = subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=CONF, capture_output=True, text=True,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["(no message)"])[-1]
        fail(f"`npm ci` in site/ failed ({last}); check access to the npm registry and re-run")
    stamp.write_text(wanted + "\n")


# --------------------------------------------------------------------------- execution


def inputs_hash() -> str:
    """A hash of everything a lesson's outputs depend on besides the notebook itself."""
    digest = hashlib.sha256()
    for folder in ("casecurity", "data"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    digest.update(ASSETS_URL.encode())
    return digest.hexdigest()


def execute_copy(source: str, target: str) -> float:
    """Execute a copy of one lesson in site mode (runs in a worker process)."""
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    os.environ["CASECURITY_OFFLINE"] = "1"
    os.environ["CASECURITY_ASSETS_URL"] = ASSETS_URL
    os.environ.pop("CASECURITY_RESULTS", None)
    os.environ["CASECURITY_PROGRESS"] = os.path.join(tempfile.mkdtemp(), "progress.json")
    nb = nbformat.read(source, as_version=4)
    started = time.perf_counter()
    workdir = tempfile.mkdtemp(prefix="casecurity-site-")  # files a lesson might write stay out of build/
    # IPC transport (Unix sockets in workdir): the kernel and this process talk on one machine, and
    # over TCP ipykernel warns "Kernel is running over TCP without encryption" once per lesson.
    manager = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(workdir, "kernel"))
    try:
        NotebookClient(nb, km=manager, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": workdir}}).execute()
    finally:  # a kernel manager passed in is not shut down by nbclient
        if manager.has_kernel:
            manager.shutdown_kernel()
        shutil.rmtree(workdir, ignore_errors=True)
    without_widgets(nb)
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return time.perf_counter() - started


MAP_URL = "@@casecurity-map-{}@@"  # placeholder for the URL of an explorer state's map page


def import_lines(source: str) -> list[str]:
    """The one-line import statements of a cell (``from casecurity import widgets``)."""
    return [line for line in source.splitlines()
            if line.startswith(("import ", "from ")) and not line.rstrip().endswith(("(", "\\"))]


def without_widgets(nb) -> None:
    """Replace every widget output of an executed lesson with plain HTML (no widget manager, no
    kernel on the site): an explorer with one precomputable control becomes a live view whose
    states were computed here (casecurity.site_explorers.live_view), anything else its saved
    view. Runs in the worker that executed the lesson, in site mode; a live view's map pages go
    into the output's metadata (``casecurity_maps``) and are written by lesson_page()."""
    from casecurity import site_explorers

    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    namespace: dict = {}
    for cell in nb.cells:  # the lesson's imports, to rebuild each explorer from its cell
        for line in import_lines(cell.source) if cell.cell_type == "code" else []:
            exec(line, namespace)  # noqa: S102 - the course's own lesson, executed just before
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if not view:
                continue
            try:
                widget = eval(cell.source.strip(), namespace)  # noqa: S307 - as above
            except Exception:  # noqa: BLE001 - not a single expression: the saved view will do
                widget = None
            live = site_explorers.live_view(widget) if widget is not None else None
            if live is None:
                output["data"] = {"text/html": site_explorers.saved_view(view["model_id"], state)}
                continue
            title = re.search(r"<title>([^<]*)</title>", live.maps[live.start]) if live.maps else None
            urls = [MAP_URL.format(i) for i in range(len(live.maps))]
            output["data"] = {"text/html": live.html(urls, "Map: " + html.unescape(title.group(1)) if title else "Map")}
            output.setdefault("metadata", {})["casecurity_maps"] = live.maps
    nb.metadata.pop("widgets", None)


def executed_lessons(fresh: bool) -> dict[Path, Path]:
    """Lesson -> executed copy in build/site-cache/, executing only what changed."""
    CACHE.mkdir(parents=True, exist_ok=True)
    common = inputs_hash()
    wanted, todo = {}, []
    for lesson in sorted((ROOT / "notebooks").glob("*.ipynb")):
        key = hashlib.sha256(common.encode() + lesson.read_bytes()).hexdigest()[:16]
        cached = CACHE / f"{lesson.stem}.{key}.ipynb"
        wanted[lesson] = cached
        if fresh or not cached.exists():
            todo.append((lesson, cached))
    for stale in CACHE.glob("*.ipynb"):
        if stale not in wanted.values():
            stale.unlink()
    if todo:
        print(f"Executing {len(todo)} lesson copies in site mode ...", file=sys.stderr, flush=True)
        with ProcessPoolExecutor(max_workers=min(2, len(todo))) as pool:
            jobs = {lesson: pool.submit(execute_copy, str(lesson), str(cached)) for lesson, cached in todo}
            failed = []
            for lesson, job in jobs.items():
                try:
                    print(f"  {lesson.name}: {job.result():.1f} s", file=sys.stderr, flush=True)
                except Exception as error:  # noqa: BLE001 - report every failing lesson, then stop
                    lines = str(error).strip().splitlines() or [type(error).__name__]
                    failed.append(f"{lesson.name}: {lines[-1]}")
        if failed:
            fail("a lesson failed in site mode: " + "; ".join(failed))
    return wanted


# --------------------------------------------------------------------------- page parts


def md_cell(cell_id: str, text: str):
    cell = nbformat.v4.new_markdown_cell(text)
    cell.id = cell_id
    return cell


def lesson_header(name: str, version: str, as_of: str) -> str:
    binder = f"{BINDER}?urlpath=lab/tree/notebooks/{name}"
    return (
        "```{container} casecurity-page-info\n"
        f"Dataset version {version}, data as of {as_of}. "
        "Maps and tables below are drawn from that data; "
        "the explorers work on this page without Python; to check quiz answers, launch Binder.\n\n"
        f"[Launch on Binder]({binder}) "
        f"{{download}}`Download this notebook <../downloads/notebooks/{name}>`\n"
        "```\n"
    )


def insert_after_title(nb, cell) -> None:
    for index, existing in enumerate(nb.cells):
        if existing.cell_type == "markdown" and existing.source.lstrip().startswith("# "):
            nb.cells.insert(index + 1, cell)
            return
    nb.cells.insert(0, cell)


def inline_svg(cell) -> None:
    """Charts (SVG) go into the page itself, not into an <img>: their <title> and <desc>
    then reach screen readers (an <img> would only get a file name as its alt text)."""
    for output in cell.get("outputs", []):
        bundle = output.get("data", {})
        if "image/svg+xml" in bundle and "text/html" not in bundle:
            bundle["text/html"] = f'<div class="casecurity-chart">{bundle.pop("image/svg+xml")}</div>'


# --------------------------------------------------------------------------- shared geometry
#
# Every map carries the outlines of the countries it draws (about 330 KB a map, the same
# outlines again and again). On the site each outline is written once, in
# _static/casecurity/geometry.js (window.CASECURITY_GEO, by ISO3 code), and a map refers to it:
# folium writes a layer's GeoJSON as a JavaScript object literal, so a geometry can be an
# expression. Only geometries identical to the dataset's are replaced; anything else stays.

GEOMETRY_JS = "geometry.js"
_GEOMETRY_AT = re.compile(r'"geometry":\s*')
_SRCDOC = re.compile(r'srcdoc="([^"]*)"')


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def country_geometry() -> dict[str, dict]:
    from casecurity import data

    return {f["properties"]["iso3"]: f["geometry"] for f in data.countries_geo()["features"]}


def share_geometry_in_map(doc: str, by_shape: dict[str, str]) -> str:
    """One map's HTML with each known country outline replaced by CASECURITY_GEO[code]."""
    if f"{ASSETS_URL}leaflet.js" not in doc:
        return doc
    decoder, parts, last = json.JSONDecoder(), [], 0
    for match in _GEOMETRY_AT.finditer(doc):
        if match.start() < last:
            continue
        try:
            value, end = decoder.raw_decode(doc, match.end())
        except ValueError:
            continue
        code = by_shape.get(_canonical(value))
        if code:
            parts += [doc[last:match.end()], f"CASECURITY_GEO[{json.dumps(code)}]"]
            last = end
    if not parts:
        return doc
    parts.append(doc[last:])
    doc = "".join(parts)
    tag = f'<script src="{ASSETS_URL}leaflet.js"></script>'
    return doc.replace(tag, f'{tag}\n<script src="{ASSETS_URL}{GEOMETRY_JS}"></script>', 1)


def share_geometry(text: str, by_shape: dict[str, str]) -> str:
    """``text`` (HTML holding map iframes) with every map's outlines shared."""
    def one(match: re.Match) -> str:
        doc = html.unescape(match.group(1))
        shared = share_geometry_in_map(doc, by_shape)
        return match.group(0) if shared is doc else f'srcdoc="{html.escape(shared, quote=True)}"'

    return _SRCDOC.sub(one, text) if "srcdoc=" in text else text


def share_geometry_in_notebook(nb, by_shape: dict[str, str]) -> None:
    """Map outputs and maps inside saved widget state (an HTML widget's value)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            bundle = output.get("data", {})
            if isinstance(bundle.get("text/html"), str):
                bundle["text/html"] = share_geometry(bundle["text/html"], by_shape)
            elif isinstance(bundle.get("text/html"), list):
                bundle["text/html"] = share_geometry("".join(bundle["text/html"]), by_shape)
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for model in state.values():
        value = model.get("state", {}).get("value")
        if isinstance(value, str):
            model["state"]["value"] = share_geometry(value, by_shape)


def write_geometry_js(target: Path, geometry: dict[str, dict]) -> None:
    body = ",\n".join(f"{json.dumps(code)}:{_canonical(shape)}" for code, shape in sorted(geometry.items()))
    write(target, "/* Country outlines shared by the maps of the course website (Natural Earth, public domain;\n"
                  "   see data/geo/README.md). Written by tools/build_site.py. */\n"
                  f"window.CASECURITY_GEO = {{\n{body}\n}};\n")


def explorer_maps(nb, stem: str, by_shape: dict[str, str]) -> None:
    """Write the map pages of the notebook's live explorers into _static/explorers/ and point
    their placeholders at them. A map page lives one folder below the site root, like a lesson,
    so its links to ../_static/casecurity/ become ../casecurity/."""
    for number, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            maps = output.get("metadata", {}).pop("casecurity_maps", None)
            if not maps:
                continue
            text = output["data"]["text/html"]
            for index, page in enumerate(maps):
                name = f"{stem}-{number}-{index}.html"
                shared = share_geometry_in_map(page, by_shape).replace(ASSETS_URL, "../casecurity/")
                write(STATIC / "explorers" / name, shared)
                text = text.replace(MAP_URL.format(index), f"../_static/explorers/{name}")
            output["data"]["text/html"] = text


def lesson_page(executed: Path, target: Path, version: str, as_of: str, by_shape: dict[str, str]) -> None:
    nb = nbformat.read(executed, as_version=4)
    explorer_maps(nb, target.stem, by_shape)
    share_geometry_in_notebook(nb, by_shape)
    for cell in nb.cells:
        inline_svg(cell)
    insert_after_title(nb, md_cell("site-header", lesson_header(target.name, version, as_of)))
    nbformat.write(nb, target)


def exercise_page(source: Path, target: Path) -> None:
    nb = nbformat.read(source, as_version=4)
    lesson = source.name.replace("_exercises", "")
    binder = f"{BINDER}?urlpath=lab/tree/exercises/{source.name}"
    note = (
        "```{container} casecurity-page-info\n"
        "This page shows the exercise set; it cannot check answers. To get your answers checked, "
        "open the notebook in JupyterLab, write your code where it says `# your code here`, and run "
        "each `check` cell: it says at once whether you are right and why.\n\n"
        f"[Launch on Binder]({binder}) "
        f"{{download}}`Download this exercise set <../downloads/exercises/{source.name}>`\n\n"
        "A downloaded exercise set needs the course installed: in the course folder run `make lab` "
        f"(see the [landing page](../index.md)). It goes with lesson [{lesson[:2]}](../notebooks/{lesson}).\n"
        "```\n"
    )
    insert_after_title(nb, md_cell("site-header", note))
    nbformat.write(nb, target)


def lesson_map() -> str:
    """The lesson table of README.md (single source for topics and times)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Lesson map\n+((?:\|.*\n)+)", text, re.MULTILINE)
    if not match:
        fail("README.md has no '## Lesson map' table for the landing page")
    return match.group(1)


def downloads_page(version: str, as_of: str) -> str:
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    rows = [
        f"| {{download}}`{r['path']} <data/{r['path']}>` | {r.get('title', '')} | "
        f"{(r.get('description') or '').replace('|', '/')} |"
        for r in package["resources"]
    ]
    lessons = "\n".join(
        f"- {{download}}`{p.name} <downloads/notebooks/{p.name}>` — {title_of(nbformat.read(p, as_version=4))}"
        for p in sorted((ROOT / "notebooks").glob("*.ipynb"))
    )
    exercises = "\n".join(
        f"- {{download}}`{p.name} <downloads/exercises/{p.name}>`" for p in sorted((ROOT / "exercises").glob("*.ipynb"))
    )
    return f"""# Downloads

## The dataset

Version {version}, as of {as_of}. Every row carries the URL of its source; see the
[data README](data/README.md) for the tables and columns and the [changelog](data/CHANGELOG.md)
for corrections.

- {{download}}`casecurity-data-{version}.zip <downloads/casecurity-data-{version}.zip>`: every table,
  `datapackage.json` (a Frictionless data package), the README, the provenance notes and the changelog.
- {{download}}`datapackage.json <data/datapackage.json>`: the machine-readable description of the tables.

| file | table | what it holds |
|---|---|---|
{chr(10).join(rows)}

## The notebooks

The lessons as they are in the course repository (with their saved outputs). They run in
JupyterLab with the course installed (`make lab`), or on Binder.

Lessons:

{lessons}

Exercise sets:

{exercises}
"""


def exercises_index() -> str:
    items = "\n".join(
        f"- [{title_of(nbformat.read(p, as_version=4))}]({p.name})" for p in sorted((ROOT / "exercises").glob("*.ipynb"))
    )
    return f"""# Exercise sets

Each lesson has an exercise set: data tasks with pandas, a map to build, multiple-choice
questions and a written reflection. On this website you can read them. To have your answers
**checked**, open a set in JupyterLab — on Binder (a button at the top of each set), or on your
own computer after `make lab` — write your code where it says `# your code here`, and run the
`check` cell under it. It tells you at once whether you are right, and why; `hint()` gives a
hint and `solution()` the worked answer.

{items}
"""


# --------------------------------------------------------------------------- assemble


def copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def zip_folder(target: Path, files: list[tuple[Path, str]]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, name in files:
            archive.write(path, name)


def assemble(fresh: bool) -> None:
    version, as_of = dataset_info()
    executed = executed_lessons(fresh)
    if SRC.exists():
        shutil.rmtree(SRC)
    (SRC / "notebooks").mkdir(parents=True)
    (SRC / "exercises").mkdir(parents=True)
    geometry = country_geometry()
    by_shape = {_canonical(shape): code for code, shape in geometry.items()}
    if STATIC.exists():
        shutil.rmtree(STATIC)
    for lesson, cached in executed.items():
        lesson_page(cached, SRC / "notebooks" / lesson.name, version, as_of, by_shape)
        copy(lesson, SRC / "downloads" / "notebooks" / lesson.name)
    for exercise in sorted((ROOT / "exercises").glob("*.ipynb")):
        exercise_page(exercise, SRC / "exercises" / exercise.name)
        copy(exercise, SRC / "downloads" / "exercises" / exercise.name)
    write(SRC / "exercises" / "index.md", exercises_index())
    copy(ROOT / "docs" / "teaching.md", SRC / "docs" / "teaching.md")
    data_files = [p for p in sorted((ROOT / "data").rglob("*")) if p.is_file()]
    for path in data_files:
        if path.suffix in {".md", ".csv", ".json"} and "geo" not in path.relative_to(ROOT / "data").parts:
            copy(path, SRC / path.relative_to(ROOT))
    copy(ROOT / "CITATION.cff", SRC / "CITATION.cff")
    zip_folder(
        SRC / "downloads" / f"casecurity-data-{version}.zip",
        [(p, f"casecurity-data-{version}/{p.relative_to(ROOT / 'data')}") for p in data_files],
    )
    write(SRC / "downloads.md", downloads_page(version, as_of))
    index = (CONF / "index.md").read_text(encoding="utf-8")
    for token, value in (("<!-- lesson map -->", lesson_map()), ("{{ dataset_version }}", version), ("{{ as_of }}", as_of)):
        index = index.replace(token, value)
    write(SRC / "index.md", index)
    # browser files served from _static/ (see conf.py: html_static_path)
    static = STATIC
    package_static = ROOT / "casecurity" / "static"
    for name in ("leaflet.js", "leaflet.css", "jquery.min.js", "LICENSE-leaflet.txt", "LICENSE-jquery.txt"):
        copy(package_static / name, static / "casecurity" / name)
    for image in (package_static / "images").glob("*.png"):
        copy(image, static / "casecurity" / "images" / image.name)
    write_geometry_js(static / "casecurity" / GEOMETRY_JS, geometry)


def sphinx() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
               "-c", str(CONF), "-d", str(BUILD / f"{OUT.name}-doctrees"), str(SRC), str(OUT)]
    environment = dict(os.environ, CASECURITY_SITE_STATIC=str(STATIC))  # read by site/conf.py
    result = subprocess.run(command, cwd=ROOT, env=environment)
    if result.returncode != 0:
        fail("sphinx-build reported warnings or errors (above); the site was not finished")
    # Weight: source maps (debugging aids of the theme's bundles), the theme's translation
    # catalogues and its Jinja macro files (both used at build time only; the macro files
    # would show as pages with dead links) are never loaded by a reader's browser.
    for path in [*OUT.glob("_static/**/*.map"), *OUT.glob("_static/*macros.html")]:
        path.unlink()
    shutil.rmtree(OUT / "_static" / "locales", ignore_errors=True)
    slim_icons()
    (OUT / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ and friends as they are


ICON_MODIFIERS = {"solid", "regular", "brands", "fw", "lg", "xs", "sm", "xl", "2x", "spin", "pulse", "stack", "inverse"}
ICON_STYLES = {"solid": ("Free", 900), "regular": ("Free", 400), "brands": ("Brands", 400)}


def icon_font_version(stylesheet: Path) -> str:
    """The Font Awesome major version whose fonts the theme's stylesheet declares ("6" for
    pydata-sphinx-theme 0.16, "7" for 0.20)."""
    found = re.findall(r'"Font Awesome (\d+) Free"', stylesheet.read_text(encoding="utf-8"))
    if not found:
        fail(f"{stylesheet.name} declares no Font Awesome font; the icons cannot be drawn without its script")
    return found[0]


def slim_icons() -> None:
    """Replace the theme's Font Awesome script (1.5 MB on every page) with a few CSS rules.

    The theme shows about a dozen icons as ``<i class="fa-solid fa-bars">``, which the script
    turns into SVG. The theme's stylesheet already declares the Font Awesome fonts, so one
    ``::before`` rule per icon draws the same icons. The code points come from the script
    itself. If a page uses an icon the script does not define, the script stays.
    """
    script = OUT / "_static" / "scripts" / "fontawesome.js"
    if not script.exists():
        return
    source = script.read_text(encoding="utf-8")
    codes = {}
    for quoted, bare, aliases, code in re.findall(
        r'(?:"([a-z0-9-]+)"|\b([a-z][a-z0-9]*)):\[\d+,\d+,\[([^\]]*)\],"([0-9a-f]+)"', source
    ):
        for name in [quoted or bare, *re.findall(r'"([a-z0-9-]+)"', aliases)]:
            codes.setdefault(name, code)
    used = set()
    for path in [*OUT.rglob("*.html"), *(OUT / "_static" / "scripts").glob("*.js")]:
        if path != script:
            used |= set(re.findall(r"\bfa-([a-z0-9-]+)", path.read_text(encoding="utf-8", errors="replace")))
    major = icon_font_version(OUT / "_static" / "styles" / "pydata-sphinx-theme.css")
    icons = sorted(used - ICON_MODIFIERS)
    unknown = [name for name in icons if name not in codes]
    if unknown:
        print(f"note: keeping Font Awesome's script (icons without a code point: {unknown[:5]})", file=sys.stderr)
        return
    rules = ["/* Icons of the theme, drawn with the theme's Font Awesome fonts (written by tools/build_site.py). */",
             ".fa-solid, .fa-regular, .fa-brands { display: inline-block; font-style: normal; font-variant: normal;"
             " line-height: 1; text-rendering: auto; -webkit-font-smoothing: antialiased; }",
             *(f'.fa-{style} {{ font-family: "Font Awesome {major} {family}"; font-weight: {weight}; }}'
               for style, (family, weight) in ICON_STYLES.items()),
             ".fa-fw { text-align: center; width: 1.25em; }",
             ".fa-lg { font-size: 1.25em; line-height: 0.05em; vertical-align: -0.075em; }",
             *(f'.fa-{name}::before {{ content: "\\{codes[name]}"; }}' for name in icons)]
    write(OUT / "_static" / "casecurity-icons.css", "\n".join(rules) + "\n")
    script.write_text("/* Font Awesome's script is not needed: casecurity-icons.css draws the icons "
                      "(tools/build_site.py, slim_icons). */\n", encoding="utf-8")


def configure(out: Path) -> None:
    """Put the finished site in ``out`` and its intermediate files beside it."""
    global BUILD, SRC, STATIC, OUT
    OUT = out.resolve()
    BUILD = OUT.parent
    SRC, STATIC = BUILD / f"{OUT.name}-src", BUILD / f"{OUT.name}-static"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="re-execute every lesson (ignore the cache)")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the site (default: build/site)")
    args = parser.parse_args()
    configure(args.out)
    started = time.perf_counter()
    try:
        import myst_nb  # noqa: F401
        import sphinx_book_theme  # noqa: F401
    except ImportError:
        fail("the website packages are missing: .venv/bin/pip install -r requirements-site.txt -c constraints.txt")
    npm_files()
    assemble(args.fresh)
    sphinx()
    print(f"Site built in {time.perf_counter() - started:.0f} s: {OUT}/index.html", file=sys.stderr)


if __name__ == "__main__":
    main()
