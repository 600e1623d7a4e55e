"""How examples/houses.csv was made: 1,200 synthetic house sales, four targets of four scales.

    python examples/houses.py > examples/houses.csv

Features: floor area, rooms, age, distance to the centre, garden, city (text: one-hot encode it).
Targets: price (regression, in euros: hundreds of thousands), heating energy (regression, kWh
a year: thousands), energy class (multiclass A-E) and whether it sold within a month (binary
yes/no). They share causes, so one trunk helps all four; their losses live on different scales.
"""

from __future__ import annotations

import csv
import sys

import numpy as np

CITIES = {"Lyon": 1.0, "Paris": 1.9, "Lille": 0.8, "Nantes": 0.9}


def houses(n: int = 1200, seed: int = 7) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        city = str(rng.choice(list(CITIES)))
        area = float(np.clip(rng.normal(95, 35), 25, 300))
        rooms = int(np.clip(round(area / 25 + rng.normal(0, 0.8)), 1, 10))
        age = int(rng.integers(0, 120))
        distance = float(rng.exponential(6.0))
        garden = int(rng.random() < 0.2 + 0.05 * distance)
        insulation = -0.012 * age + rng.normal(0, 0.2)  # unobserved: energy depends on it
        energy = area * (120 - 35 * insulation) + rng.normal(0, 900)
        energy_class = "ABCDE"[
            int(np.clip(np.digitize(energy / area, [115, 135, 155, 175]), 0, 4))
        ]
        price = (
            CITIES[city] * 3200 * area * np.exp(-0.04 * distance)
            + 15000 * garden
            - 120 * age * area / 100
            + rng.normal(0, 25000)
        )
        # sells fast: near the centre, with a garden, cheap to heat, and luck (what the
        # asking price was, unobserved)
        appeal = 1.2 - 0.15 * distance + 0.9 * garden - 0.03 * (energy / area - 140)
        sold_fast = rng.random() < 1 / (1 + np.exp(-(appeal + rng.normal(0, 0.5))))
        rows.append(
            {
                "area_m2": round(area, 1),
                "rooms": rooms,
                "age_years": age,
                "distance_km": round(distance, 2),
                "garden": garden,
                "city": city,
                "price_eur": int(round(max(price, 30000), -2)),
                "energy_kwh": round(max(energy, 500)),
                "energy_class": energy_class,
                "sold_within_month": "yes" if sold_fast else "no",
            }
        )
    return rows


if __name__ == "__main__":
    rows = houses()
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
