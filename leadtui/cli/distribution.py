"""`leadtui distribute`: who gets new leads (round robin), and assigning contacts that have no owner."""

from __future__ import annotations

import click

from leadtui.cli.core import Options, cli, dump, print_json, run
from leadtui.i18n import _, ngettext


def _logins(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def _print_setting(out) -> None:  # noqa: ANN001
    if out.mode == "off":
        click.echo(_("Distribution of new leads: off"))
        return
    logins = ", ".join(u.login for u in out.users)
    who = (
        _("users {logins}").format(logins=logins)
        if out.mode == "users"
        else _("members of group {group} ({logins})").format(group=out.group, logins=logins or _("none"))
    )
    click.echo(_("Distribution of new leads: round robin over {who}").format(who=who))
    unavailable = [f"{u.login} ({_('inactive') if not u.active else _('away')})" for u in out.users if not u.available]
    if unavailable:
        click.echo("  " + _("not available: {logins}").format(logins=", ".join(unavailable)))
    click.echo("  " + _("fallback: {login}").format(login=out.fallback.login if out.fallback else _("(none)")))
    click.echo("  " + _("next lead goes to: {login}").format(login=out.next_user or _("(nobody available)")))


@cli.command(
    "distribute",
    help=_(
        "Assign every contact without an owner round robin, or show/set who gets them. New contacts from `leadtui import` and `leadtui intake` are assigned as they arrive."
    ),
)
@click.option("--dry-run", is_flag=True, help=_("Show who would get which unassigned contact; change nothing."))
@click.option("--show", is_flag=True, help=_("Show the distribution setting."))
@click.option("--set", "set_", is_flag=True, help=_("Set the distribution (administrators) with the options below."))
@click.option("--users", metavar="A,B,C", help=_("With --set: round robin over these users, in this order."))
@click.option("--group", help=_("With --set: round robin over the members of this user group (primary group)."))
@click.option("--fallback", metavar="LOGIN", help=_("With --set: who gets leads when nobody is available ('' clears)."))
@click.option("--away", metavar="A,B", help=_("With --set: users who are away for now ('' clears)."))
@click.option("--off", is_flag=True, help=_("With --set: distribute nothing."))
@click.option("--limit", type=int, help=_("Assign (or show) at most N contacts."))
@click.option(
    "--mine",
    is_flag=True,
    help=_("List the leads the distribution gave you since you last looked, newest first, with the reason."),
)
@click.option("--all", "all_", is_flag=True, help=_("With --mine: the leads you have seen before as well."))
@click.option(
    "--mark-seen", is_flag=True, help=_("With --mine: count the listed leads as seen (the TUI stops announcing them).")
)
@click.option("--json", "as_json", is_flag=True, help=_("Machine-readable output."))
@click.pass_obj
def distribute_command(
    opts: Options,
    dry_run: bool,
    show: bool,
    set_: bool,
    users: str | None,
    group: str | None,
    fallback: str | None,
    away: str | None,
    off: bool,
    limit: int | None,
    mine: bool,
    all_: bool,
    mark_seen: bool,
    as_json: bool,
) -> None:
    from leadtui.services import distribution

    if (all_ or mark_seen) and not mine:
        raise click.UsageError(_("--all and --mark-seen go with --mine"))
    if mine:
        _print_mine(opts, all_, mark_seen, limit, as_json)
        return
    if set_ or users is not None or group is not None or fallback is not None or away is not None or off:
        if not set_:
            raise click.UsageError(_("--users, --group, --fallback, --away and --off go with --set"))
        if users is not None and group is not None:
            raise click.UsageError(_("give --users or --group, not both"))

        async def change(db, actor):  # noqa: ANN001, ANN202
            current = await distribution.get_distribution(db)
            data = {
                "mode": "off"
                if off
                else "group"
                if group is not None
                else "users"
                if users is not None
                else (current.mode if current.mode != "off" else "users"),
                "users": _logins(users)
                if users is not None
                else ([u.login for u in current.users] if current.mode == "users" else []),
                "group": group if group is not None else current.group,
                "fallback": fallback
                if fallback is not None
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
        click.echo(_("Distribution of new leads is off (set it with: leadtui distribute --set --users a,b)."))
        return
    for a in result.assignments:
        who = a.user or _("(nobody)")
        place = f" ({a.company})" if a.company else ""
        click.echo(_("contact {id} {name}").format(id=a.contact_id, name=a.contact) + f"{place} -> {who}: {a.reason}")
    verb = (
        ngettext("Would assign {n} contact", "Would assign {n} contacts", result.assigned)
        if result.dry_run
        else ngettext("Assigned {n} contact", "Assigned {n} contacts", result.assigned)
    )
    per_user = ", ".join(f"{login} {n}" for login, n in sorted(result.per_user.items())) or "-"
    click.echo(
        verb.format(n=result.assigned)
        + f" ({per_user})"
        + (
            "; " + ngettext("{n} left unassigned", "{n} left unassigned", result.unassigned).format(n=result.unassigned)
            if result.unassigned
            else ""
        )
    )


def _print_mine(opts: Options, include_seen: bool, mark_seen: bool, limit: int | None, as_json: bool) -> None:
    """`leadtui distribute --mine`: the new owner's notification on the command line (SPEC.md 5.2)."""
    from leadtui.services import distribution

    async def mine(db, actor):  # noqa: ANN001, ANN202
        out = await distribution.new_leads(
            db, actor, include_seen=include_seen, limit=limit or distribution.NEW_LEADS_PAGE
        )
        if mark_seen and any(lead.new for lead in out.leads):
            await distribution.mark_leads_seen(db, actor, up_to=max(lead.id for lead in out.leads if lead.new))
        return out

    from leadtui.i18n.format import format_datetime

    out = run(opts, mine)
    if as_json:
        print_json(dump(out))
        return
    if not out.leads:
        click.echo(_("No new leads since you last looked."))
        return
    if out.unseen:
        click.echo(
            ngettext("{n} new lead since you last looked", "{n} new leads since you last looked", out.unseen).format(
                n=out.unseen
            )
            + " "
            + ngettext("({n} contact)", "({n} contacts)", out.unseen_contacts).format(n=out.unseen_contacts)
            + ":"
        )
    else:
        click.echo(_("No new leads since you last looked; the earlier ones:"))
    for lead in out.leads:
        record = (
            _("company {id}").format(id=lead.company_id)
            if lead.kind == "company"
            else _("contact {id}").format(id=lead.contact_id)
        )
        click.echo(
            f"{'*' if lead.new else ' '} {format_datetime(lead.at)}  {record}  {lead.title} [{lead.source}]: "
            f"{lead.reason}"
        )
    if mark_seen and out.unseen:
        click.echo(_("Marked as seen."))
