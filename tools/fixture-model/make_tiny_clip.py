#!/usr/bin/python3
"""Writes the tiny random-weight CLIP fixtures that radalign's model tests load.

Run from the repository root with Debian's python (python3-torch 1.13, python3-onnx, numpy):

    /usr/bin/python3 tools/fixture-model/make_tiny_clip.py

Outputs (committed, so CI and contributors need no torch):
  test/fixtures/models/tiny-clip/           radalign layout: model.json, vision.onnx, text.onnx, tokenizer.json
  test/fixtures/models/tiny-clip-optimum/   Transformers.js/Optimum layout: onnx/{vision,text}_model.onnx, configs
  test/fixtures/models/reference.json       torch outputs for fixed inputs (the JS parity reference)
  test/fixtures/models/ref-image-{0,1,2}.png  the reference images, exactly the model input size
  test/fixtures/models/broken/text-embed-dim-8.onnx  a text model whose embeddings are 8 wide, not 16
                                            (tests swap it in to check the width mismatch is caught)

Both layouts share one set of weights. The radalign text model takes input_ids + attention_mask
and pools at the last real token; the Optimum text model takes only input_ids (like many Xenova
exports) and pools at argmax(input_ids) as Hugging Face CLIP does ([EOS] has the largest id).
With causal attention both pool the same hidden state, so one reference serves both layouts.

The tokenizer is a WordPiece model over whole radiology words (no ## pieces, so a word is its id or
[UNK]). Python has no `tokenizers` library here, so `reference_token_ids` re-implements the same
rules (Lowercase -> BertPreTokenizer -> WordPiece -> [BOS] A [EOS]); the JS test checks that
tokenizers.js produces the same ids.
"""
import json
import math
import os
import struct
import unicodedata
import zlib

import numpy as np
import onnx
import torch
from torch import nn

torch.set_num_threads(2)
torch.manual_seed(1234)
np.random.seed(1234)

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'models')

IMAGE_SIZE = 32
PATCH = 8
GRID = IMAGE_SIZE // PATCH  # 4 x 4 patches
WIDTH = 32
HEADS = 2
MLP = 64
VISION_LAYERS = 2
TEXT_LAYERS = 1
MAX_LEN = 16
EMBED_DIM = 16
LOGIT_SCALE = 100.0
MEAN = [0.48145466, 0.4578275, 0.40821073]  # CLIP's
STD = [0.26862954, 0.26130258, 0.27577711]
OPSET = 14

# ------------------------------------------------------------------ tokenizer

WORDS = """
the a an of and or in on with without no not is are was were be been there here this that these those
to from for at by as than then but if also both either which who it its new old prior previous
chest lung lungs pulmonary heart cardiac cardiomediastinal mediastinal mediastinum silhouette
contour contours size normal abnormal stable unchanged changed change increased decreased
enlarged enlargement cardiomegaly mild moderate severe small large tiny trace minimal
left right bilateral unilateral upper lower middle lobe lobes base bases apex apical basilar
hilar hila perihilar retrocardiac costophrenic angle angles hemidiaphragm diaphragm
effusion effusions pleural pneumothorax consolidation opacity opacities opacification
atelectasis atelectatic edema congestion vascular vasculature interstitial alveolar
pneumonia infection aspiration nodule nodules mass masses lesion granuloma calcified calcification
fracture fractures rib ribs spine thoracic osseous bony degenerative changes structures
tube tubes line lines catheter pacemaker device wires sternotomy clips picc ij
tip terminates projects position positioned appropriate seen visualized identified evident
clear well expanded inflated hyperinflated emphysema copd scarring fibrosis thickening
acute chronic process disease findings impression comparison evidence suggest suggests
likely possible possibly probable may represent could cannot exclude excluded concerning
low volumes volume lung_volumes radiograph radiographs view views frontal lateral pa ap portable
patient study exam examination cm mm 0 1 2 3 4 5 6 7 8 9 10
cardiopulmonary endotracheal enteric nasogastric above below carina junction sided
. , ; : ( ) - / ? !
""".split()
SPECIALS_FRONT = ['[PAD]', '[UNK]']
SPECIALS_BACK = ['[BOS]', '[EOS]']  # last, so [EOS] is the largest id (HF CLIP pools at argmax)


def build_vocab():
    seen = []
    for w in WORDS:
        if w not in seen:
            seen.append(w)
    tokens = SPECIALS_FRONT + seen + SPECIALS_BACK
    return {t: i for i, t in enumerate(tokens)}


VOCAB = build_vocab()
PAD_ID, UNK_ID, BOS_ID, EOS_ID = VOCAB['[PAD]'], VOCAB['[UNK]'], VOCAB['[BOS]'], VOCAB['[EOS]']


def tokenizer_json():
    added = [
        {'id': VOCAB[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
         'normalized': False, 'special': True}
        for t in SPECIALS_FRONT + SPECIALS_BACK
    ]
    special = lambda t: {'SpecialToken': {'id': t, 'type_id': 0}}
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': added,
        'normalizer': {'type': 'Lowercase'},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [special('[BOS]'), {'Sequence': {'id': 'A', 'type_id': 0}}, special('[EOS]')],
            'pair': [special('[BOS]'), {'Sequence': {'id': 'A', 'type_id': 0}}, special('[EOS]'),
                     {'Sequence': {'id': 'B', 'type_id': 1}}, special('[EOS]')],
            'special_tokens': {t: {'id': t, 'ids': [VOCAB[t]], 'tokens': [t]} for t in SPECIALS_BACK},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                  'max_input_chars_per_word': 100, 'vocab': VOCAB},
    }


def is_punctuation(ch):
    # BertPreTokenizer's class: \p{P} plus every ASCII symbol range.
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith('P')


def bert_pre_tokenize(text):
    words, cur = [], ''
    for ch in text.strip():
        if ch.isspace() or is_punctuation(ch):
            if cur:
                words.append(cur)
                cur = ''
            if is_punctuation(ch):
                words.append(ch)
        else:
            cur += ch
    if cur:
        words.append(cur)
    return words


def wordpiece(word):
    if len(word) > 100:
        return [UNK_ID]
    ids, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            piece = word[start:end] if start == 0 else '##' + word[start:end]
            if piece in VOCAB:
                found = VOCAB[piece]
                break
            end -= 1
        if found is None:
            return [UNK_ID]
        ids.append(found)
        start = end
    return ids


def reference_token_ids(text):
    """What tokenizers.js must produce for tokenizer.json: [BOS] wordpiece(words) [EOS], untruncated."""
    ids = [BOS_ID]
    for w in bert_pre_tokenize(text.lower()):
        ids.extend(wordpiece(w))
    return ids + [EOS_ID]


def truncate(ids, max_len):
    """radalign's rule: keep [BOS], cut the words, keep [EOS]."""
    return ids if len(ids) <= max_len else ids[:max_len - 1] + [ids[-1]]


# ------------------------------------------------------------------ model

class Block(nn.Module):
    """Pre-norm transformer block with hand-written attention (exports to plain MatMul/Softmax)."""

    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(WIDTH)
        self.qkv = nn.Linear(WIDTH, 3 * WIDTH)
        self.out = nn.Linear(WIDTH, WIDTH)
        self.ln2 = nn.LayerNorm(WIDTH)
        self.fc1 = nn.Linear(WIDTH, MLP)
        self.fc2 = nn.Linear(MLP, WIDTH)

    def forward(self, x, bias=None):
        b, n = x.shape[0], x.shape[1]
        dh = WIDTH // HEADS
        q, k, v = self.qkv(self.ln1(x)).reshape(b, n, 3, HEADS, dh).permute(2, 0, 3, 1, 4).unbind(0)
        att = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(dh))
        if bias is not None:
            att = att + bias
        y = torch.matmul(att.softmax(-1), v).permute(0, 2, 1, 3).reshape(b, n, WIDTH)
        x = x + self.out(y)
        return x + self.fc2(torch.nn.functional.gelu(self.fc1(self.ln2(x))))


class Vision(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch = nn.Conv2d(3, WIDTH, PATCH, PATCH, bias=False)
        self.cls = nn.Parameter(torch.randn(WIDTH) * 0.5)
        self.pos = nn.Parameter(torch.randn(GRID * GRID + 1, WIDTH) * 0.5)
        self.ln_pre = nn.LayerNorm(WIDTH)
        self.blocks = nn.ModuleList([Block() for _ in range(VISION_LAYERS)])
        self.ln_post = nn.LayerNorm(WIDTH)
        self.proj = nn.Linear(WIDTH, EMBED_DIM, bias=False)

    def forward(self, pixel_values):
        x = self.patch(pixel_values).flatten(2).transpose(1, 2)  # (b, rows*cols, W), row-major
        cls = self.cls.reshape(1, 1, WIDTH).expand(x.shape[0], 1, WIDTH)
        x = self.ln_pre(torch.cat([cls, x], 1) + self.pos)
        for blk in self.blocks:
            x = blk(x)
        y = self.proj(self.ln_post(x))
        return y[:, 0], y[:, 1:], x  # image_embeds, patch_embeds, last_hidden_state


class Text(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(len(VOCAB), WIDTH)
        self.pos = nn.Parameter(torch.randn(MAX_LEN, WIDTH) * 0.5)
        self.blocks = nn.ModuleList([Block() for _ in range(TEXT_LAYERS)])
        self.ln_final = nn.LayerNorm(WIDTH)
        self.proj = nn.Linear(WIDTH, EMBED_DIM, bias=False)
        causal = torch.triu(torch.full((MAX_LEN, MAX_LEN), -1e4), diagonal=1)
        self.register_buffer('causal', causal, persistent=False)

    def hidden(self, input_ids, attention_mask):
        n = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos[:n]
        bias = self.causal[:n, :n].reshape(1, 1, n, n)
        if attention_mask is not None:  # padded keys get -1e4 (finite, so no NaN)
            bias = bias + (1.0 - attention_mask.to(torch.float32)).reshape(-1, 1, 1, n) * -1e4
        for blk in self.blocks:
            x = blk(x, bias)
        return self.ln_final(x)

    @staticmethod
    def pool(x, index):
        onehot = (torch.arange(x.shape[1]).reshape(1, -1) == index.reshape(-1, 1)).to(x.dtype)
        return torch.matmul(onehot.unsqueeze(1), x).squeeze(1)


class RadalignText(nn.Module):
    """input_ids + attention_mask -> text_embeds, pooled at the last real token ([EOS])."""

    def __init__(self, text):
        super().__init__()
        self.text = text

    def forward(self, input_ids, attention_mask):
        x = self.text.hidden(input_ids, attention_mask)
        last = attention_mask.sum(1) - 1
        return self.text.proj(Text.pool(x, last))


class OptimumText(nn.Module):
    """input_ids only -> text_embeds, last_hidden_state; pooled at argmax(input_ids) like HF CLIP."""

    def __init__(self, text):
        super().__init__()
        self.text = text

    def forward(self, input_ids):
        x = self.text.hidden(input_ids, None)
        return self.text.proj(Text.pool(x, input_ids.argmax(-1))), x


class RadalignVision(nn.Module):
    def __init__(self, vision):
        super().__init__()
        self.vision = vision

    def forward(self, pixel_values):
        image, patches, _ = self.vision(pixel_values)
        return image, patches


class OptimumVision(nn.Module):
    def __init__(self, vision):
        super().__init__()
        self.vision = vision

    def forward(self, pixel_values):
        image, _, hidden = self.vision(pixel_values)
        return image, hidden


# ------------------------------------------------------------------ reference inputs

def reference_images():
    """Three deterministic RGB images, IMAGE_SIZE square: a gradient, a bright disc, a checkerboard."""
    y, x = np.mgrid[0:IMAGE_SIZE, 0:IMAGE_SIZE].astype(np.float64)
    grad = np.stack([x / 31 * 255, y / 31 * 255, (x + y) / 62 * 255], -1)
    disc = ((x - 12) ** 2 + (y - 18) ** 2 < 64).astype(np.float64)
    disc = np.stack([40 + 200 * disc, 40 + 180 * disc, 60 + 150 * disc], -1)
    checker = (((x // 4) + (y // 4)) % 2).astype(np.float64)
    checker = np.stack([30 + 200 * checker, 30 + 200 * checker, 30 + 200 * checker], -1)
    checker[:, :, 0] += np.sin(x / 3) * 20
    return [np.clip(np.rint(im), 0, 255).astype(np.uint8) for im in (grad, disc, checker)]


def normalise(img):
    """HWC uint8 -> CHW float32, (v/255 - mean)/std, computed in float32 like the JS side."""
    v = img.astype(np.float32) / np.float32(255)
    v = (v - np.array(MEAN, np.float32)) / np.array(STD, np.float32)
    return np.ascontiguousarray(v.transpose(2, 0, 1)).astype(np.float32)


SENTENCES = [
    'No acute cardiopulmonary process.',
    'Mild cardiomegaly with small bilateral pleural effusions.',
    'A 2.5 cm nodule in the RIGHT upper lobe, likely granuloma!',
    'Endotracheal tube tip terminates 4 cm above the carina; no pneumothorax.',
    'Lungs are clear.',
]
EXTRA_TOKENIZER_SENTENCES = [
    '',
    '   Heart size is NORMAL   ',
    'Left-sided PICC line (tip at cavoatrial junction)...',
    'Unknownword xyz123 3.14 and 10mm.',
    'opacities/consolidation: possible pneumonia?',
]


def write_png(path, img):
    """Minimal deterministic 8-bit RGB PNG writer (no Pillow needed)."""
    h, w, _ = img.shape
    raw = b''.join(b'\x00' + img[r].tobytes() for r in range(h))

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
    png += chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
    with open(path, 'wb') as f:
        f.write(png)


def f32(values):
    """Shortest decimal that round-trips to the same float32 (keeps reference.json small and exact)."""
    return [float(np.format_float_positional(np.float32(v), unique=True, trim='-')) for v in np.asarray(values).ravel()]


# ------------------------------------------------------------------ export

def write_json(path, obj, compact=False):
    with open(path, 'w') as f:
        if compact:
            json.dump(obj, f, separators=(',', ':'))
        else:
            json.dump(obj, f, indent=2)
        f.write('\n')


def export(module, args, path, inputs, outputs, dynamic):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=dynamic,
                      opset_version=OPSET, do_constant_folding=True)
    model = onnx.load(path)
    onnx.checker.check_model(model)
    assert [i.name for i in model.graph.input] == inputs, path
    assert [o.name for o in model.graph.output] == outputs, path


def write_text_model_with_wrong_width(path, width=8):
    """input_ids, attention_mask -> text_embeds (b, width): a few hand-built nodes, no torch needed."""
    h = onnx.helper
    nodes = [
        h.make_node('Cast', ['input_ids'], ['ids_f'], to=onnx.TensorProto.FLOAT),
        h.make_node('Cast', ['attention_mask'], ['mask_f'], to=onnx.TensorProto.FLOAT),
        h.make_node('Mul', ['ids_f', 'mask_f'], ['masked']),
        h.make_node('ReduceSum', ['masked', 'axes'], ['summed'], keepdims=1),
        h.make_node('MatMul', ['summed', 'weights'], ['text_embeds']),
    ]
    inits = [h.make_tensor('axes', onnx.TensorProto.INT64, [1], [1]),
             h.make_tensor('weights', onnx.TensorProto.FLOAT, [1, width], [0.01 * (i + 1) for i in range(width)])]
    ids = h.make_tensor_value_info('input_ids', onnx.TensorProto.INT64, ['batch', 'sequence'])
    mask = h.make_tensor_value_info('attention_mask', onnx.TensorProto.INT64, ['batch', 'sequence'])
    out = h.make_tensor_value_info('text_embeds', onnx.TensorProto.FLOAT, ['batch', width])
    graph = h.make_graph(nodes, 'text_embed_dim_8', [ids, mask], [out], inits)
    model = h.make_model(graph, opset_imports=[h.make_opsetid('', OPSET)], producer_name='make_tiny_clip.py')
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    onnx.save(model, path)


def main():
    vision, text = Vision().eval(), Text().eval()
    radalign_dir = os.path.join(OUT, 'tiny-clip')
    optimum_dir = os.path.join(OUT, 'tiny-clip-optimum')
    dummy_pixels = torch.zeros(2, 3, IMAGE_SIZE, IMAGE_SIZE)
    dummy_ids = torch.tensor([[BOS_ID, 5, 6, EOS_ID], [BOS_ID, 7, EOS_ID, PAD_ID]])
    dummy_mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
    tok = tokenizer_json()

    # radalign layout
    export(RadalignVision(vision), (dummy_pixels,), os.path.join(radalign_dir, 'vision.onnx'),
           ['pixel_values'], ['image_embeds', 'patch_embeds'],
           {'pixel_values': {0: 'batch'}, 'image_embeds': {0: 'batch'}, 'patch_embeds': {0: 'batch'}})
    export(RadalignText(text), (dummy_ids, dummy_mask), os.path.join(radalign_dir, 'text.onnx'),
           ['input_ids', 'attention_mask'], ['text_embeds'],
           {'input_ids': {0: 'batch', 1: 'sequence'}, 'attention_mask': {0: 'batch', 1: 'sequence'},
            'text_embeds': {0: 'batch'}})
    write_json(os.path.join(radalign_dir, 'tokenizer.json'), tok)
    write_json(os.path.join(radalign_dir, 'model.json'), {
        'format': 'radalign-model/1',
        'id': 'tiny-clip-fixture',
        'name': 'Tiny random CLIP (test fixture)',
        'version': '1',
        'vision': {'file': 'vision.onnx', 'input': 'pixel_values', 'imageEmbeds': 'image_embeds',
                   'patchEmbeds': 'patch_embeds'},
        'text': {'file': 'text.onnx', 'inputIds': 'input_ids', 'attentionMask': 'attention_mask',
                 'textEmbeds': 'text_embeds'},
        'tokenizer': 'tokenizer.json',
        'maxTextLength': MAX_LEN,
        'image': {'size': IMAGE_SIZE, 'resize': 'shortest-edge', 'mean': MEAN, 'std': STD, 'channels': 3},
        'embedDim': EMBED_DIM,
        'logitScale': LOGIT_SCALE,
        'patchGrid': [GRID, GRID],
    })

    # Optimum / Transformers.js layout, same weights
    export(OptimumVision(vision), (dummy_pixels,), os.path.join(optimum_dir, 'onnx', 'vision_model.onnx'),
           ['pixel_values'], ['image_embeds', 'last_hidden_state'],
           {'pixel_values': {0: 'batch'}, 'image_embeds': {0: 'batch'}, 'last_hidden_state': {0: 'batch'}})
    export(OptimumText(text), (dummy_ids,), os.path.join(optimum_dir, 'onnx', 'text_model.onnx'),
           ['input_ids'], ['text_embeds', 'last_hidden_state'],
           {'input_ids': {0: 'batch', 1: 'sequence'}, 'text_embeds': {0: 'batch'},
            'last_hidden_state': {0: 'batch', 1: 'sequence'}})
    write_json(os.path.join(optimum_dir, 'tokenizer.json'), tok)
    write_json(os.path.join(optimum_dir, 'tokenizer_config.json'), {
        'tokenizer_class': 'BertTokenizerFast', 'do_lower_case': True, 'model_max_length': MAX_LEN,
        'bos_token': '[BOS]', 'eos_token': '[EOS]', 'pad_token': '[PAD]', 'unk_token': '[UNK]',
    })
    write_json(os.path.join(optimum_dir, 'preprocessor_config.json'), {
        'image_processor_type': 'CLIPImageProcessor', 'do_resize': True, 'size': {'shortest_edge': IMAGE_SIZE},
        'resample': 3, 'do_center_crop': True, 'crop_size': {'height': IMAGE_SIZE, 'width': IMAGE_SIZE},
        'do_rescale': True, 'rescale_factor': 1 / 255, 'do_normalize': True, 'image_mean': MEAN,
        'image_std': STD, 'do_convert_rgb': True,
    })
    write_json(os.path.join(optimum_dir, 'config.json'), {
        'model_type': 'clip', 'architectures': ['CLIPModel'], 'projection_dim': EMBED_DIM,
        'logit_scale_init_value': math.log(LOGIT_SCALE),
        'text_config': {'model_type': 'clip_text_model', 'hidden_size': WIDTH, 'num_hidden_layers': TEXT_LAYERS,
                        'max_position_embeddings': MAX_LEN, 'vocab_size': len(VOCAB),
                        'bos_token_id': BOS_ID, 'eos_token_id': EOS_ID, 'pad_token_id': PAD_ID},
        'vision_config': {'model_type': 'clip_vision_model', 'hidden_size': WIDTH,
                          'num_hidden_layers': VISION_LAYERS, 'image_size': IMAGE_SIZE, 'patch_size': PATCH,
                          'num_channels': 3},
    })

    write_text_model_with_wrong_width(os.path.join(OUT, 'broken', 'text-embed-dim-8.onnx'))

    # reference: torch outputs for fixed inputs
    images = reference_images()
    tensors = [normalise(im) for im in images]
    images_ref = []
    with torch.no_grad():
        for i, (im, t) in enumerate(zip(images, tensors)):
            write_png(os.path.join(OUT, f'ref-image-{i}.png'), im)
            image_embeds, patch_embeds, _ = vision(torch.from_numpy(t).unsqueeze(0))
            images_ref.append({'png': f'ref-image-{i}.png', 'input': f32(t), 'imageEmbeds': f32(image_embeds[0]),
                               'patchEmbeds': f32(patch_embeds[0])})
        texts_ref = []
        for s in SENTENCES:
            ids = truncate(reference_token_ids(s), MAX_LEN)
            emb = RadalignText(text)(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.int64))
            texts_ref.append({'text': s, 'ids': ids, 'textEmbeds': f32(emb[0])})
            # The two text exports must agree, padded or not, or one reference could not serve both layouts.
            padded = torch.tensor([ids + [PAD_ID] * (MAX_LEN - len(ids))])
            mask = torch.tensor([[1] * len(ids) + [0] * (MAX_LEN - len(ids))])
            for other in (OptimumText(text)(padded)[0], RadalignText(text)(padded, mask)):
                assert torch.allclose(other, emb, atol=1e-5), s
    write_json(os.path.join(OUT, 'reference.json'), {
        'comment': 'Written by tools/fixture-model/make_tiny_clip.py; values are torch outputs (float32).',
        'imageSize': IMAGE_SIZE, 'channels': 3, 'embedDim': EMBED_DIM, 'patchGrid': [GRID, GRID],
        'maxTextLength': MAX_LEN, 'mean': MEAN, 'std': STD,
        'images': images_ref,
        'texts': texts_ref,
        'tokenizer': [{'text': s, 'ids': reference_token_ids(s)} for s in SENTENCES + EXTRA_TOKENIZER_SENTENCES],
    }, compact=True)
    print('wrote', OUT)


if __name__ == '__main__':
    main()
