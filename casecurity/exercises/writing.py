"""A place to write a reflection with no Python: a text box, a live word count, a Check button.

``ex.qN.check()`` (no argument) on a reflection question shows the box. Whatever the learner
types (line breaks, apostrophes, quotes) is plain text, so nothing can raise a SyntaxError.
Every change is mirrored into the cell's saved output as the course's answer record
(``ANSWER_MIME``, the way quiz buttons are recorded), so the text stays in the notebook when it
is saved and the grader reads it there (``casecurity.grade`` finds records under cells that
call ``qN.check()``). Check grades the text like ``check(answer)`` and records progress.
"""

from __future__ import annotations

import html
import uuid

from casecurity.exercises.feedback import Note
from casecurity.exercises.recording import ANSWER_MIME

_PLACEHOLDER = "(Your written answer is saved here as you type.)"
_BOX = None


def _word_count_text(text: str, low: int, high: int | None) -> str:
    count = len(text.split())
    words = "1 word" if count == 1 else f"{count} words"
    if low and high:
        return f"{words} (the question asks for {low}–{high})"
    if low:
        return f"{words} (the question asks for at least {low})"
    return words


def _save(display_id: str, question, text: str) -> None:
    """Put the text, as the answer record, into the cell's saved output (the grader reads it)."""
    try:
        from IPython.display import update_display

        count = len(text.split())
        bundle = {
            "text/plain": f"Written answer saved for {question.id} ({count} words):\n{text}",
            ANSWER_MIME: {"lesson": question.lesson, "question": question.name,
                          "answer": question.record_answer(text)},
        }
        update_display(bundle, display_id=display_id, raw=True)
    except Exception:  # outside a kernel there is no output to update
        return


def _box_class():
    """A VBox that, when displayed, also shows the output line where the text is saved."""
    global _BOX
    if _BOX is None:
        import ipywidgets as widgets

        class WritingBox(widgets.VBox):
            def __init__(self, children, *, display_id: str):
                super().__init__(children)
                self.casecurity_display_id = display_id

            def _ipython_display_(self):
                from IPython.display import display

                display(self._repr_mimebundle_(), raw=True)
                display({"text/plain": _PLACEHOLDER}, raw=True, display_id=self.casecurity_display_id)

        _BOX = WritingBox
    return _BOX


def writing_box(question):
    """The text box for a reflection ``question`` (a ReflectionQuestion)."""
    import ipywidgets as widgets

    low, high = question.min_words, getattr(question, "max_words", None)
    prompt = widgets.HTML(value=f"<strong>{html.escape(question.id)}</strong>: {html.escape(question.prompt)}")
    text = widgets.Textarea(value="", placeholder="Write your answer here, in your own words.",
                            continuous_update=True, layout=widgets.Layout(width="100%", height="14em"))
    text.add_class("casecurity-writing")
    count = widgets.HTML(value=_word_count_text("", low, high))
    button = widgets.Button(description="Check", tooltip=f"Check your answer to {question.id}", icon="check")
    feedback = widgets.HTML(value="")
    display_id = f"casecurity-writing-{uuid.uuid4().hex}"

    def on_change(change):
        count.value = _word_count_text(change["new"], low, high)
        _save(display_id, question, change["new"])

    def on_click(_button):
        if not text.value.strip():
            feedback.value = Note("info", "Write your answer in the box first, then press Check.",
                                  question=question.name, lesson=question.lesson)._repr_html_()
            return
        feedback.value = question.check_written(text.value)._repr_html_()
        _save(display_id, question, text.value)

    text.observe(on_change, names="value")
    button.on_click(on_click)
    return _box_class()([prompt, text, count, button, feedback], display_id=display_id)
