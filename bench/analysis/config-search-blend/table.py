"""Prints the figures of one or more `flash evaluate config-search --json` outputs side by side.

usage: python3 table.py LABEL=FILE [LABEL=FILE ...]
"""
import json, sys

M = ["flash", "flash-attention", "flash-plain", "baseline", "transfer", "reference"]
for arg in sys.argv[1:]:
    label, path = arg.split("=", 1)
    o = json.load(open(path))
    if "flash.mape.1" not in o:  # a reproduce file: one object per set
        o = next(v for v in o.values() if isinstance(v, dict) and "flash.mape.1" in v)
    print(f"## {label} ({path}, {o.get('seconds', float('nan')):.0f} s)")
    print("| method | 1 shot | 2 shots | 3 shots | regret, k = 3 | cost under deadline, k = 3 (missed) |")
    print("|---|---|---|---|---|---|")
    for m in M:
        cells = [f"{o[f'{m}.mape.{k}']:.3f} +- {o[f'{m}.mape.{k}.std']:.3f}" for k in (1, 2, 3)]
        reg = f"{100 * o[f'{m}.regret.3']:.1f}% +- {100 * o[f'{m}.regret.3.std']:.1f}"
        c = o.get(f"{m}.regret_cost_deadline.3")
        cost = "" if c is None or c != c else f"{100 * c:.1f}% ({100 * o[f'{m}.deadline_miss.3']:.0f}%)"
        print(f"| {m} | " + " | ".join(cells) + f" | {reg} | {cost} |")
    print("margin", " / ".join(f"{100 * o[f'flash.margin.{k}']:+.1f}%" for k in (1, 2, 3)))
    chosen = sorted({key.split(".regret_chosen")[0] for key in o if ".regret_chosen." in key and not key.endswith("std")})
    for s in chosen:
        print(f"chosen {s}:", " / ".join(f"{100 * o[f'{s}.regret_chosen.{k}']:.1f}%" for k in (1, 2, 3)))
    adaptive = sorted({key.split(".regret_adaptive")[0] for key in o if ".regret_adaptive." in key and not key.endswith("std")})
    for s in adaptive:
        print(f"adaptive {s}, k = 3: {100 * o[f'{s}.regret_adaptive.3']:.1f}% +- {100 * o[f'{s}.regret_adaptive.3.std']:.1f}")
    for key in sorted(k for k in o if k.startswith("search") and k.endswith("measurements")):
        print(key, f"{o[key]:.1f}")
    for line in o.get("fold_training", []):
        print("fold:", line)
    print()
