"""Keys (services/keys.py): the key is the identity in served mode, so who may give whom a key is a rule."""

from __future__ import annotations

import warnings

import pytest

from leadtui.services import audit, keys, users
from leadtui.services.errors import NotFound, PermissionDenied, RuleViolation

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import asyncssh


def public_line(comment: str = "rita@laptop") -> str:
    return asyncssh.generate_private_key("ssh-ed25519", comment=comment).export_public_key().decode()


async def test_a_key_is_listed_with_its_sha256_fingerprint_comment_and_who_added_it(db, admin, rep):
    line = public_line()
    added = await keys.add_key(db, admin, "rita", line)
    assert added.fingerprint == asyncssh.import_public_key(line).get_fingerprint("sha256")
    assert added.fingerprint.startswith("SHA256:")
    (listed,) = await keys.list_keys(db, rep, "rita")
    assert (listed.fingerprint, listed.comment, listed.algorithm, listed.added_by) == (
        added.fingerprint,
        "rita@laptop",
        "ssh-ed25519",
        "admin",
    )
    owner = await keys.owner_of_key(db, added.fingerprint)
    assert owner is not None and owner.actor.login == "rita" and owner.active


async def test_a_key_belongs_to_one_user(db, admin, rep):
    line = public_line()
    await keys.add_key(db, admin, "rita", line)
    with pytest.raises(RuleViolation, match="already belongs to rita") as refused:
        await keys.add_key(db, admin, "admin", line)
    assert refused.value.field == "key"
    assert [k.login for k in await keys.list_keys(db, admin, "admin")] == []


async def test_only_administrators_manage_other_users_keys_and_a_user_manages_their_own(db, admin, rep):
    with pytest.raises(PermissionDenied):
        await keys.add_key(db, rep, "admin", public_line())
    with pytest.raises(PermissionDenied):
        await keys.list_keys(db, rep, "admin")
    own = await keys.add_key(db, rep, "rita", public_line())
    admins = await keys.add_key(db, admin, "admin", public_line("admin@desk"))
    with pytest.raises(PermissionDenied):
        await keys.remove_key(db, rep, "admin", admins.fingerprint)
    removed = await keys.remove_key(db, rep, "rita", own.fingerprint.removeprefix("SHA256:"))
    assert removed.fingerprint == own.fingerprint and await keys.list_keys(db, rep, "rita") == []


@pytest.mark.parametrize(
    "line, rule",
    [
        ("", "give one OpenSSH public key line"),
        ("ssh-ed25519 not-base64!", "not an OpenSSH public key line"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", "private key"),
    ],
)
async def test_what_is_not_one_public_key_line_is_refused_naming_the_field(db, admin, line, rule):
    with pytest.raises(RuleViolation, match=rule) as refused:
        await keys.add_key(db, admin, "admin", line)
    assert str(refused.value).startswith("Key: ")


async def test_removing_an_unknown_key_or_a_key_of_an_unknown_user_says_not_found(db, admin):
    with pytest.raises(NotFound):
        await keys.remove_key(db, admin, "admin", "SHA256:nothing")
    with pytest.raises(NotFound):
        await keys.add_key(db, admin, "nobody", public_line())


async def test_a_deactivated_users_key_no_longer_counts_and_sign_ins_are_never_undone(db, admin, rep):
    key = await keys.add_key(db, admin, "rita", public_line())
    owner = await keys.owner_of_key(db, key.fingerprint)
    assert await keys.valid_keys(db, {owner.key_id}) == {owner.key_id}
    await keys.record_session(
        db, keys.SIGN_IN, login="rita", user_id=rep.id, fingerprint=key.fingerprint, address="127.0.0.1:5000"
    )
    await users.set_user(db, admin, "rita", {"active": False})
    assert await keys.valid_keys(db, {owner.key_id}) == set()
    assert (await keys.owner_of_key(db, key.fingerprint)).active is False
    (entry,) = [e for e in await audit.in_range(db) if e.entity == "session"]
    assert (entry.user, entry.action, entry.changes["address"]) == ("rita", "sign-in", "127.0.0.1:5000")
    assert await audit.last_undoable(db, rep) is None  # a sign-in is not a change to undo
