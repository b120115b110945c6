"""Sessions of the web pages: one-time LINE links in, an HTTP-only cookie per organisation,
the viewer's role re-read from the store on every request, and CSRF tokens tied to the session.
A supervisor's session (one cookie for a group of organisations) makes a read-only viewer of
the organisations in its group."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

import redis
from flask import Request, Response

from core.config import Settings
from core.signing import sign
from store import people, sessions, supervisors
from store.people import Person

# Not "itabot_<org>": no organisation id can make a cookie of this name.
SUPERVISOR_COOKIE = "itabot-supervisor"


@dataclass(frozen=True)
class Viewer:
    org: str
    sid: str
    person: Person
    csrf: str
    supervisor: bool = False  # read-only, signed in through a supervisor's link

    @property
    def is_admin(self) -> bool:
        return self.person.admin and not self.supervisor

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
    return same_token(viewer.csrf, submitted)


def same_token(expected: str, submitted: str | None) -> bool:
    # compare_digest raises on non-ASCII text: a forged token must be a refusal, not a 500
    if not submitted or not submitted.isascii() or len(submitted) > 200:
        return False
    return hmac.compare_digest(expected, submitted)


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
    """The signed-in admin or reviewer, or None; a person removed or demoted loses access at once.
    Without one, a supervisor whose group holds the organisation, read-only."""
    sid = request.cookies.get(cookie_name(org), "")
    user_id = sessions.get_session(r, org, sid) if sid else None
    person = people.get_person(r, org, user_id) if user_id else None
    if may_sign_in(person):
        assert person is not None
        return Viewer(org, sid, person, csrf_token(settings, org, sid))
    scoped = supervisor_session(r, request)
    if scoped is None or org not in scoped[1].orgs:
        return None
    supervisor_sid, scope = scoped
    return Viewer(
        org,
        supervisor_sid,
        Person("", scope.label),
        supervisor_csrf(settings, supervisor_sid),
        supervisor=True,
    )


def sign_out(r: redis.Redis, viewer: Viewer) -> None:
    sessions.end_session(r, viewer.org, viewer.sid)


# -- supervisors -----------------------------------------------------------------------------


def supervisor_csrf(settings: Settings, sid: str) -> str:
    return sign(settings.signing_key, f"supervisor-csrf|{sid}", 24)


def supervisor_sign_in(r: redis.Redis, token: str) -> str | None:
    """Use the supervisor's one-time token: a new session of its group, or None."""
    scope = supervisors.use_supervisor_link_token(r, token)
    return supervisors.create_supervisor_session(r, scope) if scope else None


def supervisor_session(r: redis.Redis, request: Request) -> tuple[str, supervisors.Scope] | None:
    sid = request.cookies.get(SUPERVISOR_COOKIE, "")
    scope = supervisors.get_supervisor_session(r, sid) if sid else None
    return (sid, scope) if scope else None


def set_supervisor_cookie(
    response: Response, request: Request, settings: Settings, sid: str
) -> None:
    # Path "/": the overview (/supervisor/) and the group's pages (/admin/<org>/) both need it.
    response.set_cookie(
        SUPERVISOR_COOKIE,
        sid,
        max_age=supervisors.SESSION_SECONDS,
        path="/",
        httponly=True,
        secure=_is_https(request, settings),
        samesite="Lax",
    )


def supervisor_sign_out(r: redis.Redis, sid: str) -> None:
    supervisors.end_supervisor_session(r, sid)


def clear_supervisor_cookie(response: Response) -> None:
    response.delete_cookie(SUPERVISOR_COOKIE, path="/", httponly=True, samesite="Lax")
