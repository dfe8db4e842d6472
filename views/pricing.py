"""Pricing lab: demand model, price-response curve, optimal price vs today, tiers, Van Westendorp."""

import streamlit as st

from core.analysis.pricing import (
    DEFAULT_TIERS,
    OBJECTIVES,
    Constraints,
    Tier,
    apply_tiers,
    current_price,
    default_constraints,
    price_steps,
    priced_streams,
)
from core.analysis.pricing import with_price as priced
from core.analysis.van_westendorp import acceptable_range
from core.i18n import t
from core.model import ScenarioError, SubscriptionStream
from core.present import charts
from core.present import formatting as fmt
from core.present.report import price_table, tier_table
from ui.cached import price_optimum, price_response, survey_analysis, tier_optimum
from ui.editor import problems, rule_problems
from ui.sections import demand
from ui.session import SAMPLE_DIR, current_scenario, lang, set_scenario, wkey
from ui.widgets import chart, plain, upload_caption

scenario = current_scenario()
cur = scenario.company.currency
language = lang()  # bound now: a widget may format its options after the run
st.title(t("pricing.title", lang()))
st.caption(t("pricing.intro", lang()))
streams = priced_streams(scenario)
if not streams:
    st.info(t("pricing.none", lang()))
    st.stop()

options = {k: f"{k + 1}. " + t("join.paren", lang(), a=scenario.streams[k].name,  # numbered: two streams may share
                                 b=t(f"kind.{scenario.streams[k].kind}", lang())) for k in streams}  # a name
i = st.selectbox(t("pricing.stream", lang()), streams, key=wkey("lever.pricing.stream"), format_func=options.__getitem__)
stream = scenario.streams[i]
unit = t(f"pricing.unit.{stream.UNIT}", lang())
price_now = current_price(scenario, i)

# --- the demand model: part of the scenario, so every page sees volume answer price (the Build page's section)
with st.expander(t("pricing.demand", lang()), expanded=True):
    demand(i, problems())
    rule_problems()
    demand_now = stream.demand
    st.caption(t("pricing.reference", lang(), price=fmt.price(
        demand_now.reference_price if demand_now and demand_now.reference_price else price_now, cur, lang())))

# --- objective and constraints: exploration, not saved
left, middle, right = st.columns(3)
with left:
    objective = st.selectbox(t("pricing.objective", lang()), OBJECTIVES, key=wkey("lever.pricing.objective"),
                             format_func=lambda o: t(f"pricing.objective.{o}", language))
with middle:
    min_margin = st.slider(t("pricing.min_margin", lang()), 0, 90, 0, 5, key=wkey("lever.pricing.min_margin"))
with right:
    min_volume = st.number_input(t("pricing.min_volume", lang(), unit=unit), 0.0, value=0.0, step=1.0, format="%.0f",
                                 key=wkey("lever.pricing.min_volume"))
bounds = default_constraints(scenario, i)
steps = price_steps(bounds)  # log-spaced: the slider works at any magnitude; new steps when today's price moves
low, high = st.select_slider(t("pricing.bounds", lang(), currency=cur), steps, (steps[0], steps[-1]),
                             format_func=lambda p: fmt.price(p, cur, language),
                             key=wkey(f"lever.pricing.bounds.{i}.{price_now:.6g}"))

# --- Van Westendorp (read first: its range can bound the optimiser)
survey = None
with st.expander(t("pricing.vw", lang())):
    source = st.radio(t("pricing.vw_source", lang()), ["sample", "upload"], horizontal=True, key=wkey("lever.pricing.vw_source"),
                      format_func=lambda k: t(f"pricing.vw_{k}", language))
    data, name = (SAMPLE_DIR / "van_westendorp_survey.csv").read_bytes(), "van_westendorp_survey.csv"
    if source == "upload":
        upload = st.file_uploader(t("pricing.vw_file", lang()), type=["csv"], key=wkey("lever.pricing.vw_file"), max_upload_size=1)
        upload_caption(lang(), 1, ["csv"])
        data, name = (upload.getvalue(), upload.name) if upload is not None else (None, None)
    currencies = ["USD", "EUR", "CNY"]
    survey_cur = st.selectbox(t("pricing.vw_currency", lang()), currencies, key=wkey(f"lever.pricing.vw_currency.{source}"),
                              index=currencies.index("USD" if source == "sample" else cur),  # the sample asked in USD
                              format_func=lambda c: t(f"opt.company.currency.{c}", language), width=320)
    if survey_cur != cur:
        st.warning(t("pricing.vw_other_currency", lang(), survey=t(f"currency.{survey_cur}", lang()), currency=cur))
    if data is not None:
        try:
            survey, dropped = survey_analysis(data)
        except ScenarioError as exc:
            st.error(t("pricing.vw_bad", lang(), file=name) + "\n\n" + "\n".join(f"- `{e}`" for e in exc.localized(lang())))
    if survey is not None:
        cols = st.columns(4)
        for col, key in zip(cols, ("pmc", "pme", "opp", "ipp"), strict=True):
            value = getattr(survey, key)
            col.metric(t(f"pricing.vw.{key}", lang()), "—" if value is None else fmt.price(value, survey_cur, lang()))
        st.caption(t("pricing.vw_dropped", lang(), used=survey.respondents, dropped=dropped))
        chart(charts.van_westendorp(survey, survey_cur, lang=lang()))
vw_range = acceptable_range(survey) if survey is not None and survey_cur == cur else None  # only in the same currency
overlaps = vw_range is not None and vw_range[0] <= high and vw_range[1] >= low
if overlaps and st.checkbox(t("pricing.vw_bound", lang(), low=fmt.price(vw_range[0], cur, lang()),
                                            high=fmt.price(vw_range[1], cur, lang())),
                            key=wkey("lever.pricing.vw_bound")):
    low, high = max(low, vw_range[0]), min(high, vw_range[1])

constraints = Constraints(low=low, high=max(low, high), min_gross_margin=min_margin / 100 if min_margin else None,
                          min_volume=min_volume or None)
result = price_optimum(scenario, i, objective, constraints)
curve = price_response(scenario, i, min(bounds.low, low), max(bounds.high, high))

if stream.demand is None:
    st.warning(t("pricing.no_demand", lang()))
if result.break_even_price > price_now:
    st.warning(t("pricing.below_cost_today", lang(), price=fmt.price(price_now, cur, lang()),
                 floor=fmt.price(result.break_even_price, cur, lang())))
if result.price is None:
    st.error(t("pricing.infeasible", lang()))
elif result.below_cost:
    st.warning(t("pricing.below_cost_best", lang(), price=fmt.price(result.price, cur, lang()),
                 floor=fmt.price(result.break_even_price, cur, lang())))

chart(charts.price_response(curve, price_now, result.price, result.break_even_price, stream=stream.name, unit=unit,
                            currency=cur, timing=scenario.settings.cash_flow_timing, lang=lang()))


st.table(price_table(result, cur, unit, scenario.settings.cash_flow_timing, scenario.settings.horizon_months, lang()))
st.caption(t("pricing.report", lang(), method=t(f"pricing.method.{result.method}", lang()), evaluations=result.evaluations,
             status=t("pricing.converged" if result.converged else "pricing.not_converged", lang())))


PRICING_SETTINGS = ("lever.pricing.stream", "lever.pricing.objective", "lever.pricing.min_margin",
                    "lever.pricing.min_volume", "lever.pricing.vw_source", "lever.pricing.vw_bound",
                    "lever.pricing.vw_currency.sample", "lever.pricing.vw_currency.upload")


def apply(new_scenario) -> None:
    set_scenario(new_scenario, "apply", keep=PRICING_SETTINGS)  # stay on the stream just priced, with the same goal


if result.price is not None and st.button(t("pricing.apply", lang()), key="pricing.apply", on_click=apply,
                                          args=(priced(scenario, i, result.price),)):
    st.success(t("pricing.applied", lang(), price=fmt.price(result.price, cur, lang()), stream=plain(stream.name)))

# --- tiered plans
with st.expander(t("pricing.tiers", lang())):
    if not isinstance(stream, SubscriptionStream):
        st.info(t("pricing.tiers_subscription_only", lang()))
    else:
        st.caption(t("pricing.tiers_intro", lang()))
        wtp = stream.demand if stream.demand is not None and stream.demand.model == "wtp" else None
        left, middle, right = st.columns(3)
        prospects = left.number_input(t("pricing.prospects", lang()), 1.0, 1e7,
                                      float(max(1.0, 3 * stream.new_customers_per_month)), key=wkey(f"lever.tiers.prospects.{i}"))
        median = middle.number_input(t("pricing.median_wtp", lang(), currency=cur), 0.01, 1e9,
                                     float(wtp.median_wtp if wtp else 1.5 * price_now), key=wkey(f"lever.tiers.median.{i}"))
        sigma = right.slider(t("pricing.wtp_sigma", lang()), 0.1, 2.0, float(wtp.wtp_sigma if wtp else 0.8), 0.05,
                             key=wkey(f"lever.tiers.sigma.{i}"))
        values = st.columns(len(DEFAULT_TIERS))
        plan = {d.name: t(f"pricing.plan.{d.name.lower()}", lang()) for d in DEFAULT_TIERS}  # in the reader's language
        tiers = tuple(Tier(plan[d.name], col.slider(t("pricing.tier_value", lang(), plan=plan[d.name]), 0.05, 6.0, d.value,
                                                    0.05, key=wkey(f"lever.tiers.value.{d.name}")), d.tokens, d.free)
                      for col, d in zip(values, DEFAULT_TIERS, strict=True))
        tier_objective = "npv" if objective == "npv" else "gross_profit"
        plans = tier_optimum(scenario, i, tiers, median, sigma, prospects, tier_objective)
        st.subheader(t("pricing.tier_result", lang(), objective=t(f"pricing.objective.{tier_objective}", lang()).lower()))
        st.dataframe(tier_table(plans, cur, lang()), hide_index=True)
        st.caption(t("pricing.tier.report", lang(), evaluations=plans.evaluations, iterations=plans.iterations,
                     status=t("pricing.converged" if plans.converged else "pricing.not_converged", lang()),
                     gross=fmt.money(plans.gross_profit, cur, lang()), npv=fmt.money(plans.npv, cur, lang())))
        st.button(t("pricing.tier.apply", lang(), stream=stream.name), key="pricing.apply_tiers", on_click=apply,
                  args=(apply_tiers(scenario, i, plans),), help=t("pricing.tier.apply_help", lang()))
