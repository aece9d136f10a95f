"""Operators' subcommands: migrations and the center directory."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from bot.courses.models import NewGroup
from bot.courses.rules import GROUP_CSV_COLUMNS, SESSION_FORMAT, parse_group_row
from bot.directory.models import centers_to_csv, parse_centers_csv
from bot.faq.library import articles_dir, export_csv, load_folder, parse_csv, write_articles
from bot.faq.rules import check_together
from bot.programmes.rules import parse_commissioners_csv
from bot.requests.models import request_number
from bot.settings import Settings
from storage.bootstrap import ensure_courses, load_sample_centers, open_database
from storage.centers import CenterRepository
from storage.commissioners import CommissionerRepository
from storage.copy import NotEmpty, copy_database
from storage.courses import CourseRepository
from storage.database import Database, is_postgres, open_migrated
from storage.staff import StaffRepository
from storage.staff_tools import SavedReplyRepository
from storage.stats import StatsRepository

CENTER_LINK = "https://t.me/{username}?start=c_{slug}"


async def migrate_command(settings: Settings) -> int:
    db = await Database.open(settings.database_url)
    try:
        applied = await db.migrate()
        filled = await StatsRepository(db).fill_durations()  # what migration 0018 leaves to the data
    finally:
        await db.close()
    print(f"applied {len(applied)} migration(s)" + (f": {applied}" if applied else "; the database is current"))
    if filled:
        print(f"filled the stored seconds to take and to resolve of {filled} earlier request(s)")
    return 0


async def copy_command(source_url: str, target_url: str) -> int:
    """Both databases are brought to the current migrations first; the copy is one transaction on the target."""
    for url in (source_url, target_url):
        if not (url.startswith("sqlite:///") or is_postgres(url)):
            print(f"not a database URL: {url} (sqlite:///PATH or postgresql://...)", file=sys.stderr)
            return 2
    source = await open_migrated(source_url)
    try:
        target = await open_migrated(target_url)
        try:
            counts = await copy_database(source, target)
        except NotEmpty as error:
            print(f"nothing copied: {error}; copy into a new, empty database", file=sys.stderr)
            return 1
        finally:
            await target.close()
    finally:
        await source.close()
    width = max(len(row.table) for row in counts)
    for row in counts:
        print(f"{row.table:<{width}}  {row.source:>8} -> {row.target:>8}  {'ok' if row.matches else 'DIFFERENT'}")
    if all(row.matches for row in counts):
        print(f"copied {sum(row.source for row in counts)} rows in {len(counts)} tables; every count matches")
        return 0
    print("the counts differ: do not switch to the new database", file=sys.stderr)
    return 1


def faq_command(args: argparse.Namespace, settings: Settings) -> int:
    """The articles' files: check them, or move them to and from one CSV (a methodologist's spreadsheet)."""
    folder = args.dir or articles_dir(settings)
    if args.action == "import":
        return _faq_import(args, folder)
    loaded = load_folder(folder)
    for name, errors in loaded.problems.items():
        for error in errors:
            print(f"{folder / name if name.endswith('.json') else name}: {error}", file=sys.stderr)
    library = loaded.library
    if args.action == "export":
        args.file.write_text(export_csv(library.articles), encoding="utf-8")
        print(f"wrote {len(library)} articles to {args.file}")
        return 1 if loaded.problems else 0
    if not loaded.files:
        print(f"no articles in {folder}", file=sys.stderr)
        return 1
    if loaded.problems:
        print(f"{len(loaded.problems)} of {loaded.files} file(s) have errors", file=sys.stderr)
        return 1
    samples = sum(1 for article in library.articles if article.is_sample)
    print(
        f"{len(library)} articles in {len(library.topics())} topics: all valid; "
        f"{samples} still SAMPLE (no reviewer's name yet)"
    )
    return 0


def _faq_import(args: argparse.Namespace, folder: Path) -> int:
    """Every row checked first (errors name the row), also against the articles already in the folder; then every
    article is written, or none."""
    text = _read(args.file)
    if text is None:
        return 1
    parsed = parse_csv(text)
    incoming = {article.slug for article in parsed.articles}
    kept = [article for article in load_folder(folder).library.articles if article.slug not in incoming]
    parsed.errors += check_together([*kept, *parsed.articles]) if not parsed.errors else []
    if _refused(args.file, parsed.errors):
        return 1
    existing = sum(1 for article in parsed.articles if (folder / f"{article.slug}.json").exists())
    new = len(parsed.articles) - existing
    if args.dry_run:
        print(f"dry run: {len(parsed.articles)} valid rows; would add {new} and update {existing}")
        return 0
    write_articles(folder, parsed.articles)
    print(f"imported {len(parsed.articles)} articles into {folder}: {new} added, {existing} updated")
    print("a running bot serves them after its next restart")
    return 0


async def centers_command(args: argparse.Namespace, settings: Settings) -> int:
    db = await open_database(settings)
    try:
        repository = CenterRepository(db)
        if args.action == "import":
            return await _import(args, repository)
        if args.action == "export":
            text = centers_to_csv(await repository.all())
            if args.file is None:
                sys.stdout.write(text)
            else:
                args.file.write_text(text, encoding="utf-8")
                print(f"wrote {text.count(chr(10)) - 1} centers to {args.file}")
            return 0
        if args.action == "links":
            username = args.username or await _bot_username(settings)
            if not await repository.count():
                print("the directory is empty: import centers first", file=sys.stderr)
            for center in await repository.all():
                print(f"{center.slug}\t{CENTER_LINK.format(username=username.lstrip('@'), slug=center.slug)}")
            return 0
        if args.action == "sample":
            print(f"loaded {await load_sample_centers(db)} SAMPLE centers (fictional contacts)")
            return 0
    finally:
        await db.close()
    return 2


async def staff_command(args: argparse.Namespace, settings: Settings) -> int:
    db = await open_database(settings)
    try:
        staff = StaffRepository(db)
        if args.action == "list":
            for member in await staff.all():
                blocked = "\tblocked the bot" if member.blocked_bot else ""
                print(f"{member.user_id}\t{member.center_slug}{blocked}")
            return 0
        center = await CenterRepository(db).by_slug(args.center_id)
        if center is None:
            print(f"no center with id '{args.center_id}' (see: python -m bot centers export)", file=sys.stderr)
            return 1
        if args.action == "add":
            added = await staff.add(args.user_id, center.id)
            print(
                f"{args.user_id} is {'now' if added else 'already'} staff of {center.slug}; "
                "they must open the bot and press Start once to receive notices"
            )
            return 0
        removed = await staff.remove(args.user_id, center.id)
        print(f"{args.user_id} {'removed from' if removed else 'was not staff of'} {center.slug}")
        return 0 if removed else 1
    finally:
        await db.close()


async def replies_command(args: argparse.Namespace, settings: Settings) -> int:
    db = await open_database(settings)
    try:
        center = await CenterRepository(db).by_slug(args.center_id)
        if center is None:
            print(f"no center with id '{args.center_id}'", file=sys.stderr)
            return 1
        replies = SavedReplyRepository(db)
        if args.action == "add":
            if not args.title.strip() or not args.text.strip() or len(args.text) > 3500:
                print("the title and the text must not be empty; the text at most 3500 characters", file=sys.stderr)
                return 1
            reply_id = await replies.add(center.id, args.locale, args.title.strip()[:40], args.text.strip())
            print(f"saved reply {reply_id} added to {center.slug} ({args.locale})")
            return 0
        for reply in await replies.for_center(center.id):
            print(f"{reply.id}\t{reply.locale}\t{reply.title}\t{reply.text}")
        return 0
    finally:
        await db.close()


EXPORT_COLUMNS = (
    "number", "center", "category", "status", "urgent", "contact_method", "created_at", "taken_at", "resolved_at",
    "rating",
)  # fmt: skip


async def export_command(args: argparse.Namespace, settings: Settings) -> int:
    """Requests as facts (no text, name, phone or Telegram id), for coordinators' spreadsheets."""
    db = await open_database(settings)
    try:
        rows = await StatsRepository(db).export_rows()
    finally:
        await db.close()
    with args.file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([request_number(int(row[0])), *row[1:]])  # type: ignore[call-overload]
    print(f"wrote {len(rows)} requests to {args.file}")
    return 0


async def groups_command(args: argparse.Namespace, settings: Settings) -> int:
    db = await open_database(settings)
    try:
        await ensure_courses(db, settings.zone)
        courses = CourseRepository(db)
        if args.action == "list":
            centers = {center.id: center.slug for center in await CenterRepository(db).all()}
            topics = {topic.id: topic.slug for topic in await courses.topics()}
            for group in await courses.groups():
                start = group.starts_at.astimezone(settings.zone).strftime(SESSION_FORMAT)
                where = "online" if group.online else centers[group.center_id]
                print(f"{group.slug}\t{topics[group.topic_id]}\t{where}\t{start}\t{group.taken}/{group.seats}")
            return 0
        if args.action == "add":
            rows = [{"id": args.id, "topic": args.topic, "center": args.center, "online": "1" if args.online else "",
                     "language": args.language, "seats": args.seats, "sessions": ";".join(args.session)}]  # fmt: skip
            return await _add_groups(rows, "group", db, settings, dry_run=False)
        text = _read(args.file)
        if text is None:
            return 1
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        missing = [column for column in GROUP_CSV_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            print(f"{args.file}: line 1: missing columns: {', '.join(missing)}", file=sys.stderr)
            return 1
        return await _add_groups(list(reader), str(args.file), db, settings, dry_run=args.dry_run)
    finally:
        await db.close()


async def _add_groups(rows: list[dict[str, str]], source: str, db: Database, settings: Settings, dry_run: bool) -> int:
    """Every row validated first (errors name the line); then all are added in one transaction, or none."""
    courses = CourseRepository(db)
    centers = {center.slug: center.id for center in await CenterRepository(db).all()}
    topics = {topic.slug for topic in await courses.topics()}
    now = db.clock.now()
    parsed, errors = [], []
    for line, values in enumerate(rows, start=2):
        row, problems = parse_group_row(values, settings.zone, now, topics, set(centers))
        errors += [f"{source}: line {line}: {problem}" if len(rows) > 1 or source != "group" else problem
                   for problem in problems]  # fmt: skip
        if row is not None:
            parsed.append(row)
    slugs = [row.slug for row in parsed]
    taken = await courses.existing_group_slugs(slugs)
    errors += [f"{source}: id '{slug}' exists already" for slug in sorted(taken)]
    errors += [f"{source}: id '{slug}' appears twice" for slug in sorted({s for s in slugs if slugs.count(s) > 1})]
    if errors:
        for error in errors:
            print(error, file=sys.stderr)
        print(f"nothing added: {len(errors)} error(s)", file=sys.stderr)
        return 1
    if dry_run:
        print(f"dry run: {len(parsed)} valid group(s)")
        return 0
    async with db.transaction():
        for row in parsed:
            await courses.add_group(
                NewGroup(row.slug, row.topic, centers[row.center], row.online, row.language, row.seats, row.sessions)
            )
    print(f"added {len(parsed)} group(s)")
    return 0


async def _import(args: argparse.Namespace, repository: CenterRepository) -> int:
    text = _read(args.file)
    if text is None:
        return 1
    parsed = parse_centers_csv(text)
    if _refused(args.file, parsed.errors):
        return 1
    existing = await repository.existing_slugs([center.slug for center in parsed.centers])
    edited = await repository.staff_edits_since_import(sorted(existing))
    if edited and not args.overwrite_staff_edits:
        print(f"{args.file}: refused, nothing imported: staff changed these cards in Telegram since they were last "
              "imported, and the file would overwrite that:", file=sys.stderr)  # fmt: skip
        for slug, parts in edited.items():
            print(f"  {slug}: {', '.join(parts)}", file=sys.stderr)
        print("Export the directory (python -m bot centers export FILE), take their changes into your file and "
              "import that; or pass --overwrite-staff-edits.", file=sys.stderr)  # fmt: skip
        return 1
    new = len(parsed.centers) - len(existing)
    if args.dry_run:
        print(f"dry run: {len(parsed.centers)} valid rows; would add {new} and update {len(existing)}")
        return 0
    summary = await repository.upsert_many(parsed.centers)
    print(f"imported {len(parsed.centers)} centers: {summary.inserted} added, {summary.updated} updated")
    return 0


async def commissioners_command(args: argparse.Namespace, settings: Settings) -> int:
    """The regional commissioners for children's rights, upserted by region: every row validated first (errors
    name the line), then all in one transaction, or none."""
    text = _read(args.file)
    if text is None:
        return 1
    parsed = parse_commissioners_csv(text)
    if _refused(args.file, parsed.errors):
        return 1
    db = await open_database(settings)
    try:
        repository = CommissionerRepository(db)
        before = {item.region: item for item in await repository.all()}
        if args.dry_run:
            known = sum(1 for item in parsed.commissioners if item.region in before)
            print(f"dry run: {len(parsed.commissioners)} valid rows; would add {len(parsed.commissioners) - known} "
                  f"and update {known}")  # fmt: skip
            return 0
        summary = await repository.upsert_many(parsed.commissioners)
        print(f"imported {len(parsed.commissioners)} commissioners: {summary.added} added, {summary.updated} updated")
        still = sorted(item.region for item in await repository.all() if item.is_sample)
        if still:
            print(f"still SAMPLE (fictional contacts): {', '.join(still)}")
        return 0
    finally:
        await db.close()


async def _bot_username(settings: Settings) -> str:
    from bot.app import build_bot  # aiogram takes seconds to import; only this command needs it

    bot = build_bot(settings)
    try:
        me = await bot.get_me()
    finally:
        await bot.session.close()
    return me.username or ""


def _read(path: Path) -> str | None:
    """A file an operator names, or None after saying why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {path}: {error}", file=sys.stderr)
        return None


def _refused(path: Path, errors: list[str]) -> bool:
    """Whether an import stops here: every error, naming its line, then that nothing was imported."""
    for error in errors:
        print(f"{path}: {error}", file=sys.stderr)
    if errors:
        print(f"nothing imported: {len(errors)} error(s)", file=sys.stderr)
    return bool(errors)
