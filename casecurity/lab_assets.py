"""A Jupyter server extension that serves the course's copy of the map libraries.

A folium map in a notebook is an ``<iframe srcdoc>`` whose page loads Leaflet and jQuery.
Online maps (:mod:`casecurity.map_loader`) load them from this server first, at
``{base_url}casecurity/static/`` (``base_url`` is ``/user/<name>/`` on Binder and a
JupyterHub), and from the public CDN only when this server does not answer, so a map draws
on a network that blocks the CDN (a school filter, a train, an offline classroom).

``python -m casecurity.install`` enables the extension for the environment by writing
``etc/jupyter/jupyter_server_config.d/casecurity.json``. The files are public code, so
they are served without the server's token, like JupyterLab's own ``static/`` files.
"""

from __future__ import annotations

from pathlib import Path

from jupyter_server.utils import url_path_join
from tornado.web import StaticFileHandler

STATIC_DIR = Path(__file__).resolve().parent / "static"
#: Where the files are served, below the server's base URL (see casecurity.map_loader).
URL_PATH = "casecurity/static/"


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "casecurity.lab_assets"}]


def _load_jupyter_server_extension(serverapp) -> None:
    """Add the static route to a running Jupyter server."""
    web_app = serverapp.web_app
    route = url_path_join(web_app.settings["base_url"], URL_PATH, "(.*)")
    web_app.add_handlers(".*$", [(route, StaticFileHandler, {"path": str(STATIC_DIR)})])
