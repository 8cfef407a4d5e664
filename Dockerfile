# Socle on the embedded Oxigraph store: one process, threads, data on a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    SOCLE_DATA=/data SOCLE_HOST=0.0.0.0 SOCLE_PORT=8000

RUN useradd --create-home --uid 10001 socle && mkdir -p /data && chown socle /data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY shapes ./shapes
COPY vocab ./vocab
RUN pip install --no-cache-dir -e .

USER socle
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD ["socle", "serve", "--host", "0.0.0.0", "--port", "8000"]
