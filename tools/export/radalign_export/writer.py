"""Writes a radalign model folder (docs/model-format.md): vision.onnx, text.onnx, tokenizer.json, model.json."""
import json
import math
import os

import torch

OPSET = 14
VISION_OUTPUTS = ['image_embeds', 'patch_embeds']
TEXT_INPUTS = ['input_ids', 'attention_mask']


def write_json(path, obj, compact=False):
    with open(path, 'w', encoding='utf-8') as f:
        if compact:
            json.dump(obj, f, separators=(',', ':'), ensure_ascii=False)
        else:
            json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write('\n')


def export_onnx(module, args, path, inputs, outputs, dynamic, opset=OPSET):
    import onnx  # only needed when writing

    import inspect

    module.eval()
    extra = {}
    if 'dynamo' in inspect.signature(torch.onnx.export).parameters:
        extra['dynamo'] = False  # the TorchScript exporter: dynamic_axes as written (torch >= 2.9 defaults to dynamo)
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=dynamic,
                          opset_version=opset, do_constant_folding=True, **extra)
    model = onnx.load(path, load_external_data=False)
    if os.path.getsize(path) < 2 ** 31 - 1:
        onnx.checker.check_model(path)
    got_in = [i.name for i in model.graph.input]
    got_out = [o.name for o in model.graph.output]
    if got_in != inputs or got_out != outputs:
        raise RuntimeError(f'{path}: exported inputs {got_in} / outputs {got_out}, expected {inputs} / {outputs}. '
                           'An input the wrapper ignores is dropped by torch.onnx.export.')


def export_vision(vision, path, image_size, with_patches=True):
    dummy = torch.zeros(2, 3, image_size, image_size)
    outputs = VISION_OUTPUTS if with_patches else VISION_OUTPUTS[:1]
    module = vision if with_patches else _GlobalOnly(vision)
    export_onnx(module, (dummy,), path, ['pixel_values'], outputs,
                {'pixel_values': {0: 'batch'}, **{o: {0: 'batch'} for o in outputs}})


def export_text(text, path, sample_ids, pad_id=0):
    """sample_ids: two id lists of different lengths (real tokenizer output), for tracing."""
    n = max(len(s) for s in sample_ids)
    ids = torch.tensor([s + [pad_id] * (n - len(s)) for s in sample_ids], dtype=torch.int64)
    mask = torch.tensor([[1] * len(s) + [0] * (n - len(s)) for s in sample_ids], dtype=torch.int64)
    export_onnx(text, (ids, mask), path, TEXT_INPUTS, ['text_embeds'],
                {'input_ids': {0: 'batch', 1: 'sequence'}, 'attention_mask': {0: 'batch', 1: 'sequence'},
                 'text_embeds': {0: 'batch'}})


class _GlobalOnly(torch.nn.Module):
    def __init__(self, vision):
        super().__init__()
        self.vision = vision

    def forward(self, x):
        return self.vision(x)[0]


# model.json image fields beyond size / resize / mean / std, with what each may hold (docs/model-format.md). The
# engine validates them again when it loads the folder; checking here stops an export before minutes of ONNX work.
STEP_OPTIONS = {
    'resizeRounding': ('round', 'truncate', 'truncate-ratio'),
    'cropRounding': ('floor', 'half-even'),
    'filter': ('bicubic', 'bilinear', 'lanczos', 'nearest'),
    'antialias': (True, False),
    'shortestEdge': int,
}
IMAGE_OPTIONS = {**STEP_OPTIONS, 'intensity': ('min-max',), 'greyscale': (True, False),
                 'resizeBeforeConvert': (True, False), 'before': dict}
EARLIER_STEP_OPTIONS = {**STEP_OPTIONS, 'greyscale': (True, False)}


def checked_image_options(options, allowed=None, where='image'):
    allowed = allowed or IMAGE_OPTIONS
    out = {}
    for key, value in options.items():
        kind = allowed.get(key)
        if kind is None:
            raise ValueError(f'{where}.{key} is not a model.json image field this exporter writes')
        if kind is int:
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f'{where}.{key} must be a positive integer (got {value!r})')
        elif kind is dict:
            step = dict(value)
            size, resize = step.pop('size', None), step.pop('resize', None)
            if not isinstance(size, int) or resize not in ('shortest-edge', 'squash', 'letterbox'):
                raise ValueError(f'{where}.{key} needs size and resize (got {value!r})')
            value = {'size': size, 'resize': resize,
                     **checked_image_options(step, EARLIER_STEP_OPTIONS, f'{where}.{key}')}
        elif not any(value is v or value == v and type(value) is type(v) for v in kind):
            raise ValueError(f'{where}.{key} must be one of {kind} (got {value!r})')
        out[key] = value
    return out


def manifest(*, model_id, name, image_size, mean, std, embed_dim, max_text_length, resize='shortest-edge',
             channels=3, logit_scale=None, patch_grid=None, version='1', source=None, tokenizer_config=None,
             image_options=None):
    """model.json (format radalign-model/1). `source` is an informational object the engine does not read.
    `image_options` adds the image fields beyond size / resize / mean / std (docs/model-format.md): rounding,
    filter, antialias, shortestEdge, intensity, an earlier step `before` (radalign_export.presets); None leaves them
    out (the engine's defaults)."""
    if len(mean) != channels or len(std) != channels:
        raise ValueError(f'mean/std need {channels} values')
    m = {
        'format': 'radalign-model/1',
        'id': model_id,
        'name': name,
        'version': version,
        'vision': {'file': 'vision.onnx', 'input': 'pixel_values', 'imageEmbeds': 'image_embeds'},
        'text': {'file': 'text.onnx', 'inputIds': 'input_ids', 'attentionMask': 'attention_mask',
                 'textEmbeds': 'text_embeds'},
        'tokenizer': 'tokenizer.json',
        'maxTextLength': int(max_text_length),
        'image': {'size': int(image_size), 'resize': resize, 'mean': [float(v) for v in mean],
                  'std': [float(v) for v in std], 'channels': channels},
        'embedDim': int(embed_dim),
    }
    m['image'].update(checked_image_options(image_options or {}))
    if tokenizer_config:
        m['tokenizerConfig'] = 'tokenizer_config.json'
    if logit_scale is not None:
        m['logitScale'] = float(logit_scale)
    if patch_grid is not None:
        m['vision']['patchEmbeds'] = 'patch_embeds'
        m['patchGrid'] = [int(patch_grid[0]), int(patch_grid[1])]
    if source:
        m['source'] = source
    return m


def logit_scale_of(param):
    """exp(logit_scale) as CLIP uses it (open_clip and HF store its log; training clamps it at 100)."""
    return math.exp(float(param.detach().reshape(-1)[0]))


def write_folder(out_dir, *, vision, text, tokenizer, manifest_dict, image_size, sample_ids, pad_id=0,
                 tokenizer_config=None, with_patches=True):
    """Exports both ONNX models and writes tokenizer.json (a dict or a JSON string) and model.json."""
    os.makedirs(out_dir, exist_ok=True)
    export_vision(vision, os.path.join(out_dir, 'vision.onnx'), image_size, with_patches)
    export_text(text, os.path.join(out_dir, 'text.onnx'), sample_ids, pad_id)
    tok_path = os.path.join(out_dir, 'tokenizer.json')
    if isinstance(tokenizer, str):
        with open(tok_path, 'w', encoding='utf-8') as f:
            f.write(tokenizer)
    else:
        write_json(tok_path, tokenizer, compact=True)
    if tokenizer_config is not None:
        write_json(os.path.join(out_dir, 'tokenizer_config.json'), tokenizer_config)
    write_json(os.path.join(out_dir, 'model.json'), manifest_dict)


def max_abs(a, b):
    return float((torch.as_tensor(a) - torch.as_tensor(b)).abs().max())


def check_onnx_against_torch(out_dir, vision, text, pixels, id_lists, pad_id=0, tolerance=1e-3):
    """Runs the exported ONNX files with onnxruntime (pip install onnxruntime) and compares them with the torch
    wrappers. Returns a dict of max abs differences; raises when one exceeds `tolerance` times max(1, the largest
    torch value of that output)."""
    import numpy as np
    import onnxruntime as ort

    diffs, scale = {}, {}
    vs = ort.InferenceSession(os.path.join(out_dir, 'vision.onnx'), providers=['CPUExecutionProvider'])
    names = [o.name for o in vs.get_outputs()]
    got = vs.run(None, {'pixel_values': pixels.numpy().astype(np.float32)})
    with torch.no_grad():
        want = vision(pixels)
    for name, g, w in zip(names, got, want):
        diffs[name] = max_abs(torch.from_numpy(g), w)
        scale[name] = max(1.0, float(w.abs().max()))
    ts = ort.InferenceSession(os.path.join(out_dir, 'text.onnx'), providers=['CPUExecutionProvider'])
    n = max(len(s) for s in id_lists)
    ids = np.array([s + [pad_id] * (n - len(s)) for s in id_lists], dtype=np.int64)
    mask = np.array([[1] * len(s) + [0] * (n - len(s)) for s in id_lists], dtype=np.int64)
    g = ts.run(None, {'input_ids': ids, 'attention_mask': mask})[0]
    with torch.no_grad():
        w = text(torch.from_numpy(ids), torch.from_numpy(mask))
    diffs['text_embeds'] = max_abs(torch.from_numpy(g), w)
    scale['text_embeds'] = max(1.0, float(w.abs().max()))
    bad = {k: v for k, v in diffs.items() if not v <= tolerance * scale.get(k, 1.0)}
    if bad:
        raise RuntimeError(f'onnxruntime differs from torch beyond {tolerance}: {bad}')
    return diffs
