"""Only the TUI is served, and only to a known, active user's key: everything else is refused in one line."""

from __future__ import annotations

import warnings

import pytest

from leadtui.services import audit, users
from tests.server.conftest import connect, eventually

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import asyncssh


async def test_a_key_nobody_holds_is_refused_and_the_refusal_is_in_the_audit_trail(serve):
    served = await serve()
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(served.port, stranger)
    fingerprint = stranger.get_fingerprint("sha256")

    async def refused():
        entries = await audit.in_range(served.db)
        return [e for e in entries if e.entity == "session" and e.action == "refused"]

    await eventually(refused)  # written when the server sees the connection close
    (entry,) = await refused()
    assert entry.changes["fingerprint"] == fingerprint and entry.changes["reason"] == "unknown key"
    assert entry.changes["address"].startswith("127.0.0.1:")


async def test_an_inactive_users_key_is_refused_at_sign_in(serve):
    served = await serve()
    await users.set_user(served.db, served.actors["admin"], "rep", {"active": False})
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(served.port, served.keys["rep"])


async def test_commands_sftp_a_shell_without_terminal_and_forwarding_are_refused_in_one_line(serve):
    served = await serve()
    async with await connect(served.port, served.keys["admin"]) as conn:
        result = await conn.run("leadtui --user admin users list")
        assert result.exit_status == 1
        assert result.stderr.strip() == (
            "leadtui: this server only opens the leadtui screen; commands, file transfer "
            "(SFTP, SCP) and forwarding are refused."
        )
        sftp = await conn.run(subsystem="sftp")
        assert sftp.exit_status == 1 and "refused" in sftp.stderr
        with pytest.raises(asyncssh.SFTPError):
            await conn.start_sftp_client()
        shell = await conn.run()  # a shell request without a pseudo-terminal
        assert shell.exit_status == 1 and "needs a terminal" in shell.stderr
        with pytest.raises(asyncssh.ChannelOpenError, match="port forwarding is refused"):
            await conn.open_connection("127.0.0.1", served.port)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 22)
    assert not served.server.sessions


def test_a_served_session_cannot_read_or_write_the_servers_files(tmp_path):
    """Import and export take a path: in a served session they must not reach the host key or the database."""
    import subprocess
    import sys

    secret = tmp_path / "host_key"
    secret.write_text("PRIVATE")
    code = f"""
import sys
from leadtui.server.child import confine_files
confine_files({str(tmp_path / 'served.db')!r})
import textual.widgets._data_table, babel.dates  # Python's and the libraries' own files still load
for path, mode in (({str(secret)!r}, "r"), ({str(tmp_path / 'export.csv')!r}, "w"), ("/etc/hostname-copy", "w")):
    try:
        open(path, mode)
    except PermissionError as exc:
        print("refused", exc)
    else:
        print("opened", path)
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("refused a served leadtui session does not open files on the server") == 3, result.stdout
