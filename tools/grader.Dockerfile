# Image for `python -m casecurity.grade --sandbox docker` (the runner's Python and locked libraries).
#
#   docker build -t casecurity-grader -f tools/grader.Dockerfile .
#
# Only requirements.lock goes into the image: the course's package, data/ and lesson modules are
# mounted read-only from the teacher's copy when a notebook is graded, and solutions/ never is.
# Set CASECURITY_GRADER_IMAGE to use another tag.
FROM python:3.11-slim
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir --require-hashes -r /tmp/requirements.lock \
    && rm /tmp/requirements.lock \
    && useradd --create-home grader
USER grader
