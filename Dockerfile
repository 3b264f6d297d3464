# One image for the api, worker and scheduler services of docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    PATH=/opt/venv/bin:$PATH

# WeasyPrint (report PDFs) draws with Pango; the charts' labels are in DejaVu.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
ENV MPLCONFIGDIR=/tmp/matplotlib
RUN pip install --no-cache-dir "uv==0.13.8"
WORKDIR /srv/bieb
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY app ./app
COPY events ./events
COPY workers ./workers
COPY migrations ./migrations
# The pages' Dutch catalog, compiled here: the server may not write app/ at start.
RUN uv sync --frozen --no-dev \
    && pybabel compile -d app/translations \
    && useradd --system --home /srv/bieb bieb \
    && mkdir -p /srv/bieb/instance && chown bieb /srv/bieb/instance
USER bieb
EXPOSE 8000
CMD ["gunicorn", "-c", "python:app.serving", "--bind", "0.0.0.0:8000", "--workers", "4", "app:create_app()"]
