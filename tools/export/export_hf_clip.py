#!/usr/bin/env python3
"""Export a Hugging Face `CLIPModel` checkpoint (hub id or local folder) to a radalign model folder.

    python tools/export/export_hf_clip.py out/models/clip-b32 --model openai/clip-vit-base-patch32

Any checkpoint that loads with transformers.CLIPModel works (e.g. a CheXzero conversion, if you have one in
this format). Needs: torch, transformers, onnx; onnxruntime and tokenizers for the verification.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from radalign_export import checks, presets, recipes, verify  # noqa: E402
from radalign_export.writer import write_folder  # noqa: E402


def image_settings(proc, fallback_size):
    """CLIPImageProcessor -> (size, resize, mean, std, image options), the way docs/model-format.md maps the Optimum
    layout: the resample filter, and for a shortest-edge resize the processor's own rounding (the long side
    truncated by get_resize_output_image_size, the crop offset floored by center_crop) and its shortest edge when
    it differs from the crop."""
    crop = getattr(proc, 'crop_size', None)
    do_crop = getattr(proc, 'do_center_crop', True)
    s = getattr(proc, 'size', None) or {}
    options = {}
    if do_crop and crop is not None:
        size = crop['height'] if isinstance(crop, dict) else int(crop)
        if isinstance(crop, dict) and crop.get('height') != crop.get('width'):
            raise SystemExit(f'non-square crop {crop} is not supported')
        resize = 'shortest-edge'
        if isinstance(s, dict) and s.get('shortest_edge', size) != size:
            options['shortestEdge'] = int(s['shortest_edge'])
    elif isinstance(s, dict) and 'shortest_edge' in s:
        size, resize = s['shortest_edge'], 'shortest-edge'
    elif isinstance(s, dict) and 'height' in s:
        size, resize = s['height'], 'squash'
    else:
        size, resize = int(s or fallback_size), 'shortest-edge'
    resample = getattr(proc, 'resample', None)
    if resample is not None:
        if int(resample) not in presets.PIL_FILTERS:
            raise SystemExit(f'resample {resample!r} has no radalign filter (supported: {presets.PIL_FILTERS})')
        options['filter'] = presets.PIL_FILTERS[int(resample)]
    if resize == 'shortest-edge':
        options.update({k: presets.IMAGE['hf_clip'][k] for k in ('resizeRounding', 'cropRounding')})
    mean = list(proc.image_mean) if getattr(proc, 'do_normalize', True) else [0.0, 0.0, 0.0]
    std = list(proc.image_std) if getattr(proc, 'do_normalize', True) else [1.0, 1.0, 1.0]
    r = float(getattr(proc, 'rescale_factor', 1 / 255)) if getattr(proc, 'do_rescale', True) else 1.0
    if abs(255 * r - 1) > 1e-9:  # fold any other rescaling into mean/std, as radalign's Optimum reader does
        mean = [m / (255 * r) for m in mean]
        std = [s / (255 * r) for s in std]
    return int(size), resize, mean, std, options


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('out_dir')
    ap.add_argument('--model', required=True, help='hub id or local folder of a CLIPModel checkpoint')
    ap.add_argument('--id', help='model id (default: the output folder name)')
    ap.add_argument('--name', help='display name')
    ap.add_argument('--resize', choices=['shortest-edge', 'squash', 'letterbox'], help='override the resize mode')
    ap.add_argument('--no-patches', action='store_true', help='no patch output (heatmaps by occlusion)')
    args = ap.parse_args()
    torch.set_grad_enabled(False)

    from transformers import AutoImageProcessor, AutoTokenizer, CLIPModel

    try:  # eager attention exports as plain ops; older transformers have no such argument
        clip = CLIPModel.from_pretrained(args.model, attn_implementation='eager')
    except TypeError:
        clip = CLIPModel.from_pretrained(args.model)
    clip.eval()
    tok = AutoTokenizer.from_pretrained(args.model, use_fast=True)
    if not getattr(tok, 'is_fast', False):
        raise SystemExit('no fast tokenizer (tokenizer.json) for this checkpoint')
    proc = AutoImageProcessor.from_pretrained(args.model)
    size, resize, mean, std, options = image_settings(proc, clip.config.vision_config.image_size)
    if size != clip.config.vision_config.image_size:
        raise SystemExit(f'processor crop {size} != vision_config.image_size {clip.config.vision_config.image_size}')
    ctx = int(clip.config.text_config.max_position_embeddings)
    model_id = args.id or os.path.basename(os.path.normpath(args.out_dir))
    source = {'exporter': 'tools/export/export_hf_clip.py', 'model': args.model}
    if args.resize and args.resize != resize:  # another geometry: the processor's rounding no longer applies
        resize = args.resize
        options = {k: v for k, v in options.items() if k == 'filter'}
    export = recipes.hf_clip(clip, model_id=model_id, name=args.name or model_id, image_size=size, mean=mean, std=std,
                             max_text_length=ctx, resize=resize, source=source,
                             with_patches=not args.no_patches, image_options=options)

    print('checking the wrappers against transformers ...')
    x = torch.randn(2, 3, size, size, generator=torch.Generator().manual_seed(1))
    g, p = export.vision(x)
    verify.compare('image_embeds vs get_image_features', g, clip.get_image_features(pixel_values=x))
    verify.compare('patch_embeds vs MaskCLIP reference (self-only attention)', p, checks.maskclip_hf_clip(clip, x))
    enc = tok(verify.SAMPLE_TEXTS, padding=True, truncation=True, max_length=ctx, return_tensors='pt')
    ids = [[int(v) for v, m in zip(row, mrow) if m] for row, mrow in zip(enc['input_ids'], enc['attention_mask'])]
    tok_json = tok.backend_tokenizer.to_str()
    verify.check_tokenizer(tok_json, ids, ctx)
    pad_id = tok.pad_token_id or 0
    verify.compare('text_embeds vs get_text_features', export.text(enc['input_ids'], enc['attention_mask']),
                   clip.get_text_features(input_ids=enc['input_ids'], attention_mask=enc['attention_mask']))

    write_folder(args.out_dir, vision=export.vision, text=export.text, tokenizer=tok_json,
                 manifest_dict=export.manifest, image_size=size, sample_ids=ids[:2], pad_id=pad_id,
                 with_patches=not args.no_patches)
    verify.check_onnx(args.out_dir, export, ids[:3], pad_id)
    print(f'wrote {args.out_dir}; try: npx radalign score <dataset> --model {args.out_dir}')


if __name__ == '__main__':
    main()
