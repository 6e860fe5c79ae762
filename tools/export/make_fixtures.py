#!/usr/bin/python3
"""Exports tiny random-weight stand-ins of each supported model family through the SAME recipes the real
checkpoints use, checks them in torch, and writes the folders radalign's JS tests load.

Run from the repository root with Debian's python (python3-torch, python3-torchvision, python3-onnx,
python3-regex):

    /usr/bin/python3 tools/export/make_fixtures.py

Writes test/fixtures/export/<name>/ = model.json, vision.onnx, text.onnx, tokenizer.json, reference.json:

  hf-clip        transformers.CLIPModel structure, CLIP byte-level BPE tokenizer.json
  open-clip      open_clip / OpenAI CLIP structure (CheXzero), CLIP BPE, CheXzero preprocessing (letterbox)
  open-clip-main the same with open_clip main's own Attention class (after 3.3.0) in both towers
  open-clip-resnet  open_clip ModifiedResNet (RN50's structure, main's attention pool; 3.3.0's checked too)
  timm-bert      open_clip CustomTextCLIP: timm ViT + HF BERT text (BiomedCLIP), WordPiece tokenizer.json
  biovil         hi-ml BioViL: ResNet (Bottleneck) -> 1x1-conv projector grid; CXR-BERT-style text

reference.json holds, per fixture, torch outputs computed WITHOUT the wrappers: the stand-in's own forward
(get_image_features / encode_image / ImageModel.forward, get_text_features / encode_text /
get_projected_text_embeddings, with the library's own padding) for global and text embeddings, and
radalign_export.checks (the library attention run with a self-only mask) for MaskCLIP patch embeddings;
token ids come from the Python reference tokenizers. Before writing, the wrappers are asserted equal to these.
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import fakes  # noqa: E402
from radalign_export import checks, recipes  # noqa: E402
from radalign_export.tokenizer_json import (BertWordPieceReference, ClipBpeReference, bert_wordpiece_tokenizer_json,  # noqa: E402
                                            clip_bpe_tokenizer_json, learn_bpe_merges, truncate)
from radalign_export.writer import max_abs, write_folder, write_json  # noqa: E402

torch.set_num_threads(1)
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'export')
SELF_CHECK_TOLERANCE = 1e-5

WIDTH, HEADS, MLP, EMBED, MAX_LEN = 32, 2, 48, 16, 16
VIT_SIZE, PATCH = 32, 8          # 4 x 4 patch grid
BIOVIL_SIZE = 96                 # ResNet stride 32: 3 x 3 grid
RESNET_SIZE, RESNET_WIDTH, RESNET_HEADS = 96, 2, 4   # ModifiedResNet: 3 x 3 layer4 grid, 64 channels

CORPUS = """
no acute cardiopulmonary process mild cardiomegaly with small bilateral pleural effusions the heart size is
normal lungs are clear there is no pneumothorax left lower lobe consolidation right upper lobe opacity
endotracheal tube tip terminates above the carina enteric tube courses below the diaphragm stable
atelectasis pulmonary edema vascular congestion nodule granuloma calcified fracture rib spine degenerative
changes sternotomy wires pacemaker leads unchanged compared with prior radiograph effusion effusions opacities
""".split()

SENTENCES = [
    'No acute cardiopulmonary process.',
    'Mild cardiomegaly with small bilateral pleural effusions.',
    'Endotracheal tube tip terminates 4 cm above the carina; no pneumothorax seen on this portable radiograph.',
    'Lungs are CLEAR, heart size normal.',
    "Patient's Sjögren history; café-au-lait & 3.5mm nodule?",
]


def clip_tokenizer():
    merges = learn_bpe_merges(CORPUS * 2 + ['cm', 'mm', 'seen', 'size'], 160)
    return clip_bpe_tokenizer_json(merges), ClipBpeReference(merges)


def bert_vocab():
    specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
    chars = list('abcdefghijklmnopqrstuvwxyz0123456789') + list('.,;:!?\'"()-/&')
    words = sorted(set(CORPUS)) + ['cardio', 'pneumo', 'history', 'patient', 'cm', 'mm']
    pieces = ['##megaly', '##thorax', '##s', '##al', '##ic', '##ed', '##ing']
    vocab = specials + chars + ['##' + c for c in 'abcdefghijklmnopqrstuvwxyz0123456789']
    for t in words + pieces:
        if t not in vocab:
            vocab.append(t)
    return vocab


def vit_images():
    """Three deterministic RGB images, VIT_SIZE square (HWC uint8)."""
    y, x = np.mgrid[0:VIT_SIZE, 0:VIT_SIZE].astype(np.float64)
    grad = np.stack([x / 31 * 255, y / 31 * 255, (x + y) / 62 * 255], -1)
    disc = ((x - 12) ** 2 + (y - 18) ** 2 < 64).astype(np.float64)
    disc = np.stack([40 + 200 * disc, 40 + 180 * disc, 60 + 150 * disc], -1)
    checker = (((x // 4) + (y // 4)) % 2).astype(np.float64) * 200 + 30
    checker = np.stack([checker + np.sin(x / 3) * 20, checker, checker], -1)
    return [np.clip(np.rint(im), 0, 255).astype(np.uint8) for im in (grad, disc, checker)]


def xray_like_images():
    """Two grey BIOVIL_SIZE images (as RGB): a bright 'lung field' on dark; the same flipped, dimmer, with a blob."""
    y, x = np.mgrid[0:BIOVIL_SIZE, 0:BIOVIL_SIZE].astype(np.float64)
    base = 30 + 150 * np.exp(-(((x - 48) / 30) ** 2 + ((y - 50) / 36) ** 2))
    blob = 0.7 * base[::-1] + 120 * np.exp(-(((x - 25) / 10) ** 2 + ((y - 70) / 10) ** 2))
    return [np.repeat(np.clip(np.rint(im), 0, 255).astype(np.uint8)[:, :, None], 3, -1) for im in (base, blob)]


def normalise(img, mean, std):
    """HWC uint8 -> CHW float32: (v/255 - mean)/std in float32 (what the JS test rebuilds from `pixels`)."""
    v = img.astype(np.float32) / np.float32(255)
    v = (v - np.array(mean, np.float32)) / np.array(std, np.float32)
    return torch.from_numpy(np.ascontiguousarray(v.transpose(2, 0, 1)).astype(np.float32))


def f32(values):
    return [float(np.format_float_positional(np.float32(v), unique=True, trim='-'))
            for v in np.asarray(values, dtype=np.float32).ravel()]


def pixels_entry(im):
    """HWC uint8 pixels; a grey image (all channels equal) is stored once, `pixelChannels: 1`."""
    grey = bool(np.all(im == im[:, :, :1]))
    return {'pixelChannels': 1 if grey else 3, 'pixels': (im[:, :, :1] if grey else im).ravel().tolist()}


def padded(id_lists, pad_id, length=None):
    n = length or max(len(s) for s in id_lists)
    ids = torch.tensor([s + [pad_id] * (n - len(s)) for s in id_lists], dtype=torch.int64)
    mask = torch.tensor([[1] * len(s) + [0] * (n - len(s)) for s in id_lists], dtype=torch.int64)
    return ids, mask


def build(name, export, *, tokenizer, token_ids, images, global_ref, patch_ref, text_ref, pad_id=0):
    """Self-checks the wrappers against the references, writes the folder and reference.json."""
    out_dir = os.path.join(OUT, name)
    man = export.manifest
    mean, std = man['image']['mean'], man['image']['std']
    tensors = torch.stack([normalise(im, mean, std) for im in images])
    ids = [truncate(token_ids(s), MAX_LEN) for s in SENTENCES]
    with torch.no_grad():
        g, p = export.vision(tensors)
        t = export.text(*padded(ids, pad_id))
        want_g, want_p, want_t = global_ref(tensors), patch_ref(tensors), text_ref(ids)
    diffs = {'imageEmbeds': max_abs(g, want_g), 'patchEmbeds': max_abs(p, want_p), 'textEmbeds': max_abs(t, want_t)}
    for k, v in diffs.items():
        assert v <= SELF_CHECK_TOLERANCE, f'{name}: wrapper {k} differs from the reference by {v}'
    # One sentence alone (no padding) must give the same embedding as in the padded batch.
    with torch.no_grad():
        alone = export.text(*padded([ids[0]], pad_id))
    assert max_abs(alone[0], t[0]) <= SELF_CHECK_TOLERANCE, f'{name}: padding changes the text embedding'

    write_folder(out_dir, vision=export.vision, text=export.text, tokenizer=tokenizer, manifest_dict=man,
                 image_size=man['image']['size'], sample_ids=ids[:2], pad_id=pad_id)
    write_json(os.path.join(out_dir, 'reference.json'), {
        'comment': 'Written by tools/export/make_fixtures.py: torch outputs of the stand-in model (not of the '
                   'wrappers), float32. pixels: HWC uint8, row-major, pixelChannels per pixel (1: grey, repeat to 3).',
        'imageSize': man['image']['size'], 'mean': mean, 'std': std, 'embedDim': man['embedDim'],
        'patchGrid': list(export.grid), 'maxTextLength': MAX_LEN, 'logitScale': man.get('logitScale'),
        'pythonSelfCheckMaxAbsDiff': diffs,
        'images': [{**pixels_entry(im), 'imageEmbeds': f32(want_g[i]), 'patchEmbeds': f32(want_p[i])}
                   for i, im in enumerate(images)],
        'texts': [{'text': s, 'ids': ids[i], 'fullIds': token_ids(s), 'textEmbeds': f32(want_t[i])}
                  for i, s in enumerate(SENTENCES)],
    }, compact=True)
    size = sum(os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir))
    print(f'{name}: self-check max abs diffs {diffs}; {size / 1024:.0f} KiB')


def make_hf_clip(tok_json, tok):
    torch.manual_seed(11)
    vocab = len(tok.vocab)
    clip = fakes.FakeHFCLIPModel(width=WIDTH, heads=HEADS, mlp=MLP, vision_layers=2, text_layers=2,
                                 image_size=VIT_SIZE, patch=PATCH, vocab=vocab, max_len=MAX_LEN, embed=EMBED,
                                 eos_token_id=tok.eot).eval()
    export = recipes.hf_clip(clip, model_id='export-fixture-hf-clip', name='Tiny random HF CLIPModel (export fixture)',
                             image_size=VIT_SIZE, mean=recipes.OPENAI_MEAN, std=recipes.OPENAI_STD,
                             max_text_length=MAX_LEN, source={'exporter': 'tools/export/make_fixtures.py'})
    # HF pads to max_length with pad_token (openai/clip-*: "<|endoftext|>", the eos id) and pools at the first eos.
    text_ref = lambda ids: clip.get_text_features(*padded(ids, tok.eot, MAX_LEN))
    build('hf-clip', export, tokenizer=tok_json, token_ids=tok.encode, images=vit_images(),
          global_ref=clip.get_image_features, patch_ref=lambda x: checks.maskclip_hf_clip(clip, x), text_ref=text_ref)


def make_open_clip(tok_json, tok):
    torch.manual_seed(22)
    model = fakes.FakeOpenClipCLIP(width=WIDTH, heads=HEADS, mlp=MLP, vision_layers=3, text_layers=2,
                                   image_size=VIT_SIZE, patch=PATCH, vocab=len(tok.vocab), max_len=MAX_LEN,
                                   embed=EMBED).eval()
    export = recipes.open_clip_model(model, model_id='export-fixture-open-clip',
                                     name='Tiny random open_clip CLIP, CheXzero preprocessing (export fixture)',
                                     image_size=VIT_SIZE, mean=recipes.CHEXZERO_MEAN, std=recipes.CHEXZERO_STD,
                                     resize='letterbox', max_text_length=MAX_LEN,
                                     source={'exporter': 'tools/export/make_fixtures.py'})
    # open_clip.tokenize: zero-padded to context_length; encode_text pools at argmax (EOT).
    text_ref = lambda ids: model.encode_text(padded(ids, 0, MAX_LEN)[0])
    build('open-clip', export, tokenizer=tok_json, token_ids=tok.encode, images=vit_images(),
          global_ref=model.encode_image, patch_ref=lambda x: checks.maskclip_open_clip(model.visual, x),
          text_ref=text_ref)


def randomise_attention_biases(model, seed):
    """Non-zero q/k/v and out_proj biases (open_clip initialises them to zero), so bias handling is exercised."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, fakes.OpenClipAttention):
                m.in_proj_bias.copy_(torch.randn(m.in_proj_bias.shape, generator=g) * 0.2)
                m.out_proj.bias.copy_(torch.randn(m.out_proj.bias.shape, generator=g) * 0.2)


def make_open_clip_main(tok_json, tok):
    torch.manual_seed(55)
    model = fakes.FakeOpenClipCLIP(width=WIDTH, heads=HEADS, mlp=MLP, vision_layers=3, text_layers=2,
                                   image_size=VIT_SIZE, patch=PATCH, vocab=len(tok.vocab), max_len=MAX_LEN,
                                   embed=EMBED, attention='open_clip').eval()
    randomise_attention_biases(model, 5)
    export = recipes.open_clip_model(model, model_id='export-fixture-open-clip-main',
                                     name='Tiny random open_clip CLIP with main\'s Attention class (export fixture)',
                                     image_size=VIT_SIZE, mean=recipes.OPENAI_MEAN, std=recipes.OPENAI_STD,
                                     max_text_length=MAX_LEN, source={'exporter': 'tools/export/make_fixtures.py'})
    text_ref = lambda ids: model.encode_text(padded(ids, 0, MAX_LEN)[0])
    build('open-clip-main', export, tokenizer=tok_json, token_ids=tok.encode, images=vit_images(),
          global_ref=model.encode_image, patch_ref=lambda x: checks.maskclip_open_clip(model.visual, x),
          text_ref=text_ref)


def check_attnpool_releases(model, x):
    """The reference's token layout rebuilds the pool's own output, and 3.3.0's and main's attnpool forwards agree."""
    pool = model.visual.attnpool
    with torch.no_grad():
        main = model.encode_image(x)
        pool.release = '3.3.0'
        old = model.encode_image(x)
        pool.release = 'main'
        rebuilt = checks.attnpool_tokens(model.visual, x, self_only=False)[:, 0]
    for label, got in (('3.3.0 attnpool vs main', old), ('attnpool_tokens row 0 vs encode_image', rebuilt)):
        assert max_abs(got, main) <= SELF_CHECK_TOLERANCE, f'open-clip-resnet: {label}: {max_abs(got, main)}'


def make_open_clip_resnet(tok_json, tok):
    torch.manual_seed(66)
    visual = fakes.ModifiedResNet((1, 1, 1, 1), EMBED, RESNET_HEADS, image_size=RESNET_SIZE, width=RESNET_WIDTH)
    for m in visual.modules():  # PyTorch's default conv init lets the tiny stand-in forget its input by layer4
        if isinstance(m, torch.nn.Conv2d):
            torch.nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
    fakes.randomise_batchnorm(visual, 6)
    model = fakes.FakeOpenClipCLIP(width=WIDTH, heads=HEADS, mlp=MLP, vision_layers=0, text_layers=2,
                                   image_size=RESNET_SIZE, patch=PATCH, vocab=len(tok.vocab), max_len=MAX_LEN,
                                   embed=EMBED, attention='open_clip', visual=visual).eval()
    randomise_attention_biases(model, 7)
    export = recipes.open_clip_model(model, model_id='export-fixture-open-clip-resnet',
                                     name='Tiny random open_clip ModifiedResNet CLIP (export fixture)',
                                     image_size=RESNET_SIZE, mean=recipes.OPENAI_MEAN, std=recipes.OPENAI_STD,
                                     max_text_length=MAX_LEN, source={'exporter': 'tools/export/make_fixtures.py'})
    images = xray_like_images()
    pixels = torch.stack([normalise(im, recipes.OPENAI_MEAN, recipes.OPENAI_STD) for im in images])
    check_attnpool_releases(model, pixels)
    text_ref = lambda ids: model.encode_text(padded(ids, 0, MAX_LEN)[0])
    build('open-clip-resnet', export, tokenizer=tok_json, token_ids=tok.encode, images=images,
          global_ref=model.encode_image, patch_ref=lambda x: checks.maskclip_open_clip_resnet(model.visual, x),
          text_ref=text_ref)


def make_timm_bert():
    torch.manual_seed(33)
    vocab = bert_vocab()
    tok = BertWordPieceReference(vocab)
    model = fakes.FakeTimmBertCLIP(width=WIDTH, heads=HEADS, mlp=MLP, vision_layers=2, text_layers=2,
                                   image_size=VIT_SIZE, patch=PATCH, vocab=len(vocab), max_len=MAX_LEN,
                                   embed=EMBED).eval()
    export = recipes.open_clip_model(model, model_id='export-fixture-timm-bert',
                                     name='Tiny random timm ViT + BERT open_clip model (export fixture)',
                                     image_size=VIT_SIZE, mean=recipes.OPENAI_MEAN, std=recipes.OPENAI_STD,
                                     max_text_length=MAX_LEN, source={'exporter': 'tools/export/make_fixtures.py'})
    # open_clip's HF tokenizer pads to context_length with [PAD] (0); HFTextEncoder masks ids == pad id.
    text_ref = lambda ids: model.encode_text(padded(ids, 0, MAX_LEN)[0])
    visual = model.visual
    build('timm-bert', export, tokenizer=bert_wordpiece_tokenizer_json(vocab), token_ids=tok.encode,
          images=vit_images(), global_ref=model.encode_image,
          patch_ref=lambda x: checks.maskclip_timm(visual.trunk, visual.head, x), text_ref=text_ref)


def make_biovil():
    torch.manual_seed(44)
    vocab = bert_vocab()
    tok = BertWordPieceReference(vocab)
    image_model = fakes.FakeBioVilImageModel(joint_feature_size=EMBED)
    fakes.randomise_batchnorm(image_model, 4)
    image_model.eval()
    text_model = fakes.FakeCXRBertModel(len(vocab), WIDTH, HEADS, MLP, 2, MAX_LEN, EMBED).eval()
    export = recipes.biovil_model(image_model, text_model, model_id='export-fixture-biovil',
                                  name='Tiny random BioViL-structured model (export fixture)',
                                  image_size=BIOVIL_SIZE, max_text_length=MAX_LEN,
                                  source={'exporter': 'tools/export/make_fixtures.py'})

    def patch_ref(x):  # hi-ml: projected_patch_embeddings (b, E, rows, cols) -> (b, rows*cols, E) row-major
        p = image_model(x).projected_patch_embeddings
        return p.permute(0, 2, 3, 1).reshape(p.shape[0], -1, p.shape[1])

    # hi-ml's TextInferenceEngine pads to the longest prompt and passes the attention mask.
    text_ref = lambda ids: text_model.get_projected_text_embeddings(*padded(ids, 0), normalize_embeddings=False)
    build('biovil', export, tokenizer=bert_wordpiece_tokenizer_json(vocab), token_ids=tok.encode,
          images=xray_like_images(), global_ref=lambda x: image_model(x).projected_global_embedding,
          patch_ref=patch_ref, text_ref=text_ref)


def main():
    global OUT
    if len(sys.argv) == 3 and sys.argv[1] == '--out':  # check_fixtures.py: write elsewhere, compare with these
        OUT = os.path.abspath(sys.argv[2])
    elif len(sys.argv) != 1:
        raise SystemExit('usage: make_fixtures.py [--out DIR]   (default: test/fixtures/export)')
    tok_json, tok = clip_tokenizer()
    make_hf_clip(tok_json, tok)
    make_open_clip(tok_json, tok)
    make_open_clip_main(tok_json, tok)
    make_open_clip_resnet(tok_json, tok)
    make_timm_bert()
    make_biovil()
    print('wrote', OUT)


if __name__ == '__main__':
    main()
