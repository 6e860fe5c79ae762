"""Held-out evaluation of a radalign default-model checkpoint (called by train.py; runnable alone):

    /usr/bin/python3 training/evaluate.py --run training/runs/<run>      # test patients of training/split.json

Every metric is computed on patients the model never saw, with the same text handling as the engine (its own
sentence parser, report = chunks of image-describing sentences, unit-length mean of chunks) and the model's own
clean 224 px input. Next to each metric: chance, and a trivial baseline that uses no learned model
(nearest training images by 32x32 thumbnail -> their notes -> TF-IDF similarity; for foreign sentences, TF-IDF
coherence of a sentence with the rest of its report; for pointing, a uniformly random grid cell).
"""
import argparse
import collections
import json
import math
import os
import re
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data  # noqa: E402
import textproc  # noqa: E402

GRID = 7
SIDE_WORDS = re.compile(r'\b(left|right)\b', re.I)
BOTH = re.compile(r'\b(bilateral\w*|both|bibasal|bibasilar)\b', re.I)


def auroc(pos, neg):
    """P(score of a positive > score of a negative), ties count half."""
    pos, neg = np.asarray(pos, np.float64), np.asarray(neg, np.float64)
    if len(pos) == 0 or len(neg) == 0:
        return float('nan')
    allv = np.concatenate([pos, neg])
    order = allv.argsort(kind='mergesort')
    ranks = np.empty(len(allv))
    sv = allv[order]
    i = 0
    while i < len(sv):
        j = i
        while j + 1 < len(sv) and sv[j + 1] == sv[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    r = ranks[:len(pos)].sum()
    return float((r - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def smooth(grid):
    """The engine's smoothGrid: separable [1 2 1]/4 with edge renormalisation."""
    g = np.asarray(grid, np.float64).reshape(GRID, GRID)
    k = np.array([1.0, 2.0, 1.0])
    for axis in (1, 0):
        pad = np.pad(g, [(0, 0), (1, 1)] if axis == 1 else [(1, 1), (0, 0)])
        ones = np.pad(np.ones_like(g), [(0, 0), (1, 1)] if axis == 1 else [(1, 1), (0, 0)])
        if axis == 1:
            num = k[0] * pad[:, :-2] + k[1] * pad[:, 1:-1] + k[2] * pad[:, 2:]
            den = k[0] * ones[:, :-2] + k[1] * ones[:, 1:-1] + k[2] * ones[:, 2:]
        else:
            num = k[0] * pad[:-2] + k[1] * pad[1:-1] + k[2] * pad[2:]
            den = k[0] * ones[:-2] + k[1] * ones[1:-1] + k[2] * ones[2:]
        g = num / den
    return g.reshape(-1)


def cell_centres():
    c = (np.arange(GRID) + 0.5) * data.IMAGE_SIZE / GRID
    yy, xx = np.meshgrid(c, c, indexing='ij')
    return xx.reshape(-1), yy.reshape(-1)


def flip_sides(text):
    return SIDE_WORDS.sub(lambda m: {'left': 'right', 'right': 'left', 'Left': 'Right', 'Right': 'Left',
                                     'LEFT': 'RIGHT', 'RIGHT': 'LEFT'}.get(m.group(0), m.group(0)), text)


def one_side(text):
    """'left' or 'right' when the sentence names exactly one side (and not both lungs), else None."""
    if BOTH.search(text):
        return None
    sides = {m.group(0).lower() for m in SIDE_WORDS.finditer(text)}
    return sides.pop() if len(sides) == 1 else None


def recall_at(ranks_of_first_positive, ks=(1, 5, 10)):
    r = np.asarray(ranks_of_first_positive)
    return {f'R@{k}': float((r < k).mean()) for k in ks}


def chance_recall(n_candidates, n_pos, ks=(1, 5, 10)):
    """Expected recall@k of a random ranking with n_pos positives among n_candidates."""
    out = {}
    for k in ks:
        vals = [1 - math.comb(n - p, k) / math.comb(n, k) if n - p >= k else 1.0 for n, p in zip(n_candidates, n_pos)]
        out[f'R@{k}'] = float(np.mean(vals))
    return out


class Tfidf:
    def __init__(self, docs):
        df = collections.Counter(w for d in docs for w in set(textproc.words_of(d)))
        self.idf = {w: math.log((1 + len(docs)) / (1 + n)) + 1 for w, n in df.items()}

    def vec(self, text):
        c = collections.Counter(w for w in textproc.words_of(text) if w.isalpha() and len(w) > 2)
        v = {w: n * self.idf.get(w, math.log(2) + 1) for w, n in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {w: x / norm for w, x in v.items()}

    @staticmethod
    def cos(a, b):
        if len(a) > len(b):
            a, b = b, a
        return sum(x * b.get(w, 0.0) for w, x in a.items())


def engine_suspicion(img, rep, keys):
    """The engine's computeSuspicion (src/engine/scoring/suspicion.ts) on unit embeddings."""
    s = img @ rep.T
    own = np.diag(s)
    n = len(img)
    same = np.array([[keys[i] == keys[j] for j in range(n)] for i in range(n)])
    valid = ~same
    report_rank = ((s > own[:, None]) & valid).sum(1) / np.maximum(1, valid.sum(1))
    image_rank = ((s > own[None, :]) & valid).sum(0) / np.maximum(1, valid.sum(0))
    return (report_rank + image_rank) / 2


def evaluate(enc, records, eval_patients, train_patients, feats, log=print, seed=0):
    """enc.images(view_ids) -> (global (n,D), patches (n,49,D)) unit-normalised; enc.texts(list) -> (n,D) unit.
    feats: the feature cache dict (clean views and synthetic views are looked up in it)."""
    rng = np.random.RandomState(seed)
    eval_set = set(eval_patients)
    recs = [r for r in records if r['patient'] in eval_set and data.usable(r)]
    clean = {int(r): i for i, r in enumerate(feats['rec']) if feats['clean'][i]}
    views = [clean[r['index']] for r in recs]
    g, p = enc.images(views)
    g, p = g.numpy(), p.numpy()
    n = len(recs)
    pat = np.array([r['patient'] for r in recs])
    same_pat = pat[:, None] == pat[None, :]

    # reports as the engine embeds them
    rep_chunks = [textproc.report_chunks(r['sentences'], enc.count_tokens, enc.max_len) for r in recs]
    uniq = sorted({c for cs in rep_chunks for c in cs})
    emb = dict(zip(uniq, enc.texts(uniq).numpy()))
    rep = np.stack([F.normalize(torch.tensor(np.mean([emb[c] for c in cs], 0)), dim=0).numpy() for cs in rep_chunks])
    S = g @ rep.T  # image i vs report of record j
    out = {'n_images': n, 'n_patients': len(set(pat))}

    # ---- retrieval over distinct notes (image -> report) and images (report -> image); same patient = positive
    notes = sorted({r['note'] for r in recs})
    note_idx = {t: i for i, t in enumerate(notes)}
    first = {}
    for j, r in enumerate(recs):
        first.setdefault(r['note'], j)
    note_rep = rep[[first[t] for t in notes]]
    note_pat = [recs[first[t]]['patient'] for t in notes]
    S_note = g @ note_rep.T
    i2r, npos_i2r = [], []
    for i in range(n):
        posm = np.array([note_pat[k] == pat[i] for k in range(len(notes))])
        order = np.argsort(-S_note[i], kind='stable')
        i2r.append(int(np.where(posm[order])[0][0]))
        npos_i2r.append(int(posm.sum()))
    r2i, npos_r2i = [], []
    for k in range(len(notes)):
        posm = pat == note_pat[k]
        order = np.argsort(-S_note[:, k], kind='stable')
        r2i.append(int(np.where(posm[order])[0][0]))
        npos_r2i.append(int(posm.sum()))
    out['image_to_report'] = {'model': recall_at(i2r), 'chance': chance_recall([len(notes)] * n, npos_i2r),
                              'candidates': len(notes)}
    out['report_to_image'] = {'model': recall_at(r2i), 'chance': chance_recall([n] * len(notes), npos_r2i),
                              'candidates': n}

    # ---- trivial baseline: thumbnail kNN over training images -> their notes -> TF-IDF vs candidate notes
    train_set = set(train_patients)
    train_recs = [r for r in records if r['patient'] in train_set and data.usable(r)]
    base = data.load_base_images(records)
    thumb = lambda idx: F.adaptive_avg_pool2d(torch.from_numpy(base[idx].astype(np.float32))[None, None], 32).reshape(-1).numpy()
    T_train = np.stack([thumb(r['index']) for r in train_recs])
    T_eval = np.stack([thumb(r['index']) for r in recs])
    norm = lambda a: (a - a.mean(1, keepdims=True)) / (a.std(1, keepdims=True) + 1e-6)
    nn_sim = norm(T_eval) @ norm(T_train).T / T_train.shape[1]
    tfidf = Tfidf([r['note'] for r in train_recs])
    note_vecs = [tfidf.vec(t) for t in notes]
    B_note = np.zeros((n, len(notes)))
    for i in range(n):
        nb = np.argsort(-nn_sim[i])[:5]
        q = tfidf.vec(' '.join(train_recs[j]['note'] for j in nb))
        B_note[i] = [Tfidf.cos(q, v) for v in note_vecs]
    bi2r = []
    for i in range(n):
        posm = np.array([note_pat[k] == pat[i] for k in range(len(notes))])
        bi2r.append(int(np.where(posm[np.argsort(-B_note[i], kind='stable')])[0][0]))
    out['image_to_report']['baseline_thumbnail_knn_tfidf'] = recall_at(bi2r)
    B = B_note[:, [note_idx[r['note']] for r in recs]]

    # ---- swapped report: own report vs a report of another patient (5 swaps per image)
    own, swapped, b_own, b_sw = [], [], [], []
    swaps = []
    for i in range(n):
        others = np.where(~same_pat[i])[0]
        for j in rng.choice(others, size=min(5, len(others)), replace=False):
            swaps.append((i, j))
            swapped.append(S[i, j])
            b_sw.append(B[i, j])
        own.append(S[i, i])
        b_own.append(B[i, i])
    out['swapped_report_auroc'] = {'model': auroc(own, swapped), 'chance': 0.5,
                                   'baseline_thumbnail_knn_tfidf': auroc(b_own, b_sw)}
    # engine-style: a dataset of the eval pairs with 20% of reports swapped, flagged by the engine's suspicion
    aucs = []
    for rep_i in range(5):
        perm = np.arange(n)
        cand = rng.permutation(n)[: max(2, n // 5)]
        swapped_idx = []
        for a in cand:
            others = np.where(~same_pat[a])[0]
            perm[a] = rng.choice(others)
            swapped_idx.append(a)
        keys = [recs[perm[i]]['note'] for i in range(n)]
        sus = engine_suspicion(g, rep[perm], keys)
        is_sw = np.zeros(n, bool)
        is_sw[swapped_idx] = True
        aucs.append(auroc(sus[is_sw], sus[~is_sw]))
    out['swapped_report_auroc']['engine_suspicion_20pct_swapped'] = float(np.mean(aucs))

    # ---- sentences of the eval reports that describe the image
    sent_rows = []  # (record position, sentence text)
    for i, r in enumerate(recs):
        for s in r['sentences']:
            if s['image']:
                sent_rows.append((i, textproc.model_text(s['text'])))
    stexts = sorted({t for _, t in sent_rows})
    s_emb = dict(zip(stexts, enc.texts(stexts).numpy())) if stexts else {}

    # foreign sentence: own image-describing sentences vs one inserted from another patient
    own_sc, for_sc, b_own_sc, b_for_sc = [], [], [], []
    by_rec = collections.defaultdict(list)
    for i, t in sent_rows:
        by_rec[i].append(t)
    fidx = [k for k in range(len(sent_rows))]
    foreign_texts = []
    for i, ts in by_rec.items():
        while True:
            k = fidx[rng.randint(len(fidx))]
            if pat[sent_rows[k][0]] != pat[i]:
                break
        ft = sent_rows[k][1]
        foreign_texts.append(ft)
        for t in ts:
            own_sc.append(float(g[i] @ s_emb[t]))
        for_sc.append(float(g[i] @ s_emb[ft]))
        # text-only coherence baseline: TF-IDF similarity of each sentence to the rest of the (edited) report
        all_s = [textproc.model_text(x['text']) for x in recs[i]['sentences']] + [ft]

        def coherence(t):
            rest = ' '.join(x for x in all_s if x != t)
            return Tfidf.cos(tfidf.vec(t), tfidf.vec(rest))
        b_own_sc.extend(coherence(t) for t in ts)
        b_for_sc.append(coherence(ft))
    out['foreign_sentence_auroc'] = {'model': auroc(-np.array(for_sc), -np.array(own_sc)), 'chance': 0.5,
                                     'baseline_text_tfidf_coherence': auroc(-np.array(b_for_sc), -np.array(b_own_sc)),
                                     'n_reports': len(by_rec), 'n_own_sentences': len(own_sc)}

    # ---- laterality: sentence vs its left/right-flipped twin, on the pair's own image
    lat = []
    flip_texts = [(i, t, flip_sides(t)) for i, t in sent_rows if SIDE_WORDS.search(t)]
    if flip_texts:
        fl = enc.texts([f for _, _, f in flip_texts]).numpy()
        for (i, t, _), fe in zip(flip_texts, fl):
            a, b = float(g[i] @ s_emb[t]), float(g[i] @ fe)
            lat.append(1.0 if a > b else 0.5 if a == b else 0.0)
    out['laterality'] = {'model': float(np.mean(lat)) if lat else None, 'chance': 0.5, 'n_sentences': len(lat)}

    # ---- grounding on real sentences naming one side: pointing game in the annotated lung box, CNR
    boxes, sizes = data.lung_boxes(records), data.image_sizes()
    cx, cy = cell_centres()
    for annotated in (True, False):
        hits, cnrs, base_hits, n_ground = [], [], [], 0
        for i, t in sent_rows:
            side = one_side(t)
            r = recs[i]
            if side is None or r['view'] == 'L' or (annotated and r['index'] not in boxes):
                continue
            b = data.boxes_224(r['index'], boxes, sizes)[side]
            inside = (cx >= b[0]) & (cx <= b[2]) & (cy >= b[1]) & (cy <= b[3])
            heat = smooth(p[i] @ s_emb[t])
            hits.append(float(inside[int(np.argmax(heat))]))
            base_hits.append(float(inside.mean()))
            if inside.any() and (~inside).any():
                a, o = heat[inside], heat[~inside]
                cnrs.append(float(abs(a.mean() - o.mean()) / math.sqrt(a.var() + o.var() + 1e-12)))
            n_ground += 1
        # annotated: lung boxes from the collection's annotation file only; otherwise also frontal images without
        # one, with a fixed approximate layout (data.DEFAULT_BOXES): more sentences, rougher boxes
        out['pointing_game_real' if annotated else 'pointing_game_real_incl_approx_boxes'] = {
            'model': float(np.mean(hits)) if hits else None,
            'baseline_random_cell': float(np.mean(base_hits)) if hits else None,
            'cnr': float(np.mean(cnrs)) if cnrs else None, 'n_sentences': n_ground}

    # ---- grounding on synthetic findings drawn into the eval images (never trained on)
    syn = [k for k in range(len(feats['rec'])) if feats['kind'][k] >= 0 and int(feats['rec'][k]) < len(records)
           and records[int(feats['rec'][k])]['patient'] in eval_set and data.usable(records[int(feats['rec'][k])])]
    if syn:
        sg, sp = enc.images(syn)
        sg, sp = sg.numpy(), sp.numpy()
        srng = np.random.RandomState(seed + 1)
        texts = [data.synth_sentence(data.KINDS[feats['kind'][k]], ['right', 'left'][feats['side'][k]],
                                     data.ZONES[feats['zone'][k]], srng) for k in syn]
        te = enc.texts(texts).numpy()
        flipped = enc.texts([flip_sides(t) for t in texts]).numpy()
        sh, ss, sc, sl, sb = [], [], [], [], []
        for q, k in enumerate(syn):
            heat = smooth(sp[q] @ te[q])
            m = feats['mask'][k]
            top = int(np.argmax(heat))
            sh.append(float(m[top] > 0))
            sb.append(float((m > 0).mean()))
            # the finding's side of the image: patient right = image left
            want_left_half = feats['side'][k] == 0
            ss.append(float((cx[top] < data.IMAGE_SIZE / 2) == want_left_half))
            inside = m > 0.2
            if inside.any() and (~inside).any():
                a, o = heat[inside], heat[~inside]
                sc.append(float(abs(a.mean() - o.mean()) / math.sqrt(a.var() + o.var() + 1e-12)))
            sl.append(1.0 if sg[q] @ te[q] > sg[q] @ flipped[q] else 0.0)
        out['synthetic'] = {'pointing_game': float(np.mean(sh)), 'baseline_random_cell': float(np.mean(sb)),
                            'correct_side_of_image': float(np.mean(ss)), 'cnr': float(np.mean(sc)) if sc else None,
                            'laterality_global': float(np.mean(sl)), 'n_views': len(syn)}
    return out


def summary_line(m):
    f = lambda v: 'n/a' if v is None else f'{v:.3f}'
    return (f"i2r R@1/5/10 {f(m['image_to_report']['model']['R@1'])}/{f(m['image_to_report']['model']['R@5'])}/"
            f"{f(m['image_to_report']['model']['R@10'])} (chance R@5 {f(m['image_to_report']['chance']['R@5'])}) | "
            f"swap AUROC {f(m['swapped_report_auroc']['model'])} (engine {f(m['swapped_report_auroc']['engine_suspicion_20pct_swapped'])}) | "
            f"foreign {f(m['foreign_sentence_auroc']['model'])} | lat {f(m['laterality']['model'])} | "
            f"point real {f(m['pointing_game_real']['model'])} | synth point {f(m.get('synthetic', {}).get('pointing_game'))} "
            f"side {f(m.get('synthetic', {}).get('correct_side_of_image'))}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--run', required=True, help='run folder with checkpoint.pt (written by train.py)')
    ap.add_argument('--split', default=os.path.join(HERE, 'split.json'))
    args = ap.parse_args()
    torch.set_num_threads(2)
    import train  # noqa: E402
    enc, records, feats, cfg = train.load_checkpoint(args.run)
    split = json.load(open(args.split))
    test = split['test']
    train_p = [p for f in split['folds'] for p in f]
    m = evaluate(enc, records, test, train_p, feats)
    print(json.dumps(m, indent=2))
    print(summary_line(m))


if __name__ == '__main__':
    main()
