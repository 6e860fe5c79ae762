"""Frozen-backbone feature cache: MobileNetV2 (ImageNet, via nsfwjs) up to block 12 (96 x 14 x 14 at 224 px),
computed once per view. Views: view 0 = the clean image (what the engine feeds), then augmented views, then
views with a synthetic finding drawn in (frontal images only). Cached under training/.cache/ (gitignored)."""
import json
import os
import time

import numpy as np
import torch

import data
from pretrained import pretrained_mobilenet_v2

FREEZE_UPTO = 12  # blocks[0..12] frozen and cached; blocks 13..16 are trained


def to_input(gray01):
    """(n, 224, 224) in 0..1 -> (n, 3, 224, 224): the engine repeats grey into RGB, mean 0, std 1."""
    t = torch.from_numpy(np.asarray(gray01, np.float32))
    return t[:, None].expand(-1, 3, -1, -1).contiguous()


def build(records, base, n_real=4, n_synth=3, seed=7, log=print):
    key = f'feat-u{FREEZE_UPTO}-r{n_real}-s{n_synth}-seed{seed}-n{len(records)}'
    path = data.cache_path(key + '.npz')
    if os.path.exists(path):
        z = np.load(path, allow_pickle=False)
        return {k: z[k] for k in z.files}, json.load(open(data.cache_path(key + '.json')))
    net = pretrained_mobilenet_v2()
    boxes, sizes = data.lung_boxes(records), data.image_sizes()
    rng = np.random.RandomState(seed)
    views = []  # (record index, kind, side, zone, image, mask grid)
    for r in records:
        img = base[r['index']].astype(np.float32) / 255
        for v in range(n_real):
            im, _ = data.affine_view(img, None, rng, strong=v > 0)
            views.append((r['index'], -1, -1, -1, im, np.zeros(49, np.float32)))
        if r['view'] == 'L':
            continue
        b = data.boxes_224(r['index'], boxes, sizes)
        for v in range(n_synth):
            kind, side, zone = rng.randint(3), rng.randint(2), rng.randint(3)
            drawn, mask = data.draw_finding(img, b[['right', 'left'][side]], data.KINDS[kind], data.ZONES[zone], rng)
            im, m = data.affine_view(drawn, mask, rng, strong=True)
            views.append((r['index'], kind, side, zone, im, data.mask_to_grid(m)))
    feats = np.zeros((len(views), 96, 14, 14), np.float16)
    t0 = time.time()
    with torch.no_grad():
        for s in range(0, len(views), 32):
            batch = to_input([v[4] for v in views[s:s + 32]])
            feats[s:s + 32] = net(batch, upto=FREEZE_UPTO).numpy().astype(np.float16)
            if (s // 32) % 10 == 0:
                log(f'features {s + len(batch)}/{len(views)} {(s + len(batch)) / (time.time() - t0):.1f} img/s')
    out = {'feats': feats, 'rec': np.array([v[0] for v in views], np.int32),
           'kind': np.array([v[1] for v in views], np.int8), 'side': np.array([v[2] for v in views], np.int8),
           'zone': np.array([v[3] for v in views], np.int8), 'mask': np.stack([v[5] for v in views]).astype(np.float32),
           'clean': np.array([1 if (v[1] < 0 and (i == 0 or views[i - 1][0] != v[0])) else 0
                              for i, v in enumerate(views)], np.int8)}
    np.savez(path, **out)
    json.dump({'seconds': time.time() - t0, 'views': len(views)}, open(data.cache_path(key + '.json'), 'w'))
    return out, {'seconds': time.time() - t0, 'views': len(views)}
