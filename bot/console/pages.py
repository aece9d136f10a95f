"""The console's pages: server-rendered HTML with inline CSS and inline SVG, no script. Every value put into the
page goes through html.escape; the texts are in the catalogs (kk and ru) like the rest of the bot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _
from babel.dates import format_datetime
from babel.numbers import format_decimal, format_percent

from bot.console import rules
from bot.console.charts import bar_chart, column_chart
from bot.console.desk import CenterState
from bot.console.models import GroupLine, RequestReport
from bot.core.i18n import LANGUAGE_NAMES
from bot.core.keyboards import N_
from bot.directory.regions import REGIONS_BY_SLUG
from bot.requests.views import CATEGORY_NAMES

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1c1c1c;background:#f6f7f9}
header{background:#1f4e79;color:#fff;padding:10px 20px;display:flex;flex-wrap:wrap;gap:16px;align-items:center}
header a{color:#fff}header nav a{margin-right:14px}header nav a.here{font-weight:700;text-decoration:none}
header .brand{font-weight:700;margin-right:12px}header .tools{margin-left:auto;display:flex;gap:12px;align-items:center}
header form{margin:0}header button{font:inherit;padding:4px 10px;cursor:pointer}
main{padding:16px 20px;max-width:1280px}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:28px}
table{border-collapse:collapse;background:#fff;margin:8px 0}
th,td{border:1px solid #d5d9de;padding:5px 8px;text-align:left;vertical-align:top}th{background:#eef1f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.alert td{background:#fdecea}.marker{color:#b3261e;font-weight:600;white-space:nowrap}
.open{color:#1e7b34}.closed{color:#8a8f98}.note{color:#555}.charts{display:flex;flex-wrap:wrap;gap:24px}
.chart{background:#fff;border:1px solid #d5d9de;max-width:100%;height:auto}
.card{background:#fff;border:1px solid #d5d9de;padding:18px 22px;max-width:640px;margin:40px auto}
.card h1{margin-top:0}.scroll{overflow-x:auto}
"""

PAGE_TITLES = {
    "network": N_("Network"),
    "requests": N_("Help requests"),
    "courses": N_("Courses"),
    "downloads": N_("Downloads"),
}
HERE = ' class="here" aria-current="page"'
PROGRAMME_NAMES = {"academy": N_("Parents Academy"), "premarital": N_("Pre-marital course for couples")}


def document(title: str, body: str, locale: str) -> str:
    return (
        f'<!doctype html><html lang="{escape(locale)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )


def layout(page: str, content: str, locale: str) -> str:
    """A page of a signed-in admin: the menu, the language switch, the sign-out button, the content."""
    links = "".join(
        f'<a href="/{name}"{HERE if name == page else ""}>{escape(_(title))}</a>' for name, title in PAGE_TITLES.items()
    )
    switch = " ".join(
        f'<a href="/lang?to={code}&amp;next={escape(page)}" lang="{code}">{escape(name)}</a>'
        if code != locale
        else f"<strong>{escape(name)}</strong>"
        for code, name in LANGUAGE_NAMES.items()
    )
    brand, sign_out = _("Family Support Centers: console"), _("Sign out")
    header = (
        f'<header><span class="brand">{escape(brand)}</span><nav>{links}</nav>'
        f'<div class="tools"><span class="lang">{switch}</span>'
        f'<form method="post" action="/signout"><button type="submit">{escape(sign_out)}</button></form>'
        "</div></header>"
    )
    title = _(PAGE_TITLES[page])
    return document(title, f"{header}<main><h1>{escape(title)}</h1>{content}</main>", locale)


def notice(kind: str, locale_texts: Sequence[tuple[str, str, str]]) -> str:
    """A page for someone not let in: the same message in both languages (kk and ru), since we may not know
    who is asking. `locale_texts`: (locale, heading, text)."""
    cards = "".join(
        f'<section lang="{escape(code)}"><h1>{escape(heading)}</h1><p>{escape(text)}</p></section>'
        for code, heading, text in locale_texts
    )
    return document(" / ".join(heading for _code, heading, _text in locale_texts), f'<div class="card {escape(kind)}">'
                    f"{cards}</div>", "kk")  # fmt: skip


# ---- texts of the pages for someone not signed in (rendered once per language by the server) ----

REFUSALS = {
    "used": N_("This sign-in link has already been used."),
    "expired": N_("This sign-in link has expired."),
    "forged": N_("This sign-in link is not valid."),
    "not admin": N_("This sign-in link is not valid."),
}


def refusal_text(reason: str) -> tuple[str, str]:
    return _(REFUSALS.get(reason, REFUSALS["forged"])), _(
        "Nothing was opened. Send /console to the bot in Telegram for a new link: it works once, for {minutes} minutes."
    ).format(minutes=int(rules.LINK_VALID.total_seconds() // 60))


def sign_in_needed_text() -> tuple[str, str]:
    return _("Sign in through /console in the bot"), _(
        "Send /console to the bot in Telegram and open the link it gives you. The link works once, for {minutes} "
        "minutes; the console then stays open for a working day."
    ).format(minutes=int(rules.LINK_VALID.total_seconds() // 60))


def signed_out_text() -> tuple[str, str]:
    return _("You have signed out"), _("To come back, send /console to the bot in Telegram.")


def bad_address_text() -> tuple[str, str]:
    return _("This address is not valid"), _("Open the console from its menu, or send /console to the bot again.")


# ---- the network ----

COLUMNS = (
    ("region", N_("Region")),
    ("name", N_("Center")),
    ("open", N_("Open now")),
    ("staff", N_("Staff")),
    ("requests", N_("Open requests")),
    ("oldest", N_("Oldest untaken request")),
    ("activity", N_("Last staff activity")),
)


def network(
    states: Sequence[CenterState], sort: str, order: str, locale: str, zone: ZoneInfo, escalate_hours: float
) -> str:
    head = []
    for column, title in COLUMNS:
        flip = "desc" if column == sort and order == "asc" else "asc"
        arrow = (" ▲" if order == "asc" else " ▼") if column == sort else ""
        head.append(f'<th><a href="/network?sort={column}&amp;order={flip}">{escape(_(title))}</a>{arrow}</th>')
    rows = []
    for state in states:
        line = state.line
        markers = []
        if state.no_staff:
            markers.append(_("⚠ no staff"))
        if state.stuck:
            markers.append(_("⚠ queue stuck"))
        marker = "".join(f' <span class="marker">{escape(text)}</span>' for text in markers)
        if state.status is None:
            opened = '<td class="closed">—</td>'
        elif state.status.open:
            opened = tag("td", _("open now"), "open")
        else:
            opened = tag("td", _("closed now"), "closed")
        region = REGIONS_BY_SLUG.get(line.region)
        rows.append(
            f'<tr class="{"alert" if state.stands_out else "ok"}" data-center="{escape(line.slug)}">'
            f"<td>{escape(region.name(locale) if region else line.region)}</td>"
            f"<td>{escape(line.name(locale))}{marker}</td>{opened}"
            f'<td class="num">{line.staff}</td><td class="num">{line.open_requests}</td>'
            f'<td class="num">{escape(duration(state.oldest_hours * 3600) if state.oldest_hours is not None else "—")}'
            f"</td><td>{escape(moment(line.last_activity, zone, locale))}</td></tr>"
        )
    standing_out = sum(1 for state in states if state.stands_out)
    intro = _(
        "Centers: {count}. Marked red: a center with no staff, or whose oldest untaken request has waited more than "
        "{hours} h ({marked} now). Click a column's title to sort."
    ).format(count=len(states), hours=format_decimal(escalate_hours, locale=locale), marked=standing_out)
    return (
        f'<p class="note">{escape(intro)}</p><table class="network"><thead><tr>{"".join(head)}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


# ---- the requests ----


def requests(report: RequestReport, locale: str) -> str:
    weeks_title = _("Requests per week, the last {count} weeks").format(count=len(report.weeks))
    week_labels = [f"{week[8:10]}.{week[5:7]}" for week, _n, _e in report.weeks]
    parts = [
        tag(
            "p",
            _("Requests in these weeks: {count}. Spam counts as sent, never as help given.").format(count=report.total),
            "note",
        ),
        f"<h2>{escape(weeks_title)}</h2>",
        '<div class="charts">',
        column_chart(
            list(zip(week_labels, [float(n) for _w, n, _e in report.weeks], strict=True)),
            weeks_title,
            marks=[float(e) for _w, _n, e in report.weeks],
        ),
        table(
            (_("Week from"), _("Requests"), _("Escalated")),
            [(week, str(n), str(e)) for week, n, e in report.weeks],
        ),
        "</div>",
        tag("p", _("Red: requests escalated because nobody took them in time."), "note"),
    ]
    topics = [(_(CATEGORY_NAMES.get(code, code)), float(n)) for code, n in report.by_topic]
    parts += section(_("By topic"), topics, (_("Topic"), _("Requests")))
    regions = [(_region(code, locale), float(n)) for code, n in report.by_region]
    parts += section(_("By region"), regions, (_("Region"), _("Requests")))

    times = [
        (_("Time to take"), report.take_median, report.take_p90),
        (_("Time to resolve"), report.resolve_median, report.resolve_p90),
    ]
    median, p90 = _("median"), _("90th percentile")
    bars = [(f"{label}: {median}", m or 0.0) for label, m, _p in times]
    bars += [(f"{label}: {p90}", p or 0.0) for label, _m, p in times]
    shown = [duration(m) for _l, m, _p in times] + [duration(p) for _l, _m, p in times]
    parts += [
        tag("h2", _("Time to take and to resolve")),
        '<div class="charts">',
        bar_chart(bars, _("Time to take and to resolve"), shown=shown),
        table(
            ("", _("median"), _("90th percentile")),
            [(label, duration(m), duration(p)) for label, m, p in times],
        ),
        "</div>",
        tag("h2", _("Escalations")),
        tag("p", _("Requests nobody took in time, announced again: {count}").format(count=report.escalated)),
    ]
    mean = format_decimal(report.mean_rating, format="0.0", locale=locale) if report.mean_rating is not None else "—"
    ratings = [("★" * stars, float(n)) for stars, n in report.ratings]
    parts += section(_("Ratings"), ratings, (_("Stars"), _("Ratings")))
    parts.append(tag("p", _("Mean rating: {rating}").format(rating=mean)))
    return "".join(parts)


def section(title: str, items: list[tuple[str, float]], heads: tuple[str, str]) -> list[str]:
    return [
        f"<h2>{escape(title)}</h2>",
        '<div class="charts">',
        bar_chart(items, title) if items else tag("p", _("Nothing yet."), "note"),
        table(heads, [(label, _number(value)) for label, value in items]),
        "</div>",
    ]


def table(heads: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{escape(text)}</th>" for text in heads)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{escape(cell)}</td>' if index >= numeric_from else f"<td>{escape(cell)}</td>"
            for index, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# ---- the courses ----


def courses(groups: Sequence[GroupLine], locale: str, zone: ZoneInfo, attendance_known: bool) -> str:
    seats = sum(group.seats for group in groups)
    taken = sum(group.taken for group in groups)
    waiting = sum(group.waiting for group in groups)
    rate = format_percent(rules.fill_rate(taken, seats), locale=locale)
    summary = _("Groups: {count}. Seats taken: {taken} of {seats} ({rate}). On waiting lists: {waiting}.").format(
        count=len(groups), taken=taken, seats=seats, rate=rate, waiting=waiting
    )
    by_topic: dict[str, list[int]] = {}
    for group in groups:
        counts = by_topic.setdefault(group.topic(locale), [0, 0])
        counts[0] += group.taken
        counts[1] += group.seats
    items = [(topic, round(100 * rules.fill_rate(t, s))) for topic, (t, s) in sorted(by_topic.items())]
    chart_title = _("Fill rate by topic, %")
    rows = []
    closed = _("closed")
    for group in groups:
        attended = "—"
        if group.attended is not None and group.possible:
            share = format_percent(group.attended / group.possible, locale=locale)
            attended = f"{group.attended} / {group.possible} ({share})"
        name = f"{group.slug} ({closed})" if group.closed else group.slug
        rows.append(
            (
                name,
                _(PROGRAMME_NAMES.get(group.programme, group.programme)),
                group.topic(locale),
                _("online") if group.online else group.center(locale),
                LANGUAGE_NAMES.get(group.language, group.language),
                moment(group.first_session, zone, locale),
                str(group.sessions),
                f"{group.taken} / {group.seats}",
                format_percent(rules.fill_rate(group.taken, group.seats), locale=locale),
                str(group.waiting),
                attended,
            )
        )
    heads = (
        _("Group"), _("Programme"), _("Topic"), _("Center"), _("Language"), _("Starts"), _("Sessions"),
        _("Seats taken"), _("Fill rate"), _("Waiting list"), _("Attendance"),
    )  # fmt: skip
    parts = [
        f"<p>{escape(summary)}</p>",
        f"<h2>{escape(chart_title)}</h2>",
        '<div class="charts">',
        bar_chart([(topic, float(value)) for topic, value in items], chart_title, shown=[f"{v}%" for _t, v in items])
        if items
        else tag("p", _("Nothing yet."), "note"),
        "</div>",
        tag("h2", _("Course groups")),
        f'<div class="scroll">{table(heads, rows, numeric_from=6)}</div>',
    ]
    if not attendance_known:
        parts.append(tag("p", _("Attendance is not recorded yet: shown as —."), "note"))
    return "".join(parts)


# ---- the downloads ----


def downloads() -> str:
    items = [
        ("requests", _("Help requests"), _("number, center, topic, status, urgency, contact method, times, rating")),
        ("centers", _("Centers"), _("the directory as the command line exports it")),
    ]
    rows = "".join(
        f'<li><a href="/downloads/{name}.csv" download>{escape(title)} (CSV)</a>: {escape(text)}</li>'
        for name, title, text in items
    )
    note = _("Facts only: never a person's text, name or phone. Every download is recorded in the audit log.")
    return f'<ul class="downloads">{rows}</ul><p class="note">{escape(note)}</p>'


# ---- formatting ----


def tag(name: str, text: str, css: str | None = None) -> str:
    """An element holding escaped text."""
    attribute = f' class="{escape(css)}"' if css else ""
    return f"<{name}{attribute}>{escape(text)}</{name}>"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes = seconds / 60
    if minutes < 90:
        return _("{minutes} min").format(minutes=round(minutes))
    hours = minutes / 60
    if hours < 48:
        return _("{hours} h").format(hours=round(hours))
    return _("{days} d").format(days=round(hours / 24))


def moment(stamp: str | None, zone: ZoneInfo, locale: str) -> str:
    if stamp is None:
        return "—"
    return format_datetime(datetime.fromisoformat(stamp), "d MMM y, HH:mm", tzinfo=zone, locale=locale)


def _region(code: str, locale: str) -> str:
    region = REGIONS_BY_SLUG.get(code)
    return region.name(locale) if region else code


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"
