"""One plain sentence instead of a traceback for the commonest beginner mistakes.

An IPython extension, loaded into every kernel of the course's environment by a kernel
config file (``python -m casecurity.install`` writes it), so it works before the learner
has run a notebook's first cell. ``import casecurity`` loads it too. It recognises:

- a name from the import cell used before that cell ran (``ex``, ``data``, ``maps``, ...);
- an option letter without quotes (``answer = b``);
- a template blank left in (``____``) when nothing defines it;
- a misspelled column in ``table["colum"]`` (did-you-mean, from the table's own columns);
- broken indentation (``IndentationError``);
- a course error (:class:`casecurity.errors.CourseError`), shown as its one line;
- ``ex.q1.check`` without brackets: the bound method displays as "add brackets";
- a date column compared with a number (``events["start_date"] >= 2022``) or with a text
  that is no date (``"2022-13-01"``: "there is no month 13");
- a text value without quotes (``answer = central_asia``);
- a question name in capitals (``ex.Q6``) or one the set does not have.

Anything else keeps IPython's normal traceback. :func:`friendly_message` is the pure part
(exception in, sentence or ``None`` out); the extension only routes exceptions to it.
"""

from __future__ import annotations

import calendar
import difflib
import linecache
import re
import sys
import types

from casecurity.errors import CourseError

__all__ = ["friendly_message", "method_hint", "load_ipython_extension", "unload_ipython_extension"]

# Names the first code cell of a lesson or exercise set defines.
IMPORTED_NAMES = {"ex", "data", "maps", "widgets", "charts", "casecurity", "pd", "folium"}
OPTION_LETTERS = set("abcdefghABCDEFGH")
BLANK = "____"
BLANK_SENTENCE = "Fill in the blanks (____) first: replace each ____ with your code, then run the cell again."
_MARK = "_casecurity_friendly"


def _name_error_message(value: BaseException) -> str | None:
    name = getattr(value, "name", None)
    if name is None:  # Python < 3.10 or a hand-made NameError: read it from the message
        parts = str(value).split("'")
        name = parts[1] if len(parts) >= 3 else None
    if name in IMPORTED_NAMES:
        return (
            f"`{name}` is not defined yet: run the first code cell of this notebook (the imports), "
            "then run this cell again."
        )
    if name in OPTION_LETTERS:
        return f'Put the option letter in quotes: answer = "{name}" (without quotes, Python reads {name} as a variable).'
    if name and set(name) == {"_"} and len(name) >= 3:
        return f"This cell still has a blank {name} in it: replace each {name} with your code, then run the cell."
    if name and _is_course_value(name):
        return f"Text values need quotes: '{name}' (without quotes, Python looks for a variable named {name})."
    return None


def _is_course_value(name: str) -> bool:
    """True when ``name`` is a category or code in the course's data (``central_asia``, ``KAZ``, ``CSTO``)."""
    data = sys.modules.get("casecurity.data")  # loaded by any lesson or exercise set; never load it here
    if data is None:
        return False
    if name in data.vocabulary():
        return True
    if not re.fullmatch(r"[A-Z][A-Z0-9]{1,7}", name):  # only codes are worth reading the tables for
        return False
    return name in set(data.load("countries")["iso3"]) | set(data.load("organizations")["id"])


_DATE_COMPARISON = re.compile(r"Invalid comparison between dtype=datetime64\S* and (\w+)")
_DATE_TEXT = re.compile(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*")
_DATE_FORMAT = 'write a date as "YYYY-MM-DD", e.g. "2022-01-01"'


def _comparison_parts(tb: types.TracebackType | None) -> tuple[str, object]:
    """What the learner wrote on the left (``events["start_date"]``) and the value compared with."""
    table, column, value, frames = "table", None, None, []
    while tb is not None:
        frames.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        local = tb.tb_frame.f_locals
        if value is None and "other" in local:
            value = local["other"]
        name = getattr(local.get("self"), "name", None)
        if column is None and isinstance(name, str):
            column = name
        tb = tb.tb_next
    if column is None:
        return 'table["date column"]', value
    pattern = re.compile(r"([A-Za-z_]\w*)\[\s*[\"']" + re.escape(column) + r"[\"']\s*\]")
    for filename, line in frames:  # name the learner's own table, read from the line they wrote
        found = pattern.search(linecache.getline(filename, line))
        if found:
            table = found.group(1)
            break
    return f'{table}["{column}"]', value


def _date_comparison_message(value: BaseException, tb: types.TracebackType | None) -> str | None:
    """A date column compared with a number, or with a text that is not a real date."""
    match = _DATE_COMPARISON.search(str(value))
    if match is None:
        return None
    left, other = _comparison_parts(tb)
    if isinstance(other, str):
        parts = _DATE_TEXT.fullmatch(other)
        if parts is None:
            return f'"{other}" is not a date that Python can read: {_DATE_FORMAT}.'
        year, month, day = (int(part) for part in parts.groups())
        if not 1 <= month <= 12:
            return f'"{other}": there is no month {month}; {_DATE_FORMAT} (month 01 to 12).'
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            return f'"{other}": {calendar.month_name[month]} {year} has no day {day}; {_DATE_FORMAT}.'
        return f'"{other}" is not a date that Python can read: {_DATE_FORMAT}.'
    year = other if isinstance(other, int) and 1000 <= other <= 2999 else 2022
    return (
        f'Compare dates with a date: {left} >= "{year}-01-01" '
        f"(a number such as {other!r} is not a date; {_DATE_FORMAT})."
    )


def _attribute_message(value: BaseException) -> str | None:
    """``ex.Q6`` or ``ex.q99``: an exercise set's questions are q1, q2, ... in lower case."""
    owner, name = getattr(value, "obj", None), getattr(value, "name", None)
    module = getattr(owner, "__name__", "")
    if not isinstance(owner, types.ModuleType) or not module.startswith("casecurity.exercises.") or not name:
        return None
    questions = sorted(
        (attr for attr in vars(owner) if re.fullmatch(r"q\d+", attr)), key=lambda attr: int(attr[1:])
    )
    if name.lower() in questions:
        return f"Question names are lower case: ex.{name.lower()}"
    if re.fullmatch(r"[qQ]\d+", name) and questions:
        return f"This exercise set has no question {name.lower()}: its questions are ex.{questions[0]} to ex.{questions[-1]}."
    return None


def _column_request(tb: types.TracebackType | None):
    """The table and the column name(s) a learner's failed lookup asked for, or (None, [])."""
    pandas = sys.modules.get("pandas")
    while tb is not None and "pandas" not in tb.tb_frame.f_code.co_filename.replace("\\", "/").split("/"):
        tb = tb.tb_next  # skip the learner's own frames to the first pandas call
    if pandas is None or tb is None:
        return None, []
    local, name = tb.tb_frame.f_locals, tb.tb_frame.f_code.co_name
    owner = local.get("self")
    if isinstance(owner, pandas.DataFrame) and name == "__getitem__":  # table["col"], table[["a", "b"]]
        return owner, local.get("key")
    if isinstance(owner, pandas.DataFrame) and name == "sort_values":  # table.sort_values("col")
        return owner, local.get("by")
    frame = getattr(owner, "obj", None)
    key = local.get("key")
    if isinstance(frame, pandas.DataFrame) and name == "__getitem__" and isinstance(key, tuple) and len(key) == 2:
        return frame, key[1]  # table.loc[rows, "col"]: only the column part names columns
    return None, []


def _column_error_message(value: BaseException, tb: types.TracebackType | None) -> str | None:
    """A KeyError from asking a table for a column it lacks: name it and the closest real ones."""
    frame, key = _column_request(tb)
    if frame is None:
        return None
    columns = [str(column) for column in frame.columns]
    wanted = [key] if isinstance(key, str) else list(key) if isinstance(key, list | tuple) else []
    missing = [str(item) for item in wanted if isinstance(item, str) and item not in columns]
    if not missing:
        return None
    lines = []
    for item in missing:
        close = difflib.get_close_matches(item, columns, n=1, cutoff=0.5) or difflib.get_close_matches(
            item.lower(), [c.lower() for c in columns], n=1, cutoff=0.5
        )
        guess = f"; did you mean '{close[0]}'?" if close else "."
        lines.append(f"This table has no column '{item}'{guess}")
    shown = ", ".join(columns[:15]) + (", ..." if len(columns) > 15 else "")
    return " ".join(lines) + f" Its columns are: {shown}."


def _indentation_message(value: BaseException) -> str:
    line = getattr(value, "lineno", None)
    where = f"Line {line}" if line else "A line"
    text = (getattr(value, "text", None) or "").rstrip("\n")
    shown = f" ({text.strip()})" if text.strip() else ""
    reason = str(getattr(value, "msg", value))
    if "expected an indented block" in reason:
        advice = "should start with four spaces, because the line before it ends with a colon"
    elif "unexpected indent" in reason:
        advice = "starts with spaces it should not have: remove them so that it lines up with the line above"
    else:  # "unindent does not match any outer indentation level", tabs mixed with spaces
        advice = "is indented by an amount that matches no line above: line it up with the line it belongs to"
    return f"{where}{shown} {advice}. Python groups code by the spaces at the start of each line."


def friendly_message(etype: type, value: BaseException, tb: types.TracebackType | None = None) -> str | None:
    """The plain sentence for a beginner's mistake, or ``None`` to keep the normal traceback.

    >>> friendly_message(NameError, NameError("name 'ex' is not defined", name="ex"))
    '`ex` is not defined yet: run the first code cell of this notebook (the imports), then run this cell again.'
    >>> friendly_message(ZeroDivisionError, ZeroDivisionError()) is None
    True
    """
    try:
        text = str(value)
        # a template's blank reached a function, a table or a dictionary (course functions and
        # Python name the type of a wrong value, and the blank's type is called Blank)
        names_blank = BLANK in text or re.search(r"\bBlank\b", text)
        if names_blank and "Fill in the blanks" not in text:
            return BLANK_SENTENCE
        if issubclass(etype, CourseError):
            return str(value)
        if issubclass(etype, IndentationError):
            return _indentation_message(value)
        if issubclass(etype, NameError) and not issubclass(etype, UnboundLocalError):
            return _name_error_message(value)
        if issubclass(etype, KeyError):
            return _column_error_message(value, tb)
        if issubclass(etype, TypeError):
            return _date_comparison_message(value, tb)
        if issubclass(etype, AttributeError):
            return _attribute_message(value)
    except Exception:  # noqa: BLE001 - a helper must never hide the learner's error
        return None
    return None


def method_hint(method: object) -> str | None:
    """What to say when a question's method is shown instead of called (``ex.q1.check``)."""
    owner = getattr(method, "__self__", None)
    name = getattr(method, "__name__", "")
    if owner is None or not type(owner).__module__.startswith("casecurity.exercises") or name.startswith("_"):
        return None
    question = str(getattr(owner, "id", "") or "").rpartition(".")[2] or "qN"
    arguments = "answer" if name == "check" else ""
    return f"ex.{question}.{name} needs brackets to run: write ex.{question}.{name}({arguments})" + (
        " with your answer between them." if name == "check" else "."
    )


def _red(text: str) -> str:
    return f"\x1b[0;31m{text}\x1b[0m"


def _handler(shell, etype, value, tb, tb_offset=None):
    """IPython custom exception handler: a sentence when we know the mistake, else the usual."""
    message = friendly_message(etype, value, tb)
    if message is not None and issubclass(etype, CourseError):
        print(f"{etype.__name__}: {message}")  # the one-line form the lessons' saved outputs show
    elif message is not None:
        shell._showtraceback(etype, value, [_red(message)])
    elif issubclass(etype, SyntaxError):
        shell.showsyntaxerror()  # IPython's usual display: the line and a caret, no stack
    else:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
    return None


def _method_printer(method, printer, cycle):
    hint = method_hint(method)
    printer.text(hint if hint is not None else repr(method))


def load_ipython_extension(shell) -> None:
    """Route every exception through :func:`_handler` and show question methods as advice."""
    if getattr(shell, _MARK, False):
        return
    # Exception (not a narrower tuple): IPython tries custom exceptions before its own
    # IndentationError branch when a cell is compiled, so this is how indentation reaches us.
    shell.set_custom_exc((Exception,), _handler)
    shell.display_formatter.formatters["text/plain"].for_type(types.MethodType, _method_printer)
    setattr(shell, _MARK, True)


def unload_ipython_extension(shell) -> None:
    shell.set_custom_exc((), None)
    shell.display_formatter.formatters["text/plain"].type_printers.pop(types.MethodType, None)
    setattr(shell, _MARK, False)


def install_notebook_handler() -> bool:
    """Show CourseError in IPython as one line (and beginners' mistakes as advice); True when installed."""
    # A running IPython has always imported IPython; importing it here would cost plain Python
    # (the grader, the Jupyter server's extension) about a second for nothing.
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return False
    load_ipython_extension(shell)
    return True
