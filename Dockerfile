# Production image of Relogement (docs/operations.md § Production stack): one image for the web
# servers (gunicorn), the task worker (manage.py run_huey) and one-off commands (migrate...).

# Front-end assets (Bootstrap, htmx) from the npm registry, as package-lock.json pins them.
FROM node:20-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# WeasyPrint's libraries (Pango, HarfBuzz with its subsetter) and a sans-serif font for the PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first, read from pyproject.toml (with the optional object storage), so that a code
# change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
        print('\n'.join(p['dependencies'] + p['optional-dependencies']['s3']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY --from=assets /assets/node_modules ./node_modules
COPY LICENSE manage.py ./
COPY config ./config
COPY relogement ./relogement

# Static files collected at build (WhiteNoise serves them hashed and compressed). The settings need a
# key to load, not the production one; no task queue is opened at build.
RUN SECRET_KEY=build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz TASKS_IMMEDIATE=true \
    python manage.py collectstatic --no-input -v0

# A user without rights on the code; the media volume (uploads, exports) and the task file are its own.
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /app relogement \
    && mkdir -p /data/media \
    && chown -R relogement:relogement /data
ENV MEDIA_ROOT=/data/media \
    TASKS_SQLITE_PATH=/data/tasks.sqlite3
VOLUME ["/data/media"]
USER relogement

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "config/healthcheck.py"]
CMD ["gunicorn", "--config", "config/gunicorn.conf.py", "config.wsgi"]
