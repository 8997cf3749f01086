"""`qingfeng` — the command line. Each module of this package adds its subcommands via `register(sub)`."""
from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("qingfeng")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qingfeng",
        description="清风 qingfeng: grassroots anti-corruption reporting and subsidy disclosure over WeChat.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from bot.config import ConfigError, load_settings
    from bot.logs import configure

    try:
        log_format = load_settings().log_format
    except ConfigError:
        log_format = "text"  # the command itself reports the bad variable
    configure(verbose=args.verbose, fmt=log_format)
    from bot.log_hygiene import install

    install()  # -v must not print SQL parameters or a malformed request's bytes
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args) or 0)
    except ConfigError as exc:
        print(f"qingfeng: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
