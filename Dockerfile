# taskweights: the API (`taskweights serve`) and its workers (`taskweights worker`), CPU-only.
#
#   docker build -t taskweights .
#   docker run -p 8000:8000 -v taskweights-data:/data -e TASKWEIGHTS_TOKEN=... taskweights
#                                                                        # API + local workers, SQLite
#   TASKWEIGHTS_TOKEN=... docker compose up --build                      # PostgreSQL, API, 2 workers
#
# The API listens on every interface of the container, so it needs a token: without
# TASKWEIGHTS_TOKEN, `serve` refuses to start (exit 2, saying why).
#
# The builder stage installs into a virtualenv at /opt/venv; the runtime stage copies only that
# virtualenv, so no build tools, caches or sources end up in the image. Both stages use the same
# base image, so the venv's interpreter path (/usr/local/bin/python3.11) is the same in each.

FROM python:3.11.13-slim-bookworm AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:${PATH}"

# torch FIRST, pinned exactly, from PyTorch's CPU index: the project's own `torch==2.13.0` is then
# already satisfied by 2.13.0+cpu, and PyPI's multi-GB CUDA build is never downloaded.
RUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu torch==2.13.0

WORKDIR /src
COPY pyproject.toml README.md ./
COPY taskweights/ taskweights/
COPY app/ app/
COPY search/ search/
COPY models/ models/
# the same wheel the tests install (tests/test_wheel.py), then that wheel into the venv
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels . \
    && pip install --no-cache-dir /wheels/taskweights-*.whl


FROM python:3.11.13-slim-bookworm AS runtime

LABEL org.opencontainers.image.title="taskweights" \
      org.opencontainers.image.description="Tune fixed multi-task loss weights with Optuna, or learn them? Runs both and compares on held-out data: FastAPI service and training workers (CPU)." \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="docker.io/library/python:3.11.13-slim-bookworm"

# A fixed, non-root uid/gid, so that volumes and bind mounts can be chowned to it ahead of time.
# /data is the working directory: the default SQLite database lives there.
RUN groupadd --system --gid 10001 taskweights \
    && useradd --system --no-log-init --uid 10001 --gid 10001 \
        --home-dir /data --no-create-home --shell /usr/sbin/nologin taskweights \
    && mkdir -p /data \
    && chown 10001:10001 /data

COPY --from=builder /opt/venv /opt/venv

ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/data \
    TASKWEIGHTS_DB_URL=sqlite:////data/taskweights.db \
    TASKWEIGHTS_DATA_DIR=/data/taskweights-data

WORKDIR /data
VOLUME ["/data"]
USER 10001:10001

EXPOSE 8000

# The slim image has no curl: ask /health with the standard library. A non-2xx answer (503 when
# the database does not answer) or no answer raises, and the check fails. Workers serve no HTTP:
# docker-compose.yml disables this check for them.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

CMD ["taskweights", "serve", "--host", "0.0.0.0", "--port", "8000"]
