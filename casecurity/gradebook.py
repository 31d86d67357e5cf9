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

COLUMNS = ("submission", "lesson", "question", "status", "points", "max_points", "message", "answer")


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
            "error": "⚠ Error"}
_PAGE_STYLE = ("body{font-family:system-ui,sans-serif;max-width:60em;margin:1.5em auto;padding:0 1em;line-height:1.4}"
               "table{border-collapse:collapse;width:100%}th,td{border:1px solid #888;padding:.35em .6em;"
               "text-align:left;vertical-align:top}th{background:#eee}td:nth-child(2),td:nth-child(3){white-space:nowrap}")


def _to_review(rows: list[dict]) -> float:
    """Points that wait for the teacher (written answers), not lost ones."""
    return sum(float(r["max_points"] or 0) for r in rows if r["status"] == "submitted")


def _points_text(rows: list[dict], unit: str = "") -> str:
    """ "9/10 (1 to review)": points that wait for the teacher are not shown as lost."""
    earned = sum(float(r["points"] or 0) for r in rows)
    possible = sum(float(r["max_points"] or 0) for r in rows)
    review = _to_review(rows)
    return f"{_number(earned)}/{_number(possible)}{unit}" + (f" ({_number(review)} to review)" if review else "")


def write_feedback(rows: list[dict], folder: Path) -> Path:
    """One HTML page per submission: status in words, points, messages, and each written answer with
    its rubric and the teacher's marks (never the checking code or an expected answer)."""
    submission = rows[0]["submission"]
    earned = sum(float(r["points"] or 0) for r in rows)
    possible = sum(float(r["max_points"] or 0) for r in rows)
    review = _to_review(rows)
    if not rows[0]["question"]:  # one error row: the notebook as a whole could not be graded
        summary = "This notebook could not be graded; the reason is below."
    else:
        summary = f"Lesson {html.escape(str(rows[0]['lesson']))}: {_number(earned)} of {_number(possible)} points"
        summary += (f"; {_number(review)} more point(s) for the written answer, which your teacher grades by hand."
                    if review else ".")
    body = "".join(
        f"<tr><td>{html.escape(str(r['question']))}</td><td>{html.escape(_SYMBOLS.get(r['status'], r['status']))}"
        f"</td><td>{'to grade' if r['status'] == 'submitted' else _number(r['points'])} / {_number(r['max_points'])}"
        f"</td><td>{html.escape(r['message'])}</td></tr>"
        for r in rows
    )
    written = "".join(_written_answer_html(r) for r in rows if r.get("rubric") is not None)
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Feedback: {html.escape(Path(submission).name)}</title><style>{_PAGE_STYLE}</style></head><body>"
        f"<h1>Feedback on {html.escape(Path(submission).name)}</h1>"
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


def _summary(rows: list[dict]) -> str:
    by_submission: dict[str, list[dict]] = {}
    for row in rows:
        by_submission.setdefault(row["submission"], []).append(row)
    table = [("submission", "lesson", "points", "correct", "errors")]
    for submission, group in by_submission.items():
        table.append((submission, str(group[0]["lesson"]), _points_text(group),
                      str(sum(r["status"] == "correct" for r in group)),
                      str(sum(r["status"] == "error" for r in group))))
    widths = [max(len(row[i]) for row in table) for i in range(5)]
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


def _same_submission(given: str, submission: str) -> bool:
    given = given.strip()
    path = Path(submission)
    return given in (submission, path.name, path.stem)


def apply_marks(rows: list[dict], marks_file: Path) -> list[dict]:
    """Apply the teacher's marks (CSV: submission, question, criterion, points, comment) to ``rows``.

    ``criterion`` is a rubric criterion's number (1, 2, ...) or the start of its text; left empty, the
    points are for the whole question. Marks are checked first: any bad line stops with one line
    naming it, and nothing is changed.
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
    marked: dict[int, dict] = {}
    for line_number, line in enumerate(lines, 2):
        line = {str(k).strip(): (v or "").strip() for k, v in line.items() if k is not None}
        where = f"{marks_file.name} line {line_number}"
        targets = [i for i, r in enumerate(rows)
                   if _same_submission(line["submission"], r["submission"]) and r["question"] == line["question"]]
        if not targets:
            raise UsageError(f"{where}: no graded question {line['question']!r} for submission {line['submission']!r}")
        if len({rows[i]["submission"] for i in targets}) > 1:
            raise UsageError(f"{where}: {line['submission']!r} matches several submissions; give its full path")
        row = rows[targets[0]]
        try:
            points = float(line["points"])
        except ValueError:
            raise UsageError(f"{where}: points must be a number, not {line['points']!r}") from None
        rubric = row.get("rubric") or []
        criterion = line.get("criterion", "")
        key = ""
        limit = float(row["max_points"] or 0)
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
        marked.setdefault(targets[0], {})[key] = {"points": points, "comment": line.get("comment", "")}
    updated = [dict(row) for row in rows]
    for index, marks in marked.items():
        row = updated[index]
        row["marks"] = {**(row.get("marks") or {}), **marks}
        whole = row["marks"].get("")
        by_criterion = [m["points"] for k, m in row["marks"].items() if k]
        total = whole["points"] if whole and not by_criterion else sum(by_criterion)
        row["points"] = min(total, float(row["max_points"] or 0))
        row["status"] = "marked"
        comments = [m["comment"] for k, m in sorted(row["marks"].items()) if m.get("comment")]
        row["message"] = "marked by your teacher" + (": " + "; ".join(comments) if comments else ".")
    return updated


# --------------------------------------------------------------------------------------------
# The class report
# --------------------------------------------------------------------------------------------

_ATTEMPTED = ("correct", "incorrect", "submitted", "needs_more", "marked")


def class_report(rows: list[dict]) -> dict:
    """Per-student totals and per-question statistics (hardest first), and a warning for mixed lessons."""
    by_submission: dict[str, list[dict]] = {}
    for row in rows:
        by_submission.setdefault(row["submission"], []).append(row)
    students = [{"submission": s, "lesson": str(g[0]["lesson"]), "points": sum(float(r["points"] or 0) for r in g),
                 "max_points": sum(float(r["max_points"] or 0) for r in g),
                 "errors": sum(r["status"] == "error" for r in g)} for s, g in by_submission.items()]
    questions: dict[tuple, dict] = {}
    for row in rows:
        if not row["question"]:
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
    lessons: dict[str, list[str]] = {}
    for student in students:
        if student["lesson"]:
            lessons.setdefault(student["lesson"], []).append(student["submission"])
    warning = ""
    if len(lessons) > 1:
        main_lesson = max(lessons, key=lambda n: (len(lessons[n]), n))
        odd = [f"lesson {n}: {', '.join(Path(s).name for s in subs)}" for n, subs in sorted(lessons.items())
               if n != main_lesson]
        warning = f"this folder mixes lessons: most are lesson {main_lesson}; the odd ones out are " + "; ".join(odd)
    return {"students": students, "questions": table, "warning": warning}


def _question_order(name: str) -> int:
    digits = re.sub(r"\D", "", name)
    return int(digits) if digits else 0


def _wrong_text(stats: dict) -> str:
    return "; ".join(f"{answer[:60]} ({count})" for answer, count in stats["commonest_wrong"]) or "—"


def report_text(report: dict) -> str:
    lines = ["Per question, hardest first (attempted / correct of all submissions; commonest wrong answers):"]
    for s in report["questions"]:
        lines.append(f"  lesson{s['lesson']}.{s['question']}: attempted {s['attempted']}/{s['submissions']}, "
                     f"correct {s['correct']}/{s['submissions']}; wrong: {_wrong_text(s)}")
    if report["warning"]:
        lines.append(f"warning: {report['warning']}")
    return "\n".join(lines)


def write_report_html(report: dict, path: Path) -> Path:
    """The class report as one HTML page a teacher can open."""
    students = "".join(
        f"<tr><td>{html.escape(Path(s['submission']).name)}</td><td>{html.escape(s['lesson'])}</td>"
        f"<td>{_number(s['points'])} / {_number(s['max_points'])}</td><td>{s['errors']}</td></tr>"
        for s in report["students"])
    questions = "".join(
        f"<tr><td>lesson{html.escape(s['lesson'])}.{html.escape(s['question'])}</td><td>{s['attempted']} of "
        f"{s['submissions']}</td><td>{s['correct']} of {s['submissions']}</td><td>{html.escape(_wrong_text(s))}</td></tr>"
        for s in report["questions"])
    warning = (f"<p role=\"alert\"><strong>Warning:</strong> {html.escape(report['warning'])}</p>"
               if report["warning"] else "")
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Class report</title>"
        f"<style>{_PAGE_STYLE}</style></head><body><h1>Class report</h1>{warning}"
        "<h2>Questions, hardest first</h2><table><thead><tr><th scope=\"col\">Question</th>"
        "<th scope=\"col\">Attempted</th><th scope=\"col\">Correct</th><th scope=\"col\">Commonest wrong answers"
        f"</th></tr></thead><tbody>{questions}</tbody></table>"
        "<h2>Students</h2><table><thead><tr><th scope=\"col\">Submission</th><th scope=\"col\">Lesson</th>"
        f"<th scope=\"col\">Points</th><th scope=\"col\">Errors</th></tr></thead><tbody>{students}</tbody></table>"
        "</body></html>\n")
    return write_text_atomically(path, page)
