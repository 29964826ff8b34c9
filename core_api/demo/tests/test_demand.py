"""Statistical properties of the demand generator, on a long synthetic series (no database)."""

import math
import random
from datetime import date, timedelta

import numpy as np
import pytest

from demo.catalogue import CUSTOMERS
from demo.demand import WEEKDAY_FACTORS, plan_orders, plan_promotions, seasonal, weekly_totals

START = date(2015, 1, 5)  # a Monday
END = date(2020, 12, 27)
YEAR_WEEKS = 365.25 / 7


@pytest.fixture(scope="module")
def orders():
    return plan_orders(random.Random(3), CUSTOMERS, START, END, origin=START, volume=0.6)


def _weekly(orders, article=None) -> np.ndarray:
    totals = weekly_totals(orders, article=article)
    weeks = [START + timedelta(weeks=k) for k in range((END - START).days // 7 + 1)]
    return np.array([totals.get(week, 0.0) for week in weeks])


def _fit(y: np.ndarray):
    """OLS y = a + b·t + c·cos(2πt/52.18) + d·sin(2πt/52.18): coefficients and standard errors."""
    t = np.arange(len(y), dtype=float)
    X = np.column_stack(
        [np.ones_like(t), t / YEAR_WEEKS, np.cos(2 * np.pi * t / YEAR_WEEKS), np.sin(2 * np.pi * t / YEAR_WEEKS)]
    )
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    residual = y - X @ beta
    sigma2 = residual @ residual / (len(y) - X.shape[1])
    se = np.sqrt(np.diag(sigma2 * np.linalg.inv(X.T @ X)))
    return beta, se


def test_volume_is_about_5000_lines_in_three_years(orders):
    first_three_years = [o for o in orders if o.order_date < START + timedelta(days=3 * 365)]
    lines = sum(len(o.lines) for o in first_three_years)
    assert 4000 <= lines <= 6500


def test_trend_is_positive_and_significant(orders):
    beta, se = _fit(_weekly(orders))
    assert beta[1] > 0
    assert beta[1] / se[1] > 4


@pytest.mark.parametrize("article", [None, "SJ180"])
def test_yearly_amplitude_is_significant(orders, article):
    beta, se = _fit(_weekly(orders, article))
    amplitude = math.hypot(beta[2], beta[3])
    assert amplitude / max(se[2], se[3]) > 3
    assert amplitude / beta[0] > 0.08  # a visible swing, not a rounding artefact


def test_autocorrelation_at_lag_52_is_positive_for_a_knit_article(orders):
    y = _weekly(orders, "SJ180")
    t = np.arange(len(y))
    detrended = y - np.polyval(np.polyfit(t, y, 1), t)
    lag52 = np.corrcoef(detrended[:-52], detrended[52:])[0, 1]
    # Under no seasonality the lag-52 autocorrelation of ~260 weeks is ~N(0, 1/√208).
    assert lag52 > 2 / math.sqrt(len(y) - 52)


def test_knit_peak_is_in_spring(orders):
    beta, _ = _fit(_weekly(orders, "SJ180"))
    peak_week = (math.atan2(beta[3], beta[2]) / (2 * math.pi) * YEAR_WEEKS) % YEAR_WEEKS
    # SJ180 peaks on day 95 of the year (its buyers' own seasons pull it around a little).
    assert 4 <= peak_week <= 24


def test_weekday_effect(orders):
    by_weekday = np.zeros(7)
    days = np.zeros(7)
    day = START
    while day <= END:
        days[day.weekday()] += 1
        day += timedelta(days=1)
    for order in orders:
        by_weekday[order.order_date.weekday()] += sum(float(line.qty) for line in order.lines)
    mean = by_weekday / days
    assert mean[0] > 2.5 * mean[6]  # Monday against Sunday
    assert mean[0] > mean[4]  # Monday against Friday
    assert np.argmax(mean) == int(np.argmax(WEEKDAY_FACTORS))


def test_promotions_lift_what_they_promote():
    rng = random.Random(11)
    promotions = plan_promotions(rng, START, END, ["SJ180"])
    assert promotions
    with_promo = plan_orders(random.Random(5), CUSTOMERS, START, END, origin=START, promotions=promotions)
    without = plan_orders(random.Random(5), CUSTOMERS, START, END, origin=START)
    promoted = sum(_weekly(with_promo, "SJ180"))
    plain = sum(_weekly(without, "SJ180"))
    assert promoted > plain * 1.03


def test_seasonal_factor_shape():
    assert seasonal(date(2021, 4, 5), 95, 0.35) == pytest.approx(1.35, abs=0.01)
    assert seasonal(date(2021, 10, 4), 95, 0.35) == pytest.approx(0.65, abs=0.02)


def test_same_seed_same_plan_different_seed_different_plan():
    a = plan_orders(random.Random(1), CUSTOMERS, START, START + timedelta(days=90), origin=START)
    b = plan_orders(random.Random(1), CUSTOMERS, START, START + timedelta(days=90), origin=START)
    c = plan_orders(random.Random(2), CUSTOMERS, START, START + timedelta(days=90), origin=START)
    assert a == b
    assert a != c
