"""Entry point: `python -m bot` runs the bot; operators' tasks are subcommands (see --help)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bot.bench import add_arguments as add_bench_arguments
from bot.ops import loop
from bot.ops.logs import setup_logging
from bot.settings import ConfigError, Settings, load_settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="otbasy-bot: Family Support Centers of Kazakhstan in Telegram. "
        "Settings come from the environment or .env (see .env.example).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "run", help="run the bot (long polling, or a webhook with WEBHOOK_URL); without BOT_TOKEN, the playground"
    )
    playground = commands.add_parser("playground", help="the bot in a browser, offline, with no bot token")
    playground.add_argument("--port", type=int, default=int(os.environ.get("PLAYGROUND_PORT", "8080")))
    commands.add_parser("migrate", help="apply database migrations and exit")
    database = commands.add_parser("db", help="the database as a whole").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    copy = database.add_parser("copy", help="copy every row into a new, empty database (SQLite <-> PostgreSQL)")
    copy.add_argument("--from", dest="source", required=True, metavar="URL", help="e.g. sqlite:///data/otbasy.db")
    copy.add_argument("--to", dest="target", required=True, metavar="URL", help="e.g. postgresql://u:p@host/otbasy")

    centers = commands.add_parser("centers", help="the center directory").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    importer = centers.add_parser("import", help="upsert centers from a CSV file (all rows or none)")
    importer.add_argument("file", type=Path)
    importer.add_argument("--dry-run", action="store_true", help="validate and report, change nothing")
    importer.add_argument(
        "--overwrite-staff-edits",
        action="store_true",
        help="import even over the parts of cards staff changed in Telegram (/center) since the last import",
    )
    exporter = centers.add_parser("export", help="write the directory as CSV")
    exporter.add_argument("file", type=Path, nargs="?", help="output file (default: standard output)")
    links = centers.add_parser("links", help="print every center's deep link for posters and QR codes")
    links.add_argument("--username", help="the bot's username (default: asked from the Bot API)")
    centers.add_parser("sample", help="load the SAMPLE directory (fictional contacts)")

    commissioners = commands.add_parser(
        "commissioners", help="the regional commissioners for children's rights"
    ).add_subparsers(dest="action", metavar="ACTION", required=True)
    import_commissioners = commissioners.add_parser(
        "import", help="upsert by region from CSV (region,name_kk,name_ru,phone[,sample]; all rows or none)"
    )
    import_commissioners.add_argument("file", type=Path)
    import_commissioners.add_argument("--dry-run", action="store_true", help="validate and report, change nothing")

    faq = commands.add_parser("faq", help="questions and answers: the articles' files").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    faq_dir = {"type": Path, "metavar": "DIR", "help": "the articles' folder (default: FAQ_DIR, else bot/faq/articles)"}
    faq.add_parser("check", help="check every article: both languages, sources, dates, links").add_argument(
        "--dir", **faq_dir
    )
    faq_export = faq.add_parser("export", help="every article as one CSV row, for editing in bulk")
    faq_export.add_argument("file", type=Path)
    faq_export.add_argument("--dir", **faq_dir)
    faq_import = faq.add_parser("import", help="write the articles of a CSV file (all rows or none)")
    faq_import.add_argument("file", type=Path)
    faq_import.add_argument("--dry-run", action="store_true", help="validate and report, change nothing")
    faq_import.add_argument("--dir", **faq_dir)

    staff = commands.add_parser("staff", help="center staff who receive and answer help requests").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    for action, text in (("add", "register USER_ID as staff of CENTER_ID"), ("remove", "withdraw it")):
        sub = staff.add_parser(action, help=text)
        sub.add_argument("user_id", type=int, help="Telegram user id")
        sub.add_argument("center_id", help="the center's id (slug), as in centers export")
    staff.add_parser("list", help="every staff member and their center")

    replies = commands.add_parser("replies", help="saved replies staff can send with one tap").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    add_reply = replies.add_parser("add", help="add a saved reply for a center in one language")
    add_reply.add_argument("center_id", help="the center's id (slug)")
    add_reply.add_argument("locale", choices=["kk", "ru"])
    add_reply.add_argument("title", help="the button's label")
    add_reply.add_argument("text", help="the text sent to the person")
    list_replies = replies.add_parser("list", help="a center's saved replies")
    list_replies.add_argument("center_id")

    groups = commands.add_parser("groups", help="course groups (Parents Academy, pre-marital)").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    add_group = groups.add_parser("add", help="add a group; times are local (TIMEZONE)")
    add_group.add_argument("--id", required=True, help="the group's id, e.g. astana-zhanuya-teens-2027-01")
    add_group.add_argument("--topic", required=True, help="topic id, e.g. teenagers or premarital")
    add_group.add_argument("--center", required=True, help="the center's id (slug) that runs it")
    add_group.add_argument("--online", action="store_true", help="held online")
    add_group.add_argument("--language", required=True, choices=["kk", "ru"])
    add_group.add_argument("--seats", required=True, help="seats (a couple takes two)")
    add_group.add_argument("--session", action="append", required=True, metavar="'YYYY-MM-DD HH:MM'",
                           help="a session's start; repeat for each session")  # fmt: skip
    import_groups = groups.add_parser("import", help="add groups from CSV (all rows or none)")
    import_groups.add_argument("file", type=Path)
    import_groups.add_argument("--dry-run", action="store_true")
    groups.add_parser("list", help="upcoming groups with their seats")

    export = commands.add_parser("export", help="data for coordinators").add_subparsers(
        dest="action", metavar="WHAT", required=True
    )
    export_requests = export.add_parser("requests", help="every request as CSV: facts only, no text or identity")
    export_requests.add_argument("file", type=Path)
    add_bench_arguments(
        commands.add_parser("bench", help="measure the bot against a bare aiogram echo bot on real flows (figures)")
    )
    scale = commands.add_parser("bench-scale", help="fill a fresh database like a big installation; time the commands")
    scale.add_argument("--people", type=int, default=100_000, help="people stored (default: 100000)")
    scale.add_argument("--requests", type=int, default=100_000, help="help requests over the past year (100000)")
    scale.add_argument("--signups", type=int, default=5_000, help="course sign-ups across the groups (5000)")
    scale.add_argument("--runs", type=int, default=20, help="times each command is timed (default: 20)")
    scale.add_argument("--forget", type=int, default=5, help="people erased by /forget, one run each (default: 5)")
    scale.add_argument(
        "--database-url",
        metavar="URL",
        help="postgresql://... (an existing, empty database); default: a temporary SQLite file",
    )
    scale.add_argument("--no-process", action="store_true", help="do not start the bot process on the data")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        setup_logging(settings)
        return loop.run(dispatch(args, settings))
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from bot import cli

    if args.command == "playground" or (args.command in (None, "run") and settings.bot_token is None):
        from bot.playground.app import run_playground

        port = getattr(args, "port", None) or int(os.environ.get("PLAYGROUND_PORT", "8080"))
        print(
            f"No BOT_TOKEN set: starting the playground (the bot in your browser) on http://127.0.0.1:{port}"
            if args.command != "playground"
            else f"Starting the playground on http://127.0.0.1:{port}",
            flush=True,
        )
        await run_playground(Path.cwd(), port)
        return 0
    if args.command in (None, "run"):
        from bot.app import run_bot

        mode = f"a webhook on port {settings.webhook_port}" if settings.webhook_url else "long polling"
        print(f"BOT_TOKEN is set: starting the bot with {mode}", flush=True)
        await run_bot(settings)
        return 0
    if args.command == "bench":
        from bot.bench.run import bench_command

        return await bench_command(args)
    if args.command == "bench-scale":
        from bot.bench.scale import scale_command

        return await scale_command(args, settings)
    if args.command == "migrate":
        return await cli.migrate_command(settings)
    if args.command == "faq":
        return cli.faq_command(args, settings)
    if args.command == "db":
        return await cli.copy_command(args.source, args.target)
    if args.command == "staff":
        return await cli.staff_command(args, settings)
    if args.command == "replies":
        return await cli.replies_command(args, settings)
    if args.command == "groups":
        return await cli.groups_command(args, settings)
    if args.command == "export":
        return await cli.export_command(args, settings)
    if args.command == "commissioners":
        return await cli.commissioners_command(args, settings)
    return await cli.centers_command(args, settings)


if __name__ == "__main__":
    sys.exit(main())
