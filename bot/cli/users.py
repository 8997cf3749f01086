"""`qingfeng user add NAME --role ROLE [--scope CODE]`: create a panel account, the password read from stdin."""
from __future__ import annotations

import argparse
import getpass
import sys

from bot.cli._common import with_db
from storage.models import Role


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("user", help="panel accounts", description="Accounts of the admin panel (/admin).")
    a = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = a.add_parser("add", help="create an account (password from standard input)",
                       description="Create a panel account. The password is read from standard input (one line; "
                                   "asked twice without echo on a terminal), never from the command line. County "
                                   "roles set up their TOTP second factor at the first sign-in.")
    add.add_argument("name", help="the username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--scope", default="", metavar="CODE",
                     help="registry code: the county (county roles, auditor), a township (township_staff), "
                          "a village (monitor); county roles default to the registry's county")
    add.add_argument("--display-name", default="", help="name shown in the panel")
    add.set_defaults(func=run_add)


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise SystemExit("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def run_add(args: argparse.Namespace) -> int:
    from admin.accounts import AccountError, create_user

    password = _read_password()

    async def go(_: object) -> int:
        from storage.models import County

        scope = args.scope
        if not scope and args.role in (Role.COUNTY_ADMIN, Role.COUNTY_STAFF, Role.AUDITOR):
            county = await County.first()
            scope = county.code if county else ""
        try:
            staff = await create_user(args.name, args.role, scope, password, args.display_name)
        except AccountError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"created {staff.username} ({staff.role}, scope {staff.scope_code})")
        return 0

    return with_db(go)
