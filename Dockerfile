# The service image used by compose.yaml: runtime dependencies only, from uv.lock.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    RASA_TELEMETRY_ENABLED=false

RUN pip install --no-cache-dir "uv>=0.5" \
    && useradd --system --uid 10001 --home-dir /app gongyou

WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY config.yml ./
COPY bot ./bot
COPY nlu ./nlu
COPY knowledge_base ./knowledge_base
COPY handoff ./handoff
RUN uv sync --frozen --no-dev && mkdir -p var && chown gongyou var

USER gongyou
EXPOSE 8000
# Inside the container it listens on all interfaces; compose publishes it on 127.0.0.1 only.
CMD [".venv/bin/gongyou", "run", "--host", "0.0.0.0", "--port", "8000"]
