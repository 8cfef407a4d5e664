# Socle on the embedded Oxigraph store: one process, threads, data on a volume.
#   docker build -t socle .
#   docker run -p 8000:8000 -v socle-data:/data socle --demo
#   docker exec CONTAINER socle publisher add montfort --name "Commune de Montfort-sur-Meu"
# Dependencies are installed at the versions of requirements.lock (the same pins CI uses).
# BASE: any image with Python 3.11 and its venv module (python:3.11-slim by default;
# scripts/docker-test.sh builds on a Debian bookworm made locally with debootstrap).

ARG BASE=python:3.11-slim
FROM ${BASE} AS build
WORKDIR /src
COPY pyproject.toml README.md requirements.lock ./
COPY service ./service
RUN python3 -m venv /opt/build \
 && /opt/build/bin/pip wheel --no-cache-dir --wheel-dir /wheels -c requirements.lock .

FROM ${BASE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/socle/bin:$PATH \
    SOCLE_DATA=/data SOCLE_HOST=0.0.0.0 SOCLE_PORT=8000
COPY --from=build /wheels /wheels
COPY requirements.lock /tmp/requirements.lock
RUN python3 -m venv /opt/socle \
 && /opt/socle/bin/pip install --no-cache-dir --no-index --find-links /wheels \
      -c /tmp/requirements.lock socle-dcat && rm -rf /wheels /tmp/requirements.lock
COPY scripts/docker-entrypoint.sh /usr/local/bin/socle-entrypoint
RUN useradd --create-home --uid 10001 socle && mkdir -p /data && chown socle /data \
 && chmod 755 /usr/local/bin/socle-entrypoint

USER socle
VOLUME ["/data"]
EXPOSE 8000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD python3 -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health/ready' % os.environ.get('SOCLE_PORT', '8000'), timeout=4)"
ENTRYPOINT ["socle-entrypoint"]
CMD []
