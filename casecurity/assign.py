"""Write one exercise notebook per student, each with that student's variants: ``python -m casecurity.assign``.

Usage::

    python -m casecurity.assign --lesson 03 --roster roster.csv --secret ~/course-secret.txt --out handout/
    python -m casecurity.assign --lesson 71 --questions ~/my-questions ... # a teacher's own, private questions

The roster is a CSV with ``student_id,name,email,path`` (only student_id is required). Each handout
``<student_id>_<NN>_<topic>_exercises.ipynb`` is the lesson's exercise notebook with a first cell
that sets the student's variants and assessment mode, and the signed variants in its metadata
(``casecurity.handout``). The secret never goes into a handout; keep it out of the course folder.
With ``--questions DIR``, the lesson module ``lessonNN.py`` and its exercise notebook
(``DIR/exercises/NN_*_exercises.ipynb``, made by ``python tools/make_exercises.py --solutions DIR
--exercises DIR/exercises``) come from DIR; only prompts and templates reach the students.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path

from casecurity.errors import CourseError
from casecurity.exercises import LessonInfo, get_lesson, lesson_number
from casecurity.files import write_text_atomically
from casecurity.handout import (
    metadata_for,
    personalise_markdown,
    read_roster,
    read_secret,
    setup_source,
    use_question_folder,
)

COURSE_EXERCISES = Path(__file__).resolve().parents[1] / "exercises"


def exercise_notebook(number: str, questions: Path | None) -> Path:
    folders = [questions / "exercises", questions] if questions else [COURSE_EXERCISES]
    for folder in folders:
        found = sorted(folder.glob(f"{number}_*_exercises.ipynb"))
        if found:
            return found[0]
    where = " or ".join(str(f) for f in folders)
    raise CourseError(f"no exercise notebook {number}_*_exercises.ipynb in {where}"
                      + ("; make it with python tools/make_exercises.py --solutions DIR --exercises DIR/exercises"
                         if questions else ""))


def handout(exercise: dict, meta: dict, info: LessonInfo) -> dict:
    """The exercise notebook with the student's setup cell first, the signed variants in its metadata,
    and each question's markdown in the student's own version."""
    notebook = personalise_markdown(copy.deepcopy(exercise), info, meta["params"])
    cell = {"cell_type": "code", "execution_count": None, "id": "casecurity-handout", "metadata": {"editable": False,
            "deletable": False, "tags": ["casecurity-handout"]}, "outputs": [], "source": setup_source(meta)}
    notebook["cells"] = [cell, *notebook.get("cells", [])]
    settings = notebook.setdefault("metadata", {}).setdefault("casecurity", {})
    settings.update(lesson=meta["lesson"], mode="assessment", handout=meta)
    return notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m casecurity.assign", description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", required=True, help="lesson number, e.g. 03")
    parser.add_argument("--roster", required=True, type=Path, help="CSV with student_id,name,email,path")
    parser.add_argument("--secret", required=True, type=Path, help="file holding the teacher's secret")
    parser.add_argument("--out", required=True, type=Path, help="folder for the handouts")
    parser.add_argument("--questions", type=Path, help="folder of the teacher's own question modules")
    args = parser.parse_args(argv)
    try:
        if args.questions:
            use_question_folder(args.questions)
        number = lesson_number(args.lesson)
        info = get_lesson(number)
        if info is None:
            raise CourseError(f"no question module for lesson {number} (casecurity.exercises.lesson{number})")
        exercise = json.loads(exercise_notebook(number, args.questions).read_text(encoding="utf-8"))
        students = read_roster(args.roster)
        secret = read_secret(args.secret)
        if args.out.exists() and not args.out.is_dir():
            raise CourseError(f"--out {args.out} is a file; give a folder")
    except (CourseError, OSError, ValueError) as exc:
        print(f"python -m casecurity.assign: error: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    stem = exercise_notebook(number, args.questions).name
    for student in students:
        notebook = handout(exercise, metadata_for(info, secret, student.student_id), info)
        safe_id = "".join(c if c.isalnum() or c in "-_" else "_" for c in student.student_id)
        write_text_atomically(args.out / f"{safe_id}_{stem}", json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    varied = sum(q.has_variants for q in info.questions.values())
    print(f"assign: {len(students)} handout(s) of lesson {number} in {args.out} "
          f"({varied} of {len(info.questions)} questions vary per student)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
