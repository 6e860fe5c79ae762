#!/usr/bin/python3
"""How an exported model does on radalign's synthetic sample, scored by radalign itself (`radalign score`):

    /usr/bin/python3 training/eval_sample.py --model media/models/default

Two datasets from src/sample (seeds the training sample does not use): the demo's (`radalign sample`, 40 pairs,
seed 1) and a larger one (200 pairs, seed 2, 10 swapped pairs, 10 foreign and 10 flipped sentences). For each:
where the planted mismatches rank (pairs by the engine's suspicion; sentences by their evidence within their report,
1 = lowest), AUROCs, and a pointing game of each case's own finding sentence against the generator's masks.
Everything is written under a temporary folder; needs `npm run build` done."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data  # noqa: E402
import sample  # noqa: E402
from evaluate import auroc  # noqa: E402

DATASETS = {'demo': dict(pairs=40, seed=1, swapped=None), 'large': dict(pairs=200, seed=2, swapped=10, foreign=10, flipped=10)}


def score(folder, model, tmp):
    out = os.path.join(tmp, os.path.basename(folder) + '-results.json')
    subprocess.run(['node', os.path.join(data.ROOT, 'bin', 'radalign.js'), 'score', folder, '--model', model,
                    '--cache-dir', os.path.join(tmp, 'cache'), '--out', out, '--heatmaps', os.path.join(tmp, 'hm-' + os.path.basename(folder))],
                   cwd=data.ROOT, check=True, capture_output=True)
    return json.load(open(out))


def analyse(folder, res):
    truth = {c['id']: c for c in json.load(open(os.path.join(folder, '.truth.json')))}
    pairs = {p['id']: p for p in res['pairs']}
    out = {'pairs': len(pairs)}
    sw = [pid for pid, c in truth.items() if c.get('mismatch') == 'swapped-report']
    out['swapped_ranks'] = sorted(pairs[p]['rank'] for p in sw)
    sus = np.array([pairs[p]['suspicion'] for p in truth])
    is_sw = np.array([truth[p].get('mismatch') == 'swapped-report' for p in truth])
    out['swapped_suspicion_auroc'] = auroc(sus[is_sw], sus[~is_sw])
    # sentences: planted (foreign / flipped) vs the own finding sentences of untouched reports
    own_scores = []
    for pid, c in truth.items():
        if not c.get('mismatch') and c.get('findingSentence'):
            own_scores += [s['evidence'] for s in pairs[pid]['sentences'] if s['text'] == c['findingSentence']]
    for kind, field in (('foreign-sentence', 'foreignSentence'), ('flipped-sentence', 'flippedSentence')):
        ranks, scores = [], []
        for pid, c in truth.items():
            if c.get('mismatch') != kind:
                continue
            sents = [s for s in pairs[pid]['sentences'] if s['describesImage'] and not s['negated']]
            order = sorted(sents, key=lambda s: s['evidence'])
            k = [i for i, s in enumerate(order) if s['text'] == c[field]['text']]
            if k:
                ranks.append(f'{k[0] + 1}/{len(order)}')
                scores.append(order[k[0]]['evidence'])
        out[kind] = {'rank_in_report': ranks, 'auroc_vs_own_finding_sentences': auroc([-x for x in scores], [-x for x in own_scores])}
    # pointing game: own finding sentence of untouched cases; hit = the heatmap's peak cell overlaps the mask
    hits, n = 0, 0
    for pid, c in truth.items():
        if c.get('mismatch') or not c.get('findingSentence'):
            continue
        s = [s for s in pairs[pid]['sentences'] if s['text'] == c['findingSentence'] and s.get('heatmap')]
        if not s:
            continue
        hm = s[0]['heatmap']
        mask = np.asarray(Image.open(os.path.join(folder, c['mask'])).convert('L')) > 127
        h, w = mask.shape
        k = int(np.argmax(hm['values']))
        r, col = divmod(k, hm['cols'])
        x0, y0, x1, y1 = hm['box']
        cx0, cx1 = x0 + (x1 - x0) * col / hm['cols'], x0 + (x1 - x0) * (col + 1) / hm['cols']
        cy0, cy1 = y0 + (y1 - y0) * r / hm['rows'], y0 + (y1 - y0) * (r + 1) / hm['rows']
        cell = mask[max(0, int(cy0)):min(h, int(np.ceil(cy1))), max(0, int(cx0)):min(w, int(np.ceil(cx1)))]
        hits += int(cell.any())
        n += 1
    out['pointing_game'] = {'hits': hits, 'n': n, 'rate': hits / max(1, n)}
    return out


def evaluate(model):
    res = {}
    with tempfile.TemporaryDirectory(prefix='radalign-sample-eval-') as tmp:
        for name, o in DATASETS.items():
            folder = os.path.join(tmp, name)
            if o['swapped'] is None:  # exactly what `radalign sample <dir>` writes (the demo)
                subprocess.run(['node', os.path.join(data.ROOT, 'bin', 'radalign.js'), 'sample', folder, '--pairs', str(o['pairs']),
                                '--seed', str(o['seed'])], cwd=data.ROOT, check=True, capture_output=True)
            else:
                sample.generate(folder, o['pairs'], o['seed'], 256, o['swapped'], o['foreign'], o['flipped'])
            res[name] = analyse(folder, score(folder, model, tmp))
            res[name]['dataset'] = o
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--model', default=os.path.join(data.ROOT, 'media', 'models', 'default'))
    args = ap.parse_args()
    print(json.dumps(evaluate(os.path.abspath(args.model)), indent=1))


if __name__ == '__main__':
    main()
