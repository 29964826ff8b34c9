import { describe, expect, it } from "vitest";
import { cmToInches, defectPoints, gradeFor, kgToMetres, metresToKg, metresToYards, pointsPer100Yd2, totalPoints } from "@/lib/textile";

describe("kg ↔ m from GSM and width", () => {
  it("kg = m × width_m × GSM / 1000", () => {
    expect(metresToKg(100, 150, 180)).toBe(27);
    expect(kgToMetres(27, 150, 180)).toBe(100);
  });
  it("refuses missing or non-positive inputs", () => {
    expect(metresToKg(0, 150, 180)).toBeNull();
    expect(kgToMetres(10, NaN, 180)).toBeNull();
  });
});

describe("4-point system (ASTM D5430)", () => {
  it("scores defect lengths and holes", () => {
    expect([1, 3, 3.5, 6, 6.1, 9, 9.5].map((s) => defectPoints("length", s))).toEqual([1, 1, 2, 2, 3, 3, 4]);
    expect(defectPoints("hole", 1)).toBe(2);
    expect(defectPoints("hole", 1.5)).toBe(4);
    expect(defectPoints("length", 0)).toBe(0);
  });
  it("caps at 4 points per linear yard", () => {
    const defects = [
      { kind: "length" as const, sizeInches: 10, positionYd: 1.2 },
      { kind: "length" as const, sizeInches: 2, positionYd: 1.9 },
      { kind: "hole" as const, sizeInches: 2, positionYd: 2 },
      { kind: "length" as const, sizeInches: 4, positionYd: 3.5 },
    ];
    expect(totalPoints(defects)).toBe(4 + 4 + 2);
  });
  it("points per 100 yd² = points × 3600 / (yards × cuttable width in)", () => {
    expect(pointsPer100Yd2(20, 100, 60)).toBe(12);
    expect(pointsPer100Yd2(45, 120, 58)).toBeCloseTo(23.28, 2);
    expect(pointsPer100Yd2(5, 0, 60)).toBeNull();
  });
  it("grades against the acceptance threshold", () => {
    expect(gradeFor(12)).toBe("first");
    expect(gradeFor(40)).toBe("first");
    expect(gradeFor(41)).toBe("second");
    expect(gradeFor(30, 28)).toBe("second");
    expect(gradeFor(null)).toBeNull();
  });
  it("converts metres and centimetres", () => {
    expect(metresToYards(91.44)).toBe(100);
    expect(cmToInches(152.4)).toBe(60);
  });
});
