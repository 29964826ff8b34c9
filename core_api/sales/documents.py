"""Printable shipment documents (reportlab): the packing list / delivery note and roll labels."""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.graphics.barcode import code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import Shipment, ShipmentLine

LABEL_SIZE = (100 * mm, 60 * mm)


def _dash(value) -> str:
    return str(value) if value not in (None, "") else "–"


def packing_list_pdf(shipment: Shipment, lines: list[ShipmentLine]) -> bytes:
    """Delivery note: who, what order, and every roll with length, weight, dye lot, shade band, grade."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Packing list {shipment.number}",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    styles = getSampleStyleSheet()
    customer = shipment.customer
    order = shipment.order
    header = Table(
        [
            [
                Paragraph(f"<b>Packing list / delivery note {shipment.number}</b>", styles["Title"]),
                code128.Code128(shipment.number, barHeight=12 * mm, barWidth=0.3 * mm),
            ]
        ],
        colWidths=[120 * mm, 60 * mm],
    )
    details = [
        f"<b>Customer:</b> {customer.code} {customer.name}",
        f"<b>Address:</b> {customer.address or '–'}".replace("\n", "<br/>"),
        f"<b>Order:</b> {order.number}" + (f" (your ref. {order.customer_ref})" if order.customer_ref else ""),
        f"<b>Shipped:</b> {shipment.shipped_at:%Y-%m-%d %H:%M}",
        f"<b>Carrier:</b> {_dash(shipment.carrier)} &nbsp; <b>Vehicle:</b> {_dash(shipment.vehicle)}",
    ]
    rows = [["#", "Roll", "Article", "Dye lot", "Shade", "Grade", "Length m", "Weight kg"]]
    total_m = Decimal("0")
    total_kg = Decimal("0")
    for i, line in enumerate(lines, start=1):
        roll = line.roll
        rows.append(
            [
                str(i),
                roll.code,
                line.lot.material.code,
                _dash(line.lot.dye_lot or line.lot.code),
                _dash(roll.shade_band),
                _dash(roll.grade),
                f"{line.qty:.2f}",
                f"{roll.weight_kg:.3f}",
            ]
        )
        total_m += line.qty
        total_kg += roll.weight_kg
    rows.append(["", f"{len(lines)} rolls", "", "", "", "", f"{total_m:.2f}", f"{total_kg:.3f}"])
    table = Table(rows, repeatRows=1, colWidths=[8 * mm, 32 * mm, 32 * mm, 28 * mm, 16 * mm, 14 * mm, 24 * mm, 24 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("ALIGN", (-2, 1), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#f2f2f2")]),
            ]
        )
    )
    story = [header, Spacer(1, 4 * mm)]
    story += [Paragraph(text, styles["Normal"]) for text in details]
    story += [Spacer(1, 6 * mm), table, Spacer(1, 12 * mm)]
    story.append(Paragraph("Received in good order: ______________________ &nbsp; Date: __________", styles["Normal"]))
    doc.build(story)
    return buffer.getvalue()


def roll_labels_pdf(shipment: Shipment, lines: list[ShipmentLine]) -> bytes:
    """One 100 × 60 mm label per roll with its code as a Code128 barcode."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=LABEL_SIZE)
    page.setTitle(f"Roll labels {shipment.number}")
    width, height = LABEL_SIZE
    for line in lines:
        roll = line.roll
        lot = line.lot
        barcode = code128.Code128(roll.code, barHeight=14 * mm, barWidth=0.35 * mm)
        barcode.drawOn(page, (width - barcode.width) / 2, height - 22 * mm)
        page.setFont("Helvetica-Bold", 10)
        page.drawCentredString(width / 2, height - 26 * mm, roll.code)
        page.setFont("Helvetica", 7.5)
        text = [
            f"{lot.material.code}  {lot.material.name}"[:60],
            f"Dye lot {_dash(lot.dye_lot or lot.code)}   Shade {_dash(roll.shade_band)}   Grade {_dash(roll.grade)}",
            f"{line.qty:.2f} m   {roll.weight_kg:.3f} kg   {roll.width_cm:.0f} cm   {roll.gsm:.0f} g/m²",
            f"{shipment.customer.code}   {shipment.order.number}   {shipment.number}",
        ]
        y = height - 32 * mm
        for row in text:
            page.drawString(5 * mm, y, row)
            y -= 4 * mm
        page.showPage()
    page.save()
    return buffer.getvalue()
