"""The source scan (issue #24): honest idioms are never flagged; code that reaches the checking
machinery is, and only the checking cells it touches wait for the teacher."""

from __future__ import annotations

import nbformat
import pytest

from casecurity.source_scan import flagged_cells, scan_notebook

IMPORT = "from casecurity.exercises import lesson03 as ex\nfrom casecurity import data"

# Code an honest student writes. Each is followed by a checking cell that uses its result.
HONEST = {
    "getattr on a row": "answer = [getattr(row, 'parties') for row in data.treaties().itertuples()]",
    "getattr with a default": "answer = getattr(data, 'AS_OF', None)",
    "inspect.signature": "import inspect\nanswer = str(inspect.signature(data.treaties))",
    "import inspect": "import inspect\nanswer = inspect.isfunction(len)",
    "inspect.getsource of own function": "import inspect\ndef f():\n    return 1\nanswer = inspect.getsource(f)",
    "vars of own object": "class Box:\n    def __init__(self):\n        self.n = 3\nanswer = vars(Box())['n']",
    "vars() with no argument": "answer = len(vars())",
    "eval of a literal": "answer = eval('6 * 7')",
    "exec of a literal": "exec('x = 40 + 2')\nanswer = x",
    "ast.literal_eval": "import ast\nanswer = ast.literal_eval('[1, 2]')",
    "comprehension over dir(df)": "df = data.treaties()\nanswer = [c for c in dir(df) if not c.startswith('_')]",
    "dir of the lesson module": "answer = [name for name in dir(ex) if name.startswith('q')]",
    "namedtuple _asdict": "answer = [row._asdict() for row in data.treaties().head(2).itertuples()]",
    "namedtuple _replace and _fields": "from collections import namedtuple\nP = namedtuple('P', 'a b')\n"
                                       "answer = P(1, 2)._replace(a=3)._fields",
    "setattr on own object": "class C:\n    pass\nc = C()\nsetattr(c, 'n', 5)\nanswer = c.n",
    "type(x).__name__": "answer = type(data.treaties()).__name__",
    "__class__ of own value": "answer = (3).__class__.__name__",
    "__dict__ of own object": "class D:\n    pass\nd = D()\nd.x = 1\nanswer = d.__dict__",
    "function __name__ and __doc__": "def g():\n    '''doc'''\nanswer = (g.__name__, g.__doc__)",
    "attrgetter for sorting": "from operator import attrgetter\nrows = list(data.treaties().itertuples())\n"
                              "answer = sorted(rows, key=attrgetter('Index'))[:3]",
    "pandas eval and query": "df = data.treaties()\nanswer = len(df.query('index >= 0'))",
    "importlib of a library": "import importlib\nanswer = importlib.import_module('math').pi",
    "os.environ of own variable": "import os\nanswer = os.environ.get('HOME', '')",
    "sys.version": "import sys\nanswer = sys.version_info.major",
    "help and print on a question": "help(ex.q1)\nprint(ex.q1)\nanswer = 1",
    "hint and solution": "ex.q1.hint()\nex.q1.solution()\nanswer = 1",
    "a private pandas method": "df = data.treaties()\nanswer = df._repr_html_() is not None",
    "the course's public helpers": "import casecurity\nanswer = casecurity.data.treaties().shape",
    "__name__ guard": "if __name__ == '__main__':\n    answer = 1",
    "a comment that names getattr and ____": "# Fill in each ____ with getattr(row, name) or vars(obj)\nanswer = 1",
    "a variable called answer_key": "answer_key = {'q1': 1}\nanswer = answer_key['q1']",
    "magics and shell lines": "%matplotlib inline\n!echo hi\nanswer = 1",
    "dunder methods of own class": "class Yes(int):\n    def __eq__(self, other):\n        return True\n"
                                   "    __hash__ = int.__hash__\nanswer = Yes(1)",
    "isinstance on a question": "answer = isinstance(ex.q1, object)",
}


def _notebook(*sources: str) -> dict:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def test_the_honest_corpus_is_big_enough():
    assert len(HONEST) >= 25


@pytest.mark.parametrize("idiom", sorted(HONEST))
def test_honest_idioms_are_never_flagged(idiom):
    notebook = _notebook(IMPORT, HONEST[idiom], "ex.q1.check(answer)")
    findings = scan_notebook(notebook, {"member_counts_answer"})
    assert findings == []
    assert flagged_cells(notebook, findings) == {}


# Code that reaches the checking machinery, each in the cell that checks q2 (cell index 2).
DISHONEST = {
    "expected answer": "ex.q2.check(ex.q2.expected())",
    "private helper": "ex.q2.check(ex._helper())",
    "answer function": "ex.q2.check(ex.secret_answer())",
    "getattr on a question": "ex.q2.check(getattr(ex.q2, 'exp' 'ected')())",
    "vars of a question": "ex.q2.check(vars(ex.q2)['expected']())",
    "attrgetter on a question": "import operator\nex.q2.check(operator.attrgetter('answer')(ex.q2)())",
    "type(question).__mro__": "Q = type(ex.q2).__mro__[1]\nex.q2.check(1)",
    "patching check": "ex.q2.check = lambda *a: None\nex.q2.check(1)",
    "exec built from strings": "exec('ex.q2.ch' + 'eck = print')\nex.q2.check(1)",
    "exec of a variable": "code = input()\nexec(code)\nex.q2.check(1)",
    "checking modules": "from casecurity.exercises import kinds\nex.q2.check(1)",
    "importlib of checking modules": "import importlib\nR = importlib.import_module('casecurity.exercises.' + "
                                     "'recording')\nex.q2.check(1)",
    "results file": "import os\np = os.environ['CASECURITY_' + 'RESULTS']\nex.q2.check(1)",
    "sys.modules": "import sys\nm = sys.modules['casecurity.exercises.kinds']\nex.q2.check(1)",
    "the grader": "import casecurity.grade\nex.q2.check(1)",
    "private import from the lesson": "from casecurity.exercises.lesson03 import _helper\nex.q2.check(_helper())",
    "alias of a question": "q = ex.q2\nex.q2.check(q.expected())",
}


@pytest.mark.parametrize("attack", sorted(DISHONEST))
def test_code_reaching_the_checking_code_is_flagged_in_its_own_cell(attack):
    notebook = _notebook(IMPORT, "ex.q1.check(1)", DISHONEST[attack])
    flagged = flagged_cells(notebook, scan_notebook(notebook, {"secret_answer"}))
    assert 2 in flagged and 1 not in flagged  # q1's earlier, honest cell is not touched
    assert flagged[2].startswith("cell 3 ") and flagged[2].endswith("please look")


def test_a_reading_cell_touches_only_the_checks_that_use_what_it_defined():
    notebook = _notebook(IMPORT, "x = ex.q2.expected()", "ex.q1.check(1)", "ex.q2.check(x)")
    flagged = flagged_cells(notebook, scan_notebook(notebook))
    assert set(flagged) == {3} and "uses x from cell 2" in flagged[3]


def test_a_changing_cell_touches_every_later_check():
    notebook = _notebook(IMPORT, "ex.q1.check(1)", "ex.q3.check = print", "ex.q2.check(2)", "ex.q3.check(3)")
    flagged = flagged_cells(notebook, scan_notebook(notebook))
    assert set(flagged) == {3, 4}
    assert flagged[3].startswith("cell 3, which runs before this check, changes ex.q3.check")
