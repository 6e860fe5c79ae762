#!/usr/bin/env python3
"""Parity table: a radalign export against its own library, for the versions installed here.

  python tools/export/parity.py open_clip --model-name ViT-B-32 --images a.png b.jpg
  python tools/export/parity.py open_clip --model-name ViT-B-32-quickgelu --preset chexzero \\
      --chexzero-repo ~/src/CheXzero --images ...
  python tools/export/parity.py open_clip --model-name RN50 --images ...
  python tools/export/parity.py open_clip --hf-hub microsoft/BiomedCLIP-PubMedBERT_256-vit_base_patch16_224 ...
  python tools/export/parity.py hf-clip --model openai/clip-vit-base-patch32 --images ...
  python tools/export/parity.py biovil-preprocess --images ...     (hi-ml's transform only: no weights needed)

Each run exports the model with the same recipes as export_*.py into a temporary folder (random weights from
--seed when the model has none: the figures then measure the export, not a trained model), runs the built radalign
CLI (`radalign inspect-model`, so `npm ci && npm run build` first) on the images and tools/export's sample texts,
and prints one markdown table row per measure:

  tokenizer   radalign's ids equal to the library tokenizer's, texts equal / texts
  image       library encode_image(radalign's tensor) vs radalign's embedding: max abs diff, min cosine
  patches     MaskCLIP reference (the library's own last attention run with a self-only mask) vs radalign's patches
  text        library encode_text vs radalign's text embedding
  pixels      the library's preprocessing of each image vs radalign's tensor: min / median cosine, max abs diff
  end-to-end  library encode_image(library preprocessing) vs radalign's embedding of the file: min / median cosine

Nothing here is needed to use radalign; it is how each upstream release is checked where weights exist.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from radalign_export import checks, presets, recipes, verify, writer  # noqa: E402

CLI = os.path.join(REPO, 'bin', 'radalign.js')


# ------------------------------------------------------------------------------------------------ radalign side

def inspect(model_dir, images, texts):
    """`radalign inspect-model` on the images and texts: (document, {image: pixels}, {image: patches})."""
    with tempfile.TemporaryDirectory(prefix='radalign-parity-') as out:
        listing = os.path.join(out, 'images.txt')
        with open(listing, 'w', encoding='utf-8') as f:
            f.write(''.join(i + '\n' for i in images))
        cmd = ['node', CLI, 'inspect-model', '--model', model_dir, '--out', out, '--images-from', listing]
        for t in texts:
            cmd += ['--text', t]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            raise SystemExit(f'radalign inspect-model failed ({run.returncode}): {run.stderr.strip()}\n'
                             f'(build the CLI first: npm ci && npm run build)')
        with open(os.path.join(out, 'inspect.json'), encoding='utf-8') as f:
            doc = json.load(f)
        pixels = {im['file']: np.load(os.path.join(out, im['pixels'])) for im in doc['images']}
        patches = {im['file']: np.load(os.path.join(out, im['patches'])) for im in doc['images'] if im['patches']}
    for s in doc['skipped']:
        print(f'  radalign skipped {s["file"]}: {s["reason"]}', file=sys.stderr)
    return doc, pixels, patches


# ------------------------------------------------------------------------------------------------ measures

def cosine(a, b):
    a = np.asarray(a, dtype=np.float64).reshape(-1)
    b = np.asarray(b, dtype=np.float64).reshape(-1)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def row_cosines(a, b):
    """Cosine of each row (patch) of two (n, d) arrays."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def cos_text(c):
    """A cosine as a person can compare it: 1 − (1 − c) once it is closer to 1 than 7 decimals show."""
    return f'{c:.7f}' if c < 0.9999999 else f'1 − {max(0.0, 1 - c):.1e}'


def max_abs(a, b):
    return float(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)).max())


class Table:
    def __init__(self, title):
        self.title = title
        self.rows = []

    def add(self, measure, result, detail=''):
        self.rows.append((measure, result, detail))

    def print(self):
        print(f'\n### {self.title}\n')
        print('| measure | result | detail |')
        print('| --- | --- | --- |')
        for m, r, d in self.rows:
            print(f'| {m} | {r} | {d} |')


def model_rows(table, lib, doc, pixels, patches, lib_ids):
    """tokenizer, image, patches and text rows: the library run on radalign's own inputs."""
    texts = doc['texts']
    same = sum(1 for t, ids in zip(texts, lib_ids) if t['ids'] == ids)
    table.add('tokenizer ids', f'{same}/{len(texts)} texts equal',
              'first difference: ' + next((repr(t['text'][:40]) for t, ids in zip(texts, lib_ids) if t['ids'] != ids),
                                          'none'))
    if doc['images']:
        files = [im['file'] for im in doc['images']]
        x = torch.from_numpy(np.stack([pixels[f] for f in files]))
        with torch.no_grad():
            want = verify.as_tensor(lib['encode_image'](x)).numpy()
        got = np.array([im['embedding'] for im in doc['images']])
        table.add('image embeds', f'max abs diff {max_abs(got, want):.2g}',
                  f'min cosine {cos_text(min(cosine(g, w) for g, w in zip(got, want)))} over {len(files)} images')
        if patches and lib.get('patch_reference'):
            with torch.no_grad():
                ref = lib['patch_reference'](x).numpy()
            diffs = [max_abs(patches[f], ref[i]) for i, f in enumerate(files)]
            cos = [float(row_cosines(patches[f], ref[i]).min()) for i, f in enumerate(files)]
            table.add('patch embeds', f'max abs diff {max(diffs):.2g}', f'min patch cosine {cos_text(min(cos))}')
    if texts:
        with torch.no_grad():
            want = verify.as_tensor(lib['encode_text']([t['text'] for t in texts])).numpy()
        got = np.array([t['embedding'] for t in texts])
        table.add('text embeds', f'max abs diff {max_abs(got, want):.2g}',
                  f'min cosine {cos_text(min(cosine(g, w) for g, w in zip(got, want)))} over {len(texts)} texts')


def preprocess_rows(table, lib, doc, pixels):
    """pixels and end-to-end rows: the library's own preprocessing of each file against radalign's."""
    if not doc['images']:
        return
    cos, diffs, ends = [], [], []
    for im in doc['images']:
        theirs = lib['preprocess'](im['file'])
        ours = pixels[im['file']]
        if tuple(theirs.shape) != tuple(ours.shape):
            raise SystemExit(f'{im["file"]}: library tensor {tuple(theirs.shape)}, radalign {tuple(ours.shape)}')
        cos.append(cosine(theirs, ours))
        diffs.append(max_abs(theirs, ours))
        if lib.get('encode_image'):
            with torch.no_grad():
                want = verify.as_tensor(lib['encode_image'](torch.as_tensor(theirs)[None])).numpy()[0]
            ends.append(cosine(want, im['embedding']))
    n = len(cos)
    table.add('pixels (tensor cosine)', f'min {cos_text(min(cos))}, median {cos_text(float(np.median(cos)))}',
              f'max abs diff {max(diffs):.3g} (normalised units), {n} images')
    if ends:
        table.add('end-to-end (image embedding cosine)',
                  f'min {cos_text(min(ends))}, median {cos_text(float(np.median(ends)))}',
                  f'{n} images')


# ------------------------------------------------------------------------------------------------ families

def open_clip_family(args, workdir):
    import open_clip
    import export_open_clip as exp

    torch.manual_seed(args.seed)
    _, model, tokenizer = exp.load(args)
    if not (args.pretrained or args.checkpoint or args.hf_hub):
        make_random_weights_nontrivial(model, args.seed)
    verify.prefer_eager_attention(model)
    built = exp.build(args, open_clip, model, tokenizer)
    writer.write_folder(workdir, vision=built.export.vision, text=built.export.text, tokenizer=built.tokenizer_json,
                        manifest_dict=built.export.manifest, image_size=built.size, sample_ids=built.ids[:2],
                        pad_id=built.pad_id, with_patches=not args.no_patches)
    visual = model.visual
    if hasattr(visual, 'trunk'):
        patch_reference = lambda x: checks.maskclip_timm(visual.trunk, visual.head, x)  # noqa: E731
    elif hasattr(visual, 'attnpool'):
        patch_reference = lambda x: checks.maskclip_open_clip_resnet(visual, x)  # noqa: E731
    else:
        patch_reference = lambda x: checks.maskclip_open_clip(visual, x)  # noqa: E731
    if args.preset == 'chexzero':
        preprocess = chexzero_preprocess(args.chexzero_repo, built.size)
    else:
        transform = open_clip.image_transform(built.size, is_train=False, mean=built.export.manifest['image']['mean'],
                                              std=built.export.manifest['image']['std'])
        preprocess = lambda path: transform(pil_open(path)).numpy()  # noqa: E731
    lib = {
        'encode_image': model.encode_image,
        'encode_text': lambda texts: model.encode_text(tokenizer(texts)),
        'patch_reference': None if args.no_patches else patch_reference,
        'preprocess': preprocess,
    }
    title = (f'open_clip {getattr(open_clip, "__version__", "?")}, {args.hf_hub or args.model_name}'
             f'{" --preset " + args.preset if args.preset else ""}, torch {torch.__version__}')
    return lib, built.ids, title


def make_random_weights_nontrivial(model, seed):
    """Random init leaves every attention bias at 0 and (ModifiedResNet) BatchNorm at identity-like values, where a
    wrong bias or norm path would still agree: give them random values too."""
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.copy_(torch.rand(m.num_features, generator=g) * 0.5 + 0.25)
                m.bias.copy_(torch.randn(m.num_features, generator=g) * 0.1)
                m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
        for key, p in model.named_parameters():
            if key.endswith('bias') and not p.any():
                p.copy_(torch.randn(p.shape, generator=g) * 0.05)


def pil_open(path):
    from PIL import Image

    img = Image.open(path)
    img.load()
    return img


def chexzero_preprocess(repo, size):
    """CheXzero's own pipeline: data_process.img_to_hdf5's per-image steps (cv2 read, BGR→RGB, its `preprocess`
    letterboxing to 320 with LANCZOS), then zero_shot.py's transform for the pretrained CLIP input: Normalize with
    its CXR statistics and Resize(224, BICUBIC) on the tensor, as torchvision 0.11.3 (CheXzero's pin) ran it:
    without antialiasing."""
    if not repo:
        raise SystemExit('--preset chexzero needs --chexzero-repo <a checkout of rajpurkarlab/CheXzero> for its '
                         'preprocessing (data_process.py)')
    sys.path.insert(0, os.path.abspath(repo))
    import cv2
    import data_process
    from PIL import Image
    from torchvision.transforms import functional as TF
    from torchvision.transforms import InterpolationMode

    def run(path):
        img = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
        square = np.asarray(data_process.preprocess(Image.fromarray(img), desired_size=320), dtype=np.float32)
        x = torch.from_numpy(np.repeat(square[None], 3, axis=0))
        x = TF.normalize(x, (101.48761,) * 3, (83.43944,) * 3)
        extra = {'antialias': False} if 'antialias' in TF.resize.__code__.co_varnames else {}
        return TF.resize(x, size, interpolation=InterpolationMode.BICUBIC, **extra).numpy()

    return run


def biovil_preprocess_family(args):
    """hi-ml-multimodal's inference transform (load_image + Resize(512) + CenterCrop(480) + ToTensor +
    ExpandChannels); pixels only: BioViL's weights are needed for the model rows (export_biovil.py checks those)."""
    from pathlib import Path

    from health_multimodal.image.data.io import load_image
    from health_multimodal.image.data.transforms import create_chest_xray_transform_for_inference

    transform = create_chest_xray_transform_for_inference(resize=512, center_crop_size=480)
    lib = {'preprocess': lambda path: transform(load_image(Path(path))).numpy()}
    import health_multimodal

    return lib, f'hi-ml-multimodal {getattr(health_multimodal, "__version__", "?")}, BioViL preprocessing'


def biovil_model_dir(workdir):
    """A model folder with BioViL's preprocessing around a tiny random BioViL-structured network (the one the test
    fixtures use), so that radalign makes its tensors for the pixels rows."""
    import fakes
    import make_fixtures as mf
    from radalign_export.tokenizer_json import bert_wordpiece_tokenizer_json

    vocab = mf.bert_vocab()
    image_model = fakes.FakeBioVilImageModel(joint_feature_size=mf.EMBED).eval()
    text_model = fakes.FakeCXRBertModel(len(vocab), mf.WIDTH, mf.HEADS, mf.MLP, 2, mf.MAX_LEN, mf.EMBED).eval()
    image = presets.IMAGE['biovil']
    export = recipes.biovil_model(image_model, text_model, model_id='biovil-preprocessing',
                                  name='BioViL preprocessing, tiny random network', image_size=image['size'],
                                  max_text_length=mf.MAX_LEN, image_options=presets.options('biovil'))
    writer.write_folder(workdir, vision=export.vision, text=export.text, tokenizer=bert_wordpiece_tokenizer_json(vocab),
                        manifest_dict=export.manifest, image_size=image['size'], sample_ids=[[2, 5, 3], [2, 3]])


# ------------------------------------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='family', required=True)
    oc = sub.add_parser('open_clip')
    src = oc.add_mutually_exclusive_group(required=True)
    src.add_argument('--hf-hub')
    src.add_argument('--model-name')
    oc.add_argument('--pretrained')
    oc.add_argument('--checkpoint')
    oc.add_argument('--preset', choices=['chexzero', 'openai'])
    oc.add_argument('--chexzero-repo', help='a checkout of rajpurkarlab/CheXzero (its data_process.py)')
    oc.add_argument('--no-patches', action='store_true')
    oc.add_argument('--context-length', type=int)
    oc.add_argument('--tokenizer-from-vocab', action='store_true')
    oc.add_argument('--id')
    oc.add_argument('--name')
    bp = sub.add_parser('biovil-preprocess')
    for p in (oc, bp):
        p.add_argument('--images', nargs='*', default=[], help='image files (real chest X-rays for the pixels rows)')
        p.add_argument('--seed', type=int, default=0, help='seed for random weights (models without weights)')
        p.add_argument('--keep', help='write the exported model folder here instead of a temporary folder')
    args = ap.parse_args()
    torch.set_grad_enabled(False)
    workdir = args.keep or tempfile.mkdtemp(prefix='radalign-parity-model-')
    images = [os.path.abspath(i) for i in args.images]

    if args.family == 'open_clip':
        lib, lib_ids, title = open_clip_family(args, workdir)
        doc, pixels, patches = inspect(workdir, images, verify.SAMPLE_TEXTS)
        table = Table(title)
        model_rows(table, lib, doc, pixels, patches, lib_ids)
        preprocess_rows(table, lib, doc, pixels)
    else:
        lib, title = biovil_preprocess_family(args)
        biovil_model_dir(workdir)
        doc, pixels, _ = inspect(workdir, images, [])
        table = Table(title)
        preprocess_rows(table, lib, doc, pixels)
    table.print()


if __name__ == '__main__':
    main()
