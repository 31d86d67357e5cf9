"""Heading anchors of the course website, made the way JupyterLab makes them.

JupyterLab gives a heading the id of its text with spaces turned into "-" (case and
punctuation kept), and the lessons link to headings that way, e.g.
``00_start_here.ipynb#9.-A-pandas-primer``. Using the same rule on the site keeps those links
working in both places. Named in site/conf.py as ``myst_heading_slug_func``.
"""


def jupyterlab_slug(text: str) -> str:
    """``'9. A pandas primer'`` -> ``'9.-A-pandas-primer'``."""
    return text.strip().replace(" ", "-")
