#!/usr/bin/python3
"""Trains radalign's default model from scratch (fixed seeds) on data/covid-cxr and writes the model folder.

    /usr/bin/python3 training/train.py --out media/models/default

Needs Debian's python3-torch 1.13 / python3-onnx / numpy / PIL, node + npm (the report parser is bundled from
src/engine with esbuild; the ImageNet MobileNetV2 weights come from `npm pack nsfwjs@4.3.0`), and the data folder
../shared/data/covid-cxr (or RADALIGN_DATA). Derived tensors are cached in training/.cache/, logs, checkpoints and
metrics of each run go to training/runs/<name>/ (both gitignored). The patient split is training/split.json
(written on first use, then reused). Model selection: --fold K trains on the other folds and evaluates on fold K
(never on the test patients); the final run trains on all non-test patients and evaluates on the test patients.
"""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data  # noqa: E402
import evaluate as ev  # noqa: E402
import features  # noqa: E402
import sample  # noqa: E402
import textproc  # noqa: E402
from model import Clip  # noqa: E402
from pretrained import pretrained_mobilenet_v2  # noqa: E402

MAX_LEN = 128
# Chosen by patient-grouped CV on folds 0-2 (training/runs/cv-*/cv.json): see MODEL_CARD.md.
DEFAULTS = dict(train_from=17, min_count=3, steps=400, batch=48, synth_batch=32, dim=128, lr=1e-3, lr_backbone=2e-4,
                wd=0.1, w_global=1.0, w_sent=0.5, w_local=0.5, w_synth_ground=0.5, w_synth_global=0.3, w_attr=0.5, none_fraction=0.0,
                feat_dropout=0.15, word_dropout=0.3, sent_dropout=0.35, tau_local=0.1, tau_ground=0.1, seed=1234,
                sample_pairs=400, sample_batch=16)


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def multi_pos_nce(logits, pos):
    """Mean over rows of -log(sum_pos exp / sum_all exp); pos: bool (rows, cols), each row has >= 1 positive."""
    lse_all = torch.logsumexp(logits, dim=1)
    lse_pos = torch.logsumexp(logits.masked_fill(~pos, -1e4), dim=1)
    return (lse_all - lse_pos).mean()


def sym_nce(a, b, pos, scale):
    logits = scale * a @ b.T
    return 0.5 * (multi_pos_nce(logits, pos) + multi_pos_nce(logits.T, pos.T))


class Encoder:
    """What evaluate.py needs: unit embeddings for cached views and texts."""

    def __init__(self, model, tok, feats, skip=0):
        self.model, self.tok, self.feats, self.skip = model, tok, feats, skip
        self.max_len = MAX_LEN

    def count_tokens(self, t):
        return len(self.tok.encode(t))

    @torch.no_grad()
    def images(self, view_ids):
        self.model.eval()
        gs, ps = [], []
        for s in range(0, len(view_ids), 64):
            f = torch.from_numpy(self.feats['feats'][view_ids[s:s + 64]].astype(np.float32))
            g, p = self.model.vision(f, self.skip)
            gs.append(F.normalize(g, dim=-1))
            ps.append(F.normalize(p, dim=-1))
        return torch.cat(gs), torch.cat(ps)

    @torch.no_grad()
    def texts(self, texts):
        self.model.eval()
        out = []
        for s in range(0, len(texts), 256):
            ids, mask = pad([self.tok.encode(t, MAX_LEN) for t in texts[s:s + 256]], self.tok.pad)
            out.append(F.normalize(self.model.text(ids, mask), dim=-1))
        return torch.cat(out) if out else torch.zeros(0, self.model.text.proj.out_features)


def pad(id_lists, pad_id):
    n = max(len(x) for x in id_lists)
    ids = torch.full((len(id_lists), n), pad_id, dtype=torch.long)
    mask = torch.zeros((len(id_lists), n), dtype=torch.long)
    for i, x in enumerate(id_lists):
        ids[i, :len(x)] = torch.tensor(x)
        mask[i, :len(x)] = 1
    return ids, mask


@torch.no_grad()
def advance(model, feats, skip, tag=''):
    """Applies the first `skip` (frozen) head blocks to every cached view once."""
    if skip == 0:
        return feats
    out = dict(feats)
    path = data.cache_path(f'advanced-{skip}-n{len(feats["feats"])}{tag}.npy')
    if os.path.exists(path):
        out['feats'] = np.load(path)
        return out
    chunks = []
    for s in range(0, len(feats['feats']), 128):
        f = torch.from_numpy(feats['feats'][s:s + 128].astype(np.float32))
        for b in model.vision.blocks[:skip]:
            f = b(f)
        chunks.append(f.numpy())
    out['feats'] = np.concatenate(chunks)
    np.save(path, out['feats'])
    return out


def build_tokenizer(records, train_patients, min_count=2):
    tp = set(train_patients)
    texts = [r['note'] for r in records if r['patient'] in tp and data.usable(r)]
    extra = [t for ts in data.TEMPLATES.values() for t in ts] + ['left right upper mid lower zone lobe bilateral']
    return textproc.Tokenizer.build(texts, min_count=min_count, extra=extra)


def train(cfg, records, feats, train_patients, log):
    set_seed(cfg['seed'])
    rng = np.random.RandomState(cfg['seed'])
    srecs, tag = [], ''
    attr = data.attribute_labels(records)  # metadata.csv rows: real records only
    if cfg['sample_pairs']:
        # radalign's own synthetic sample (src/sample), generated with a seed the demo does not use
        srecs, sfeats, tag = sample.build(len(records), cfg['sample_pairs'], log=log)
        records = records + srecs
        feats = sample.merge(feats, sfeats)
        tag = '-' + tag
    spats = [r['patient'] for r in srecs]
    tok = build_tokenizer(records, list(train_patients) + spats, cfg['min_count'])
    backbone = pretrained_mobilenet_v2()
    model = Clip(backbone, len(tok.vocab), cfg['dim'], pad_id=tok.pad)
    skip = cfg['train_from'] - 13
    feats = advance(model, feats, skip, tag)
    for b in model.vision.blocks[:skip]:
        for prm in b.parameters():
            prm.requires_grad_(False)
    tp = set(train_patients)
    # licence: images under a no-derivatives licence (CC BY-NC-ND) are never trained on (data.usable)
    recs = [r for r in records if r['patient'] in tp and data.usable(r) and not r.get('sample')]
    tp |= set(spats)
    pid = {p: i for i, p in enumerate(sorted(tp))}
    real_views, synth_views = {}, []
    for k in range(len(feats['rec'])):
        r = records[int(feats['rec'][k])]
        if r['patient'] not in tp or not data.usable(r):
            continue
        if feats['kind'][k] < 0:
            real_views.setdefault(r['index'], []).append(k)
        else:
            synth_views.append(k)
    frontal = [r for r in recs if r['view'] != 'L']
    describing = {r['index']: [textproc.model_text(s['text']) for s in r['sentences'] if s['describesImage']]
                  or [textproc.model_text(s['text']) for s in r['sentences']] for r in recs + srecs}
    image_sents = {r['index']: [textproc.model_text(s['text']) for s in r['sentences'] if s['image']] for r in recs + srecs}
    log(f'train: {len(recs)} images, {len(tp) - len(spats)} patients, {len(srecs)} sample cases, '
        f'{len(synth_views)} synthetic views, vocab {len(tok.vocab)}')

    heads = torch.nn.ModuleDict({a: torch.nn.Linear(cfg['dim'], len(c)) for a, c in data.ATTRIBUTES.items()})
    pre = [p for n, p in model.named_parameters() if n.startswith('vision.blocks') and p.requires_grad]
    rest = [p for n, p in model.named_parameters() if not n.startswith('vision.blocks')] + list(heads.parameters())
    opt = torch.optim.AdamW([{'params': pre, 'lr': cfg['lr_backbone']}, {'params': rest, 'lr': cfg['lr']}],
                            weight_decay=cfg['wd'])
    base_lrs = [cfg['lr_backbone'], cfg['lr']]
    steps, warm = cfg['steps'], max(1, cfg['steps'] // 20)
    order, pos_in_order = [], 0
    t0 = time.time()
    model.train()
    for step in range(steps):
        frac = step / steps
        mult = (step + 1) / warm if step < warm else 0.5 * (1 + math.cos(math.pi * (step - warm) / (steps - warm)))
        for gi, g in enumerate(opt.param_groups):
            g['lr'] = base_lrs[gi] * mult
        # ---- real pairs
        batch = []
        while len(batch) < cfg['batch']:
            if pos_in_order >= len(order):
                order, pos_in_order = list(rng.permutation(len(recs))), 0
            batch.append(recs[order[pos_in_order]])
            pos_in_order += 1
        if srecs and cfg['sample_batch']:
            batch += [srecs[i] for i in rng.choice(len(srecs), size=cfg['sample_batch'], replace=False)]
        vids = [real_views[r['index']][rng.randint(len(real_views[r['index']]))] for r in batch]
        reports = []
        for r in batch:
            ss = describing[r['index']]
            keep = [s for s in ss if rng.rand() > cfg['sent_dropout']] or [ss[rng.randint(len(ss))]]
            reports.append(' '.join(keep))
        pats = torch.tensor([pid[r['patient']] for r in batch])
        pos = pats[:, None] == pats[None, :]
        # ---- synthetic findings
        n_none = int(round(cfg['synth_batch'] * cfg['none_fraction']))
        svids = list(rng.choice(synth_views, size=cfg['synth_batch'] - n_none, replace=False)) if cfg['synth_batch'] else []
        stexts = [data.synth_sentence(data.KINDS[feats['kind'][k]], ['right', 'left'][feats['side'][k]],
                                      data.ZONES[feats['zone'][k]], rng, extras=True) for k in svids]
        key = [(int(feats['kind'][k]), int(feats['side'][k]), -1 if feats['kind'][k] == 1 else int(feats['zone'][k]))
               for k in svids]
        # 'no finding': a view without a drawn finding, described as normal (contrasted only with drawn findings)
        for r in [frontal[i] for i in rng.randint(len(frontal), size=n_none)]:
            vs = real_views[r['index']]
            svids.append(vs[rng.randint(len(vs))])
            stexts.append(data.NORMAL_TEMPLATES[rng.randint(len(data.NORMAL_TEMPLATES))])
            key.append((-1, -1, -1))
        f = torch.from_numpy(feats['feats'][vids + svids].astype(np.float32))
        if cfg['feat_dropout']:
            f = F.dropout2d(f, cfg['feat_dropout'])
        g_all, p_all = model.vision(f, skip)
        g_all, p_all = F.normalize(g_all, dim=-1), F.normalize(p_all, dim=-1)
        nb = len(vids)
        g, p = g_all[:nb], p_all[:nb]
        scale = model.logit_scale.exp().clamp(max=100)
        ids, mask = pad([tok.encode(t, MAX_LEN) for t in reports], tok.pad)
        rep = F.normalize(model.text(ids, mask, cfg['word_dropout']), dim=-1)
        loss_g = sym_nce(g, rep, pos, scale)
        losses = {'global': loss_g}
        # sentence-level and local (GLoRIA-style) alignment on image-describing sentences
        has = [i for i, r in enumerate(batch) if image_sents[r['index']]]
        if has and (cfg['w_sent'] or cfg['w_local']):
            sents = [image_sents[batch[i]['index']][rng.randint(len(image_sents[batch[i]['index']]))] for i in has]
            sids, smask = pad([tok.encode(t, MAX_LEN) for t in sents], tok.pad)
            se = F.normalize(model.text(sids, smask, cfg['word_dropout']), dim=-1)
            spos = pos[has]  # sentence j (of image has[j]) vs every image in the batch
            if cfg['w_sent']:
                logits = scale * se @ g.T
                losses['sent'] = 0.5 * (multi_pos_nce(logits, spos) + multi_pos_nce(logits.T[spos.T.any(1)], spos.T[spos.T.any(1)]))
            if cfg['w_local']:
                c = torch.einsum('jd,ipd->jip', se, p)  # sentence j, image i, patch
                a = torch.softmax(c / cfg['tau_local'], dim=2)
                loc = (a * c).sum(2)
                logits = scale * loc
                losses['local'] = 0.5 * (multi_pos_nce(logits, spos) + multi_pos_nce(logits.T[spos.T.any(1)], spos.T[spos.T.any(1)]))
        if svids:
            sg, sp = g_all[nb:], p_all[nb:]
            sids, smask = pad([tok.encode(t, MAX_LEN) for t in stexts], tok.pad)
            ste = F.normalize(model.text(sids, smask, cfg['word_dropout']), dim=-1)
            c = torch.einsum('jd,jpd->jp', ste, sp)
            target = torch.from_numpy(feats['mask'][svids])
            target = target / target.sum(1, keepdim=True).clamp(min=1e-6)
            ok = target.sum(1) > 0
            losses['synth_ground'] = -(target * F.log_softmax(c / cfg['tau_ground'], dim=1)).sum(1)[ok].mean()
            spos2 = torch.tensor([[a == b for b in key] for a in key])
            losses['synth_global'] = sym_nce(sg, ste, spos2, scale)
        if cfg['w_attr']:
            # shared attribute heads on both modalities: sex, age, view, COVID or not, intubated (metadata.csv)
            la = []
            for a, head in heads.items():
                y = torch.tensor([attr[r['index']][a] if r['index'] in attr else -1 for r in batch])
                ok = y >= 0
                if ok.any():
                    la.append(F.cross_entropy(head(10 * g[ok]), y[ok]) + F.cross_entropy(head(10 * rep[ok]), y[ok]))
            losses['attr'] = sum(la) / (2 * len(la))
        w = {'attr': cfg['w_attr'], 'global': cfg['w_global'], 'sent': cfg['w_sent'], 'local': cfg['w_local'],
             'synth_ground': cfg['w_synth_ground'], 'synth_global': cfg['w_synth_global']}
        loss = sum(w[k] * v for k, v in losses.items())
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        if step % 50 == 0 or step == steps - 1:
            el = time.time() - t0
            log(f'step {step}/{steps} loss {loss.item():.3f} ' + ' '.join(f'{k} {v.item():.3f}' for k, v in losses.items())
                + f' scale {scale.item():.1f} | {el:.0f}s, {(step + 1) * (nb + len(svids)) / el:.0f} views/s')
    return model, tok, feats


def save_checkpoint(run_dir, model, tok, cfg, train_patients, eval_patients):
    torch.save({'state': model.state_dict(), 'vocab': tok.vocab, 'cfg': cfg, 'train_patients': train_patients,
                'eval_patients': eval_patients}, os.path.join(run_dir, 'checkpoint.pt'))


def load_checkpoint(run_dir):
    ck = torch.load(os.path.join(run_dir, 'checkpoint.pt'))
    cfg = ck['cfg']
    tok = textproc.Tokenizer(ck['vocab'])
    model = Clip(pretrained_mobilenet_v2(), len(tok.vocab), cfg['dim'], pad_id=tok.pad)
    model.load_state_dict(ck['state'])
    records = data.load_records()
    feats, _ = features.build(records, data.load_base_images(records))
    return Encoder(model.eval(), tok, feats), records, feats, cfg


CV_KEYS = [('swap', lambda m: m['swapped_report_auroc']['model']),
           ('swap_engine', lambda m: m['swapped_report_auroc']['engine_suspicion_20pct_swapped']),
           ('i2r_R5', lambda m: m['image_to_report']['model']['R@5']),
           ('i2r_R5_chance', lambda m: m['image_to_report']['chance']['R@5']),
           ('r2i_R5', lambda m: m['report_to_image']['model']['R@5']),
           ('foreign', lambda m: m['foreign_sentence_auroc']['model']),
           ('laterality', lambda m: m['laterality']['model']),
           ('point_real', lambda m: m['pointing_game_real']['model']),
           ('point_synth', lambda m: m['synthetic']['pointing_game']),
           ('point_real_approx', lambda m: m['pointing_game_real_incl_approx_boxes']['model']),
           ('swap_baseline', lambda m: m['swapped_report_auroc']['baseline_thumbnail_knn_tfidf']),
           ('foreign_baseline', lambda m: m['foreign_sentence_auroc']['baseline_text_tfidf_coherence'])]


def cv_select(args, cfg, records, feats, split, run_dir, log):
    folds = [int(x) for x in args.cv.split(',')]
    per = []
    for k in folds:
        eval_p = split['folds'][k]
        train_p = [p for j, f in enumerate(split['folds']) if j != k for p in f]
        model, tok, fu = train(cfg, records, feats, train_p, log)
        m = ev.evaluate(Encoder(model.eval(), tok, fu, cfg['train_from'] - 13), records, eval_p, train_p, fu)
        row = {key: f(m) for key, f in CV_KEYS}
        log(f'fold {k}: ' + ' '.join(f'{a} {b:.3f}' for a, b in row.items() if b is not None))
        per.append(row)
    mean = {key: float(np.mean([r[key] for r in per if r[key] is not None])) for key, _ in CV_KEYS}
    sd = {key: float(np.std([r[key] for r in per if r[key] is not None])) for key, _ in CV_KEYS}
    log('CV mean: ' + ' '.join(f'{a} {b:.3f}±{sd[a]:.3f}' for a, b in mean.items()))
    json.dump({'config': cfg, 'folds': folds, 'per_fold': per, 'mean': mean, 'sd': sd},
              open(os.path.join(run_dir, 'cv.json'), 'w'), indent=2)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', help='model folder to export (e.g. media/models/default); omitted: no export')
    ap.add_argument('--name', help='run name under training/runs/ (default: derived)')
    ap.add_argument('--fold', type=int, help='model selection: train on the other folds, evaluate on this fold')
    ap.add_argument('--cv', help='model selection over several folds, e.g. --cv 0,1,2: trains once per fold, '
                    'writes per-fold and mean validation metrics to the run folder (no export, no test patients)')
    ap.add_argument('--set', action='append', default=[], help='override a setting, e.g. --set steps=400')
    args = ap.parse_args()
    torch.set_num_threads(2)
    cfg = dict(DEFAULTS)
    for kv in args.set:
        k, v = kv.split('=', 1)
        cfg[k] = type(DEFAULTS[k])(v)
    name = args.name or (f'fold{args.fold}' if args.fold is not None else 'final') + time.strftime('-%Y%m%d-%H%M%S')
    run_dir = os.path.join(HERE, 'runs', name)
    os.makedirs(run_dir, exist_ok=True)
    logf = open(os.path.join(run_dir, 'log.txt'), 'a')

    def log(msg):
        line = f'[{time.strftime("%H:%M:%S")}] {msg}'
        print(line, flush=True)
        logf.write(line + '\n')
        logf.flush()

    log(f'config {json.dumps(cfg)} fold={args.fold} out={args.out}')
    t_start = time.time()
    records = data.load_records()
    base = data.load_base_images(records)
    feats, finfo = features.build(records, base, log=log)
    split_path = os.path.join(HERE, 'split.json')
    if not os.path.exists(split_path):
        json.dump(data.make_split(records), open(split_path, 'w'), indent=1)
    split = json.load(open(split_path))
    if args.fold is not None:
        eval_p = split['folds'][args.fold]
        train_p = [p for k, f in enumerate(split['folds']) if k != args.fold for p in f]
    else:
        eval_p = split['test']
        train_p = [p for f in split['folds'] for p in f]
    assert not set(eval_p) & set(train_p)
    if args.cv:
        cv_select(args, cfg, records, feats, split, run_dir, log)
        return
    t_train = time.time()
    model, tok, feats_used = train(cfg, records, feats, train_p, log)
    train_seconds = time.time() - t_train
    save_checkpoint(run_dir, model, tok, cfg, train_p, eval_p)
    enc = Encoder(model.eval(), tok, feats_used, cfg['train_from'] - 13)
    metrics = ev.evaluate(enc, records, eval_p, train_p, feats_used)
    metrics['evaluated_on'] = 'test patients' if args.fold is None else f'validation fold {args.fold}'
    tps = set(train_p)
    metrics['train'] = {'images': sum(1 for r in records if r['patient'] in tps and data.usable(r)),
                        'excluded_no_derivatives': sum(1 for r in records if r['patient'] in tps and not data.usable(r)),
                        'patients': len({r['patient'] for r in records if r['patient'] in tps and data.usable(r)}),
                        'sample_cases': cfg['sample_pairs'],
                        'seconds': round(train_seconds), 'config': cfg, 'vocab': len(tok.vocab)}
    log(ev.summary_line(metrics))
    json.dump(metrics, open(os.path.join(run_dir, 'metrics.json'), 'w'), indent=2)
    if args.out:
        import export
        info = export.export(model, tok, cfg, args.out, log)
        metrics['export'] = info
        # radalign's own sample (src/sample), scored by radalign's CLI with the exported model (needs `npm run build`)
        import eval_sample
        if os.path.exists(os.path.join(data.ROOT, 'dist', 'cli', 'radalign.js')):
            metrics['sample'] = eval_sample.evaluate(os.path.abspath(args.out))
            log('sample: ' + json.dumps({k: {a: v[a] for a in ('swapped_ranks', 'pointing_game')} for k, v in metrics['sample'].items()}))
        else:
            log('sample evaluation skipped: run `npm run build` first')
        json.dump(metrics, open(os.path.join(run_dir, 'metrics.json'), 'w'), indent=2)
        json.dump(metrics, open(os.path.join(args.out, 'metrics.json'), 'w'), indent=2)
    log(f'done in {time.time() - t_start:.0f}s; run folder {run_dir}')


if __name__ == '__main__':
    main()
