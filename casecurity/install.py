"""Fit the Python environment that runs the course with the course's own settings.

``python -m casecurity.install`` (run by ``make lab``, by the set-up script and by Binder's
``postBuild``; a JupyterHub admin runs it once in the hub's environment) writes these files
into the environment (``sys.prefix``), so a learner needs no flag and no user setting:

- ``share/jupyter/lab/settings/overrides.d/casecurity.json``: JupyterLab's defaults for
  the course, copied from ``casecurity/static/jupyterlab/overrides.json`` (no "Jupyter
  news?" pop-up, no update check). ``overrides.d`` is read before ``overrides.json``, so
  an administrator's own overrides still win.
- ``etc/ipython/ipython_kernel_config.py``: loads :mod:`casecurity.friendly` into every
  kernel of the environment, so beginners' mistakes read as one sentence even before the
  first cell ran. An existing file is kept; the course's line is added once.
- ``etc/jupyter/jupyter_server_config.d/casecurity.json``: enables the server extension
  :mod:`casecurity.lab_assets`, which serves the course's copy of Leaflet and jQuery, so
  maps draw where the public CDN is blocked.
- ``casecurity_fast_start.py`` and ``.pth`` in site-packages: a copy of
  :mod:`casecurity.fast_start`, imported when Python starts, which saves about 0.9 s of
  CPU in every process that imports ``nbformat`` (each graded notebook, the Jupyter server).

It also compiles the course package itself to bytecode (``casecurity/__pycache__``, git-ignored),
which a kernel would otherwise compile again at every start where ``PYTHONDONTWRITEBYTECODE``
is set or the folder is read-only (the grader's sandbox); a file changed since is recompiled on
the next run, and Python never uses a ``.pyc`` older than its source.

Re-running is quick: when the files already hold the course's settings, JupyterLab is not
imported and no setting is written, only modules changed since are compiled (``make lab`` runs
this on every start). The settings folder is found once through JupyterLab (slow to import) and
remembered in ``etc/casecurity-install.stamp``, keyed on the prefix and ``JUPYTERLAB_DIR``.
``--prefix DIR`` installs into another prefix (tests use it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from casecurity.files import write_text_atomically

OVERRIDES_SOURCE = Path(__file__).resolve().parent / "static" / "jupyterlab" / "overrides.json"
KERNEL_LINE = 'c.InteractiveShellApp.extensions.append("casecurity.friendly")'
KERNEL_BLOCK = (
    "# Added by the course 'Central Asian Collective Security' (python -m casecurity.install):\n"
    "# beginners' mistakes are explained in one sentence instead of a traceback.\n"
    f"{KERNEL_LINE}\n"
)


def lab_settings_dir(prefix: Path) -> Path:
    """JupyterLab's application settings folder for an environment (``LabApp.app_settings_dir``)."""
    if Path(prefix) == Path(sys.prefix):
        try:  # honours JUPYTERLAB_DIR, like JupyterLab itself
            from jupyterlab.commands import get_app_dir

            return Path(get_app_dir()) / "settings"
        except ImportError:
            pass
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings"


def install_lab_settings(prefix: Path) -> Path:
    target = lab_settings_dir(prefix) / "overrides.d" / "casecurity.json"
    text = OVERRIDES_SOURCE.read_text(encoding="utf-8")
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        write_text_atomically(target, text)
    return target


def install_kernel_extension(prefix: Path) -> Path:
    target = Path(prefix) / "etc" / "ipython" / "ipython_kernel_config.py"
    current = target.read_text(encoding="utf-8") if target.is_file() else ""
    if KERNEL_LINE not in current:
        separator = "" if not current or current.endswith("\n") else "\n"
        write_text_atomically(target, current + separator + KERNEL_BLOCK)
    return target


SERVER_CONFIG = json.dumps(
    {"ServerApp": {"jpserver_extensions": {"casecurity.lab_assets": True}}}, indent=2
) + "\n"


def install_server_extension(prefix: Path) -> Path:
    target = Path(prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / "casecurity.json"
    if not target.is_file() or target.read_text(encoding="utf-8") != SERVER_CONFIG:
        write_text_atomically(target, SERVER_CONFIG)
    return target


FAST_START_SOURCE = Path(__file__).resolve().parent / "fast_start.py"
FAST_START_PTH = "import casecurity_fast_start\n"


def site_packages(prefix: Path) -> Path:
    """The environment's site-packages folder (``purelib``) for ``prefix``."""
    import sysconfig

    if Path(prefix) == Path(sys.prefix):
        return Path(sysconfig.get_paths()["purelib"])
    return Path(sysconfig.get_paths(vars={"base": str(prefix), "platbase": str(prefix)})["purelib"])


def install_fast_start(prefix: Path) -> Path:
    """casecurity/fast_start.py as ``casecurity_fast_start`` in site-packages, and the .pth line that imports it."""
    folder = site_packages(prefix)
    module, pth = folder / "casecurity_fast_start.py", folder / "casecurity_fast_start.pth"
    text = FAST_START_SOURCE.read_text(encoding="utf-8")
    if not module.is_file() or module.read_text(encoding="utf-8") != text:
        write_text_atomically(module, text)
    if not pth.is_file() or pth.read_text(encoding="utf-8") != FAST_START_PTH:
        write_text_atomically(pth, FAST_START_PTH)  # after the module: the line never names a missing file
    return pth


def _stamp(prefix: Path) -> Path:
    return Path(prefix) / "etc" / "casecurity-install.stamp"


def _stamp_key(prefix: Path) -> str:
    return f"prefix={Path(prefix).resolve()} JUPYTERLAB_DIR={os.environ.get('JUPYTERLAB_DIR', '')}"


def is_current(prefix: Path) -> bool:
    """True when the settings folder remembered for this prefix holds all the files, as the course has them."""
    try:
        key, settings_file = _stamp(prefix).read_text(encoding="utf-8").splitlines()[:2]
        kernel = Path(prefix) / "etc" / "ipython" / "ipython_kernel_config.py"
        server = Path(prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / "casecurity.json"
        packages = site_packages(prefix)
        return (
            key == _stamp_key(prefix)
            and Path(settings_file).read_text(encoding="utf-8") == OVERRIDES_SOURCE.read_text(encoding="utf-8")
            and KERNEL_LINE in kernel.read_text(encoding="utf-8")
            and server.read_text(encoding="utf-8") == SERVER_CONFIG
            and (packages / "casecurity_fast_start.py").read_text(encoding="utf-8")
            == FAST_START_SOURCE.read_text(encoding="utf-8")
            and (packages / "casecurity_fast_start.pth").read_text(encoding="utf-8") == FAST_START_PTH
        )
    except (OSError, ValueError):
        return False


def compile_course() -> bool:
    """Compile casecurity's modules whose .pyc is missing or older than the source; False if the
    package's folder cannot be written (an installed, read-only copy: nothing is lost, only speed)."""
    import compileall

    return compileall.compile_dir(Path(__file__).resolve().parent, quiet=2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--prefix", type=Path, default=Path(sys.prefix), help="environment (default: this one)"
    )
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    compile_course()
    if is_current(args.prefix):
        if not args.quiet:
            print("casecurity.install: the course's settings are already in place")
        return 0
    try:
        written = [
            install_lab_settings(args.prefix),
            install_kernel_extension(args.prefix),
            install_server_extension(args.prefix),
            install_fast_start(args.prefix),
        ]
        write_text_atomically(_stamp(args.prefix), f"{_stamp_key(args.prefix)}\n{written[0]}\n")
    except OSError as exc:
        print(
            f"casecurity.install: cannot write the course's settings ({exc}); "
            "check that you may write to the environment, or pass --prefix",
            file=sys.stderr,
        )
        return 1
    if not args.quiet:
        print("casecurity.install: course settings in " + ", ".join(str(p) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
