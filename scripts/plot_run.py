#!/usr/bin/env python3
"""Draw a run's headline picture as a self-contained SVG, from metrics.csv alone (stdlib only).

Left: the composite score's histogram at tick 0 and at the last tick.
Right: the share of each wealth decile holding the >=600 privilege (instant loan,
deposit-free hotels) at tick 0 and at the last tick.

    python3 scripts/plot_run.py RUN_DIR [OUT.svg] [--system NAME]
"""
import csv
import sys
from collections import defaultdict


def load(run_dir, system):
    rows = defaultdict(dict)
    with open(f"{run_dir}/metrics.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["system"] == system:
                rows[(int(r["tick"]), r["metric"])][r["key"]] = float(r["value"])
    ticks = sorted({t for t, _ in rows})
    if not ticks:
        sys.exit(f"plot_run: no rows for system '{system}' in {run_dir}/metrics.csv")
    return rows, ticks[0], ticks[-1]


def bars(x0, y0, w, h, series, labels, title, xlabel, ylabel, ymax, colors, names, fmt_tick):
    """Grouped bar chart; series = list of lists (one per group member)."""
    out = [f'<text x="{x0 + w / 2}" y="{y0 - 28}" text-anchor="middle" font-size="15" font-weight="bold">{title}</text>']
    out.append(f'<line x1="{x0}" y1="{y0 + h}" x2="{x0 + w}" y2="{y0 + h}" stroke="#333"/>')
    out.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y0 + h}" stroke="#333"/>')
    for k in range(5):
        v = ymax * k / 4
        y = y0 + h - h * k / 4
        out.append(f'<line x1="{x0 - 4}" y1="{y}" x2="{x0 + w}" y2="{y}" stroke="#ddd"/>')
        out.append(f'<text x="{x0 - 8}" y="{y + 4}" text-anchor="end" font-size="11">{fmt_tick(v)}</text>')
    n = len(labels)
    slot = w / n
    bw = slot * 0.8 / len(series)
    for i, lab in enumerate(labels):
        for s, vals in enumerate(series):
            bh = h * min(vals[i], ymax) / ymax
            x = x0 + i * slot + slot * 0.1 + s * bw
            out.append(f'<rect x="{x:.1f}" y="{y0 + h - bh:.1f}" width="{bw:.1f}" height="{bh:.1f}" fill="{colors[s]}"/>')
        if n <= 12 or i % 2 == 0:
            out.append(f'<text x="{x0 + i * slot + slot / 2:.1f}" y="{y0 + h + 15}" text-anchor="middle" font-size="10">{lab}</text>')
    out.append(f'<text x="{x0 + w / 2}" y="{y0 + h + 34}" text-anchor="middle" font-size="12">{xlabel}</text>')
    out.append(f'<text transform="translate({x0 - 45},{y0 + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">{ylabel}</text>')
    for s, name in enumerate(names):
        out.append(f'<rect x="{x0 + 10}" y="{y0 - 14 + s * 16}" width="12" height="10" fill="{colors[s]}"/>')
        out.append(f'<text x="{x0 + 28}" y="{y0 - 5 + s * 16}" font-size="11">{name}</text>')
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--system")]
    system = "sesame"
    for a in sys.argv[1:]:
        if a.startswith("--system="):
            system = a.split("=", 1)[1]
    if not args:
        sys.exit(__doc__)
    run_dir = args[0]
    out_path = args[1] if len(args) > 1 else f"{run_dir}/scores.svg"
    rows, t0, t1 = load(run_dir, system)
    hist0, hist1 = rows[(t0, "score_histogram")], rows[(t1, "score_histogram")]
    edges = sorted(hist0, key=float)
    h0 = [hist0[e] for e in edges]
    h1 = [hist1[e] for e in edges]
    priv = "instant_loan_deposit_free_hotels"
    r0 = [rows[(t0, "privilege_rate_by_wealth_decile")][f"{priv}:d{d:02d}"] for d in range(1, 11)]
    r1 = [rows[(t1, "privilege_rate_by_wealth_decile")][f"{priv}:d{d:02d}"] for d in range(1, 11)]
    colors = ["#9ecae1", "#08519c"]
    names = [f"tick {t0} (week {t0})", f"tick {t1} (week {t1})"]
    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="980" height="380" font-family="sans-serif">',
           '<rect width="100%" height="100%" fill="white"/>']
    ymax = max(h0 + h1) * 1.15
    svg += bars(70, 60, 400, 250, [h0, h1], [str(int(float(e))) for e in edges],
                f"Composite score ({system}): distribution", "score (bin lower edge, points)",
                "share of persons", ymax, colors, names, lambda v: f"{v:.1%}")
    svg += bars(560, 60, 400, 250, [r0, r1], [f"D{d}" for d in range(1, 11)],
                "Who holds the ≥600 privilege, by wealth", "wealth decile (D1 poorest)",
                "share of decile holding it", 1.0, colors, names, lambda v: f"{v:.0%}")
    svg.append("</svg>")
    with open(out_path, "w") as f:
        f.write("\n".join(svg) + "\n")
    print(out_path)


if __name__ == "__main__":
    main()
