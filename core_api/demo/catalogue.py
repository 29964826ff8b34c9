"""The demo mill's master data as plain Python: what it buys, makes and sells, and from and to whom.

Nothing here touches the database; `seed.py` creates these through the services. Keeping the
catalogue declarative lets the demand generator and the planners compute factors (yarn per metre
of a finished article, dye per kg) without queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

D = Decimal


@dataclass(frozen=True)
class Yarn:
    code: str
    name: str
    count_value: str
    count_system: str  # "ne" or "denier"
    composition: dict[str, str]
    cost: str  # per kg


@dataclass(frozen=True)
class Consumable:
    """A dye or a chemical, bought by the kg."""

    code: str
    name: str
    kind: str  # "dye" or "chemical"
    cost: str


@dataclass(frozen=True)
class Article:
    """A fabric quality: its greige, how it is made, and the colours it sells in."""

    code: str
    name: str
    family: str  # "knit" or "woven"
    stage: str  # "knitting" or "weaving"
    construction: str
    yarns: tuple[tuple[str, str], ...]  # (yarn code, share of the greige mass)
    greige_gsm: int
    greige_width_cm: int
    gsm: int  # finished
    width_cm: int  # finished
    price: str  # list price per finished metre
    colours: tuple[str, ...]
    popularity: float = 1.0
    season_peak_doy: int = 80  # day of year when orders peak
    composition: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Colour:
    code: str
    name: str
    lab: tuple[float, float, float]  # approved lab dip, CIE L*a*b*
    dyes: tuple[tuple[str, str], ...]  # (dye code, kg per kg of fabric)
    popularity: float = 1.0


@dataclass(frozen=True)
class SupplierProfile:
    code: str
    name: str
    supplies: tuple[str, ...]  # material codes
    lead_days: int  # promised lead time on the price list
    late_probability: float  # share of deliveries after the promised date
    max_late_days: int
    reject_probability: float  # share of lots failing incoming inspection
    split_probability: float = 0.15  # share of orders delivered in two parts
    price_factor: float = 1.0
    terms: str = "30 days net"


@dataclass(frozen=True)
class CustomerProfile:
    code: str
    name: str
    points_threshold: int  # 4-point acceptance (40 common, 28 or 20 for strict buyers)
    shade_tolerance: str  # ΔE00
    orders_per_week: float
    articles: tuple[str, ...]  # article codes the customer buys
    line_metres: float  # typical line size
    max_lines: int
    lead_days: int  # requested delivery after the order date
    season_peak_doy: int | None = None  # own seasonality (None: follows the articles)
    season_amplitude: float = 0.3
    discount: float = 0.0
    promo_sensitive: bool = False


YARNS = (
    Yarn("Y-NE20-CD", "Ne 20/1 carded cotton", "20", "ne", {"cotton": "100"}, "2.60"),
    Yarn("Y-NE24-CD", "Ne 24/1 carded cotton", "24", "ne", {"cotton": "100"}, "2.75"),
    Yarn("Y-NE30-CM", "Ne 30/1 combed cotton", "30", "ne", {"cotton": "100"}, "3.40"),
    Yarn("Y-NE30-CMP", "Ne 30/1 compact combed cotton", "30", "ne", {"cotton": "100"}, "3.65"),
    Yarn("Y-NE40-CM", "Ne 40/1 combed cotton", "40", "ne", {"cotton": "100"}, "4.10"),
    Yarn("Y-NE30-ORG", "Ne 30/1 organic combed cotton", "30", "ne", {"cotton": "100"}, "4.60"),
    Yarn("Y-NE30-CVC", "Ne 30/1 CVC 60/40", "30", "ne", {"cotton": "60", "polyester": "40"}, "2.95"),
    Yarn("Y-NE30-PC", "Ne 30/1 PC 65/35", "30", "ne", {"polyester": "65", "cotton": "35"}, "2.70"),
    Yarn("Y-NE40-PC", "Ne 40/1 PC 65/35", "40", "ne", {"polyester": "65", "cotton": "35"}, "3.05"),
    Yarn("Y-NE30-VIS", "Ne 30/1 viscose", "30", "ne", {"viscose": "100"}, "2.90"),
    Yarn("Y-NE40-MOD", "Ne 40/1 modal", "40", "ne", {"modal": "100"}, "4.30"),
    Yarn("Y-NE20-LC", "Ne 20/1 linen-cotton 55/45", "20", "ne", {"linen": "55", "cotton": "45"}, "5.20"),
    Yarn("Y-NE10-OE", "Ne 10/1 open-end cotton (denim warp)", "10", "ne", {"cotton": "100"}, "2.20"),
    Yarn("Y-NE12-SLB", "Ne 12/1 open-end slub (denim weft)", "12", "ne", {"cotton": "100"}, "2.35"),
    Yarn("Y-PES-75D", "Polyester 75D/36F DTY", "75", "denier", {"polyester": "100"}, "1.90"),
    Yarn("Y-PES-150D", "Polyester 150D/48F DTY", "150", "denier", {"polyester": "100"}, "1.65"),
    Yarn("Y-PES-100D", "Polyester 100D/96F microfilament", "100", "denier", {"polyester": "100"}, "2.10"),
    Yarn("Y-EL-20D", "Elastane 20D", "20", "denier", {"elastane": "100"}, "7.80"),
    Yarn("Y-EL-40D", "Elastane 40D", "40", "denier", {"elastane": "100"}, "6.90"),
    Yarn("Y-NE40-2CM", "Ne 40/2 combed cotton ply", "20", "ne", {"cotton": "100"}, "4.50"),
)

CONSUMABLES = (
    Consumable("DY-RX-RED", "Reactive red 3BS", "dye", "9.50"),
    Consumable("DY-RX-YEL", "Reactive yellow 3RS", "dye", "8.70"),
    Consumable("DY-RX-BLU", "Reactive blue BB", "dye", "10.20"),
    Consumable("DY-RX-NVY", "Reactive navy WB", "dye", "11.40"),
    Consumable("DY-RX-BLK", "Reactive black B", "dye", "6.80"),
    Consumable("DY-RX-TUR", "Reactive turquoise G", "dye", "12.60"),
    Consumable("DY-DS-BLU", "Disperse blue 2BLN", "dye", "9.90"),
    Consumable("DY-DS-RED", "Disperse red 3B", "dye", "9.10"),
    Consumable("DY-DS-YEL", "Disperse yellow brown", "dye", "8.40"),
    Consumable("DY-DS-BLK", "Disperse black ECO", "dye", "7.60"),
    Consumable("DY-IND", "Indigo granules 94%", "dye", "5.80"),
    Consumable("DY-SUL-BLK", "Sulphur black BR", "dye", "3.20"),
    Consumable("DY-OBA", "Optical brightener", "dye", "6.10"),
    Consumable("DY-VAT-OLV", "Vat olive green B", "dye", "14.80"),
    Consumable("DY-RX-BRN", "Reactive brown GR", "dye", "9.30"),
    Consumable("CH-SALT", "Glauber salt", "chemical", "0.18"),
    Consumable("CH-SODA", "Soda ash", "chemical", "0.32"),
    Consumable("CH-CAUS", "Caustic soda flakes", "chemical", "0.55"),
    Consumable("CH-H2O2", "Hydrogen peroxide 50%", "chemical", "0.62"),
    Consumable("CH-WET", "Wetting agent", "chemical", "2.40"),
    Consumable("CH-SEQ", "Sequestering agent", "chemical", "2.10"),
    Consumable("CH-LEV", "Levelling agent", "chemical", "2.90"),
    Consumable("CH-FIX", "Cationic fixing agent", "chemical", "3.10"),
    Consumable("CH-SOFT", "Silicone softener", "chemical", "3.80"),
    Consumable("CH-ACID", "Acetic acid", "chemical", "0.90"),
    Consumable("CH-SIZE", "PVA sizing agent", "chemical", "1.70"),
    Consumable("CH-HYDRO", "Sodium hydrosulphite", "chemical", "1.25"),
)

COLOURS = {
    "WHT": Colour("WHT", "optic white", (95.5, -0.5, -4.0), (("DY-OBA", "0.004"),), 1.3),
    "BLK": Colour("BLK", "jet black", (16.5, 0.3, -0.8), (("DY-RX-BLK", "0.065"),), 1.6),
    "NVY": Colour("NVY", "navy", (22.0, 2.5, -18.0), (("DY-RX-NVY", "0.045"), ("DY-RX-BLK", "0.008")), 1.5),
    "RED": Colour("RED", "true red", (44.0, 62.0, 38.0), (("DY-RX-RED", "0.035"), ("DY-RX-YEL", "0.006")), 0.9),
    "ROY": Colour("ROY", "royal blue", (35.0, 12.0, -52.0), (("DY-RX-BLU", "0.030"), ("DY-RX-TUR", "0.004")), 0.9),
    "BOT": Colour("BOT", "bottle green", (30.0, -28.0, 6.0), (("DY-RX-TUR", "0.025"), ("DY-RX-YEL", "0.015")), 0.6),
    "KHK": Colour("KHK", "khaki", (58.0, 3.0, 22.0), (("DY-RX-YEL", "0.012"), ("DY-RX-BRN", "0.010")), 0.8),
    "OLV": Colour("OLV", "olive", (40.0, -6.0, 20.0), (("DY-VAT-OLV", "0.030"),), 0.6),
    "BUR": Colour("BUR", "burgundy", (28.0, 32.0, 8.0), (("DY-RX-RED", "0.040"), ("DY-RX-BLU", "0.008")), 0.6),
    "SKY": Colour("SKY", "sky blue", (72.0, -6.0, -22.0), (("DY-RX-BLU", "0.006"), ("DY-RX-TUR", "0.003")), 0.7),
    "GRY": Colour("GRY", "charcoal grey", (38.0, 0.0, -2.0), (("DY-RX-BLK", "0.025"),), 1.0),
    "PNK": Colour("PNK", "blush pink", (78.0, 16.0, 6.0), (("DY-RX-RED", "0.004"),), 0.5),
    "IND": Colour("IND", "indigo", (30.0, 4.0, -22.0), (("DY-IND", "0.030"),), 1.4),
    "IND-DK": Colour("IND-DK", "dark indigo", (22.0, 3.0, -16.0), (("DY-IND", "0.045"), ("DY-SUL-BLK", "0.01")), 1.0),
    "SBK": Colour("SBK", "sulphur black", (18.0, 0.5, -1.5), (("DY-SUL-BLK", "0.080"),), 0.8),
}

KNIT_COLOURS = ("WHT", "BLK", "NVY", "RED", "ROY", "BOT", "KHK", "BUR", "SKY", "GRY", "PNK")
WOVEN_COLOURS = ("WHT", "BLK", "NVY", "KHK", "OLV", "BUR", "SKY", "GRY", "ROY")
DENIM_COLOURS = ("IND", "IND-DK", "SBK")

ARTICLES = (
    Article(
        "SJ160",
        "Single jersey 160 combed",
        "knit",
        "knitting",
        "single jersey, 24G",
        (("Y-NE30-CM", "1"),),
        150,
        185,
        160,
        180,
        "3.10",
        KNIT_COLOURS,
        1.6,
        95,
    ),
    Article(
        "SJ180",
        "Single jersey 180 compact",
        "knit",
        "knitting",
        "single jersey, 24G",
        (("Y-NE30-CMP", "1"),),
        168,
        185,
        180,
        180,
        "3.35",
        KNIT_COLOURS,
        1.8,
        95,
    ),
    Article(
        "SJ200L",
        "Single jersey 200 lycra",
        "knit",
        "knitting",
        "single jersey plated, 28G",
        (("Y-NE40-CM", "0.95"), ("Y-EL-20D", "0.05")),
        185,
        170,
        200,
        160,
        "3.90",
        KNIT_COLOURS,
        1.2,
        80,
    ),
    Article(
        "SJCVC",
        "Single jersey CVC 170",
        "knit",
        "knitting",
        "single jersey, 24G",
        (("Y-NE30-CVC", "1"),),
        158,
        185,
        170,
        180,
        "2.95",
        KNIT_COLOURS,
        1.0,
        100,
    ),
    Article(
        "INT220",
        "Interlock 220",
        "knit",
        "knitting",
        "interlock, 24G",
        (("Y-NE40-CM", "1"),),
        205,
        170,
        220,
        165,
        "3.95",
        KNIT_COLOURS,
        0.9,
        290,
    ),
    Article(
        "INT240P",
        "Interlock 240 PC",
        "knit",
        "knitting",
        "interlock, 24G",
        (("Y-NE30-PC", "1"),),
        225,
        170,
        240,
        165,
        "3.60",
        KNIT_COLOURS,
        0.7,
        300,
    ),
    Article(
        "RIB250L",
        "Rib 1x1 250 lycra",
        "knit",
        "knitting",
        "1x1 rib, 18G",
        (("Y-NE30-CM", "0.94"), ("Y-EL-40D", "0.06")),
        232,
        110,
        250,
        100,
        "4.20",
        KNIT_COLOURS,
        0.8,
        85,
    ),
    Article(
        "RIB280",
        "Rib 2x2 280",
        "knit",
        "knitting",
        "2x2 rib, 16G",
        (("Y-NE24-CD", "1"),),
        262,
        110,
        280,
        100,
        "3.80",
        KNIT_COLOURS,
        0.6,
        280,
    ),
    Article(
        "PIQ200",
        "Pique 200",
        "knit",
        "knitting",
        "lacoste pique, 24G",
        (("Y-NE30-CM", "0.5"), ("Y-NE30-CVC", "0.5")),
        188,
        180,
        200,
        175,
        "3.70",
        KNIT_COLOURS,
        0.9,
        110,
    ),
    Article(
        "POP110",
        "Poplin 110 combed",
        "woven",
        "weaving",
        "poplin 133x72, 40x40",
        (("Y-NE40-CM", "0.55"), ("Y-NE40-2CM", "0.45")),
        104,
        155,
        110,
        147,
        "3.20",
        WOVEN_COLOURS,
        1.3,
        240,
    ),
    Article(
        "POP120P",
        "Poplin 120 PC",
        "woven",
        "weaving",
        "poplin 110x76, 45x45",
        (("Y-NE40-PC", "1"),),
        113,
        155,
        120,
        147,
        "2.60",
        WOVEN_COLOURS,
        1.1,
        230,
    ),
    Article(
        "TWL200",
        "Twill 3/1 200",
        "woven",
        "weaving",
        "3/1 twill 108x56, 20x16",
        (("Y-NE20-CD", "0.6"), ("Y-NE24-CD", "0.4")),
        190,
        160,
        200,
        150,
        "3.80",
        WOVEN_COLOURS,
        1.0,
        250,
    ),
    Article(
        "TWL240S",
        "Twill 240 stretch",
        "woven",
        "weaving",
        "2/1 twill, 16x16+40D",
        (("Y-NE20-CD", "0.96"), ("Y-EL-40D", "0.04")),
        226,
        165,
        240,
        145,
        "4.40",
        WOVEN_COLOURS,
        0.8,
        245,
    ),
    Article(
        "OXF140",
        "Oxford 140",
        "woven",
        "weaving",
        "oxford 2/1 basket",
        (("Y-NE30-CM", "0.5"), ("Y-NE20-LC", "0.5")),
        133,
        160,
        140,
        150,
        "4.10",
        WOVEN_COLOURS,
        0.6,
        120,
    ),
    Article(
        "DNM10",
        "Denim 10 oz",
        "woven",
        "weaving",
        "3/1 RHT, 10x12",
        (("Y-NE10-OE", "0.6"), ("Y-NE12-SLB", "0.4")),
        320,
        160,
        339,
        150,
        "4.60",
        DENIM_COLOURS,
        1.2,
        250,
    ),
    Article(
        "DNM12",
        "Denim 12 oz",
        "woven",
        "weaving",
        "3/1 RHT, 10x10",
        (("Y-NE10-OE", "1"),),
        385,
        160,
        407,
        150,
        "5.10",
        DENIM_COLOURS,
        1.0,
        260,
    ),
    Article(
        "DNM14S",
        "Denim 14 oz stretch",
        "woven",
        "weaving",
        "3/1 LHT, 10x12+40D",
        (("Y-NE10-OE", "0.62"), ("Y-NE12-SLB", "0.35"), ("Y-EL-40D", "0.03")),
        450,
        165,
        475,
        145,
        "6.20",
        DENIM_COLOURS,
        0.9,
        255,
    ),
)

# Losses per stage (percent of the input mass), as the BOMs state them.
KNIT_LOSS = D("3")
WEAVE_LOSS = D("4")
DYE_LOSS = D("6")
FINISH_LOSS = D("2")
# The dyed, unfinished fabric: slightly lighter and wider than finished (finishing compacts it).
DYED_GSM_FACTOR = D("0.97")
DYED_WIDTH_FACTOR = D("1.04")
# Dyebath chemicals per kg of fabric (reactive dyeing of cellulose; denim and blends alike here).
DYE_CHEMICALS = (
    ("CH-SALT", "0.30"),
    ("CH-SODA", "0.08"),
    ("CH-WET", "0.01"),
    ("CH-SEQ", "0.005"),
    ("CH-LEV", "0.01"),
    ("CH-FIX", "0.01"),
    ("CH-ACID", "0.01"),
    ("CH-SOFT", "0.02"),
)
# Finishing (compacting, stentering) is mechanical here: the softener goes in the dye bath.
FINISH_CHEMICALS: tuple[tuple[str, str], ...] = ()
WEAVE_CHEMICALS = (("CH-SIZE", "0.03"),)

SUPPLIERS = (
    # Spinners.
    SupplierProfile(
        "SUP-ARVIND",
        "Arvind Spinning Mills",
        ("Y-NE30-CM", "Y-NE40-CM", "Y-NE30-CMP", "Y-NE40-2CM"),
        21,
        0.05,
        4,
        0.01,
        price_factor=1.04,
    ),
    SupplierProfile("SUP-KPR", "KPR Yarns", ("Y-NE30-CM", "Y-NE24-CD", "Y-NE20-CD", "Y-NE30-CVC"), 18, 0.10, 6, 0.02),
    SupplierProfile(
        "SUP-VARDH",
        "Vardhman Cotton",
        ("Y-NE40-CM", "Y-NE30-ORG", "Y-NE30-CMP", "Y-NE40-MOD"),
        25,
        0.08,
        5,
        0.015,
        price_factor=1.02,
    ),
    SupplierProfile(
        "SUP-NITIN",
        "Nitin Spinners",
        ("Y-NE20-CD", "Y-NE24-CD", "Y-NE10-OE", "Y-NE12-SLB"),
        20,
        0.45,
        21,
        0.03,
        split_probability=0.35,
        price_factor=0.95,
    ),
    SupplierProfile(
        "SUP-SUTLEJ", "Sutlej Blends", ("Y-NE30-PC", "Y-NE40-PC", "Y-NE30-CVC", "Y-NE30-VIS"), 24, 0.30, 12, 0.04
    ),
    SupplierProfile(
        "SUP-DELTA",
        "Delta Yarn Trading",
        ("Y-NE30-CM", "Y-NE20-CD", "Y-NE40-PC", "Y-NE30-VIS"),
        14,
        0.35,
        15,
        0.30,
        price_factor=0.88,
        terms="advance payment",
    ),
    SupplierProfile("SUP-LINO", "Linificio Cotoniere", ("Y-NE20-LC",), 45, 0.15, 10, 0.02, price_factor=1.08),
    SupplierProfile("SUP-DENIMYARN", "Bhilwara Denim Yarns", ("Y-NE10-OE", "Y-NE12-SLB"), 16, 0.12, 7, 0.025),
    SupplierProfile(
        "SUP-BUDGET",
        "Budget Fibre Traders",
        ("Y-NE24-CD", "Y-NE10-OE", "Y-NE30-PC", "Y-NE30-CVC"),
        12,
        0.55,
        25,
        0.35,
        split_probability=0.4,
        price_factor=0.85,
        terms="advance payment",
    ),
    # Filament and elastane.
    SupplierProfile("SUP-RELFIL", "Reliance Filament", ("Y-PES-75D", "Y-PES-150D", "Y-PES-100D"), 15, 0.04, 3, 0.01),
    SupplierProfile("SUP-HYOSUNG", "Hyosung Spandex", ("Y-EL-20D", "Y-EL-40D"), 30, 0.06, 5, 0.005, price_factor=1.05),
    SupplierProfile("SUP-INVISTA", "Invista Lycra Asia", ("Y-EL-20D", "Y-EL-40D"), 35, 0.20, 10, 0.01),
    # Dyes.
    SupplierProfile(
        "SUP-HUNTS",
        "Huntsman Textile Effects",
        ("DY-RX-RED", "DY-RX-YEL", "DY-RX-BLU", "DY-RX-NVY", "DY-RX-BLK", "DY-RX-TUR", "DY-RX-BRN"),
        20,
        0.05,
        4,
        0.005,
        price_factor=1.06,
    ),
    SupplierProfile(
        "SUP-COLOR",
        "Colourtex Industries",
        (
            "DY-RX-RED",
            "DY-RX-YEL",
            "DY-RX-NVY",
            "DY-RX-BLK",
            "DY-DS-BLU",
            "DY-DS-RED",
            "DY-DS-YEL",
            "DY-DS-BLK",
            "DY-OBA",
        ),
        14,
        0.25,
        9,
        0.04,
    ),
    SupplierProfile(
        "SUP-INDIGO", "Indigo Chem Pvt", ("DY-IND", "DY-SUL-BLK", "DY-VAT-OLV", "DY-RX-BRN"), 18, 0.15, 8, 0.02
    ),
    # Chemicals.
    SupplierProfile("SUP-TATA", "Tata Chemicals", ("CH-SALT", "CH-SODA", "CH-CAUS", "CH-H2O2"), 7, 0.03, 2, 0.0),
    SupplierProfile(
        "SUP-RUDOLF",
        "Rudolf Auxiliaries",
        ("CH-WET", "CH-SEQ", "CH-LEV", "CH-FIX", "CH-SOFT"),
        21,
        0.08,
        6,
        0.01,
        price_factor=1.07,
    ),
    SupplierProfile(
        "SUP-SARAS",
        "Sarex Chemicals",
        ("CH-WET", "CH-LEV", "CH-SOFT", "CH-ACID", "CH-SIZE", "CH-HYDRO", "CH-FIX", "CH-SEQ"),
        10,
        0.30,
        10,
        0.05,
    ),
    SupplierProfile(
        "SUP-GUJALK", "Gujarat Alkalies", ("CH-CAUS", "CH-SALT", "CH-SODA", "CH-ACID", "CH-HYDRO"), 9, 0.12, 5, 0.01
    ),
    SupplierProfile("SUP-SIZEX", "Sizex Polymers", ("CH-SIZE",), 12, 0.10, 5, 0.02),
)

KNITS = ("SJ160", "SJ180", "SJ200L", "SJCVC", "INT220", "INT240P", "RIB250L", "RIB280", "PIQ200")
WOVENS = ("POP110", "POP120P", "TWL200", "TWL240S", "OXF140")
DENIMS = ("DNM10", "DNM12", "DNM14S")

CUSTOMERS = (
    CustomerProfile("C-ZARA", "Inditex Sourcing", 20, "0.80", 1.10, KNITS + WOVENS, 220, 4, 21, 70, 0.4, 0.06, True),
    CustomerProfile("C-HM", "H&M Production", 28, "1.00", 1.00, KNITS, 260, 4, 28, 60, 0.45, 0.05, True),
    CustomerProfile(
        "C-MARKS",
        "Marks & Spencer",
        20,
        "0.80",
        0.55,
        ("SJ160", "SJ180", "INT220", "PIQ200", "POP110"),
        180,
        3,
        35,
        None,
        0.3,
        0.03,
    ),
    CustomerProfile(
        "C-NEXT",
        "Next Sourcing",
        28,
        "1.00",
        0.55,
        ("SJ180", "SJCVC", "PIQ200", "TWL200", "OXF140"),
        150,
        3,
        28,
        250,
        0.35,
    ),
    CustomerProfile(
        "C-LEVIS", "Levi Strauss Sourcing", 28, "1.00", 0.60, DENIMS + ("TWL240S",), 300, 3, 35, 240, 0.4, 0.04
    ),
    CustomerProfile(
        "C-GAP", "Gap International", 28, "1.00", 0.50, KNITS[:5] + DENIMS, 200, 3, 28, 75, 0.35, 0.03, True
    ),
    CustomerProfile(
        "C-DECATH",
        "Decathlon Production",
        20,
        "0.80",
        0.45,
        ("SJ200L", "RIB250L", "INT240P", "SJCVC"),
        240,
        2,
        30,
        45,
        0.5,
        0.05,
    ),
    CustomerProfile(
        "C-PRIMARK",
        "Primark Stores",
        40,
        "1.50",
        0.70,
        ("SJ160", "SJCVC", "POP120P", "DNM10"),
        350,
        3,
        21,
        280,
        0.45,
        0.08,
        True,
    ),
    CustomerProfile(
        "C-UNIQLO",
        "Fast Retailing",
        20,
        "0.80",
        0.40,
        ("SJ180", "INT220", "RIB280", "POP110", "OXF140"),
        200,
        3,
        42,
        None,
        0.3,
        0.02,
    ),
    CustomerProfile(
        "C-TOMMY", "PVH Europe", 28, "1.00", 0.35, ("PIQ200", "OXF140", "POP110", "TWL200"), 140, 3, 35, 110, 0.3
    ),
    CustomerProfile("C-BESTS", "Bestseller", 28, "1.00", 0.55, KNITS + DENIMS, 180, 4, 21, 85, 0.35, 0.03, True),
    CustomerProfile(
        "C-MANGO", "Mango Sourcing", 28, "1.00", 0.40, ("SJ200L", "POP110", "TWL240S", "RIB250L"), 120, 3, 28, 65, 0.4
    ),
    CustomerProfile(
        "C-LOCAL1",
        "Tirupur Garments Co",
        40,
        "1.50",
        0.80,
        ("SJ160", "SJCVC", "RIB280", "INT240P"),
        90,
        2,
        10,
        None,
        0.2,
        0.0,
        True,
    ),
    CustomerProfile(
        "C-LOCAL2",
        "Bangalore Apparel Exports",
        40,
        "1.50",
        0.65,
        ("SJ180", "PIQ200", "POP120P", "TWL200"),
        110,
        3,
        14,
        100,
        0.3,
    ),
    CustomerProfile(
        "C-LOCAL3",
        "Ludhiana Knit House",
        40,
        "1.50",
        0.50,
        ("INT220", "INT240P", "RIB280", "SJ160"),
        130,
        2,
        14,
        300,
        0.55,
    ),
    CustomerProfile(
        "C-UNIF1", "Uniform Works Ltd", 40, "1.20", 0.30, ("TWL200", "POP120P", "PIQ200"), 400, 2, 45, None, 0.1
    ),
    CustomerProfile(
        "C-UNIF2", "Corporate Wear Group", 28, "1.00", 0.25, ("POP110", "POP120P", "TWL200"), 300, 2, 42, 200, 0.2
    ),
    CustomerProfile(
        "C-SPORT", "Active Sportswear", 20, "0.80", 0.35, ("SJ200L", "RIB250L", "INT240P"), 160, 2, 21, 40, 0.5
    ),
    CustomerProfile(
        "C-KIDS", "Little Ones Clothing", 20, "0.80", 0.35, ("SJ160", "INT220", "RIB250L"), 90, 3, 21, 230, 0.4
    ),
    CustomerProfile("C-DENIMCO", "Denim Brothers", 28, "1.20", 0.40, DENIMS, 280, 3, 30, 250, 0.3, 0.02),
    CustomerProfile(
        "C-WORKW", "Workwear Direct", 40, "1.50", 0.30, ("DNM12", "DNM14S", "TWL240S", "TWL200"), 250, 2, 21, None, 0.2
    ),
    CustomerProfile(
        "C-ONLINE", "Fabric Online Store", 40, "1.50", 1.20, KNITS + WOVENS, 40, 2, 7, None, 0.25, 0.0, True
    ),
    CustomerProfile("C-EXPORT1", "Dhaka Export House", 28, "1.20", 0.35, KNITS, 320, 3, 35, 330, 0.4, 0.05),
    CustomerProfile(
        "C-EXPORT2", "Colombo Apparel", 28, "1.00", 0.30, ("SJ180", "SJ200L", "PIQ200", "POP110"), 220, 3, 35, 60, 0.4
    ),
    CustomerProfile(
        "C-HOME", "Home Textiles Co", 40, "1.20", 0.25, ("POP110", "TWL200", "OXF140"), 350, 2, 30, 300, 0.3
    ),
)


def article(code: str) -> Article:
    return ARTICLE_BY_CODE[code]


ARTICLE_BY_CODE = {a.code: a for a in ARTICLES}
YARN_BY_CODE = {y.code: y for y in YARNS}
CONSUMABLE_BY_CODE = {c.code: c for c in CONSUMABLES}


def greige_code(art: Article) -> str:
    return f"G-{art.code}"


def dyed_code(art: Article, colour: str) -> str:
    return f"D-{art.code}-{colour}"


def finished_code(art: Article, colour: str) -> str:
    return f"F-{art.code}-{colour}"


def skus() -> list[tuple[Article, str]]:
    """Every finished article × colour, in a fixed order."""
    return [(art, colour) for art in ARTICLES for colour in art.colours]


def dyed_geometry(art: Article) -> tuple[Decimal, Decimal]:
    """GSM and width (cm) of the dyed, unfinished fabric."""
    return (D(art.gsm) * DYED_GSM_FACTOR).quantize(D("0.01")), (D(art.width_cm) * DYED_WIDTH_FACTOR).quantize(D("0.01"))


def kg_per_metre(gsm, width_cm) -> Decimal:
    return D(gsm) * D(width_cm) / D(100) / D(1000)


def dyed_per_finished_m(art: Article) -> Decimal:
    """Dyed metres per finished metre before loss: equal mass (finishing compacts, it does not add)."""
    gsm, width = dyed_geometry(art)
    return (kg_per_metre(art.gsm, art.width_cm) / kg_per_metre(gsm, width)).quantize(D("0.000001"))


def greige_per_dyed_m(art: Article) -> Decimal:
    gsm, width = dyed_geometry(art)
    return (kg_per_metre(gsm, width) / kg_per_metre(art.greige_gsm, art.greige_width_cm)).quantize(D("0.000001"))


def consumption_per_finished_m(art: Article, colour: str) -> dict[str, Decimal]:
    """Purchased material (yarn, dye, chemical code → kg) and greige metres per finished metre, losses included."""
    keep = 1 - FINISH_LOSS / 100
    dyed_m = dyed_per_finished_m(art) / keep
    gsm_d, width_d = dyed_geometry(art)
    dyed_kg = dyed_m * kg_per_metre(gsm_d, width_d)
    greige_m = dyed_m * greige_per_dyed_m(art) / (1 - DYE_LOSS / 100)
    greige_kg = greige_m * kg_per_metre(art.greige_gsm, art.greige_width_cm)
    loss = KNIT_LOSS if art.stage == "knitting" else WEAVE_LOSS
    needs: dict[str, Decimal] = {greige_code(art): greige_m}
    for yarn, share in art.yarns:
        needs[yarn] = needs.get(yarn, D(0)) + greige_kg * D(share) / (1 - loss / 100)
    if art.stage == "weaving":
        for chem, per_kg in WEAVE_CHEMICALS:
            needs[chem] = needs.get(chem, D(0)) + greige_kg * D(per_kg)
    for dye, per_kg in COLOURS[colour].dyes:
        needs[dye] = needs.get(dye, D(0)) + dyed_kg * D(per_kg)
    for chem, per_kg in DYE_CHEMICALS:
        needs[chem] = needs.get(chem, D(0)) + dyed_kg * D(per_kg)
    finished_kg = D(1) * kg_per_metre(art.gsm, art.width_cm)
    for chem, per_kg in FINISH_CHEMICALS:
        needs[chem] = needs.get(chem, D(0)) + finished_kg * D(per_kg)
    return needs
