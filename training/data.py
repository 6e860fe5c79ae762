"""Data for radalign's default model: covid-cxr records, the engine's sentence parse, the patient split,
preprocessed images, synthetic findings and the frozen-backbone feature cache.

Nothing here writes inside the data folder; every derived file goes under training/.cache/ (gitignored).
"""
import csv
import hashlib
import json
import math
import os
import re
import subprocess

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CACHE = os.path.join(HERE, '.cache')
DATA = os.environ.get('RADALIGN_DATA', os.path.normpath(os.path.join(ROOT, '..', 'shared', 'data', 'covid-cxr')))
IMAGE_SIZE = 224
FRONTAL = {'PA', 'AP', 'AP Supine', 'AP supine'}

# Words that make a sentence about what a chest radiograph shows (on top of the engine's describesImage).
IMAGING = re.compile(
    r'\b(radiograph\w*|x-?rays?|cxr|film|opacit\w*|opacific\w*|consolidat\w*|infiltrat\w*|effusions?|pneumothorax|'
    r'ground[- ]glass|gg[oa]s?|lungs?|lobes?|lobar|zones?|fields?|bilateral\w*|hil(?:ar|um|a)|perihilar|atelecta\w*|'
    r'nodul\w*|cardiomegaly|cardiac silhouette|heart|shadow\w*|markings?|interstitial|reticul\w*|airspace|air-space|'
    r'haz\w*|pleural|diaphragm\w*|costophrenic|tube|catheter|lines?|mediastin\w*|trachea|basal|bases|apical|'
    r'peripheral|patch\w*|densit\w*|pneumoni\w*|lucen\w*|cavit\w*|emphysema|fibros\w*|thickening|blunting|'
    r'chest)\b', re.I)
CT_ONLY = re.compile(r'\b(ct|computed tomography|hrct|tomograph\w*)\b', re.I)


def cache_path(*parts):
    p = os.path.join(CACHE, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


# ------------------------------------------------------------------ records and sentences

def parse_with_engine(texts):
    """radalign's report parser (src/engine/report), bundled with esbuild and run by node."""
    bundle = cache_path('parse_notes.js')
    subprocess.run(['npx', 'esbuild', os.path.join(HERE, 'parse_notes.ts'), '--bundle', '--platform=node',
                    '--format=cjs', '--log-level=warning', f'--outfile={bundle}'], cwd=ROOT, check=True)
    res = subprocess.run(['node', bundle], input=json.dumps(texts), capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


def describes_image(sentence):
    """Engine's describesImage plus: names something a chest radiograph shows, and is not only about CT."""
    t = sentence['text']
    if not sentence['describesImage'] or len(t) < 12 or not IMAGING.search(t):
        return False
    if CT_ONLY.search(t) and not re.search(r'radiograph|x-?ray|cxr|film', t, re.I):
        return False
    return True


def load_records():
    """One record per image: patient, file, view, note, parsed sentences, licence."""
    path = cache_path('records.json')
    meta = os.path.join(DATA, 'metadata.csv')
    stamp = hashlib.sha256(open(meta, 'rb').read() + open(os.path.join(HERE, 'parse_notes.ts'), 'rb').read()).hexdigest()
    if os.path.exists(path):
        cached = json.load(open(path))
        if cached['stamp'] == stamp:
            return cached['records']
    rows = list(csv.DictReader(open(meta, newline='', encoding='utf-8')))
    notes = sorted({r['clinical_notes'] for r in rows})
    parsed = dict(zip(notes, parse_with_engine(notes)))
    records = []
    for i, r in enumerate(rows):
        sents = parsed[r['clinical_notes']]
        for s in sents:
            s['image'] = describes_image(s)
        records.append({'index': i, 'patient': r['patientid'].strip(), 'file': r['filename'], 'view': r['view'].strip(),
                        'note': r['clinical_notes'], 'sentences': sents, 'license': r['license'].strip(),
                        'finding': r['finding']})
    json.dump({'stamp': stamp, 'records': records}, open(path, 'w'))
    return records


def usable(r):
    """Whether a record may be trained on or evaluated: not under a no-derivatives licence (CC BY-NC-ND, any
    version). A trained model is arguably a derivative of its training images, so those images are left out."""
    return '-ND' not in r['license'].upper()


# ------------------------------------------------------------------ split

def make_split(records, seed=20240611, test_fraction=0.2, folds=5):
    patients = sorted({r['patient'] for r in records}, key=lambda p: (len(p), p))
    rng = np.random.RandomState(seed)
    order = [patients[i] for i in rng.permutation(len(patients))]
    n_test = int(round(len(order) * test_fraction))
    test, rest = sorted(order[:n_test]), order[n_test:]
    fold_lists = [sorted(rest[k::folds]) for k in range(folds)]
    return {'seed': seed, 'comment': 'Patient ids (metadata.csv patientid). Test patients are never used for training '
                                     'or model selection; folds partition the rest for grouped k-fold selection.',
            'test': test, 'folds': fold_lists}


def load_split(path):
    s = json.load(open(path))
    return s


# ------------------------------------------------------------------ images

def load_base_images(records):
    """Grey uint8 (n, 224, 224): each image squashed to 224 with bicubic, like the engine's 'squash' resize."""
    path = cache_path(f'base{IMAGE_SIZE}.npy')
    if os.path.exists(path):
        arr = np.load(path)
        if arr.shape[0] == len(records):
            return arr
    out = np.zeros((len(records), IMAGE_SIZE, IMAGE_SIZE), np.uint8)
    sizes = []
    for i, r in enumerate(records):
        im = Image.open(os.path.join(DATA, 'images', r['file']))
        if im.mode in ('I;16', 'I', 'F'):
            a = np.asarray(im, np.float32)
            a = (a - a.min()) / max(1e-6, a.max() - a.min()) * 255
            im = Image.fromarray(a.astype(np.uint8))
        sizes.append(im.size)
        out[i] = np.asarray(im.convert('L').resize((IMAGE_SIZE, IMAGE_SIZE), Image.BICUBIC))
    np.save(path, out)
    json.dump(sizes, open(cache_path('sizes.json'), 'w'))
    return out


def image_sizes():
    return json.load(open(cache_path('sizes.json')))


def lung_boxes(records):
    """index -> {'right': [x0,y0,x1,y1], 'left': [...]} in original pixels (patient sides), where annotated."""
    ann = json.load(open(os.path.join(DATA, 'annotations', 'imageannotation_ai_lung_bounding_boxes.json')))
    by_file = {im['file_name']: im['id'] for im in ann['images']}
    boxes = {}
    for a in ann['annotations']:
        if a.get('bbox') is None or any(v is None for v in a['bbox']):
            continue
        x, y, w, h = a['bbox']
        side = 'right' if a['category_id'] == 1 else 'left'
        boxes.setdefault(a['image_id'], {})[side] = [x, y, x + w, y + h]
    out = {}
    for r in records:
        b = boxes.get(by_file.get(r['file']))
        if b and 'left' in b and 'right' in b:
            out[r['index']] = b
    return out


DEFAULT_BOXES = {'right': [0.10, 0.12, 0.48, 0.88], 'left': [0.52, 0.12, 0.90, 0.88]}  # fractions, PA/AP


def boxes_224(rec_index, boxes, sizes):
    """Lung boxes in 224-input pixels (annotated, else a default layout)."""
    if rec_index in boxes:
        w, h = sizes[rec_index]
        return {s: [b[0] / w * IMAGE_SIZE, b[1] / h * IMAGE_SIZE, b[2] / w * IMAGE_SIZE, b[3] / h * IMAGE_SIZE]
                for s, b in boxes[rec_index].items()}
    return {s: [v * IMAGE_SIZE for v in b] for s, b in DEFAULT_BOXES.items()}


# ------------------------------------------------------------------ synthetic findings

KINDS = ['opacity', 'effusion', 'nodule']
ZONES = ['upper', 'mid', 'lower']
TEMPLATES = {
    'opacity': ['Opacity in the {side} {zone} zone.', 'Focal consolidation in the {side} {zone} zone.',
                'There is a patchy airspace opacity in the {side} {zone} zone.', '{Side} {zone} zone opacity.',
                'Hazy opacity projects over the {side} {zone} zone.'],
    'effusion': ['{Side} pleural effusion.', 'Small {side} pleural effusion.', 'Blunting of the {side} costophrenic angle.',
                 'There is a moderate {side} pleural effusion with blunting of the {side} costophrenic angle.',
                 'There is a {side} sided pleural effusion.'],
    'nodule': ['Nodule in the {side} {zone} zone.', 'A rounded nodule projects over the {side} {zone} zone.',
               'Small {side} {zone} zone nodule.', 'A 1.5 cm nodule in the {side} {zone} zone.',
               '{Side} {zone} zone nodule.'],
}
NORMAL_TEMPLATES = ['The lungs are clear.', 'No focal consolidation, pleural effusion or pneumothorax.',
                    'No focal opacity, nodule or pleural effusion.', 'No acute cardiopulmonary process.',
                    'The lungs are clear. No pleural effusion.', 'No focal consolidation. No pleural effusion.']
ZONE_WORDS = {'upper': ['upper'], 'mid': ['mid', 'middle'], 'lower': ['lower']}


def synth_sentence(kind, side, zone, rng, extras=False):
    """A sentence describing a drawn finding; with extras, sometimes followed by negated other findings."""
    t = TEMPLATES[kind][rng.randint(len(TEMPLATES[kind]))]
    words = ZONE_WORDS[zone]
    out = t.format(side=side, Side=side.capitalize(), zone=words[rng.randint(len(words))])
    if extras:
        if kind != 'effusion' and rng.rand() < 0.4:
            out += ' No pleural effusion.'
        if rng.rand() < 0.3:
            out += ' No pneumothorax.'
    return out


def draw_finding(img, box, kind, zone, rng):
    """img float32 (224,224) in 0..1; box = the lung box [x0,y0,x1,y1] of the chosen side. Returns (img, mask)."""
    H = W = IMAGE_SIZE
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    x0, y0, x1, y1 = box
    bw, bh = max(8.0, x1 - x0), max(8.0, y1 - y0)
    zi = ZONES.index(zone)
    if kind == 'effusion':
        top = y1 - bh * rng.uniform(0.15, 0.3)
        edge = 1 / (1 + np.exp(-(yy - top - 0.08 * np.abs(xx - (x0 + x1) / 2)) / 3.0))  # meniscus, rising laterally
        inside = ((xx > x0 - 4) & (xx < x1 + 4) & (yy < y1 + 6)).astype(np.float32)
        field = edge * inside
        strength = rng.uniform(0.35, 0.6)
    else:
        cx = rng.uniform(x0 + 0.25 * bw, x1 - 0.25 * bw)
        cy = y0 + bh * (zi + rng.uniform(0.25, 0.75)) / 3
        if kind == 'opacity':
            sx, sy = bw * rng.uniform(0.18, 0.3), bh * rng.uniform(0.08, 0.13)
            field = np.exp(-(((xx - cx) / sx) ** 2 + ((yy - cy) / sy) ** 2) / 2)
            noise = F.interpolate(torch.from_numpy(rng.rand(1, 1, 14, 14).astype(np.float32)), size=(H, W),
                                  mode='bilinear', align_corners=False)[0, 0].numpy()
            field = field * (0.6 + 0.8 * noise)
            strength = rng.uniform(0.3, 0.5)
        else:
            r = rng.uniform(4.0, 7.0)
            field = 1 / (1 + np.exp((np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) - r) / 1.0))
            strength = rng.uniform(0.35, 0.55)
    field = np.clip(field, 0, 1).astype(np.float32)
    out = img + strength * field * (1 - img) * 1.2
    return np.clip(out, 0, 1), (field > 0.5).astype(np.float32)


# ------------------------------------------------------------------ augmentation and views

def affine_view(img, mask, rng, strong=True):
    """Random affine (scale, shift, rotation) plus gamma/contrast; no flips (laterality must survive)."""
    t = torch.from_numpy(np.stack([img] + ([mask] if mask is not None else []))[None])
    if strong:
        s = rng.uniform(0.88, 1.12)
        a = math.radians(rng.uniform(-8, 8))
        tx, ty = rng.uniform(-0.06, 0.06), rng.uniform(-0.06, 0.06)
        theta = torch.tensor([[[math.cos(a) / s, -math.sin(a) / s, tx], [math.sin(a) / s, math.cos(a) / s, ty]]],
                             dtype=torch.float32)
        grid = F.affine_grid(theta, t.shape, align_corners=False)
        t = F.grid_sample(t, grid, mode='bilinear', padding_mode='zeros', align_corners=False)
    out = t[0].numpy()
    im = out[0]
    if strong:
        im = np.clip(im, 0, 1) ** rng.uniform(0.7, 1.4)
        im = np.clip((im - 0.5) * rng.uniform(0.8, 1.25) + 0.5 + rng.uniform(-0.06, 0.06), 0, 1)
    return im.astype(np.float32), (out[1] if mask is not None else None)


def mask_to_grid(mask, grid=7):
    """Fraction of each grid cell covered by the mask, (grid*grid,)."""
    t = torch.from_numpy(mask)[None, None]
    return F.adaptive_avg_pool2d(t, grid)[0, 0].reshape(-1).numpy()


# ------------------------------------------------------------------ metadata attributes (auxiliary targets)

ATTRIBUTES = {'sex': ['M', 'F'], 'age': ['<45', '45-64', '65+'], 'view': ['PA', 'AP', 'AP Supine', 'L'],
              'covid': ['yes', 'no'], 'intubated': ['Y', 'N']}


def attribute_labels(records):
    """index -> {attribute: class id or -1 (unknown)} from metadata.csv (same row order as records)."""
    rows = list(csv.DictReader(open(os.path.join(DATA, 'metadata.csv'), newline='', encoding='utf-8')))
    out = {}
    for r in records:
        row = rows[r['index']]
        lab = {}
        lab['sex'] = ATTRIBUTES['sex'].index(row['sex']) if row['sex'] in ATTRIBUTES['sex'] else -1
        try:
            age = float(row['age'])
            lab['age'] = 0 if age < 45 else 1 if age < 65 else 2
        except ValueError:
            lab['age'] = -1
        v = row['view'].strip().replace('AP supine', 'AP Supine')
        lab['view'] = ATTRIBUTES['view'].index(v) if v in ATTRIBUTES['view'] else -1
        f = row['finding'].strip()
        lab['covid'] = -1 if f in ('', 'todo') else 0 if 'COVID-19' in f else 1
        lab['intubated'] = ATTRIBUTES['intubated'].index(row['intubated']) if row['intubated'] in ('Y', 'N') else -1
        out[r['index']] = lab
    return out
