# otbasy-bot: docker build -t otbasy-bot . && docker run --env-file .env -v otbasy-data:/app/data otbasy-bot
# One container: SQLite on the volume and long polling. The same image runs as a service in compose.yaml
# (PostgreSQL, Redis, webhooks, two instances behind a reverse proxy).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////app/data/otbasy.db

WORKDIR /app
RUN useradd --create-home --uid 10001 otbasy

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY locales ./locales
RUN pip install --editable . \
    && python -c "from bot.core.i18n import compile_catalogs; compile_catalogs()" \
    && mkdir -p /app/data && chown otbasy:otbasy /app/data

USER otbasy
VOLUME ["/app/data"]
# WEBHOOK_PORT (with WEBHOOK_URL) and HEALTH_PORT (/healthz, /readyz, /metrics); neither is used by default.
EXPOSE 8081 9090
# With HEALTH_PORT set, Docker asks /healthz; without it (the default, one container polling) there is nothing to ask
# and the check passes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('HEALTH_PORT', '0') or '0'; sys.exit(0) if port == '0' else urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)"]
# Migrations run on start; `docker run ... otbasy-bot python -m bot centers import /path.csv` for operators.
# docker stop sends SIGTERM: the bot finishes the updates in hand, then stops (give it `--stop-timeout 30`).
CMD ["python", "-m", "bot"]
