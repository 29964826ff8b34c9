"""Textile unit conversions (DESIGN §3.1). Decimal in, Decimal out: never float in the ledger.

Yarn count: tex = 590.5 / Ne; Nm = 1000 / tex; denier = 9 × tex.
Fabric: kg = length_m × width_m × GSM / 1000; metres = kg × 1000 / (GSM × width_m); oz/yd² = GSM / 33.91.
"""

from decimal import Decimal

NE_TEX = Decimal("590.5")
OZ_YD2_PER_GSM = Decimal("33.91")


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def yarn_count_to_tex(value, system: str) -> Decimal:
    value, system = _d(value), system.lower()
    if value <= 0:
        raise ValueError("a yarn count must be greater than zero")
    if system == "tex":
        return value
    if system == "ne":
        return NE_TEX / value
    if system == "nm":
        return Decimal(1000) / value
    if system == "denier":
        return value / Decimal(9)
    raise ValueError(f"unknown yarn count system {system!r} (ne, nm, tex, denier)")


def yarn_count_convert(value, from_system: str, to_system: str) -> Decimal:
    tex = yarn_count_to_tex(value, from_system)
    to_system = to_system.lower()
    if to_system == "tex":
        return tex
    if to_system == "ne":
        return NE_TEX / tex
    if to_system == "nm":
        return Decimal(1000) / tex
    if to_system == "denier":
        return tex * Decimal(9)
    raise ValueError(f"unknown yarn count system {to_system!r} (ne, nm, tex, denier)")


def fabric_kg_from_m(length_m, width_cm, gsm) -> Decimal:
    return _d(length_m) * (_d(width_cm) / Decimal(100)) * _d(gsm) / Decimal(1000)


def fabric_m_from_kg(kg, width_cm, gsm) -> Decimal:
    width_m = _d(width_cm) / Decimal(100)
    if width_m <= 0 or _d(gsm) <= 0:
        raise ValueError("width and GSM must be greater than zero")
    return _d(kg) * Decimal(1000) / (_d(gsm) * width_m)


def gsm_to_oz_per_yd2(gsm) -> Decimal:
    return _d(gsm) / OZ_YD2_PER_GSM
