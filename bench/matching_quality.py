"""Quality of partner suggestions, measured against the registry's own links (docs/MATCHING.md).

    DATABASE_URL=sqlite:////path/to/db.sqlite3 .venv/bin/python bench/matching_quality.py [--seed 1]

Run it on a registry holding the full Wikipedia import and the full gazetteer (see
bench/pages_bench.py). For every place with at least 5 links, 20% of its links (at least one) are
hidden: taken out of the network, out of every count the ranking reads (partners, activity,
country pairs), as if they had never been recorded. Every candidate place of the universe (the
gazetteer's and the registry's, about 235,000) is then ranked for that place, leaving out itself
and the partners it still has. For each hidden link we note the rank of the hidden partner.

    recall@20 = share of hidden links whose partner is in the top 20
    MRR       = mean over hidden links of 1 / rank

The places are split in two by a seeded draw: the weights were chosen on the "tune" half; the
"test" half is the measurement. Two baselines: random order, and nearest first among places of a
similar size (population within a factor of 2; the others after them, nearest first).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


SIGNALS = [
    "country",
    "partners_of_partners",
    "further_partners",
    "near_partner",
    "neighbours_partners",
    "activity",
    "size",
]


def fair_rank(scores, row: int) -> tuple[float, float]:
    """The chance that `row` is in the top 20, and the mean of 1 / its rank, ties broken at random.

    A candidate tied with t others lands anywhere among them with equal chance: counting it first
    would reward a method for scoring everything the same.
    """
    above = int((scores > scores[row]).sum())
    tied = int((scores == scores[row]).sum())  # itself included
    in_top = max(0, min(20 - above, tied)) / tied
    first, last = above + 1, above + tied
    if tied <= 1000:
        inverse = sum(1.0 / rank for rank in range(first, last + 1)) / tied
    else:  # the harmonic sum, closely enough
        inverse = math.log((last + 0.5) / (first - 0.5)) / tied
    return in_top, inverse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--min-links", type=int, default=5)
    parser.add_argument("--hide", type=float, default=0.2)
    parser.add_argument("--half", choices=["tune", "test", "both"], default="both")
    parser.add_argument("--ablation", action="store_true", help="also measure each signal left out, and alone")
    parser.add_argument("--places", type=int, default=0, help="measure only this many places per half (0: all)")
    parser.add_argument("--tune", action="store_true", help="search the weights on the tune half, and print them")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning_hub.settings")
    import django

    django.setup()
    import numpy as np

    from matching import ranking

    started = time.perf_counter()
    gazetteer = ranking.gazetteer_rows()
    from places.models import Place

    places = list(
        Place.objects.values_list("id", "name", "country", "latitude", "longitude", "population", "geonames_id")
    )
    universe = ranking.universe_build(gazetteer, places)
    network = ranking.network_build(universe, ranking.registry_edges())
    links = int(network.degree.sum()) // 2
    print(
        f"universe: {universe.size:,} places; network: {links:,} links between places; "
        f"built in {time.perf_counter() - started:.1f} s"
    )

    chosen = sorted(row for row, partners in network.partners.items() if len(partners) >= args.min_links)
    rng = random.Random(args.seed)
    halves = {"tune": [], "test": []}
    for row in chosen:
        halves["tune" if rng.random() < 0.5 else "test"].append(row)
    if args.places:
        halves = {name: rows[: args.places] for name, rows in halves.items()}
    hidden_of = {}
    for row in chosen:
        partners = sorted(network.partners[row])
        count = max(1, round(args.hide * len(partners)))
        hidden_of[row] = rng.sample(partners, count)

    def similar_size_nearest(row: int, _facts: ranking.SeekerFacts) -> np.ndarray:
        distance = universe.distance_km(row, np.arange(universe.size))
        distance = np.where(np.isnan(distance), 1e9, distance)
        gap = np.abs(universe.log_population - universe.log_population[row])
        similar = np.where(np.isnan(gap), False, gap <= math.log10(2))
        return -distance - np.where(similar, 0.0, 1e7)

    def random_order(_row: int, _facts: ranking.SeekerFacts) -> np.ndarray:
        return np.random.default_rng(_row).random(universe.size)

    def matcher(weights: ranking.Weights):
        def score(row: int, facts: ranking.SeekerFacts) -> np.ndarray:
            return ranking.place_signals(universe, network, facts, weights).total

        return score

    def measure(rows: list[int], score_of) -> tuple[float, float, int, float]:
        hits = 0.0
        reciprocal = 0.0
        hidden_total = 0
        took = 0.0
        for row in rows:
            hidden = hidden_of[row]
            removed = [(h, network.edge_remove(row, h, universe)) for h in hidden]
            try:
                facts = ranking.SeekerFacts(
                    row=row,
                    partners=dict(network.partners.get(row, {})),
                    log_size=float(universe.log_population[row]),
                )
                begin = time.perf_counter()
                scores = np.asarray(score_of(row, facts), dtype=np.float64).copy()
                took += time.perf_counter() - begin
                scores[row] = -np.inf
                for partner in facts.partners:
                    scores[partner] = -np.inf
                for h in hidden:
                    hit, inverse = fair_rank(scores, h)
                    hits += hit
                    reciprocal += inverse
                    hidden_total += 1
            finally:
                for h, edge in removed:
                    network.edge_add(row, h, edge, universe)
        return hits / hidden_total, reciprocal / hidden_total, hidden_total, took / max(1, len(rows))

    methods = [
        ("random order", random_order),
        ("nearest of similar size", similar_size_nearest),
        ("the matcher", matcher(ranking.DEFAULT_WEIGHTS)),
    ]
    if args.ablation:
        base = ranking.DEFAULT_WEIGHTS
        signals = SIGNALS
        for name in signals:
            methods.append((f"  without {name}", matcher(replace(base, **{name: 0.0}))))
        for name in signals:
            alone = {other: 0.0 for other in signals if other != name}
            methods.append((f"  {name} alone", matcher(replace(base, **alone))))

    if args.tune:
        tune(halves["tune"], measure, matcher)
        return

    names = ["tune", "test"] if args.half == "both" else [args.half]
    for half in names:
        rows = halves[half]
        print(f"\n{half} half: {len(rows)} places with at least {args.min_links} links")
        print("| method | recall@20 | MRR | hidden links | ms per place |")
        print("|---|---|---|---|---|")
        for label, score_of in methods:
            recall, mrr, hidden_total, took = measure(rows, score_of)
            print(f"| {label} | {recall:.3f} | {mrr:.4f} | {hidden_total} | {took * 1000:.0f} |")


def tune(rows, measure, matcher) -> None:
    """Coordinate search: each weight in turn times 0, 1/4, 1/2, 2 or 4, kept when recall@20 + MRR rises."""
    from matching import ranking

    signals = SIGNALS
    best = ranking.DEFAULT_WEIGHTS

    def objective(weights) -> float:
        recall, mrr, _, _ = measure(rows, matcher(weights))
        return recall + mrr

    best_value = objective(best)
    print(f"start {best_value:.4f} {best}")
    for _round in range(2):
        for name in signals:
            current = getattr(best, name)
            for weight in [current * f for f in (0.0, 0.25, 0.5, 2.0, 4.0)] if current else [0.1, 0.3, 1.0]:
                trial = replace(best, **{name: weight})
                value = objective(trial)
                if value > best_value + 1e-4:
                    best, best_value = trial, value
                    print(f"  {name} = {weight}: {best_value:.4f}")
    print("tuned:", {name: getattr(best, name) for name in signals}, f"objective {best_value:.4f}")


if __name__ == "__main__":
    main()
