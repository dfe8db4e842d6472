"""Command line: ``python -m core project|score|validate FILE``, ``python -m core solve FILE --target T --lever L``,
and ``python -m core actuals SCENARIO ACTUALS`` (the template or a P&L export; ``--mapping``, ``--save-mapping``,
``--balance``)."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import re
import sys
from typing import IO, Any, cast

from core.analysis.metrics import summarize
from core.analysis.pillars import move_effects, score, what_would_move
from core.analysis.solve import LEVERS, TARGETS, Setup, Target
from core.engine.projection import project
from core.i18n import t
from core.model import ScenarioError
from core.present.report import details, factor_value, factor_why, headline

EXIT_INVALID = 2


def _load(path: str):
    """The scenario of a file, read as the app's upload reads it (by its extension: YAML, JSON or the app's
    workbook); exits with EXIT_INVALID and every problem on stderr when it cannot."""
    from pathlib import Path

    from core.storage.exports import import_scenario

    try:
        return import_scenario(path, Path(path).read_bytes())
    except FileNotFoundError:
        print(f"{path}: no such file", file=sys.stderr)
    except ScenarioError as exc:
        print(f"{path}: invalid scenario", file=sys.stderr)
        for line in exc.errors:
            print(f"  {line}", file=sys.stderr)
    sys.exit(EXIT_INVALID)


def _json_default(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _finite_or_none(value: object) -> object:
    """JSON has no NaN or infinity: such metrics (e.g. a burn multiple when not burning) become null."""
    if isinstance(value, dict):
        return {k: _finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_or_none(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def cmd_project(args: argparse.Namespace) -> int:
    scenario = _load(args.file)
    p = project(scenario)
    summary = summarize(p, scenario.settings)
    table = p.to_frame()
    if args.format == "json":
        metrics = _finite_or_none(dataclasses.asdict(summary))
        rows = json.loads(table.to_json(orient="records", date_format="iso"))
        json.dump({"scenario": scenario.company.name, "currency": p.currency, "metrics": metrics, "months": rows},
                  sys.stdout, default=_json_default, indent=2, ensure_ascii=False, allow_nan=False)
        print()
    elif args.format == "csv":
        from core.storage.exports import csv_text

        sys.stdout.write(csv_text(table))
    else:
        print(f"{scenario.company.name} ({p.currency}, {p.months} months)")
        for kpi in headline(summary, scenario) + details(summary, scenario):
            note = f"  ({kpi.note})" if kpi.note else ""
            print(f"  {kpi.label:<32} {kpi.value}{note}")
        print()
        print(table.to_string(index=False, float_format=lambda v: f"{v:,.0f}"))
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    scenario = _load(args.file)
    card = score(scenario)
    effects = move_effects(scenario, card)
    cur = scenario.company.currency
    if args.format == "json":
        data = {
            "scenario": scenario.company.name,
            "survival": card.survival,
            "weights": card.weights,
            "pillars": {k: {"score": ps.score, "factors": [
                {"key": f.key, "value": f.value, "unit": f.unit, "score": f.score, "weight": f.weight,
                 "why": factor_why(f, cur)} for f in ps.factors]} for k, ps in card.pillars.items()},
            "moves": [dataclasses.asdict(e) for e in effects],
        }
        json.dump(_finite_or_none(data), sys.stdout, indent=2, ensure_ascii=False, allow_nan=False)
        print()
        return 0
    print(f"{scenario.company.name}: survival score {card.survival:.0f} / 100")
    for key, ps in card.pillars.items():
        print(f"\n{t(f'pillar.{key}'):<28} {ps.score:5.0f}")
        for f in ps.factors:
            sub = "  —" if f.score is None else f"{f.score:3.0f}"
            print(f"  {t(f'factor.{f.key}'):<38} {factor_value(f, cur):>12} {sub}  x{f.weight:g}")
        for e in what_would_move(effects, key):
            print(f"  -> {t(f'move.{e.key}')}: {e.pillar_deltas[key]:+.1f} points, runway {e.runway_delta:+.1f} months")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    scenario = _load(args.file)
    print(f"{args.file}: valid ({scenario.company.name}, {len(scenario.streams)} revenue streams)")
    return 0


def cmd_actuals(args: argparse.Namespace) -> int:
    from datetime import date
    from pathlib import Path

    from core.analysis.actuals import before_after, reforecast, trailing_pair, variance
    from core.present.actuals import fits_table, trailing_kpis, variance_summary
    from core.present.statements import restart_note
    scenario = _load(args.scenario)
    today = date.fromisoformat(args.today) if args.today else date.today()
    path = Path(args.actuals)
    try:
        actuals = _read_actuals(args, scenario, today)
    except FileNotFoundError as exc:
        print(f"{exc.filename}: no such file", file=sys.stderr)
        return EXIT_INVALID
    except ScenarioError as exc:
        print(f"{path}: invalid actuals", file=sys.stderr)
        for line in exc.errors:
            print(f"  {line}", file=sys.stderr)
        return EXIT_INVALID
    cur = scenario.company.currency
    v = variance(scenario, actuals)
    print(f"{scenario.company.name}: {len(actuals.months)} months of actuals, {actuals.first:%Y-%m} to {actuals.last:%Y-%m}")
    print(variance_summary(v, cur).to_string(index=False))
    gap = v.cash_gap
    print(f"\nCash gap at {actuals.last:%Y-%m}: " + ("not reported" if gap is None else f"{gap:+,.0f} {cur}")
          + f"; explained by the reported lines: {v.explained:+,.0f} {cur}")
    for key, effect in sorted(v.drivers.items(), key=lambda item: -abs(item[1])):
        print(f"  {key:<32} {effect:+,.0f}")
    for kpi in trailing_kpis(*trailing_pair(scenario, v), cur):
        print(f"  {kpi.label:<40} {kpi.value}  ({kpi.note})")
    try:
        forecast = reforecast(scenario, actuals, recalibrate=args.recalibrate, window=args.window)
    except ValueError as exc:
        print(f"\nNo re-forecast: {exc}")
        return 0
    before, after = before_after(scenario, forecast)
    print(f"\nRe-forecast from {forecast.scenario.company.start_date:%Y-%m}, cash {forecast.cash:,.0f} {cur}"
          + (" (recalibrated)" if args.recalibrate else ""))
    if note := restart_note(forecast.scenario, project(forecast.scenario)):
        print(note)
    if forecast.fits:
        print(fits_table(forecast.fits).to_string(index=False))
    for label, s in (("plan", before), ("re-forecast", after)):
        zero = "never" if s.zero_cash_date is None else f"{s.zero_cash_date:%Y-%m}"
        print(f"  {label:<12} zero cash {zero}, default alive {'yes' if s.default_alive else 'no'}")
    return 0


def _target(args: argparse.Namespace, scenario) -> Target:
    """The target the options name: ``--months`` for runway, odds and break-even, ``--date`` (YYYY-MM) for the
    zero-cash and break-even months, ``--share`` (%) for odds and the founders."""
    from datetime import date

    from core.model import months_between

    kind = args.target.replace("-", "_")
    months = args.months
    if args.date:
        months = months_between(scenario.company.start_date, date.fromisoformat(f"{args.date}-01"))
        months += 1 if kind == "zero_cash_after" else 0  # cash lasts through that month
    if months is None:  # the runway the strategy aims for (the page's default), the Risk lab's month for odds
        months = scenario.risk.survival_month if kind == "odds" else scenario.strategy.runway_target_months
        months = min(months, scenario.settings.horizon_months) if kind != "default_alive" else 0
    share = args.share if args.share is not None else {"odds": 80.0, "founders": 50.0}.get(kind, 0.0)
    return Target(kind, int(months), share / 100)


def cmd_solve(args: argparse.Namespace) -> int:
    from core.analysis.solve import LEVERS, cost, side_by_side
    from core.present.solve import answer_text, score_text, side_by_side_frame, target_caption

    scenario = _load(args.scenario)
    try:
        target = _target(args, scenario)
        target.check(scenario)
    except ValueError as exc:
        print(f"{args.scenario}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    levers = LEVERS if args.all_levers or not args.lever else (args.lever.replace("-", "_"),)
    setup = Setup(bridge_cap=args.cap, paths=args.paths)
    try:
        rows = side_by_side(scenario, target, setup, levers)
    except ScenarioError as exc:
        print("\n".join(exc.errors), file=sys.stderr)
        return EXIT_INVALID
    except ValueError as exc:  # a bridge cap at or below 0
        print(f"{args.scenario}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.format == "json":
        data = {"scenario": scenario.company.name, "currency": scenario.company.currency,
                "target": dataclasses.asdict(target), "today": dataclasses.asdict(cost(scenario)),
                "levers": [{**{k: v for k, v in dataclasses.asdict(r.answer).items() if k != "target"},
                            "text": answer_text(r.answer, scenario), "measure": score_text(r.answer, scenario),
                            "cost": None if r.cost is None else dataclasses.asdict(r.cost)} for r in rows]}
        json.dump(_finite_or_none(data), sys.stdout, indent=2, ensure_ascii=False, allow_nan=False)
        print()
        return 0
    print(scenario.company.name)
    print(target_caption(target, scenario))
    print(side_by_side_frame(rows, cost(scenario), scenario).to_string(index=False, max_colwidth=200))
    return 0


def _read_mapping(path: str) -> dict[str, str]:
    """A saved mapping of accounts to lines, JSON or YAML (by its extension)."""
    from pathlib import Path

    import yaml

    from core.model import Problem
    from core.storage.books_files import parse_mapping

    text = Path(path).read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) if path.lower().endswith((".yaml", ".yml")) else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError):
        raise ScenarioError.of(Problem("(mapping)", "books_mapping_file", {})) from None
    return parse_mapping(data)


def _read_actuals(args: argparse.Namespace, scenario, today):
    """The actuals of ``args.actuals``: our template, or a P&L export read through ``--mapping`` (else the suggested
    lines; the mapping used is printed, and written to ``--save-mapping``); ``--balance`` sets the last month's cash,
    receivables and payables."""
    from pathlib import Path

    from core.storage.actuals_files import is_template, read_actuals
    from core.storage.books_files import books_actuals, mapping_for, read_balance, read_books, with_balance

    path = Path(args.actuals)
    data = path.read_bytes()
    if is_template(path.name, data):
        actuals = read_actuals(path.name, data, scenario, today)
    else:
        books = read_books(path.name, data)
        given = _read_mapping(args.mapping) if args.mapping else None
        mapping = mapping_for(books, scenario, given)
        actuals = books_actuals(books, mapping, scenario, today)
        print(f"Mapping used ({'from ' + args.mapping if given else 'suggested from the account names'}; "
              f"accounts -> lines):")
        for name, line in mapping.items():
            print(f"  {name:<40} {line}" + ("" if given is None or name in given else "   (suggested: not in the mapping file)"))
        if args.save_mapping:
            Path(args.save_mapping).write_text(json.dumps(mapping, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            print(f"Saved to {args.save_mapping}: edit it and pass it with --mapping next month.")
        elif not given:
            print("Save it with --save-mapping PATH, edit the lines, and pass it with --mapping PATH next time.")
        print()
    if args.balance:
        balance = Path(args.balance)
        actuals = with_balance(actuals, read_balance(balance.name, balance.read_bytes()))
    return actuals


CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b.?|[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""ANSI escape sequences and the other control characters but newline and tab: a name in a file never drives the
terminal it is printed on."""


class Printable:
    """A text stream that drops :data:`CONTROL` from what is written to it (every command's output and errors)."""

    def __init__(self, stream: IO[str]):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(CONTROL.sub("", text))

    def __getattr__(self, name: str) -> Any:  # flush, encoding, isatty... of the stream itself
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core", description="Winterproof's model from the command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("project", help="project a scenario file and print its metrics and monthly table")
    p.add_argument("file", help="scenario file (.yaml, .yml, .json or the app's .xlsx)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table", help="output format (default: table)")
    p.set_defaults(func=cmd_project)
    sc = sub.add_parser("score", help="score the strategy pillars and list what would move each one")
    sc.add_argument("file", help="scenario file (.yaml, .yml, .json or the app's .xlsx)")
    sc.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    sc.set_defaults(func=cmd_score)
    v = sub.add_parser("validate", help="check a scenario file; print every error with its field path, exit 2 if invalid")
    v.add_argument("file", help="scenario file (.yaml, .yml, .json or the app's .xlsx)")
    v.set_defaults(func=cmd_validate)
    so = sub.add_parser("solve", help="what it would take: the smallest change of each lever that reaches a target")
    so.add_argument("scenario", help="scenario file (.yaml, .yml, .json or the app's .xlsx)")
    so.add_argument("--target", choices=[k.replace("_", "-") for k in TARGETS], default="default-alive",
                    help="default-alive, runway (--months), zero-cash-after (--date or --months), odds (--months, "
                         "--share), founders (--share), break-even-by (--date or --months)")
    so.add_argument("--lever", choices=[k.replace("_", "-") for k in LEVERS], help="one lever (default: all)")
    so.add_argument("--all-levers", action="store_true", help="every lever side by side, with its costs")
    so.add_argument("--months", type=int, help="months of runway (runway, odds) or the plan month (break-even-by)")
    so.add_argument("--date", help="YYYY-MM: the last month cash must last through, or the break-even month")
    so.add_argument("--share", type=float, help="odds or founders' share, in %% (default 80 / 50)")
    so.add_argument("--cap", type=float, help="the bridge SAFE's post-money cap (default: the next round's pre-money)")
    so.add_argument("--paths", type=int, help="Monte Carlo paths of an odds target (default: the scenario's)")
    so.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    so.set_defaults(func=cmd_solve)
    a = sub.add_parser("actuals", help="compare monthly actuals (.csv or .xlsx) with the plan and re-forecast from them")
    a.add_argument("scenario", help="scenario file (.yaml, .yml, .json or the app's .xlsx)")
    a.add_argument("actuals", help="actuals file (.csv or .xlsx): the app's template, or a profit and loss by month "
                                   "exported from QuickBooks, Xero, Kingdee or Yonyou (利润表)")
    a.add_argument("--mapping", help="saved mapping of a P&L's accounts to lines (.json, .yaml): "
                                     "{account: revenue:<stream> | cost_of_revenue | payroll | other_opex | one_off | "
                                     "funding | tax | financing | skip}; accounts it lacks get the suggested line")
    a.add_argument("--save-mapping", help="write the mapping used (JSON) to this file, to edit and pass with --mapping")
    a.add_argument("--balance", help="balance sheet export (.csv, .xlsx) of the last month: its cash, receivables and "
                                     "payables become that month's")
    a.add_argument("--recalibrate", action="store_true", help="refit each stream's level and growth on the actuals")
    a.add_argument("--window", type=int, default=6, help="months the recalibration reads (default: 6)")
    a.add_argument("--today", help="the current date, YYYY-MM-DD (default: today); no actual may come after its month")
    a.set_defaults(func=cmd_actuals)
    args = parser.parse_args(argv)
    with contextlib.redirect_stdout(cast(IO[str], Printable(sys.stdout))), \
            contextlib.redirect_stderr(cast(IO[str], Printable(sys.stderr))):
        return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
