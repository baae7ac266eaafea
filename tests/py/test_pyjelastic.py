"""The PyPI package py-jelastic, unchanged, against apiq-server.

py-jelastic sends every call as a GET with the parameters in the query
string (plus `appid` and `ruk`), keeps the session it was built with, and
raises on any non-zero `result`; 8202 raises JelasticPermissionError.
"""

import datetime
import time

import pytest
from jelastic import Jelastic
from jelastic.api.exceptions import JelasticApiError, JelasticPermissionError

from conftest import totp

PASSWORD = "py-jelastic password 1"
EMAIL = "py@example.com"


def client(url, session=None):
    return Jelastic(url, token=session)


def test_py_jelastic_walks_the_whole_flow(server):
    anon = client(server)
    created = anon.users.Registration.CreateAccount(email=EMAIL, password=PASSWORD, name="Py")
    uid = created["uid"]

    # Sign in without 2FA.
    r = anon.users.Authentication.Signin(login=EMAIL, password=PASSWORD)
    assert r["twoFactorRequired"] is False
    full = client(server, r["session"])
    info = full.users.Account.GetUserInfo()
    assert info["uid"] == uid and info["email"] == EMAIL and info["twoFactorEnabled"] is False

    # Turn 2FA on.
    cfg = full.users.Account.Get2FAConfig(password=PASSWORD)
    secret = cfg["secret"]
    assert cfg["otpauthUri"].startswith("otpauth://totp/Apiqcloud:")
    assert cfg["qrCode"].startswith("data:image/png;base64,")
    now = time.time()
    enabled = full.users.Account.Enable2FA(code=totp(secret, now), password=PASSWORD)
    codes = enabled["recoveryCodes"]
    assert len(codes) == 10

    # Sign in: pending; the pending session may not read the account.
    r = anon.users.Authentication.Signin(login=EMAIL, password=PASSWORD)
    assert r["twoFactorRequired"] is True
    pending = client(server, r["session"])
    with pytest.raises(JelasticApiError):
        pending.users.Account.GetUserInfo()
    # The enable step is consumed; the next step's code is inside the window.
    with pytest.raises(JelasticApiError):
        pending.users.Authentication.Verify2FACode(code=totp(secret, now))
    v = pending.users.Authentication.Verify2FACode(code=totp(secret, now, step_offset=1))
    assert v["twoFactorRequired"] is False and v["session"] == r["session"]
    # The same client, same session, is now fully signed in.
    assert pending.users.Account.GetUserInfo()["twoFactorEnabled"] is True

    # Sign in with a recovery code.
    r = anon.users.Authentication.Signin(login=EMAIL, password=PASSWORD)
    rec = client(server, r["session"])
    rec.users.Authentication.Verify2FACode(code=codes[0])
    backup = rec.users.Account.Get2FABackupCodes(password=PASSWORD)
    assert backup["remaining"] == 9
    assert [c["code"] for c in backup["recoveryCodes"]] == codes
    fresh = rec.users.Account.Regenerate2FABackupCodes(password=PASSWORD)["recoveryCodes"]
    assert len(fresh) == 10 and not set(fresh) & set(codes)

    # Tokens: the list py-jelastic sends is its Python repr; expiry a datetime.
    expires = datetime.datetime.utcnow() + datetime.timedelta(days=1)
    t = rec.users.Authentication.CreateToken(
        description="py token",
        password=PASSWORD,
        api_list=["users.Account.GetUserInfo"],
        expires_at=expires,
    )["token"]
    assert t["value"].startswith("apq_") and len(t["value"]) == 40
    tokens = rec.users.Authentication.GetTokens()["tokens"]
    assert [x["id"] for x in tokens] == [t["id"]]
    assert "value" not in tokens[0]
    by_token = client(server, t["value"])
    assert by_token.users.Account.GetUserInfo()["uid"] == uid
    with pytest.raises(JelasticPermissionError):
        by_token.users.Account.Get2FAConfig(password=PASSWORD)
    with pytest.raises(JelasticPermissionError):
        by_token.users.Authentication.GetTokens()
    rec.users.Authentication.DeleteTokens(ids=str(t["id"]), password=PASSWORD)
    with pytest.raises(JelasticApiError):
        by_token.users.Account.GetUserInfo()

    # Sessions, then disable: other sessions are signed out.
    sessions = rec.users.Authentication.GetSessions()["sessions"]
    assert sum(1 for s in sessions if s["current"]) == 1
    rec.users.Account.Disable2FA(password=PASSWORD)
    with pytest.raises(JelasticApiError):
        pending.users.Account.GetUserInfo()
    assert rec.users.Account.GetUserInfo()["twoFactorEnabled"] is False
    r = anon.users.Authentication.Signin(login=EMAIL, password=PASSWORD)
    assert r["twoFactorRequired"] is False
    rec.users.Authentication.Signout()
    with pytest.raises(JelasticApiError):
        rec.users.Account.GetUserInfo()


def test_py_jelastic_raises_on_refusals(server):
    anon = client(server)
    anon.users.Registration.CreateAccount(email="r@example.com", password=PASSWORD)
    with pytest.raises(JelasticApiError, match="wrong login or password"):
        anon.users.Authentication.Signin(login="r@example.com", password="wrong password")
    with pytest.raises(JelasticApiError, match="wrong login or password"):
        anon.users.Authentication.Signin(login="nobody@example.com", password="wrong password")
    with pytest.raises(JelasticApiError, match="already taken"):
        anon.users.Registration.CreateAccount(email="R@example.com", password=PASSWORD)
