"""Checks the real-model entry points run after export: wrapper vs the library's own forward, MaskCLIP vs the
self-only-attention reference, tokenizer.json vs the library tokenizer, onnxruntime vs torch."""
import json

import torch

from .tokenizer_json import truncate
from .writer import check_onnx_against_torch, max_abs

SAMPLE_TEXTS = [
    'No acute cardiopulmonary process.',
    'Mild cardiomegaly with small bilateral pleural effusions, greater on the right.',
    'Endotracheal tube tip terminates 4.5 cm above the carina. Interval placement of a right IJ central line.',
    'Lungs are CLEAR; heart size normal.',
    "Patient's Sjögren history: café-au-lait spots & a 3-mm nodule?",
    'Left lower lobe opacity, likely atelectasis though pneumonia cannot be excluded. ' * 40,
]


def prefer_eager_attention(model):
    """Ask transformers sub-models for eager attention (plain ops in ONNX) where the version decides per call."""
    for m in model.modules():
        cfg = getattr(m, 'config', None)
        if cfg is not None and hasattr(cfg, '_attn_implementation'):
            try:
                cfg._attn_implementation = 'eager'
            except Exception:  # noqa: BLE001 - read-only in some versions; the ONNX check catches real problems
                pass


def as_tensor(out):
    """Library outputs as a tensor (some transformers versions return a ModelOutput from get_*_features)."""
    if isinstance(out, torch.Tensor):
        return out
    for name in ('image_embeds', 'text_embeds', 'pooler_output'):
        if getattr(out, name, None) is not None:
            return getattr(out, name)
    return out[0]


def report(label, diff, scale, tolerance):
    ok = diff <= tolerance * max(1.0, scale)
    print(f'  {label}: max abs diff {diff:.3g} (values up to {scale:.3g}) {"ok" if ok else "FAILED"}')
    if not ok:
        raise SystemExit(f'verification failed: {label}')


def compare(label, got, want, tolerance=1e-4):
    got, want = as_tensor(got), as_tensor(want)
    if got.shape != want.shape:
        raise SystemExit(f'verification failed: {label}: shape {tuple(got.shape)} vs {tuple(want.shape)}')
    report(label, max_abs(got, want), float(want.abs().max()), tolerance)


def check_tokenizer(tokenizer_json_str, library_ids, max_len, texts=SAMPLE_TEXTS):
    """tokenizer.json (run with the Python `tokenizers` package, what tokenizers.js mirrors) vs the library's ids
    (each a list of real tokens, special tokens included, already truncated by the library)."""
    try:
        from tokenizers import Tokenizer
    except ImportError:
        print('  tokenizer check skipped: pip install tokenizers')
        return
    tok = Tokenizer.from_str(tokenizer_json_str if isinstance(tokenizer_json_str, str) else json.dumps(tokenizer_json_str))
    tok.no_truncation()
    tok.no_padding()
    for text, want in zip(texts, library_ids):
        full = tok.encode(text).ids
        got = truncate(full, max_len)
        if got != list(want):
            raise SystemExit(f'verification failed: tokenizer.json ids differ from the library for {text[:60]!r}:\n'
                             f'  tokenizer.json {got[:40]}\n  library        {list(want)[:40]}')
    print(f'  tokenizer.json ids equal the library tokenizer on {len(texts)} sample texts (truncated to {max_len})')


def strip_padding(row, pad_id, eos_id):
    """A fixed-length library row -> its real tokens: up to and including the first eos."""
    row = [int(v) for v in row]
    if eos_id in row:
        return row[:row.index(eos_id) + 1]
    return [v for v in row if v != pad_id]


def check_onnx(out_dir, export, id_lists, pad_id=0, image_size=None):
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        print('  onnxruntime check skipped: pip install onnxruntime')
        return
    size = image_size or export.manifest['image']['size']
    pixels = torch.randn(2, 3, size, size, generator=torch.Generator().manual_seed(0))
    diffs = check_onnx_against_torch(out_dir, export.vision, export.text, pixels, id_lists, pad_id, tolerance=1e-3)
    print(f'  onnxruntime vs torch: {diffs}')
