"""`leadtui distribute`: who gets new leads (round robin), and assigning contacts that have no owner."""

from __future__ import annotations

import click

from leadtui.cli.core import Options, cli, dump, print_json, run


def _logins(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def _print_setting(out) -> None:  # noqa: ANN001
    if out.mode == "off":
        click.echo("Distribution of new leads: off")
        return
    who = (f"users {', '.join(u.login for u in out.users)}" if out.mode == "users"
           else f"members of group {out.group} ({', '.join(u.login for u in out.users) or 'none'})")
    click.echo(f"Distribution of new leads: round robin over {who}")
    unavailable = [f"{u.login} ({'inactive' if not u.active else 'away'})" for u in out.users if not u.available]
    if unavailable:
        click.echo(f"  not available: {', '.join(unavailable)}")
    click.echo(f"  fallback: {out.fallback.login if out.fallback else '(none)'}")
    click.echo(f"  next lead goes to: {out.next_user or '(nobody available)'}")


@cli.command("distribute")
@click.option("--dry-run", is_flag=True, help="Show who would get which unassigned contact; change nothing.")
@click.option("--show", is_flag=True, help="Show the distribution setting.")
@click.option("--set", "set_", is_flag=True, help="Set the distribution (administrators) with the options below.")
@click.option("--users", metavar="A,B,C", help="With --set: round robin over these users, in this order.")
@click.option("--group", help="With --set: round robin over the members of this user group (primary group).")
@click.option("--fallback", metavar="LOGIN", help="With --set: who gets leads when nobody is available ('' clears).")
@click.option("--away", metavar="A,B", help="With --set: users who are away for now ('' clears).")
@click.option("--off", is_flag=True, help="With --set: distribute nothing.")
@click.option("--limit", type=int, help="Assign (or show) at most N contacts.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def distribute_command(opts: Options, dry_run: bool, show: bool, set_: bool, users: str | None, group: str | None,
                       fallback: str | None, away: str | None, off: bool, limit: int | None, as_json: bool) -> None:
    """Assign every contact without an owner round robin (DESIGN.md decision 11), or show/set who gets them.
    New contacts from `leadtui import` and `leadtui intake` are assigned as they arrive."""
    from leadtui.services import distribution

    if set_ or users is not None or group is not None or fallback is not None or away is not None or off:
        if not set_:
            raise click.UsageError("--users, --group, --fallback, --away and --off go with --set")
        if users is not None and group is not None:
            raise click.UsageError("give --users or --group, not both")

        async def change(db, actor):  # noqa: ANN001, ANN202
            current = await distribution.get_distribution(db)
            data = {
                "mode": "off" if off else "group" if group is not None else "users" if users is not None
                else (current.mode if current.mode != "off" else "users"),
                "users": _logins(users) if users is not None else
                         ([u.login for u in current.users] if current.mode == "users" else []),
                "group": group if group is not None else current.group,
                "fallback": fallback if fallback is not None
                else (current.fallback.login if current.fallback else None),
                "away": _logins(away) if away is not None else current.away,
            }
            return await distribution.set_distribution(db, actor, data, expected_version=current.version)

        out = run(opts, change)
    elif show:
        out = run(opts, lambda db: distribution.get_distribution(db), needs_user=False)
    else:
        out = None
    if out is not None:
        if as_json:
            print_json(dump(out))
        else:
            _print_setting(out)
        return
    result = run(opts, lambda db, actor: distribution.distribute(db, actor, dry_run=dry_run, limit=limit))
    if as_json:
        print_json(dump(result))
        return
    if result.mode == "off":
        click.echo("Distribution of new leads is off (set it with: leadtui distribute --set --users a,b).")
        return
    for a in result.assignments:
        who = a.user or "(nobody)"
        place = f" ({a.company})" if a.company else ""
        click.echo(f"contact {a.contact_id} {a.contact}{place} -> {who}: {a.reason}")
    verb = "Would assign" if result.dry_run else "Assigned"
    per_user = ", ".join(f"{login} {n}" for login, n in sorted(result.per_user.items())) or "-"
    click.echo(f"{verb} {result.assigned} contacts ({per_user})"
               + (f"; {result.unassigned} left unassigned" if result.unassigned else ""))
