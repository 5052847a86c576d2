"""A user signs in with their key over SSH and uses the TUI on their own terminal (pyte)."""

from __future__ import annotations

import pytest

from leadtui.services import audit, keys, users
from tests.server.conftest import process_exists


async def test_a_user_sees_their_own_name_opens_a_card_by_keys_and_the_screen_follows_a_resize(serve):
    served = await serve()
    term = await served.terminal("rep", 110, 32, env={"LEADTUI_USER": "admin", "COLORTERM": "truecolor"})
    await term.wait_for("Rita Rep")  # the key's owner, whatever the client sent as user name or environment
    await term.wait_for("Acme")
    assert "Ada Admin" not in term.screen.display[0]
    assert "served.db" not in term.text() and "sqlite" not in term.text()  # where the database is, is not shown
    term.press("\r")  # open the first company of the list
    await term.wait_for("Lead status is on: every contact of this company has a lead status.")
    term.resize(80, 24)
    # re-laid out for 80 x 24: the long line wraps and the footer is on the new last line
    await term.wait_for(
        lambda: (
            "Commands" in term.screen.display[-1]
            and "Lead status is on: every contact of this company has a" in term.text()
            and "has a lead status." not in term.text()
        )
    )
    entries = await audit.in_range(served.db)
    assert [(e.action, e.changes["login"]) for e in entries if e.entity == "session"] == [("sign-in", "rep")]


async def test_two_users_at_once_each_see_their_own_session_and_a_full_server_refuses_the_next(serve):
    served = await serve(max_sessions=2, warm=1)  # one session starts from a warm process, one cold
    admin = await served.terminal("admin")
    rep = await served.terminal("rep")
    await admin.wait_for("Ada Admin")
    await rep.wait_for("Rita Rep")
    assert "Rita Rep" not in admin.screen.display[0] and "Ada Admin" not in rep.screen.display[0]
    admin.press("t")  # admin goes to Settings; the rep's screen stays on Companies
    await admin.wait_for("u Users")
    assert "u Users" not in rep.text() and "Acme" in rep.text()
    third = await served.terminal("rep")
    await third.closed.wait()
    assert "the server is full (2 sessions open)" in third.everything()
    assert "Rita Rep" in rep.text() and "Ada Admin" in admin.text()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
async def test_deactivating_a_user_or_removing_their_key_ends_their_session_within_seconds_with_a_message(
    serve, backend
):
    served = await serve(backend)
    rep = await served.terminal("rep")
    admin = await served.terminal("admin")
    await rep.wait_for("Rita Rep")
    await admin.wait_for("Ada Admin")
    pids = served.child_pids()
    await users.set_user(served.db, served.actors["admin"], "rep", {"active": False})
    await keys.remove_key(served.db, served.actors["admin"], "admin", served.keys["admin"].get_fingerprint("sha256"))
    for term in (rep, admin):
        await term.wait_for(lambda term=term: term.closed.is_set(), timeout=10)
        assert "an administrator removed your key or deactivated your user" in term.everything()
    assert not any(process_exists(pid) for pid in pids)


async def test_an_abrupt_disconnect_leaves_no_process_and_stopping_the_server_ends_sessions_cleanly(serve):
    served = await serve()
    gone = await served.terminal("rep")
    stays = await served.terminal("admin")
    await gone.wait_for("Rita Rep")
    await stays.wait_for("Ada Admin")
    pids = {s.connection.owner.actor.login: s.tui.pid for s in served.server.sessions}
    gone.conn.abort()  # the client vanishes without a goodbye
    await stays.wait_for(lambda: not process_exists(pids["rep"]))
    await served.server.close()
    await stays.wait_for(lambda: stays.closed.is_set())
    assert "the server is stopping; your saved changes are kept" in stays.everything()
    assert "\x1b[?1049l" in stays.raw.decode("utf-8", "replace")  # the TUI restored the terminal on its way out
    assert not process_exists(pids["admin"])
    entries = await audit.in_range(served.db)
    assert sorted((e.action, e.changes["login"]) for e in entries if e.entity == "session") == [
        ("sign-in", "admin"),
        ("sign-in", "rep"),
        ("sign-out", "admin"),
        ("sign-out", "rep"),
    ]


async def test_an_idle_session_ends_after_the_idle_timeout(serve):
    served = await serve(idle_timeout=2)
    term = await served.terminal("rep")
    await term.wait_for(lambda: term.closed.is_set(), timeout=10)
    assert "was idle" in term.everything()
