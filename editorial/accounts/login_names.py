"""User names as the login form reads them, and who is knocking: the keys of login throttling.

django-axes (settings AXES_USERNAME_CALLABLE and AXES_CLIENT_IP_CALLABLE) counts failed logins
per (throttle_username, client_address). The name is normalised exactly as the login form
normalises it before authenticate() sees it (strip, then NFKC), then case-folded, so that
" reviewer2", "reviewer2 ", full-width "ｒeviewer2" or "reviewer2\\u3000" are all one name
to the throttle: spelling a name another way buys no fresh guesses. Likewise the address is
read as an address (editorial.clients.client_address): a port, brackets or the IPv4-mapped form
do not make it another one, and what is no address is never counted (or stored) as one.
"""

from django.contrib.auth.forms import UsernameField


def login_form_username(value) -> str:
    """The user name the login form passes to authenticate() for what was typed: stripped
    and NFKC-normalised (Django's UsernameField), "" for nothing."""
    return UsernameField().to_python(value if isinstance(value, str) else "") or ""


def throttle_username(request, credentials=None) -> str:
    """The name failed logins are counted under: the login form's normalisation, case-folded
    (one counter for names that differ only in case). From `credentials` when authenticate()
    passes them, else from the posted form."""
    raw = None
    if credentials:
        raw = credentials.get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    return login_form_username(raw).strip().casefold()
