# qingfeng: one image for the servers, the worker and `qingfeng migrate` (compose.yaml runs it three ways).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    QINGFENG_VAR=/srv/qingfeng/var
# Debian's ffmpeg makes the copy of a villager's voice that the panel's browser plays (storage/voice_transcode.py).
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /srv/qingfeng --create-home qingfeng
WORKDIR /srv/qingfeng

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY nlp ./nlp
COPY storage ./storage
COPY admin ./admin
RUN pip install . && python -c "import nlp; nlp.load()" \
    && mkdir -p /srv/qingfeng/var && chown qingfeng /srv/qingfeng/var

# Attachments, model files written by the panel and training output live here: a volume shared by
# every server and the worker (compose.yaml: `qingfeng-var`).
VOLUME /srv/qingfeng/var
USER qingfeng
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)" || exit 1
CMD ["qingfeng", "serve", "--host", "0.0.0.0", "--port", "8080"]
