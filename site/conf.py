"""Sphinx configuration of the course website. Build with `make site` (tools/build_site.py),
which assembles the sources in build/site-src/; this folder is the configuration directory."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))

project = "Central Asian Collective Security"
author = "The course authors"
copyright = "the course authors; text CC BY 4.0, code MIT (see LICENSE-CONTENT.md)"
version = release = str(_package["version"])

extensions = ["myst_nb"]
# linkify: bare URLs in the lessons' source lists become links. No "dollarmath": it would make
# Sphinx load MathJax from a CDN, and the lessons use "$" for money, not maths.
myst_enable_extensions = ["linkify"]
# Anchors as JupyterLab makes them, so the lessons' links to headings work in both (site/slugs.py)
sys.path.insert(0, str(Path(__file__).resolve().parent))
myst_heading_anchors = 6
myst_heading_slug_func = "slugs.jupyterlab_slug"
nb_execution_mode = "off"  # tools/build_site.py executed the lesson copies in site mode
# No widget manager (it was 1.9 MB on every lesson page): tools/build_site.py replaces every widget
# output with plain HTML (casecurity/site_explorers.py), so the pages load no widget script at all.
nb_ipywidgets_js = {}
exclude_patterns = ["downloads/**", "**/.ipynb_checkpoints"]
suppress_warnings = []

html_theme = "sphinx_book_theme"
html_title = project
# tools/build_site.py assembles Leaflet, jQuery and the widget manager in CASECURITY_SITE_STATIC
_assembled = os.environ.get("CASECURITY_SITE_STATIC") or str(ROOT / "build" / "site-static")
html_static_path = [str(ROOT / "site" / "_static"), _assembled]
# casecurity-icons.css is written after the build, in place of Font Awesome's script (build_site.slim_icons)
html_css_files = ["casecurity-site.css", "casecurity-icons.css"]
html_js_files = ["casecurity-site.js", "casecurity-explorer.js"]
html_copy_source = False  # the downloads page offers the real notebooks instead
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "use_download_button": False,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
