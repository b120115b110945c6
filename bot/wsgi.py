"""The WSGI entry point gunicorn serves (see Procfile)."""

from bot.app import create_app

app = create_app()
