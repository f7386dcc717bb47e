FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
COPY . .
RUN DEBUG=true SECRET_KEY=build FIELD_ENCRYPTION_KEYS=unused python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "connexcs.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
