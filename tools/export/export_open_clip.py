#!/usr/bin/env python3
"""Export an open_clip model (CheXzero, BiomedCLIP, OpenAI CLIP, ...) to a radalign model folder.

  CheXzero (OpenAI CLIP ViT-B/32 fine-tuned; a state dict from the CheXzero release):
    python tools/export/export_open_clip.py out/models/chexzero \\
        --model-name ViT-B-32-quickgelu --checkpoint /path/to/chexzero.pt --preset chexzero
  BiomedCLIP:
    python tools/export/export_open_clip.py out/models/biomedclip \\
        --hf-hub microsoft/BiomedCLIP-PubMedBERT_256-vit_base_patch16_224
  OpenAI ResNet CLIP (ModifiedResNet; patches: the attention pool's value path on the layer4 grid):
    python tools/export/export_open_clip.py out/models/rn50 --model-name RN50 --pretrained openai

Needs: torch, open_clip_torch (and timm + transformers for BiomedCLIP), onnx; onnxruntime and tokenizers for the
verification. See tools/export/README.md.
"""
import argparse
import os
import sys
from dataclasses import dataclass

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from radalign_export import checks, presets, recipes, verify  # noqa: E402
from radalign_export.tokenizer_json import (bert_wordpiece_tokenizer_json, clip_bpe_tokenizer_json,  # noqa: E402
                                            read_openai_merges)
from radalign_export.writer import write_folder  # noqa: E402

# --preset: a family's whole image preprocessing (radalign_export/presets.py, read from the family's source).
PRESETS = {
    # CheXzero: letterbox into 320 x 320 with LANCZOS, then bicubic to 224 without antialiasing; its CXR mean/std.
    'chexzero': presets.IMAGE['chexzero'],
    # OpenAI's CLIP statistics with open_clip's transform, for checkpoints whose config lacks them.
    'openai': {**presets.IMAGE['open_clip'], 'mean': presets.OPENAI_MEAN, 'std': presets.OPENAI_STD},
}


@dataclass
class Built:
    """An open_clip model in exportable form, checked against the library, ready to write."""
    export: recipes.Export
    tokenizer_json: object
    pad_id: int
    size: int
    ids: list  # the library tokenizer's ids of verify.SAMPLE_TEXTS, padding stripped


def load(args):
    import open_clip

    if args.hf_hub:
        name = 'hf-hub:' + args.hf_hub
        model, _ = open_clip.create_model_from_pretrained(name)
        tokenizer = open_clip.get_tokenizer(name)
    else:
        model = open_clip.create_model(args.model_name, pretrained=args.pretrained)
        if args.checkpoint:
            sd = torch.load(args.checkpoint, map_location='cpu')
            for key in ('state_dict', 'model'):
                if isinstance(sd, dict) and key in sd and isinstance(sd[key], dict):
                    sd = sd[key]
            sd = {k[len('module.'):] if k.startswith('module.') else k: v for k, v in sd.items()}
            missing, unexpected = model.load_state_dict(sd, strict=False)
            missing = [k for k in missing if k != 'attn_mask']
            unexpected = [k for k in unexpected if k not in ('input_resolution', 'context_length', 'vocab_size')]
            if missing or unexpected:
                raise SystemExit(f'{args.checkpoint} does not fit {args.model_name}: missing {missing[:8]}, '
                                 f'unexpected {unexpected[:8]}')
        tokenizer = open_clip.get_tokenizer(args.model_name)
    return open_clip, model.eval(), tokenizer


def tokenizer_json_for(open_clip, model, tokenizer, from_vocab):
    if hasattr(model, 'text'):  # HF text tower: its own (fast) tokenizer
        hf = tokenizer.tokenizer
        if getattr(hf, 'is_fast', False) and not from_vocab:
            return hf.backend_tokenizer.to_str(), hf.pad_token_id or 0, hf.sep_token_id
        vocab = [t for t, _ in sorted(hf.get_vocab().items(), key=lambda kv: kv[1])]
        lower = getattr(hf, 'do_lower_case', True)
        return bert_wordpiece_tokenizer_json(vocab, lowercase=lower), hf.pad_token_id or 0, hf.sep_token_id
    bpe = open_clip.tokenizer.default_bpe()
    tok = clip_bpe_tokenizer_json(read_openai_merges(bpe))
    return tok, 0, tok['model']['vocab']['<|endoftext|>']


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('out_dir')
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument('--hf-hub', help='open_clip model on the Hugging Face hub, without the hf-hub: prefix')
    src.add_argument('--model-name', help='open_clip architecture name, e.g. ViT-B-32-quickgelu')
    ap.add_argument('--pretrained', default=None, help='open_clip pretrained tag for --model-name (e.g. openai)')
    ap.add_argument('--checkpoint', help='state dict to load into --model-name (CheXzero .pt)')
    ap.add_argument('--preset', choices=sorted(PRESETS), help='preprocessing; default: the model\'s own mean/std')
    ap.add_argument('--id', help='model id (default: the output folder name)')
    ap.add_argument('--name', help='display name')
    ap.add_argument('--context-length', type=int, help='default: the tokenizer\'s / model\'s')
    ap.add_argument('--tokenizer-from-vocab', action='store_true', help='BERT text: write tokenizer.json from the vocab')
    ap.add_argument('--no-patches', action='store_true', help='no patch output (heatmaps by occlusion)')
    args = ap.parse_args()
    torch.set_grad_enabled(False)

    open_clip, model, tokenizer = load(args)
    verify.prefer_eager_attention(model)
    built = build(args, open_clip, model, tokenizer)
    write_folder(args.out_dir, vision=built.export.vision, text=built.export.text, tokenizer=built.tokenizer_json,
                 manifest_dict=built.export.manifest, image_size=built.size, sample_ids=built.ids[:2],
                 pad_id=built.pad_id, with_patches=not args.no_patches)
    verify.check_onnx(args.out_dir, built.export, built.ids[:3], built.pad_id)
    print(f'wrote {args.out_dir}; try: npx radalign score <dataset> --model {args.out_dir}')


def build(args, open_clip, model, tokenizer):
    """The wrappers and model.json for `model`, checked against open_clip's own forward and tokenizer (stops with
    `verification failed: ...` on a difference). tools/export/parity.py builds through here too."""
    size = model.visual.image_size
    size = size[0] if isinstance(size, (tuple, list)) else int(size)
    image = dict(PRESETS[args.preset]) if args.preset else {
        **presets.IMAGE['open_clip'],
        'mean': list(getattr(model.visual, 'image_mean', None) or presets.OPENAI_MEAN),
        'std': list(getattr(model.visual, 'image_std', None) or presets.OPENAI_STD)}
    if image.pop('size', size) != size:
        raise SystemExit(f'--preset {args.preset} is for {PRESETS[args.preset]["size"]} px input; this model takes {size}')
    mean, std, resize = image.pop('mean'), image.pop('std'), image.pop('resize')
    ctx = args.context_length or getattr(tokenizer, 'context_length', None) or model.context_length
    tok_json, pad_id, eos_id = tokenizer_json_for(open_clip, model, tokenizer, args.tokenizer_from_vocab)
    model_id = args.id or os.path.basename(os.path.normpath(getattr(args, 'out_dir', None) or args.model_name
                                                             or args.hf_hub))
    source = {'exporter': 'tools/export/export_open_clip.py', 'open_clip': getattr(open_clip, '__version__', '?'),
              'model': args.hf_hub or args.model_name, 'checkpoint': os.path.basename(args.checkpoint or '') or None,
              'preset': args.preset}
    export = recipes.open_clip_model(model, model_id=model_id, name=args.name or model_id, image_size=size,
                                     max_text_length=ctx, source=source, with_patches=not args.no_patches,
                                     mean=mean, std=std, resize=resize, image_options=image)

    print('checking the wrappers against open_clip ...')
    x = torch.randn(2, 3, size, size, generator=torch.Generator().manual_seed(1))
    g, p = export.vision(x)
    verify.compare('image_embeds vs encode_image', g, model.encode_image(x))
    if hasattr(model.visual, 'trunk'):
        verify.compare('patch_embeds vs MaskCLIP reference (timm)', p,
                       checks.maskclip_timm(model.visual.trunk, model.visual.head, x))
    elif hasattr(model.visual, 'attnpool'):  # ResNet CLIP: the reference's token layout, then its self-only run
        verify.compare('attention-pool reference (no mask, mean token) vs encode_image',
                       checks.attnpool_tokens(model.visual, x, self_only=False)[:, 0], model.encode_image(x))
        verify.compare('patch_embeds vs MaskCLIP reference (attention pool, self-only)', p,
                       checks.maskclip_open_clip_resnet(model.visual, x))
    else:
        verify.compare('patch_embeds vs MaskCLIP reference (self-only attention)', p,
                       checks.maskclip_open_clip(model.visual, x))
    lib = tokenizer(verify.SAMPLE_TEXTS)  # (n, ctx), padded
    ids = [verify.strip_padding(row, pad_id, eos_id) for row in lib]
    verify.check_tokenizer(tok_json, ids, ctx)
    n = max(len(s) for s in ids)
    mask = torch.tensor([[1] * len(s) + [0] * (n - len(s)) for s in ids])
    padded = torch.tensor([s + [pad_id] * (n - len(s)) for s in ids])
    verify.compare('text_embeds vs encode_text', export.text(padded, mask), model.encode_text(lib))
    return Built(export, tok_json, pad_id, size, ids)


if __name__ == '__main__':
    main()
