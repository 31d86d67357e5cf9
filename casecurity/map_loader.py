"""How an online map's page finds Leaflet and jQuery, on any network.

folium links its libraries from public CDNs, and a map whose CDN is blocked (a school
filter, a train, an offline classroom) is a blank frame. The tags from :func:`loader_html`
take the libraries from the Jupyter server the notebook runs on, when there is one
(:mod:`casecurity.lab_assets` serves the course's copies at
``{base_url}casecurity/static/``), and from the CDN otherwise or when that fails. When
neither answers, the frame says in one line what to do instead of staying blank.

The server's base URL is read from the page that holds the map (the frame's parent):
JupyterLab and Notebook 7 publish it in ``<script id="jupyter-config-data">``, and it is
``/user/<name>/`` on Binder and a JupyterHub. A map saved to a file, or shown by a viewer
that is not Jupyter, has no such parent and loads from the CDN as folium does.

Loading is written with ``document.write`` on purpose: folium's own inline scripts,
later in the page, need ``L`` the moment they run, and a script written while the page
is parsed runs before them.
"""

from __future__ import annotations

import json

LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
JQUERY_JS = "https://code.jquery.com/jquery-3.7.1.min.js"

#: Shown in place of folium's "Make this Notebook Trusted" line, behind the map frame.
#: JupyterLab hides a saved map's frame until the notebook is trusted; running the cell
#: makes its new output trusted, and JupyterLab 4's File menu has no "Trust" item.
NOT_SHOWN_NOTE = "No map here? Run this cell (Shift+Enter) to draw it."
#: Shown inside the frame when Leaflet loaded from nowhere.
NO_LIBRARY_NOTE = (
    "The map library could not load (no internet?): run "
    "<code>from casecurity import maps; maps.offline(True)</code>, then run this cell again."
)

_SCRIPT = """\
<script>
var casecurityLocal = (function () {
  try {
    var config = window.parent.document.getElementById("jupyter-config-data");
    var base = config && JSON.parse(config.textContent).baseUrl;
    if (base) return base.replace(/\\/?$/, "/") + "casecurity/static/";
  } catch (error) {}
  return null;
})();
function casecurityWrite(url, css) {
  document.write(css ? '<link rel="stylesheet" href="' + url + '">' : '<script src="' + url + '"><\\/script>');
}
if (casecurityLocal) { casecurityWrite(casecurityLocal + "leaflet.css", true); casecurityWrite(casecurityLocal + "leaflet.js"); }
</script>
<script>
if (!window.L) { casecurityLocal = null; casecurityWrite(__LEAFLET_CSS__, true); casecurityWrite(__LEAFLET_JS__); }
</script>
<script>
if (casecurityLocal) casecurityWrite(casecurityLocal + "jquery.min.js");
</script>
<script>
if (!window.jQuery) casecurityWrite(__JQUERY_JS__);
</script>
<script>
if (!window.L) {
  document.addEventListener("DOMContentLoaded", function () {
    document.body.innerHTML = '<p style="font: 15px sans-serif; padding: 1em;">' + __NOTE__ + "</p>";
  });
}
</script>"""


def loader_html() -> str:
    """The ``<head>`` tags that load Leaflet's CSS and JS and jQuery: Jupyter server first, then CDN."""
    values = {
        "__LEAFLET_CSS__": LEAFLET_CSS,
        "__LEAFLET_JS__": LEAFLET_JS,
        "__JQUERY_JS__": JQUERY_JS,
        "__NOTE__": NO_LIBRARY_NOTE,
    }
    script = _SCRIPT
    for name, value in values.items():
        script = script.replace(name, json.dumps(value).replace("</", "<\\/"))
    return script


def with_note(frame_html: str) -> str:
    """A map's notebook HTML with folium's "Make this Notebook Trusted" line replaced by ours."""
    return frame_html.replace(
        "Make this Notebook Trusted to load map: File -&gt; Trust Notebook", NOT_SHOWN_NOTE
    ).replace("Make this Notebook Trusted to load map: File -> Trust Notebook", NOT_SHOWN_NOTE)
