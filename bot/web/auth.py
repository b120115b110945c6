"""Sessions of the web pages: one-time LINE links in, an HTTP-only cookie per organisation,
the viewer's role re-read from the store on every request, and CSRF tokens tied to the session."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

import redis
from flask import Request, Response

from core.config import Settings
from core.signing import sign
from store import people, sessions
from store.people import Person


@dataclass(frozen=True)
class Viewer:
    org: str
    sid: str
    person: Person
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.person.admin

    @property
    def user_id(self) -> str:
        return self.person.user_id


def cookie_name(org: str) -> str:
    # One cookie per organisation, so signing in to one does not sign out of another.
    return f"itabot_{org}"


def cookie_path(org: str) -> str:
    return f"/admin/{org}"


def may_sign_in(person: Person | None) -> bool:
    return person is not None and (person.admin or bool(person.positions))


def csrf_token(settings: Settings, org: str, sid: str) -> str:
    return sign(settings.signing_key, f"csrf|{org}|{sid}", 24)


def csrf_ok(settings: Settings, viewer: Viewer, submitted: str | None) -> bool:
    # compare_digest raises on non-ASCII text: a forged token must be a refusal, not a 500
    if not submitted or not submitted.isascii() or len(submitted) > 200:
        return False
    return hmac.compare_digest(viewer.csrf, submitted)


def _is_https(request: Request, settings: Settings) -> bool:
    # Behind a TLS-terminating proxy the request itself is http; the proxy says so in a header.
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return (
        request.is_secure or forwarded == "https" or settings.public_base_url.startswith("https://")
    )


def sign_in(r: redis.Redis, org: str, token: str) -> tuple[str | None, str]:
    """Use the one-time token: (session id, "") or (None, "bad-link" | "not-allowed")."""
    user_id = sessions.use_login_token(r, org, token)
    if not user_id:
        return None, "bad-link"
    if not may_sign_in(people.get_person(r, org, user_id)):
        return None, "not-allowed"  # removed or demoted since the link was sent
    return sessions.create_session(r, org, user_id), ""


def set_session_cookie(
    response: Response, request: Request, settings: Settings, org: str, sid: str
) -> None:
    response.set_cookie(
        cookie_name(org),
        sid,
        max_age=sessions.SESSION_SECONDS,
        path=cookie_path(org),
        httponly=True,
        secure=_is_https(request, settings),
        samesite="Lax",
    )


def clear_session_cookie(response: Response, org: str) -> None:
    response.delete_cookie(cookie_name(org), path=cookie_path(org), httponly=True, samesite="Lax")


def current_viewer(r: redis.Redis, settings: Settings, request: Request, org: str) -> Viewer | None:
    """The signed-in admin or reviewer, or None; a person removed or demoted loses access at once."""
    sid = request.cookies.get(cookie_name(org), "")
    user_id = sessions.get_session(r, org, sid) if sid else None
    if not user_id:
        return None
    person = people.get_person(r, org, user_id)
    if not may_sign_in(person):
        return None
    assert person is not None
    return Viewer(org, sid, person, csrf_token(settings, org, sid))


def sign_out(r: redis.Redis, viewer: Viewer) -> None:
    sessions.end_session(r, viewer.org, viewer.sid)
