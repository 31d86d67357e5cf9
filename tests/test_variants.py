"""Variants per student, handouts and grading against one's own variant (issue #18).

The end-to-end test builds the worked example of docs/teaching.md (docs/examples/private_questions:
a teacher's own question with two variants, outside the course's lessons), hands it out to a small
roster with ``python -m casecurity.assign --questions``, fills the notebooks as students would
(one right, one copied from another student, one with edited metadata, one swapped copy) and grades
them with ``python -m casecurity.grade --roster --secret --questions``.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from casecurity import data
from casecurity.exercises import ChoiceQuestion, ValueQuestion, encode, mode, register_questions
from casecurity.exercises.variants import seed_for, sign, signature_ok, using

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "examples" / "private_questions"
SECRET = b"a-test-secret-of-more-than-16-bytes"


def test_seeds_are_per_student_and_question_and_need_the_secret():
    assert seed_for(SECRET, "s1", "lesson03.q2") == seed_for(SECRET, "s1", "lesson03.q2")
    assert seed_for(SECRET, "s1", "lesson03.q2") != seed_for(SECRET, "s2", "lesson03.q2")
    assert seed_for(SECRET, "s1", "lesson03.q2") != seed_for(SECRET, "s1", "lesson03.q4")
    assert seed_for(SECRET, "s1", "lesson03.q2") != seed_for(b"another-secret-of-enough-length", "s1", "lesson03.q2")
    payload = {"lesson": "03", "student": "s1", "params": {"lesson03.q2": {"x": 1}}}
    assert signature_ok(SECRET, payload, sign(SECRET, payload))
    assert not signature_ok(SECRET, dict(payload, student="s2"), sign(SECRET, payload))
    assert not signature_ok(b"another-secret-of-enough-length", payload, sign(SECRET, payload))


def test_a_templated_question_follows_its_variant_and_keeps_the_default_text():
    info = register_questions("88", {"q1": ValueQuestion(
        "Double {n}.", expected=lambda n: 2 * n, params=lambda rng: {"n": rng.randint(1, 1000)},
        default_params={"n": 21}, hints=["Multiply {n} by two."])})
    q = info.questions["q1"]
    assert q.prompt == "Double 21." and q.hints == ["Multiply 21 by two."]
    assert q.grade_record(encode(42)).correct
    variants = {q.variant_params(seed_for(SECRET, f"s{i}", q.id))["n"] for i in range(20)}
    assert len(variants) >= 5
    n = q.variant_params(seed_for(SECRET, "s1", q.id))["n"]
    with using({q.id: {"n": n}}):
        assert q.prompt == f"Double {n}." and q.hints == [f"Multiply {n} by two."]
        assert q.grade_record(encode(2 * n)).correct
        assert not q.grade_record(encode(42)).correct or n == 21


def test_the_handout_setup_cell_restores_any_json_params(monkeypatch):
    """JSON's null, true and false are not Python: the setup cell must pass them through unchanged."""
    from casecurity.exercises import variants
    from casecurity.handout import setup_source

    params = {"lesson04.q2": {"host": None, "all": True, "none": False, "codes": ["KAZ"], "year": 2005}}
    before = dict(variants._HANDOUT)
    # the cell sets these two; setenv (unlike delenv of an unset name) makes monkeypatch restore them
    # afterwards, so assessment mode cannot leak into the tests (and kernels) that run next
    for name in ("CASECURITY_MODE", "CASECURITY_STUDENT"):
        monkeypatch.setenv(name, os.environ.get(name, "practice" if name == "CASECURITY_MODE" else ""))
    try:
        exec(compile(setup_source({"student": "s'1", "params": params}), "setup", "exec"), {})
        assert variants.active_params("lesson04.q2") == params["lesson04.q2"]
    finally:
        variants.use_handout_variants(before)


def test_choice_options_are_shuffled_per_student_and_the_key_follows():
    info = register_questions("87", {"q1": ChoiceQuestion(
        "Pick the river.", options={"a": "Astana", "b": "Amu Darya", "c": "Bishkek", "d": "Dushanbe"}, answer="b")})
    q = info.questions["q1"]
    assert list(q.options.values()) == ["Astana", "Amu Darya", "Bishkek", "Dushanbe"]  # practice: as written
    orders = set()
    for i in range(12):
        params = q.variant_params(seed_for(SECRET, f"s{i}", q.id))
        with using({q.id: params}):
            orders.add(tuple(q.options.values()))
            key = next(k for k, text in q.options.items() if text == "Amu Darya")
            assert q.grade_record(encode(key)).correct
            assert not q.grade_record(encode(next(k for k in q.options if k != key))).correct
            assert list(q.options) == ["a", "b", "c", "d"]
    assert len(orders) >= 5


# --------------------------------------------------------------------------- the private worked example


def _fill(notebook: dict, answer: str) -> dict:
    for cell in notebook["cells"]:
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if "ex.q1.check(answer)" in text:
            cell["source"] = text.replace("...  # your code here", repr(answer))
    return notebook


def _run(module: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], env=env, capture_output=True, text=True,
                          timeout=1200, check=False)


@pytest.fixture()
def private_folder(tmp_path):
    """The worked example copied to a teacher's own folder, with its exercise notebook made from the solutions."""
    folder = tmp_path / "my-questions"
    folder.mkdir()
    for path in EXAMPLE.iterdir():
        if path.suffix in (".py", ".ipynb"):
            (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    made = subprocess.run([sys.executable, str(REPO / "tools" / "make_exercises.py"), "--solutions", str(folder),
                           "--exercises", str(folder / "exercises")], capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    return folder


@pytest.mark.slow  # builds handouts and grades them in kernels
def test_private_question_is_handed_out_per_student_and_graded_against_each_variant(private_folder, tmp_path):
    env = dict(os.environ, CASECURITY_PROGRESS=str(tmp_path / "progress.json"))
    env.pop("CASECURITY_LESSONS_PATH", None)
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET.decode(), encoding="utf-8")
    handouts, submitted = tmp_path / "handout", tmp_path / "submitted"
    submitted.mkdir()
    # enough students that both variants occur
    students = [f"s{i:02d}" for i in range(12)]
    roster = tmp_path / "roster.csv"
    with open(roster, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "name", "email", "path"])
        for sid in students:
            writer.writerow([sid, f"Student {sid}", f"{sid}@example.org", str(submitted / f"{sid}.ipynb")])
    done = _run("casecurity.assign", "--lesson", "71", "--roster", str(roster), "--secret", str(secret),
                "--out", str(handouts), "--questions", str(private_folder), env=env)
    assert done.returncode == 0, done.stderr
    books = {sid: json.loads((handouts / f"{sid}_71_capitals_exercises.ipynb").read_text(encoding="utf-8"))
             for sid in students}
    for book in books.values():  # only prompts and templates reach the students
        text = json.dumps(book)
        assert "BEGIN SOLUTION" not in text and "iloc[0]" not in text and SECRET.decode() not in text
        assert str(private_folder) not in text and book["metadata"]["casecurity"]["mode"] == "assessment"
    country = {sid: book["metadata"]["casecurity"]["handout"]["params"]["lesson71.q1"]["country"]
               for sid, book in books.items()}
    assert set(country.values()) == {"Kazakhstan", "Kyrgyzstan"}, country
    capitals = data.load("countries").set_index("name")["capital"]
    right = next(s for s in students if country[s] == "Kyrgyzstan")
    copier = next(s for s in students if country[s] == "Kazakhstan")
    edited, swapped = [s for s in students if s not in (right, copier)][:2]
    answers = {right: capitals["Kyrgyzstan"], copier: capitals["Kyrgyzstan"],
               edited: capitals[country[edited]], swapped: capitals[country[right]]}
    for sid in (right, copier, edited):
        (submitted / f"{sid}.ipynb").write_text(json.dumps(_fill(books[sid], answers[sid])), encoding="utf-8")
    tampered = json.loads((submitted / f"{edited}.ipynb").read_text(encoding="utf-8"))
    other = "Kazakhstan" if country[edited] == "Kyrgyzstan" else "Kyrgyzstan"
    tampered["metadata"]["casecurity"]["handout"]["params"]["lesson71.q1"]["country"] = other
    (submitted / f"{edited}.ipynb").write_text(json.dumps(tampered), encoding="utf-8")
    (submitted / f"{swapped}.ipynb").write_text(json.dumps(_fill(books[right], answers[swapped])), encoding="utf-8")

    out = tmp_path / "grades.csv"
    graded = _run("casecurity.grade", str(submitted), "--out", str(out), "--roster", str(roster),
                  "--secret", str(secret), "--questions", str(private_folder), env=env)
    assert graded.returncode == 0, graded.stderr
    rows = {Path(r["submission"]).stem: r for r in csv.DictReader(open(out, encoding="utf-8"))}
    assert (rows[right]["status"], rows[right]["points"]) == ("correct", "1"), rows[right]
    assert rows[copier]["status"] == "review" and "Kyrgyzstan" in rows[copier]["message"], rows[copier]
    assert rows[edited]["status"] == "error" and "edited" in rows[edited]["message"], rows[edited]
    assert rows[swapped]["status"] == "error" and "swapped" in rows[swapped]["message"], rows[swapped]

    # the same question in practice mode, without a handout, keeps its default text
    with mode("practice"):
        assert "capital of Kazakhstan" in _example_prompt(private_folder)


def _example_prompt(folder: Path) -> str:
    text = (folder / "lesson71.py").read_text(encoding="utf-8")
    namespace: dict = {"__name__": "lesson71_probe"}
    sys.modules["lesson71_probe"] = type(sys)("lesson71_probe")
    try:
        exec(compile(text.replace("define_lesson(__name__", "dict(n=__name__"), "lesson71", "exec"), namespace)
    finally:
        sys.modules.pop("lesson71_probe", None)
    return namespace["q1"].prompt


# --------------------------------------------------------------- the course's own questions with variants

COURSE_LESSONS = ["00", "01", "02", "03", "04", "05", "06"]


def _templated():
    from casecurity.exercises import get_lesson

    return [(n, name) for n in COURSE_LESSONS for name, q in get_lesson(n).questions.items() if q.templated]


def _solution_cell(number: str, name: str) -> str:
    path = next((REPO / "solutions").glob(f"{number}_*_solutions.ipynb"))
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in notebook["cells"]
             if c["cell_type"] == "code"]
    imports = next(c for c in cells if f"lesson{number} as ex" in c)
    checking = next(c for c in cells if f"ex.{name}.check(" in c and "BEGIN SOLUTION" in c)
    return imports + "\n" + checking.replace(f"ex.{name}.check(", "__checked__ = (")


@pytest.mark.parametrize(("number", "name"), _templated() or [pytest.param("", "", marks=pytest.mark.skip)])
def test_model_solution_is_right_on_every_variant(number, name):
    """The solutions notebook's code for the question, run on each of its variants, is graded correct:
    the model solution is a method that reads the student's own variant, not a copied answer."""
    from casecurity.exercises import get_lesson

    question = get_lesson(number).questions[name]
    variants = {json.dumps(question.variant_params(seed_for(SECRET, f"s{i}", question.id)), sort_keys=True)
                for i in range(40)}
    assert len(variants) >= 5, f"{question.id} has only {len(variants)} variants"
    answers = set()
    for params in sorted(variants):
        namespace: dict = {}
        with mode("practice"), using({question.id: json.loads(params)}):
            exec(compile(_solution_cell(number, name), f"solutions {question.id}", "exec"), namespace)
            answer = namespace["__checked__"]
            result = question.grade_record(question.record_answer(answer))
            answers.add(json.dumps(encode(answer), sort_keys=True, default=str))
        assert result.status == "correct", f"{question.id} with {params}: {result}"
    assert len(answers) >= 2, f"{question.id}: every variant has the same answer"


STUDENTS = [f"student-{i:03d}" for i in range(40)]

DATA_KINDS = {"value", "countries", "table", "map", "function"}
# the capstone map marks each student's own briefing question: its check looks only for a layer
# named 'Briefing' over Central Asia, so there is no single answer to vary or to pass on
OWN_CHOICE = {"lesson06.q7"}


def _data_questions():
    from casecurity.exercises import get_lesson

    return [q for n in COURSE_LESSONS for q in get_lesson(n).questions.values()
            if q.kind in DATA_KINDS and q.id not in OWN_CHOICE]


def test_the_own_choice_capstone_map_accepts_any_briefing():
    """Why lesson06.q7 is left out above: two different students' briefings both pass it."""
    import folium

    from casecurity.exercises import get_lesson, lesson06

    question = get_lesson("06").questions["q7"]
    for states, why in ((["TJK"], "hosts the 201st base"), (["KAZ", "UZB"], "the largest economies")):
        briefing = folium.Map(location=[43, 66], zoom_start=4)
        lesson06.add_briefing_layer(briefing, states, why)
        assert question.grade_record(question.record_answer(briefing)).correct, states


def _variants_of(question) -> list[str]:
    return [json.dumps(question.variant_params(seed_for(SECRET, s, question.id)), sort_keys=True) for s in STUDENTS]


def test_most_data_questions_have_five_or_more_variants():
    questions = _data_questions()
    assert len(questions) >= 30, "the course's data questions were not found"
    varied = [q.id for q in questions if len(set(_variants_of(q))) >= 5]
    fixed = sorted(q.id for q in questions if q.id not in varied)
    assert len(varied) >= 0.7 * len(questions), f"only {len(varied)} of {len(questions)} vary; fixed: {fixed}"


def test_two_students_handouts_differ_in_most_data_questions():
    """For pairs of students, the share of data questions whose variants differ, lesson by lesson
    (a lesson is what one handout holds) and over the course: a typical pair differs in >= 70%."""
    questions = _data_questions()
    variants = {q.id: _variants_of(q) for q in questions}
    pairs = [(a, b) for a in range(len(STUDENTS)) for b in range(a + 1, len(STUDENTS))]

    def share_differing(ids: list[str], a: int, b: int) -> float:
        return sum(variants[i][a] != variants[i][b] for i in ids) / len(ids)

    course = [share_differing(list(variants), a, b) for a, b in pairs]
    assert sum(course) / len(course) >= 0.7, f"a pair of students differs in {sum(course) / len(course):.0%} on average"
    assert sum(share >= 0.7 for share in course) >= 0.8 * len(course), "too many pairs of students share variants"
    for number in COURSE_LESSONS:
        ids = [q.id for q in questions if q.lesson == number]
        per_pair = sorted(share_differing(ids, a, b) for a, b in pairs)
        median = per_pair[len(per_pair) // 2]
        assert median >= 0.7, f"lesson {number}: the median pair of handouts differs in only {median:.0%}"


def test_a_handout_shows_each_students_own_question_text(tmp_path):
    """The markdown above each question says what that student's variant asks, and a multiple-choice
    list is in the student's own order; only the first cell and the metadata say more."""
    import re

    from casecurity import assign
    from casecurity.exercises import get_lesson

    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET.decode(), encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\n" + "\n".join(STUDENTS[:12]) + "\n", encoding="utf-8")
    assert assign.main(["--lesson", "02", "--roster", str(roster), "--secret", str(secret),
                        "--out", str(tmp_path / "out")]) == 0
    info = get_lesson("02")
    checked_prompts = checked_options = 0
    for path in sorted((tmp_path / "out").glob("*.ipynb")):
        book = json.loads(path.read_text(encoding="utf-8"))
        params = book["metadata"]["casecurity"]["handout"]["params"]
        cells = {}
        for cell in book["cells"]:
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            found = re.match(r"## Question (\d+)", text) if cell["cell_type"] == "markdown" else None
            if found:
                cells[f"q{found.group(1)}"] = text
        for name, question in info.questions.items():
            own = params.get(question.id)
            if own is None or own == question.default_params:
                continue
            with using({question.id: own}):
                if question.kind == "choice":
                    listed = re.findall(r"^- (?:\*\*)?\(([a-z])\)(?:\*\*)? (.*)$", cells[name], re.M)
                    if listed:
                        assert dict(listed) == question.options, (path.name, name)
                        checked_options += 1
                elif question.templated:
                    assert question.prompt in cells[name], (path.name, name)
                    # the title was written for the default variant ("CSTO members in Central Asia" is
                    # fine, "... on 1 January 2015" would not be): only the number and kind stay
                    assert re.fullmatch(r"## Question \d+( \([^()]*\))?", cells[name].split("\n")[0]), cells[name]
                    if name == "q1":  # its markdown wrote the default's date out in words
                        assert question.default_params["date"] not in cells[name]
                        assert "1 January 2015" not in cells[name]
                    checked_prompts += 1
    assert checked_prompts >= 5 and checked_options >= 10, (checked_prompts, checked_options)
