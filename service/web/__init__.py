"""Server-rendered pages (Jinja, no build step, no CDN)."""
