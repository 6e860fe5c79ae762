"""Evaluate a model the way users (and outside reviewers) see it: through `radalign score --out`.

Builds throw-away dataset folders from the held-out test patients of training/split.json (images
copied to a temporary folder, never into the project), plants mismatches, runs the CLI and computes
AUROCs from its JSON:
  - swapped reports: 20 % of pairs get another patient's note; ranked by `suspicion`, and by -`cosine`;
  - foreign sentences: one sentence of another patient's note inserted into each note; ranked by
    -`evidence` (combined), -`imageCosine` (image only) and -`consistency` (text only).
The figures keep the names they were first recorded under (media/models/*/metrics.json), from
before results format 3: `score` for a pair's `cosine` and a sentence's `evidence`, `imageScore`
for `imageCosine`.

    /usr/bin/python3 training/evaluate_cli.py [--model media/models/default] [--seeds 0,1,2,3,4]

Prints a JSON summary: each seed's figures and their mean and spread (45 patients give noisy
AUROCs; one seed alone can mislead by ±0.1). Needs `npm run build` first and ../shared/data/covid-cxr (or RADALIGN_DATA).
"""
import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def auroc(pos, neg):
    """P(score of a positive > score of a negative), ties counting half."""
    if not pos or not neg:
        return None
    wins = 0.0
    for p in pos:
        for n in neg:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(pos) * len(neg))


def parsed_sentences(notes):
    """Each note's sentences via the engine's own parser (the split the CLI uses)."""
    sys.path.insert(0, os.path.join(ROOT, "training"))
    from data import parse_with_engine
    return [[s["text"] for s in note] for note in parse_with_engine(notes)]


def load_rows(data):
    with open(os.path.join(data, "metadata.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_dataset(folder, rows, data, notes):
    os.makedirs(os.path.join(folder, "images"), exist_ok=True)
    with open(os.path.join(folder, "pairs.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "image", "report"])
        for i, r in enumerate(rows):
            shutil.copy(os.path.join(data, "images", r["filename"]), os.path.join(folder, "images", r["filename"]))
            w.writerow([f"p{i:03d}", f"images/{r['filename']}", notes[i]])


def score(folder, model, cache):
    out = os.path.join(folder, "results.json")
    subprocess.run(["node", os.path.join(ROOT, "bin", "radalign.js"), "score", folder, "--model", model, "--out", out,
                    "--cache-dir", cache, "--layout", "manifest"], check=True, capture_output=True)
    with open(out, encoding="utf-8") as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(ROOT, "media", "models", "default"))
    ap.add_argument("--data", default=os.environ.get("RADALIGN_DATA", os.path.join(ROOT, "..", "shared", "data", "covid-cxr")))
    ap.add_argument("--seeds", default="0,1,2,3,4")
    args = ap.parse_args()
    runs = [evaluate(args, int(seed)) for seed in args.seeds.split(",")]
    keys = [k for k in runs[0] if isinstance(runs[0][k], float)]
    mean = {k: sum(r[k] for r in runs) / len(runs) for k in keys}
    spread = {k: (sum((r[k] - mean[k]) ** 2 for r in runs) / len(runs)) ** 0.5 for k in keys}
    json.dump({"model": args.model, "seeds": runs, "mean": mean, "sd": spread}, sys.stdout, indent=1)
    print()


def evaluate(args, seed):
    rnd = random.Random(seed)
    with open(os.path.join(ROOT, "training", "split.json"), encoding="utf-8") as f:
        test_patients = set(str(p) for p in json.load(f)["test"])
    sys.path.insert(0, os.path.join(ROOT, "training"))
    from data import usable  # the same licence rule as training: no CC BY-NC-ND images
    rows = [r for r in load_rows(args.data) if r["patientid"] in test_patients and usable(r)]
    notes = [r["clinical_notes"] for r in rows]
    work = tempfile.mkdtemp(prefix="radalign-eval-cli-")
    cache = os.path.join(work, "cache")
    try:
        # Swapped reports.
        swapped = set(rnd.sample(range(len(rows)), max(1, len(rows) // 5)))
        swap_notes = list(notes)
        for i in swapped:
            others = [j for j in range(len(rows)) if rows[j]["patientid"] != rows[i]["patientid"]]
            swap_notes[i] = notes[rnd.choice(others)]
        write_dataset(os.path.join(work, "swapped"), rows, args.data, swap_notes)
        res = score(os.path.join(work, "swapped"), args.model, cache)
        by_id = {p["id"]: p for p in res["pairs"]}
        ids = [f"p{i:03d}" for i in range(len(rows))]
        sw = [by_id[i] for k, i in enumerate(ids) if k in swapped and i in by_id]
        ok = [by_id[i] for k, i in enumerate(ids) if k not in swapped and i in by_id]
        summary = {
            "seed": seed, "pairs": len(rows), "patients": len({r["patientid"] for r in rows}),
            "swapped_auroc_suspicion": auroc([p["suspicion"] for p in sw], [p["suspicion"] for p in ok]),
            "swapped_auroc_neg_score": auroc([-p["cosine"] for p in sw], [-p["cosine"] for p in ok]),
        }
        # Foreign sentences: one per note, from another patient's note.
        foreign_notes, inserted = [], []
        split = parsed_sentences(notes)
        for i, note in enumerate(notes):
            others = [j for j in range(len(rows)) if rows[j]["patientid"] != rows[i]["patientid"]]
            donor = split[rnd.choice(others)]
            own = split[i]
            s = rnd.choice(donor)
            at = rnd.randint(0, len(own))
            foreign_notes.append(" ".join(own[:at] + [s] + own[at:]))
            inserted.append(s)
        write_dataset(os.path.join(work, "foreign"), rows, args.data, foreign_notes)
        res = score(os.path.join(work, "foreign"), args.model, cache)
        by_id = {p["id"]: p for p in res["pairs"]}
        for label, field, sign in (("score", "evidence", -1), ("imageScore", "imageCosine", -1), ("consistency", "consistency", -1)):
            pos, neg = [], []
            for k, i in enumerate(ids):
                p = by_id.get(i)
                if not p:
                    continue
                for s in p["sentences"]:
                    v = s.get(field)
                    v = 0.0 if v is None else v
                    (pos if s["text"].strip() == inserted[k].strip() else neg).append(sign * v)
            summary[f"foreign_auroc_{label}"] = auroc(pos, neg)
            summary["foreign_sentences_found"] = len(pos)
        return summary
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
