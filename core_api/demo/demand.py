"""The demo mill's demand: sales order lines with trend, yearly and weekly seasonality and promotions.

Pure Python (no database): `plan_orders` turns customer profiles and a date range into planned
orders, deterministically for a `random.Random`. The rate of orders of a customer on a day is

    orders_per_week / 7 × trend(day) × weekday(day) × season(day) × promotion(day)

where trend grows linearly (`TREND_PER_YEAR`), weekday follows `WEEKDAY_FACTORS` (mills take
orders on working days), season is 1 + A·cos(2π(doy − peak)/365.25) with the customer's own peak or
its articles', and an active promotion on the customer's articles lifts both how often it orders and
how much. Line quantities are log-normal around the customer's typical line.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .catalogue import ARTICLE_BY_CODE, COLOURS, CustomerProfile

TREND_PER_YEAR = 0.15
ARTICLE_SEASON_AMPLITUDE = 0.35
# Monday … Sunday; mean 1.
WEEKDAY_FACTORS = (1.30, 1.25, 1.15, 1.10, 1.00, 0.90, 0.30)
PROMOTIONS_PER_YEAR = 4
PROMOTION_DAYS = 14
PROMOTION_UPLIFT = 1.8
LINE_SIGMA = 0.45


@dataclass(frozen=True)
class Promotion:
    start: date
    end: date  # inclusive
    articles: frozenset[str]
    uplift: float

    def active(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class PlannedLine:
    article: str
    colour: str
    qty: Decimal  # metres
    unit_price: Decimal
    requested_date: date


@dataclass(frozen=True)
class PlannedOrder:
    order_date: date
    customer: str
    lines: tuple[PlannedLine, ...]
    promotion: bool = False


def seasonal(day: date, peak_doy: int, amplitude: float) -> float:
    doy = day.timetuple().tm_yday
    return 1.0 + amplitude * math.cos(2 * math.pi * (doy - peak_doy) / 365.25)


def trend(day: date, origin: date) -> float:
    return 1.0 + TREND_PER_YEAR * (day - origin).days / 365.25


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method: fine for the small rates of one customer on one day."""
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def plan_promotions(rng: random.Random, start: date, end: date, articles: list[str]) -> list[Promotion]:
    """A few two-week promotions a year, each on a handful of articles."""
    promotions = []
    year_days = 365
    count = max(1, round(PROMOTIONS_PER_YEAR * ((end - start).days + 1) / year_days))
    span = max((end - start).days - PROMOTION_DAYS, 1)
    for _ in range(count):
        first = start + timedelta(days=rng.randrange(span))
        chosen = frozenset(rng.sample(articles, k=min(3, len(articles))))
        promotions.append(Promotion(first, first + timedelta(days=PROMOTION_DAYS - 1), chosen, PROMOTION_UPLIFT))
    return sorted(promotions, key=lambda p: (p.start, sorted(p.articles)))


def _customer_season(customer: CustomerProfile, day: date) -> float:
    if customer.season_peak_doy is not None:
        return seasonal(day, customer.season_peak_doy, customer.season_amplitude)
    # No own peak: the season of what it buys (articles peak at different times of the year).
    values = [seasonal(day, ARTICLE_BY_CODE[a].season_peak_doy, ARTICLE_SEASON_AMPLITUDE) for a in customer.articles]
    return sum(values) / len(values)


def _round_metres(qty: float) -> Decimal:
    return Decimal(max(10, int(round(qty / 10.0)) * 10))


def plan_orders(
    rng: random.Random,
    customers: tuple[CustomerProfile, ...] | list[CustomerProfile],
    start: date,
    end: date,
    *,
    origin: date | None = None,
    promotions: list[Promotion] | None = None,
    volume: float = 1.0,
) -> list[PlannedOrder]:
    """Orders dated from `start` to `end` (inclusive), day by day, customers in their given order."""
    origin = origin or start
    promotions = promotions or []
    orders: list[PlannedOrder] = []
    day = start
    while day <= end:
        weekday = WEEKDAY_FACTORS[day.weekday()]
        active = [p for p in promotions if p.active(day)]
        growth = trend(day, origin)
        for customer in customers:
            promo_articles = {a for p in active for a in p.articles} & set(customer.articles)
            lift = PROMOTION_UPLIFT if (promo_articles and customer.promo_sensitive) else 1.0
            lam = customer.orders_per_week / 7.0 * growth * weekday * _customer_season(customer, day) * lift
            for _ in range(poisson(rng, lam)):
                orders.append(_order(rng, customer, day, promo_articles, volume))
        day += timedelta(days=1)
    return orders


def _order(rng: random.Random, customer: CustomerProfile, day: date, promo_articles: set[str], volume: float):
    n_lines = rng.randint(1, customer.max_lines)
    options = []
    weights = []
    for code in customer.articles:
        art = ARTICLE_BY_CODE[code]
        season = seasonal(day, art.season_peak_doy, ARTICLE_SEASON_AMPLITUDE)
        promo = PROMOTION_UPLIFT if code in promo_articles else 1.0
        for colour in art.colours:
            options.append((code, colour))
            weights.append(art.popularity * COLOURS[colour].popularity * season * promo)
    chosen: list[tuple[str, str]] = []
    for _ in range(min(n_lines, len(options))):
        pick = rng.choices(range(len(options)), weights=weights)[0]
        if options[pick] not in chosen:
            chosen.append(options[pick])
    lines = []
    for code, colour in chosen:
        art = ARTICLE_BY_CODE[code]
        size = customer.line_metres * volume * math.exp(rng.gauss(0, LINE_SIGMA) - LINE_SIGMA**2 / 2)
        if code in promo_articles:
            size *= 1.25
        price = (Decimal(art.price) * Decimal(str(1 - customer.discount))).quantize(Decimal("0.01"))
        requested = day + timedelta(days=customer.lead_days + rng.randint(0, 7))
        lines.append(PlannedLine(code, colour, _round_metres(size), price, requested))
    return PlannedOrder(day, customer.code, tuple(lines), bool(promo_articles))


def weekly_totals(orders: list[PlannedOrder], *, article: str | None = None) -> dict[date, float]:
    """Ordered metres per ISO week (keyed by Monday), optionally for one article."""
    totals: dict[date, float] = {}
    for order in orders:
        monday = order.order_date - timedelta(days=order.order_date.weekday())
        qty = sum(float(line.qty) for line in order.lines if article is None or line.article == article)
        totals[monday] = totals.get(monday, 0.0) + qty
    return totals
