"""Records in and out: `import`, `template`, `export` (okrtui/1, CSV, XLSX, Markdown, the HTML page)."""

# Imports inside functions: each command loads only its own modules (start-up, okrtui/cli/__init__.py).

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the storage layer is imported only by the commands that use it
    from sqlmodel import Session


from okrtui.cli.context import EXIT_OK, Context, emit, emit_workbook
from okrtui.core.errors import OkrError
from okrtui.core.output import safe_joined_utf8, say, say_page  # every printed line (docs/security.md)
from okrtui.core.text import plain  # 2 ms: every command prints through it


def cmd_import(ctx: Context) -> int:
    from okrtui.core import progress
    from okrtui.exchange import interchange, sheetread

    kind = sheetread.kind_of(ctx.args.file, sheetread.read_head(ctx.args.file))
    if kind != "json":
        return _import_sheet(ctx, kind)
    given = [f for f, on in (("--sheet", ctx.args.sheet), ("--check-ins", ctx.args.check_ins), ("--map", ctx.args.map),
                             ("--encoding", ctx.args.encoding), (f"--{ctx.args.order}", ctx.args.order)) if on]
    if given:
        raise OkrError(f"{given[0]} is for a CSV or XLSX file; {plain(ctx.args.file.name)} is an okrtui/1 JSON document")
    with progress.bar(f"importing {plain(ctx.args.file.name)}") as shown:
        data = interchange.read_document(ctx.args.file)  # a bad file never opens the database
        cfg = ctx.config
        result = interchange.import_document(ctx.engine(), data, cfg.fiscal_year_start_month, shown, ctx.today)
    say(f"imported {ctx.args.file}: {result}")
    for note in result.notes:
        say(note)
    return EXIT_OK


def _import_sheet(ctx: Context, kind: str) -> int:
    """A CSV or XLSX file (okrtui.exchange.sheetimport): every problem on its own line, then exit 2."""
    from okrtui.core import progress
    from okrtui.exchange import sheetimport
    from okrtui.exchange.sheetrows import Options, SheetErrors

    args = ctx.args
    sheet = sheetimport.SheetArgs(args.sheet, args.check_ins, args.map, args.encoding, args.order)
    cfg = ctx.config
    options = Options(today=ctx.today, fy_month=cfg.fiscal_year_start_month)
    try:
        with progress.bar(f"importing {plain(args.file.name)}") as shown:
            result = sheetimport.import_sheet(ctx.engine, args.file, kind, sheet, options, shown)
    except SheetErrors as err:
        for line in err.shown():
            say(line, err=True)
        raise
    say(f"imported {args.file}: {result}")
    for note in result.notes:
        say(note)
    return EXIT_OK


def cmd_template(ctx: Context) -> int:
    """A spreadsheet to fill in: the import's headers, an example objective with two KRs, the notes."""
    from okrtui.exchange import sheetwrite
    from okrtui.method import periods

    args = ctx.args
    label = periods.quarter_of(ctx.today, ctx.config.fiscal_year_start_month).label
    if args.format == "xlsx":
        emit_workbook(sheetwrite.template_workbook(label), args.output)
        say(f"wrote {args.output}: fill in the okrs sheet (the notes sheet says what each column holds)")
        return EXIT_OK
    notes = args.output.with_name(args.output.stem + "-notes.csv")
    emit(sheetwrite.to_csv(sheetwrite.TEMPLATE_COLUMNS, sheetwrite.template_rows(label)), args.output)
    emit(sheetwrite.template_notes_csv(), notes)
    say(f"wrote {args.output} and {notes} (what each column holds)")
    return EXIT_OK


def cmd_export(ctx: Context) -> int:
    args = ctx.args
    if args.format == "html":
        return _export_html(ctx)
    if args.team or args.as_of:
        raise OkrError("--team and --as-of go with --format html (report --team for the others)")
    from okrtui.cycle import ormread
    from okrtui.exchange import interchange
    from okrtui.method import render
    from okrtui.storage.store import my_id, reading

    engine = ctx.engine(create=False)
    cfg = ctx.config
    if args.period is not None:
        with reading(engine) as session:
            ormread.resolve_period(session, args.period, ctx.today, cfg.fiscal_year_start_month)
    if args.format == "json":
        emit(interchange.dumps(interchange.export_document(engine, args.period)), args.output, "json")
        return EXIT_OK
    with reading(engine) as session:
        me = my_id(session)
        labels = [args.period] if args.period else _period_labels(session)
        reps = [
            ormread.build(session, ormread.resolve_period(session, label, ctx.today, cfg.fiscal_year_start_month),
                         ctx.today, me, team=True, stale_after=cfg.stale_after_days)
            for label in labels
        ]
        answers = [ormread.reflections(session, me, r.period.label) for r in reps]
    if args.format == "xlsx":
        from okrtui.exchange import sheetwrite

        emit_workbook(sheetwrite.export_workbook(reps, answers), args.output)
        return EXIT_OK
    text: str
    if args.format == "csv":
        text = render.to_csv(reps)
    else:
        text = "\n".join(render.to_markdown(r) + render.reflections_markdown(a, r.person(me))
                         for r, a in zip(reps, answers, strict=True))
    emit(text, args.output, args.format)
    return EXIT_OK


def _export_html(ctx: Context) -> int:
    """One self-contained page of the period, as `report` (or `report --team`) reads it."""
    from okrtui.method import htmlpage, render
    from okrtui.method.healthrender import report_metrics
    from okrtui.method.views import team_visible

    args = ctx.args
    read = ctx.period_read(args.period, args.as_of, team=args.team, notes=render.uses_notes("html", args.team))
    rep = team_visible(read.report) if args.team else read.report  # report --team's rule, the same function
    views, _ = ctx.metric_views(args.as_of or ctx.today)  # report's Health section, by its rule
    metrics = report_metrics(views, read.me, args.team)
    lines = htmlpage.page_lines(rep, read.dependencies, team=args.team, stale_after=ctx.config.stale_after_days,
                                metrics=metrics)
    if args.output is None:  # the very bytes -o writes, UTF-8 whatever the terminal's encoding
        say_page(lines)
        return EXIT_OK
    from okrtui.core.files import write_atomic

    # What _emit writes (safe, UTF-8, owner-only), written as it is made: 10,000 KRs make 19 MiB.
    write_atomic(args.output, safe_joined_utf8(lines), mode=0o600, keep_mode=False)
    return EXIT_OK


def _period_labels(session: Session) -> list[str]:
    from sqlmodel import col, select

    from okrtui.storage.model import Objective

    rows = session.exec(select(Objective.period_id).where(col(Objective.deleted).is_(False)).distinct()).all()
    return sorted(rows)
