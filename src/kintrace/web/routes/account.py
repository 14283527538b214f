"""Sign-in (password, then the second factor's code when enrolled), sign-out, the account page."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kintrace.access import Role
from kintrace.cases.consent_service import consents_for
from kintrace.errors import Forbidden, InvalidInput, TooManyAttempts
from kintrace.instance import Instance
from kintrace.notify.mail import account_mail, send
from kintrace.storage.audit import set_actor
from kintrace.storage.tables import User
from kintrace.users import throttle
from kintrace.users.accounts import (
    BAD_LINK,
    RESET,
    SET_PASSWORD,
    confirm_email,
    normal_email,
    request_reset,
    reset_password,
    sign_up,
    token_is_usable,
)
from kintrace.users.passwords import check_new_password, check_password
from kintrace.users.second_factor import (
    begin_enrolment,
    confirm_enrolment,
    has_second_factor,
    must_enrol,
    provisioning_uri,
    verify_code,
)
from kintrace.users.service import authenticate, set_password
from kintrace.users.sessions import (
    SECOND_FACTOR,
    SIGNED_IN,
    SessionPolicy,
    end_session,
    end_user_sessions,
    live_sessions,
    start_session,
)
from kintrace.web.cookies import COOKIE, clear_session_cookie, set_session_cookie
from kintrace.web.deps import (
    CurrentViewer,
    DbSession,
    SignedIn,
    current_session,
    get_instance,
)
from kintrace.web.i18n import language_of
from kintrace.web.routes.pages import page, require_csrf

router = APIRouter(include_in_schema=False)
InstanceDep = Annotated[Instance, Depends(get_instance)]


def safe_target(next_path: str) -> str:
    """Return where to go after sign-in: a path of this site only, never another site."""
    if next_path.startswith("/") and not next_path.startswith("//") and "\\" not in next_path:
        return next_path
    return "/"


def client_address(request: Request) -> str:
    """Return the client's address (uvicorn puts a trusted proxy's X-Forwarded-For here)."""
    return request.client.host if request.client else "unknown"


def policy_of(instance: Instance) -> throttle.ThrottlePolicy:
    """Return the throttling policy the settings ask for."""
    return throttle.ThrottlePolicy(lockout_failures=instance.settings.sign_in_lockout_failures)


def _refused(request: Request, template: str, error: Exception, **context: object) -> Response:
    response = page(request, template, None, error=str(error), **context)
    if isinstance(error, TooManyAttempts):
        response.status_code = 429
        if error.retry_after is not None:
            response.headers["Retry-After"] = str(error.retry_after)
    else:
        response.status_code = 401
    return response


@router.get("/login")
def login_form(request: Request, viewer: CurrentViewer, next: str = "/") -> HTMLResponse:
    """Show the sign-in form."""
    return page(request, "login.html", None, next=next, error="")


@router.post("/login")
def login(
    request: Request,
    db: DbSession,
    instance: InstanceDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password; start a session (waiting for the code when a second factor is on)."""
    settings = instance.settings
    now = datetime.now()
    set_actor(db, actor_id=None, reason="sign-in")
    try:
        user = authenticate(
            db,
            username.strip(),
            password,
            secret=settings.secret_key,
            address=client_address(request),
            now=now,
            policy=policy_of(instance),
        )
    except Forbidden as error:  # the failure is counted: the transaction commits
        return _refused(request, "login.html", error, next=next)
    end_session(db, request.cookies.get(COOKIE), reason="signed in again", now=now)
    stage = SECOND_FACTOR if has_second_factor(user) else SIGNED_IN
    token = start_session(db, user.id, stage=stage, now=now)
    target = safe_target(next)
    if stage == SECOND_FACTOR:
        target = f"/login/code?next={target}"
    redirect = RedirectResponse(target, status_code=303)
    set_session_cookie(redirect, token, settings)
    return redirect


def _pending_user(request: Request, db: DbSession) -> User | None:
    row = current_session(request, db)
    if row is None or row.stage != SECOND_FACTOR:
        return None
    return db.get(User, row.user_id)


@router.get("/login/code", response_model=None)
def code_form(request: Request, db: DbSession, next: str = "/") -> Response:
    """Ask for the second factor's code."""
    if _pending_user(request, db) is None:
        return RedirectResponse("/login", status_code=303)
    return page(request, "login_code.html", None, next=next, error="")


@router.post("/login/code")
def code(
    request: Request,
    db: DbSession,
    instance: InstanceDep,
    csrf: Annotated[str, Form()],
    code: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the code; the waiting session is replaced by a signed-in one (a new token)."""
    require_csrf(request, csrf)
    user = _pending_user(request, db)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    settings, now = instance.settings, datetime.now()
    set_actor(db, actor_id=user.id, reason="sign-in: second factor")
    counted = {
        "secret": settings.secret_key,
        "username": user.username,
        "address": client_address(request),
    }
    try:
        throttle.refuse_if_throttled(db, now=now, policy=policy_of(instance), **counted)
        if not verify_code(user, code, now=now):
            throttle.record_failure(db, now=now, policy=policy_of(instance), **counted)
            raise Forbidden("the code is wrong or expired; type the current one")
    except Forbidden as error:
        return _refused(request, "login_code.html", error, next=next)
    throttle.record_success(db, secret=settings.secret_key, username=user.username)
    end_session(db, request.cookies.get(COOKIE), reason="second factor given", now=now)
    token = start_session(db, user.id, stage=SIGNED_IN, now=now)
    redirect = RedirectResponse(safe_target(next), status_code=303)
    set_session_cookie(redirect, token, settings)
    return redirect


@router.post("/logout")
def logout(request: Request, db: DbSession, instance: InstanceDep) -> RedirectResponse:
    """End the session on the server (a copy of the cookie is worthless from now on)."""
    end_session(db, request.cookies.get(COOKIE), reason="signed out", now=datetime.now())
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, instance.settings)
    return response


def _account_page(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    *,
    enrol_key: str = "",
    message: str = "",
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    user = db.get(User, viewer.user_id)
    assert user is not None
    settings = instance.settings
    response = page(
        request,
        "account.html",
        viewer,
        user=user,
        enrolled=has_second_factor(user),
        enrol_required=must_enrol(user, required_for_staff=settings.require_totp_for_staff),
        enrol_key=enrol_key,
        enrol_uri=provisioning_uri(user) if enrol_key else "",
        sessions=live_sessions(db, user.id, policy=SessionPolicy.of(settings), now=datetime.now()),
        message=message,
        error=error,
        consents=consents_for(db, viewer) if viewer.role is Role.RELATIVE else [],
    )
    response.status_code = status_code
    return response


@router.get("/account")
def account(
    request: Request, db: DbSession, viewer: SignedIn, instance: InstanceDep, enrol: str = ""
) -> HTMLResponse:
    """Show the user's account: password, second factor, sessions."""
    message = "Enrol a second factor before anything else." if enrol == "required" else ""
    return _account_page(request, db, viewer, instance, message=message)


@router.post("/account/password")
def change_password(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    csrf: Annotated[str, Form()],
    current: Annotated[str, Form()],
    new: Annotated[str, Form()],
    repeat: Annotated[str, Form()],
) -> Response:
    """Change the password; every session of the user ends, this one too."""
    require_csrf(request, csrf)
    user = db.get(User, viewer.user_id)
    assert user is not None
    if not check_password(current, user.password_hash):
        return _account_page(
            request, db, viewer, instance, error="the current password is wrong", status_code=403
        )
    if new != repeat:
        raise InvalidInput("field 'repeat': the two new passwords differ")
    set_password(db, user, new, now=datetime.now())
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, instance.settings)
    return response


@router.post("/account/sessions/end")
def end_all_sessions(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    csrf: Annotated[str, Form()],
) -> RedirectResponse:
    """Sign out everywhere: end every session of the user, this one too."""
    require_csrf(request, csrf)
    assert viewer.user_id is not None
    end_user_sessions(db, viewer.user_id, reason="signed out everywhere", now=datetime.now())
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, instance.settings)
    return response


@router.post("/account/second-factor")
def start_enrolment(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    csrf: Annotated[str, Form()],
) -> HTMLResponse:
    """Make a new key and show it, with a form to confirm a code from the app."""
    require_csrf(request, csrf)
    user = db.get(User, viewer.user_id)
    assert user is not None
    key = begin_enrolment(user)
    db.flush()
    return _account_page(request, db, viewer, instance, enrol_key=key)


@router.post("/account/second-factor/confirm")
def finish_enrolment(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    csrf: Annotated[str, Form()],
    code: Annotated[str, Form()],
) -> HTMLResponse:
    """Turn the second factor on once a code from the app is right."""
    require_csrf(request, csrf)
    user = db.get(User, viewer.user_id)
    assert user is not None
    try:
        confirm_enrolment(user, code, now=datetime.now())
    except InvalidInput as error:
        key = user.totp_secret or ""
        return _account_page(
            request, db, viewer, instance, enrol_key=key, error=str(error), status_code=422
        )
    db.flush()
    return _account_page(
        request, db, viewer, instance, message="The second factor is on: sign-in asks for a code."
    )


# Self sign-up, confirmation and password reset by e-mail link. Every form carries the CSRF
# token; sign-up and reset answer the same page whether the address has an account or not.

ONE_ANSWER_POLICY = throttle.ThrottlePolicy(lockout_failures=10**9)
"""Sign-up and reset requests are counted like failed sign-ins (waits, never a lock)."""


def _count_request(request: Request, db: DbSession, instance: Instance, key: str) -> None:
    """Throttle sign-up and reset requests per address asked for and per client address."""
    counted = {
        "secret": instance.settings.secret_key,
        "username": key,
        "address": client_address(request),
    }
    now = datetime.now()
    throttle.refuse_if_throttled(db, now=now, policy=ONE_ANSWER_POLICY, **counted)
    throttle.record_failure(db, now=now, policy=ONE_ANSWER_POLICY, **counted)


@router.get("/signup")
def signup_form(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    """Show the sign-up form for relatives."""
    return page(request, "signup.html", viewer, error="", form={})


@router.post("/signup")
def signup(
    request: Request,
    db: DbSession,
    viewer: CurrentViewer,
    instance: InstanceDep,
    later: BackgroundTasks,
    csrf: Annotated[str, Form()],
    email: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=200)],
    repeat: Annotated[str, Form(max_length=200)],
    display_name: Annotated[str, Form(max_length=200)],
    language: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Register a relative and e-mail the confirmation link (the same answer for any address)."""
    require_csrf(request, csrf)
    set_actor(db, actor_id=viewer.user_id, reason="sign-up")
    form = {"email": email, "display_name": display_name, "language": language}
    try:
        if password != repeat:
            raise InvalidInput("field 'repeat': the two passwords differ")
        address = normal_email(email)
        check_new_password(password, email=address, username=address)
        _count_request(request, db, instance, f"signup:{address}")
        outgoing = sign_up(
            db,
            email=email,
            password=password,
            display_name=display_name,
            language=language or language_of(request),
            now=datetime.now(),
        )
    except (InvalidInput, TooManyAttempts) as error:
        response = page(request, "signup.html", viewer, error=str(error), form=form)
        response.status_code = 429 if isinstance(error, TooManyAttempts) else 422
        return response
    if outgoing is not None:  # sent after the answer: its time tells nothing either
        later.add_task(send, instance.settings, account_mail(instance.settings, outgoing))
    return page(request, "mail_sent.html", viewer, kind="signup")


@router.get("/signup/confirm")
def confirm(
    request: Request, db: DbSession, viewer: CurrentViewer, token: str = ""
) -> HTMLResponse:
    """Confirm an address from the e-mailed link; the account works from now on."""
    set_actor(db, actor_id=viewer.user_id, reason="e-mail confirmed")
    confirm_email(db, token, now=datetime.now())
    return page(request, "mail_sent.html", viewer, kind="confirmed")


@router.get("/reset")
def reset_form(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    """Ask for the address to send a reset link to."""
    return page(request, "reset.html", viewer, error="")


@router.post("/reset")
def reset_request(
    request: Request,
    db: DbSession,
    viewer: CurrentViewer,
    instance: InstanceDep,
    later: BackgroundTasks,
    csrf: Annotated[str, Form()],
    email: Annotated[str, Form(max_length=200)],
) -> Response:
    """E-mail a reset link when the address has an account (the same answer when not)."""
    require_csrf(request, csrf)
    set_actor(db, actor_id=viewer.user_id, reason="password reset asked")
    try:
        _count_request(request, db, instance, f"reset:{email.strip().lower()}")
    except TooManyAttempts as error:
        return _refused(request, "reset.html", error)
    outgoing = request_reset(db, email=email, now=datetime.now())
    if outgoing is not None:  # sent after the answer: its time tells nothing either
        later.add_task(send, instance.settings, account_mail(instance.settings, outgoing))
    return page(request, "mail_sent.html", viewer, kind="reset")


@router.get("/reset/password")
def new_password_form(
    request: Request, db: DbSession, viewer: CurrentViewer, token: str = ""
) -> HTMLResponse:
    """Show the form to choose a password, while the link still works."""
    if not token_is_usable(db, token, {RESET, SET_PASSWORD}, now=datetime.now()):
        raise Forbidden(BAD_LINK)
    return page(request, "reset_password.html", viewer, token=token, error="")


@router.post("/reset/password")
def new_password(
    request: Request,
    db: DbSession,
    viewer: CurrentViewer,
    instance: InstanceDep,
    csrf: Annotated[str, Form()],
    token: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=200)],
    repeat: Annotated[str, Form(max_length=200)],
) -> Response:
    """Set the password the link allows; every session of the user ends."""
    require_csrf(request, csrf)
    set_actor(db, actor_id=viewer.user_id, reason="password set from an e-mailed link")
    try:
        if password != repeat:
            raise InvalidInput("field 'repeat': the two passwords differ")
        reset_password(db, token, password, now=datetime.now())
    except InvalidInput as error:
        response = page(request, "reset_password.html", viewer, token=token, error=str(error))
        response.status_code = 422
        return response
    response = page(request, "mail_sent.html", None, kind="password_set")
    if viewer.user_id is not None:  # this browser's session ended with the others
        clear_session_cookie(response, instance.settings)
    return response
