# otbasy-bot: docker build -t otbasy-bot . && docker run --env-file .env -v otbasy-data:/app/data otbasy-bot
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
# Migrations run on start; `docker run ... otbasy-bot python -m bot centers import /path.csv` for operators.
CMD ["python", "-m", "bot"]
