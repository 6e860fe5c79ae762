"""Exports a trained model into radalign's model folder format (docs/model-format.md):
model.json, vision.onnx (pixel_values -> image_embeds, patch_embeds), text.onnx (input_ids, attention_mask ->
text_embeds), tokenizer.json, plus tokenizer-check.json (Python ids and torch outputs the JS test compares with).
Large weights are stored as float16 and cast to float32 inside the graph (halves the size; outputs differ from
float32 weights by ~1e-3 relative, and the parity reference is computed with the same rounded weights)."""
import json
import math
import os

import numpy as np
import onnx
from onnx import numpy_helper, helper, TensorProto
import torch

from model import FullVision, TextExport
from pretrained import pretrained_mobilenet_v2

OPSET = 14
CHECK_SENTENCES = [
    'No acute cardiopulmonary process.',
    'Patchy consolidation in the left lower zone.',
    'Bilateral ground-glass opacities, predominantly peripheral, in the mid and lower zones!',
    'Chest radiograph obtained on admission showed an infiltrate in the upper lobe of the left lung',
    'A 2.5 cm nodule in the RIGHT upper lobe; likely granuloma?',
    'Small right pleural effusion.',
    '',
    '   Heart size is NORMAL   ',
    'Left-sided PICC line (tip at cavoatrial junction)...',
    'Unknownword xyz123 3.14 and 10mm, SpO2 88% (COVID-19).',
    'Woman, 58, has been reporting wheezing and fever for over a week.',
    'Ünïcödé — “quotes” and dashes – café.',
]


def pattern_images():
    """Two deterministic model inputs (3, 224, 224), reproducible in JS from the same formulas."""
    c, y, x = np.meshgrid(np.arange(3), np.arange(224), np.arange(224), indexing='ij')
    a = ((x * 3 + y * 5 + c * 7) % 64) / 64.0
    b = 0.5 + 0.4 * np.sin(x / 17.0) * np.cos(y / 23.0)
    b = np.where(x < 112, b * 0.6, b)  # a darker left half
    return [a.astype(np.float32), np.repeat(b[:1], 3, 0).astype(np.float32)]


def to_fp16_weights(path, min_elements=1024):
    """Stores float32 initializers with >= min_elements values as float16 followed by a Cast to float32."""
    m = onnx.load(path)
    g = m.graph
    new_inits, casts = [], []
    for init in g.initializer:
        arr = numpy_helper.to_array(init)
        if arr.dtype == np.float32 and arr.size >= min_elements:
            h = numpy_helper.from_array(arr.astype(np.float16), init.name + '_fp16')
            new_inits.append(h)
            casts.append(helper.make_node('Cast', [h.name], [init.name], to=TensorProto.FLOAT, name=init.name + '_cast'))
        else:
            new_inits.append(init)
    del g.initializer[:]
    g.initializer.extend(new_inits)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(casts + nodes)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def round_weights_fp16(module, min_elements=1024):
    """The torch side of to_fp16_weights: round the same tensors, so torch and ONNX compute the same thing."""
    with torch.no_grad():
        for n, p in list(module.named_parameters()) + list(module.named_buffers()):
            if p.dtype == torch.float32 and p.numel() >= min_elements:
                p.copy_(p.half().float())


def export(model, tok, cfg, out_dir, log=print):
    os.makedirs(out_dir, exist_ok=True)
    model = model.eval()
    vision = FullVision(pretrained_mobilenet_v2(), model.vision).eval()
    text = TextExport(model.text).eval()
    round_weights_fp16(vision)
    round_weights_fp16(text)
    vpath, tpath = os.path.join(out_dir, 'vision.onnx'), os.path.join(out_dir, 'text.onnx')
    with torch.no_grad():
        torch.onnx.export(vision, (torch.zeros(2, 3, 224, 224),), vpath, input_names=['pixel_values'],
                          output_names=['image_embeds', 'patch_embeds'], opset_version=OPSET, do_constant_folding=True,
                          dynamic_axes={'pixel_values': {0: 'batch'}, 'image_embeds': {0: 'batch'}, 'patch_embeds': {0: 'batch'}})
        ids = torch.tensor([[tok.bos, 5, 6, tok.eos], [tok.bos, 7, tok.eos, tok.pad]])
        mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
        torch.onnx.export(text, (ids, mask), tpath, input_names=['input_ids', 'attention_mask'],
                          output_names=['text_embeds'], opset_version=OPSET, do_constant_folding=True,
                          dynamic_axes={'input_ids': {0: 'batch', 1: 'sequence'},
                                        'attention_mask': {0: 'batch', 1: 'sequence'}, 'text_embeds': {0: 'batch'}})
    to_fp16_weights(vpath)
    to_fp16_weights(tpath)
    with open(os.path.join(out_dir, 'tokenizer.json'), 'w') as f:
        json.dump(tok.to_json(), f, ensure_ascii=False, separators=(',', ':'))
        f.write('\n')
    scale = float(min(100.0, math.exp(float(model.logit_scale))))
    manifest = {
        'format': 'radalign-model/1',
        'id': 'radalign-cxr-mnv2-small',
        'name': 'radalign default chest X-ray model (MobileNetV2 + bag-of-words text, covid-cxr)',
        'version': '1',
        'vision': {'file': 'vision.onnx', 'input': 'pixel_values', 'imageEmbeds': 'image_embeds', 'patchEmbeds': 'patch_embeds'},
        'text': {'file': 'text.onnx', 'inputIds': 'input_ids', 'attentionMask': 'attention_mask', 'textEmbeds': 'text_embeds'},
        'tokenizer': 'tokenizer.json',
        'maxTextLength': 128,
        'image': {'size': 224, 'resize': 'squash', 'mean': [0, 0, 0], 'std': [1, 1, 1], 'channels': 3},
        'embedDim': cfg['dim'],
        'logitScale': round(scale, 4),
        'patchGrid': [7, 7],
    }
    with open(os.path.join(out_dir, 'model.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    # parity reference for test/engine/default-model.test.ts
    ref = {'comment': 'Written by training/export.py: Python token ids and torch outputs (fp16-rounded weights, '
                      'float32 compute) that tokenizers.js and onnxruntime must reproduce.',
           'maxTextLength': 128, 'tokenizer': [], 'texts': [], 'images': []}
    with torch.no_grad():
        for s in CHECK_SENTENCES:
            ref['tokenizer'].append({'text': s, 'ids': tok.encode(s)})
        for s in CHECK_SENTENCES[:6]:
            ids = tok.encode(s, 128)
            e = text(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.long))[0]
            ref['texts'].append({'text': s, 'textEmbeds': [round(float(v), 6) for v in e]})
        for k, im in enumerate(pattern_images()):
            g, p = vision(torch.from_numpy(im)[None])
            ref['images'].append({'pattern': k, 'imageEmbeds': [round(float(v), 6) for v in g[0]],
                                  'patchEmbeds0': [round(float(v), 6) for v in p[0, 0]],
                                  'patchEmbeds24': [round(float(v), 6) for v in p[0, 24]]})
    with open(os.path.join(out_dir, 'tokenizer-check.json'), 'w') as f:
        json.dump(ref, f, ensure_ascii=False, separators=(',', ':'))
        f.write('\n')
    sizes = {n: os.path.getsize(os.path.join(out_dir, n)) for n in ('vision.onnx', 'text.onnx', 'tokenizer.json')}
    log(f'exported to {out_dir}: ' + ', '.join(f'{n} {v / 1e6:.2f} MB' for n, v in sizes.items()))
    return {'bytes': sizes, 'logitScale': scale}
