"""The planning officer's web pages (progress, history, memo versions, people)."""

from __future__ import annotations

from flask import Flask

from core.config import Settings


def register(app: Flask, settings: Settings) -> None:
    from bot.web import pages

    pages.register(app, settings)
