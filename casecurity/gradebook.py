"""The gradebook: the grades CSV, the graded answers kept as JSON, feedback pages, the teacher's
hand-given marks and the class report (everything the grader writes; nothing here runs notebooks)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

from casecurity.files import write_text_atomically
from casecurity.submissions import feedback_name

COLUMNS = ("student_id", "student", "submission", "lesson", "question", "status", "points", "max_points", "message",
           "answer")
# statuses that wait for the teacher: written answers, flagged cells and errors to look at
WAITING = ("submitted", "needs_more", "review", "error")


class UsageError(Exception):
    """Bad command line or marks file: reported as one line, exit status 2."""


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def write_csv(rows: list[dict], out: Path) -> None:
    """Write the grades atomically (a half-written gradebook is worse than none)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _number(row.get(k, "")) if k in ("points", "max_points") else spreadsheet_safe(row.get(k, ""))
                         for k in COLUMNS})
    write_text_atomically(out, buffer.getvalue())


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A text cell that a spreadsheet shows as text, never runs as a formula.

    As OWASP recommends for CSV exports (CSV injection): a cell starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading ``'``. A student's answer
    ``=HYPERLINK(...)`` then reads as written.
    """
    text = "" if value is None else str(value)
    text = "'" + text if text.startswith(_FORMULA_START) else text
    # a lone carriage return is not quoted by the csv module, yet readers end the line there
    return text.replace("\r\n", "\n").replace("\r", "\n")


_SYMBOLS = {"correct": "✓ Correct", "incorrect": "✗ Incorrect", "not_attempted": "○ Not attempted",
            "submitted": "✎ Submitted for review", "needs_more": "✎ Needs more", "marked": "✎ Marked by your teacher",
            "error": "⚠ Error", "review": "⚑ Your teacher will look at this answer"}
_PAGE_STYLE = ("body{font-family:system-ui,sans-serif;max-width:60em;margin:1.5em auto;padding:0 1em;line-height:1.4}"
               "table{border-collapse:collapse;width:100%}th,td{border:1px solid #888;padding:.35em .6em;"
               "text-align:left;vertical-align:top}th{background:#eee}td:nth-child(2),td:nth-child(3){white-space:nowrap}")


def _to_review(rows: list[dict]) -> float:
    """Points that wait for the teacher (written answers), not lost ones."""
    return sum(float(r["max_points"] or 0) for r in rows if r["status"] in ("submitted", "review"))


def _points_text(rows: list[dict], unit: str = "") -> str:
    """ "9/10 (1 to review)": points that wait for the teacher are not shown as lost."""
    earned = sum(float(r["points"] or 0) for r in rows)
    possible = sum(float(r["max_points"] or 0) for r in rows)
    review = _to_review(rows)
    return f"{_number(earned)}/{_number(possible)}{unit}" + (f" ({_number(review)} to review)" if review else "")


def student_label(row: dict) -> str:
    """ "Ann Smith (12345)" or, without a name, the submission's file name."""
    name, number = str(row.get("student") or ""), str(row.get("student_id") or "")
    if name and number and number != name:
        return f"{name} ({number})"
    return name or number or Path(str(row.get("submission", ""))).name


def write_feedback(rows: list[dict], folder: Path) -> Path:
    """One HTML page per submission: status in words, points, messages, and each written answer with
    its rubric and the teacher's marks (never the checking code or an expected answer)."""
    submission = rows[0]["submission"]
    earned = sum(float(r["points"] or 0) for r in rows)
    possible = sum(float(r["max_points"] or 0) for r in rows)
    written = sum(float(r["max_points"] or 0) for r in rows if r["status"] == "submitted")
    held = sum(float(r["max_points"] or 0) for r in rows if r["status"] == "review")
    if not rows[0]["question"]:  # one error row: the notebook as a whole could not be graded
        summary = "This notebook could not be graded; the reason is below."
    else:
        summary = f"Lesson {html.escape(str(rows[0]['lesson']))}: {_number(earned)} of {_number(possible)} points"
        summary += (f"; {_number(written)} more point(s) for the written answer, which your teacher grades by hand"
                    if written else "")
        summary += (f"; {_number(held)} point(s) wait until your teacher has looked at the cells named below"
                    if held else "")
        summary += "."
    body = "".join(
        f"<tr><td>{html.escape(str(r['question']))}</td><td>{html.escape(_SYMBOLS.get(r['status'], r['status']))}"
        f"</td><td>{'to grade' if r['status'] == 'submitted' else _number(r['points'])} / {_number(r['max_points'])}"
        f"</td><td>{html.escape(r['message'])}</td></tr>"
        for r in rows
    )
    written = "".join(_written_answer_html(r) for r in rows if r.get("rubric") is not None)
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Feedback for {html.escape(student_label(rows[0]))}</title><style>{_PAGE_STYLE}</style></head><body>"
        f"<h1>Feedback for {html.escape(student_label(rows[0]))}</h1>"
        f"<p>Notebook: {html.escape(Path(submission).name)}</p>"
        f"<p>{summary}</p>"
        "<table><thead><tr><th scope=\"col\">Question</th><th scope=\"col\">Result</th>"
        f"<th scope=\"col\">Points</th><th scope=\"col\">Message</th></tr></thead><tbody>{body}</tbody></table>"
        f"{written}</body></html>\n"
    )
    target = folder / feedback_name(str(submission))
    write_text_atomically(target, page)
    return target


def _written_answer_html(row: dict) -> str:
    """A written answer as the student wrote it, beside the rubric (with the teacher's marks, once given)."""
    marks = row.get("marks") or {}
    items = []
    for index, (text, points) in enumerate(row.get("rubric") or [], 1):
        given = marks.get(str(index))
        mark = f"{_number(given['points'])} of {_number(points)}" if given else f"{_number(points)} point(s)"
        comment = f" — {html.escape(given['comment'])}" if given and given.get("comment") else ""
        items.append(f"<li>{html.escape(str(text))} <strong>({mark})</strong>{comment}</li>")
    overall = marks.get("")
    note = (f"<p><strong>Your teacher:</strong> {html.escape(overall['comment'])}</p>"
            if overall and overall.get("comment") else "")
    answer = row.get("answer") or "(no written answer)"
    return (f"<section><h2>Written answer, {html.escape(str(row['question']))}</h2>"
            f"<blockquote style=\"white-space:pre-wrap\">{html.escape(str(answer))}</blockquote>"
            f"<h3>Rubric</h3><ul>{''.join(items)}</ul>{note}</section>")


def waiting(rows: list[dict]) -> int:
    """How many of these rows wait for the teacher (written answers, flagged cells, errors)."""
    return sum(r["status"] in WAITING for r in rows if r.get("question"))


def _summary(rows: list[dict]) -> str:
    by_submission: dict[str, list[dict]] = {}
    for row in rows:
        by_submission.setdefault(row["submission"], []).append(row)
    table = [("student", "submission", "lesson", "points", "to review", "errors")]
    for submission, group in by_submission.items():
        table.append((student_label(group[0]), submission, str(group[0]["lesson"]), _points_text(group),
                      str(waiting(group)), str(sum(r["status"] == "error" for r in group))))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table)


# --------------------------------------------------------------------------------------------
# The teacher's marking loop: graded answers kept as JSON, hand-given marks applied later
# --------------------------------------------------------------------------------------------

MARK_COLUMNS = ("submission", "question", "criterion", "points", "comment")


def graded_path(out: Path) -> Path:
    """Where the graded answers are kept, next to the CSV (``grades.csv`` -> ``grades.json``)."""
    return out.with_suffix(".json")


def save_graded(rows: list[dict], path: Path) -> None:
    """Keep every row with the student's recorded answer, so marks can be applied without re-running."""
    write_text_atomically(path, json.dumps({"version": 1, "rows": rows}, indent=1, ensure_ascii=False,
                                           default=str) + "\n")


def load_graded(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = data["rows"]
        if not isinstance(rows, list) or not all(isinstance(r, dict) and "submission" in r for r in rows):
            raise ValueError("no rows")
        return rows
    except FileNotFoundError:
        raise UsageError(f"no graded answers at {path}; grade the notebooks first (with the same --out)") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{path} is not a graded-answers file written by casecurity.grade ({exc})") from None


def _same_submission(given: str, row: dict) -> bool:
    """Whether a marks line's ``submission`` names this row's submission: its path, file name or
    stem, or its student's id or name (case-insensitive)."""
    given = given.strip()
    path = Path(str(row["submission"]))
    if given in (str(row["submission"]), path.name, path.stem):
        return True
    folded = given.casefold()
    return bool(folded) and folded in (str(row.get("student_id") or "").casefold(),
                                       str(row.get("student") or "").casefold())


# the words a marks line may give instead of points for a question the source scan flagged
CLEAR, CONFIRM = "clear", "confirm"


def _restore_automatic(row: dict) -> dict:
    """The row as the grader left it, before any hand marks (so a marks file replaces, never adds)."""
    row = dict(row)
    automatic = row.pop("automatic", None)
    row.pop("marks", None)
    if isinstance(automatic, dict):
        row.update(automatic)
    return row


def apply_marks(rows: list[dict], marks_file: Path, warnings: list[str] | None = None) -> list[dict]:
    """Make the hand marks exactly what the marks file says (CSV: submission, question, criterion,
    points, comment); return the updated rows.

    ``submission`` names a submission by path, file name, student id or student name, when only one
    submission matches. ``criterion`` is a rubric criterion's number (1, 2, ...) or the start of its
    text; left empty, the points are for the whole question. For a question in ``review`` (the
    source scan flagged its cell), ``points`` may be ``clear`` (the automatic verdict stands) or
    ``confirm`` (no points). Marks given before and missing from this file are removed. Any bad
    line stops with one line naming it, and nothing is changed; a mark on a question the student
    did not answer is applied with a warning (appended to ``warnings``).
    """
    try:
        with open(marks_file, newline="", encoding="utf-8-sig") as stream:
            reader = csv.DictReader(stream)
            header = [h.strip() for h in reader.fieldnames or []]
            lines = list(reader)
    except OSError as exc:
        raise UsageError(f"could not read the marks file {marks_file}: {exc.strerror or exc}") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise UsageError(f"the marks file {marks_file} is not a readable CSV ({exc})") from None
    missing = [c for c in ("submission", "question", "points") if c not in header]
    if missing:
        raise UsageError(f"the marks file needs the columns {', '.join(MARK_COLUMNS)}; missing: {', '.join(missing)}")
    base = [_restore_automatic(row) for row in rows]
    marked: dict[int, dict] = {}
    first_line: dict[tuple[int, str], int] = {}
    for line_number, line in enumerate(lines, 2):
        line = {str(k).strip(): (v or "").strip() for k, v in line.items() if k is not None}
        if not any(line.values()):
            continue
        where = f"{marks_file.name} line {line_number}"
        targets = [i for i, r in enumerate(base)
                   if _same_submission(line["submission"], r) and r["question"] == line["question"]]
        if not targets:
            raise UsageError(f"{where}: no graded question {line['question']!r} for submission {line['submission']!r}")
        if len({base[i]["submission"] for i in targets}) > 1:
            names = ", ".join(sorted({Path(str(base[i]["submission"])).parent.name or str(base[i]["submission"])
                                      for i in targets}))
            raise UsageError(f"{where}: {line['submission']!r} matches several submissions ({names}); "
                             "give the student's id or the full path")
        row = base[targets[0]]
        rubric = row.get("rubric") or []
        criterion = line.get("criterion", "")
        key = ""
        limit = float(row["max_points"] or 0)
        word = line["points"].casefold()
        if word in (CLEAR, CONFIRM):
            if row["status"] != "review" or criterion:
                raise UsageError(f"{where}: {word!r} is only for a whole question in review (flagged by the source "
                                 f"scan); give points for {row['question']}")
            points = float(row.get("held_points") or 0) if word == CLEAR else 0.0
        else:
            try:
                points = float(line["points"])
            except ValueError:
                raise UsageError(f"{where}: points must be a number, not {line['points']!r}") from None
        if criterion:
            index = None
            if criterion.isdigit() and 1 <= int(criterion) <= len(rubric):
                index = int(criterion)
            else:
                starts = [i for i, (text, _p) in enumerate(rubric, 1) if str(text).lower().startswith(criterion.lower())]
                index = starts[0] if len(starts) == 1 else None
            if index is None:
                raise UsageError(f"{where}: {criterion!r} is not one of the {len(rubric)} rubric criteria of "
                                 f"{row['question']} (give its number, 1 to {len(rubric)})")
            key, limit = str(index), float(rubric[index - 1][1])
        if not 0 <= points <= limit:
            raise UsageError(f"{where}: {_number(points)} points is outside 0–{_number(limit)} for "
                             f"{row['question']}{' criterion ' + key if key else ''}")
        given = marked.setdefault(targets[0], {})
        if key in given:
            raise UsageError(f"{where}: {row['question']}{' criterion ' + key if key else ''} of "
                             f"{row['submission']} is already marked on line {first_line[(targets[0], key)]}; "
                             "keep one line")
        if (key == "" and any(given)) or (key != "" and "" in given):
            other = first_line[(targets[0], "" if key else next(k for k in given if k))]
            raise UsageError(f"{where}: {row['question']} of {row['submission']} is marked both as a whole and per "
                             f"criterion (see line {other}); give one or the other")
        first_line[(targets[0], key)] = line_number
        given[key] = {"points": points, "comment": line.get("comment", ""), "word": word}
        if row["status"] in ("not_attempted",) and warnings is not None:
            warnings.append(f"{where}: {student_label(row)} did not answer {row['question']} "
                            f"({row.get('message', '')}); the mark is applied anyway")
    updated = list(base)
    for index, marks in marked.items():
        row = dict(updated[index])
        row["automatic"] = {k: row.get(k) for k in ("status", "points", "message")}
        row["marks"] = {k: {"points": m["points"], "comment": m["comment"]} for k, m in marks.items()}
        whole = marks.get("")
        by_criterion = [m["points"] for k, m in marks.items() if k]
        total = whole["points"] if whole else sum(by_criterion)
        row["points"] = min(total, float(row["max_points"] or 0))
        comments = [m["comment"] for k, m in sorted(marks.items()) if m.get("comment")]
        if whole and whole["word"] == CLEAR:  # the automatic verdict stands
            row["status"] = str(row.get("held_status") or "marked")
            row["message"] = ("checked by your teacher: " + " ".join(str(row.get("held_message") or "").split())
                              + ("; " + "; ".join(comments) if comments else ""))
        else:
            row["status"] = "marked"
            row["message"] = "marked by your teacher" + (": " + "; ".join(comments) if comments else ".")
        updated[index] = row
    return updated


# --------------------------------------------------------------------------------------------
# The class report
# --------------------------------------------------------------------------------------------

_ATTEMPTED = ("correct", "incorrect", "submitted", "needs_more", "marked", "review")


def _main_lesson(by_submission: dict[str, list[dict]], lesson: str | None = None) -> str:
    """The class's lesson: the one asked for, else the one most submissions are for."""
    if lesson:
        return lesson
    counts: dict[str, int] = {}
    for group in by_submission.values():
        number = str(group[0]["lesson"])
        if number and group[0]["question"]:
            counts[number] = counts.get(number, 0) + 1
    return max(counts, key=lambda n: (counts[n], n)) if counts else ""


def class_report(rows: list[dict], lesson: str | None = None, feedback: Path | None = None) -> dict:
    """What waits for the teacher per student (total, answers to review, feedback page), per-question
    statistics of the class's lesson (hardest first), and the notebooks of other lessons set apart."""
    by_submission: dict[str, list[dict]] = {}
    for row in rows:
        by_submission.setdefault(row["submission"], []).append(row)
    main_lesson = _main_lesson(by_submission, f"{int(lesson):02d}" if lesson and str(lesson).isdigit() else lesson)
    students, apart = [], []
    for submission, group in by_submission.items():
        number = str(group[0]["lesson"])
        entry = {"submission": submission, "student": student_label(group[0]),
                 "student_id": str(group[0].get("student_id") or ""), "lesson": number,
                 "points": sum(float(r["points"] or 0) for r in group),
                 "max_points": sum(float(r["max_points"] or 0) for r in group),
                 "to_review": waiting(group), "errors": sum(r["status"] == "error" for r in group),
                 "feedback": str(feedback / feedback_name(submission)) if feedback else ""}
        if number and main_lesson and number != main_lesson:
            entry["why"] = f"lesson {number}, not lesson {main_lesson}"
            apart.append(entry)
        elif not group[0]["question"]:  # the notebook as a whole could not be graded
            entry["why"] = str(group[0].get("message", ""))
            entry["to_review"] = 1
            students.append(entry)
        else:
            students.append(entry)
    students.sort(key=lambda s: (-s["to_review"], s["student"].casefold()))
    questions: dict[tuple, dict] = {}
    for row in rows:
        if not row["question"] or (main_lesson and str(row["lesson"]) != main_lesson):
            continue
        stats = questions.setdefault((str(row["lesson"]), row["question"]),
                                     {"lesson": str(row["lesson"]), "question": row["question"], "submissions": 0,
                                      "attempted": 0, "correct": 0, "wrong": {}})
        stats["submissions"] += 1
        stats["attempted"] += row["status"] in _ATTEMPTED
        stats["correct"] += row["status"] == "correct" or (row["status"] == "marked" and row["points"] ==
                                                          row["max_points"])
        if row["status"] == "incorrect" and row.get("answer"):
            stats["wrong"][row["answer"]] = stats["wrong"].get(row["answer"], 0) + 1
    table = []
    for stats in questions.values():
        stats["commonest_wrong"] = sorted(stats.pop("wrong").items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        stats["share"] = stats["correct"] / stats["submissions"] if stats["submissions"] else 0.0
        table.append(stats)
    table.sort(key=lambda s: (s["share"], -s["attempted"] + s["correct"], s["lesson"], _question_order(s["question"])))
    warning = ""
    if apart:
        warning = (f"this folder mixes lessons: most are lesson {main_lesson}; the odd ones out (listed apart, not "
                   "counted in the question statistics) are "
                   + "; ".join(f"{s['student']}: {Path(s['submission']).name} ({s['why']})" for s in apart))
    return {"lesson": main_lesson, "students": students, "apart": apart, "questions": table, "warning": warning,
            "waiting": sum(s["to_review"] for s in students)}


def _question_order(name: str) -> int:
    digits = re.sub(r"\D", "", name)
    return int(digits) if digits else 0


def _wrong_text(stats: dict) -> str:
    return "; ".join(f"{answer[:60]} ({count})" for answer, count in stats["commonest_wrong"]) or "—"


def report_text(report: dict) -> str:
    """The class report for the terminal: what waits first, then the questions, hardest first."""
    waiting_students = [s for s in report["students"] if s["to_review"]]
    lines = [f"Waiting for you: {report['waiting']} answer(s) to review from {len(waiting_students)} student(s)"
             " (written answers, flagged cells, errors):"]
    for s in waiting_students:
        lines.append(f"  {s['student']}: {_number(s['points'])}/{_number(s['max_points'])}, {s['to_review']} to review"
                     + (f" — {s['feedback']}" if s.get("feedback") else ""))
    lines.append("Per question, hardest first (attempted / correct of all submissions; commonest wrong answers):")
    for s in report["questions"]:
        lines.append(f"  lesson{s['lesson']}.{s['question']}: attempted {s['attempted']}/{s['submissions']}, "
                     f"correct {s['correct']}/{s['submissions']}; wrong: {_wrong_text(s)}")
    if report["warning"]:
        lines.append(f"warning: {report['warning']}")
    return "\n".join(lines)


def write_report_html(report: dict, path: Path) -> Path:
    """The class report as one HTML page a teacher can open: what waits for the teacher comes first."""
    def link(s: dict) -> str:
        if not s.get("feedback"):
            return "—"
        try:
            target = Path(s["feedback"]).resolve().relative_to(path.resolve().parent).as_posix()
        except ValueError:
            target = Path(s["feedback"]).resolve().as_uri()
        return f"<a href=\"{html.escape(target)}\">feedback</a>"

    students = "".join(
        f"<tr><td>{html.escape(s['student'])}</td><td>{html.escape(Path(s['submission']).name)}</td>"
        f"<td>{_number(s['points'])} / {_number(s['max_points'])}</td><td>{s['to_review']}</td><td>{s['errors']}</td>"
        f"<td>{link(s)}</td></tr>"
        for s in report["students"])
    apart = "".join(
        f"<tr><td>{html.escape(s['student'])}</td><td>{html.escape(Path(s['submission']).name)}</td>"
        f"<td>{html.escape(s['why'])}</td><td>{link(s)}</td></tr>" for s in report.get("apart", []))
    apart_table = (
        "<h2>Notebooks from another lesson (not in the statistics)</h2><table><thead><tr><th scope=\"col\">Student</th>"
        "<th scope=\"col\">Notebook</th><th scope=\"col\">Why set apart</th><th scope=\"col\">Feedback</th></tr></thead>"
        f"<tbody>{apart}</tbody></table>") if apart else ""
    questions = "".join(
        f"<tr><td>lesson{html.escape(s['lesson'])}.{html.escape(s['question'])}</td><td>{s['attempted']} of "
        f"{s['submissions']}</td><td>{s['correct']} of {s['submissions']}</td><td>{html.escape(_wrong_text(s))}</td></tr>"
        for s in report["questions"])
    warning = (f"<p role=\"alert\"><strong>Warning:</strong> {html.escape(report['warning'])}</p>"
               if report["warning"] else "")
    waiting_count = sum(1 for s in report["students"] if s["to_review"])
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Class report</title>"
        f"<style>{_PAGE_STYLE}</style></head><body><h1>Class report</h1>{warning}"
        f"<p><strong>Waiting for you:</strong> {report.get('waiting', 0)} answer(s) to review from {waiting_count} "
        "student(s): written answers, cells the source scan flagged, and errors.</p>"
        "<h2>Students</h2><table><thead><tr><th scope=\"col\">Student</th><th scope=\"col\">Notebook</th>"
        "<th scope=\"col\">Points</th><th scope=\"col\">To review</th><th scope=\"col\">Errors</th>"
        f"<th scope=\"col\">Feedback</th></tr></thead><tbody>{students}</tbody></table>{apart_table}"
        "<h2>Questions, hardest first</h2><table><thead><tr><th scope=\"col\">Question</th>"
        "<th scope=\"col\">Attempted</th><th scope=\"col\">Correct</th><th scope=\"col\">Commonest wrong answers"
        f"</th></tr></thead><tbody>{questions}</tbody></table>"
        "</body></html>\n")
    return write_text_atomically(path, page)


# public names of the helpers grade.py re-exports (no module imports another's _private names)
number, points_text, summary, to_review = _number, _points_text, _summary, _to_review
