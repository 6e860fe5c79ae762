#!/usr/bin/env python3
"""Export Microsoft's BioViL (hi-ml-multimodal: ResNet-50 image model + CXR-BERT) to a radalign model folder.

    python tools/export/export_biovil.py out/models/biovil

Needs: hi-ml-multimodal (torch, torchvision, transformers), onnx; onnxruntime and tokenizers for the
verification. Weights download from the Hugging Face hub (microsoft/BiomedVLP-CXR-BERT-specialized,
microsoft/BiomedVLP-BioViL-T) through hi-ml's own helpers. Only BioViL (single image, 480 px, 15x15 grid) is
exported; BioViL-T's multi-image encoder is not.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from radalign_export import presets, recipes, verify  # noqa: E402
from radalign_export.tokenizer_json import bert_wordpiece_tokenizer_json  # noqa: E402
from radalign_export.writer import write_folder  # noqa: E402

IMAGE_SIZE = presets.IMAGE['biovil']['size']  # hi-ml: Resize(512) (bilinear) then CenterCrop(480), stated exactly


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('out_dir')
    ap.add_argument('--id', help='model id (default: the output folder name)')
    ap.add_argument('--name', default='BioViL (hi-ml-multimodal)')
    ap.add_argument('--max-text-length', type=int, help='default: the tokenizer\'s model_max_length (512)')
    args = ap.parse_args()
    torch.set_grad_enabled(False)

    from health_multimodal.image import get_image_inference
    from health_multimodal.image.utils import ImageModelType
    from health_multimodal.text import get_bert_inference
    from health_multimodal.text.utils import BertEncoderType

    image_inference = get_image_inference(ImageModelType.BIOVIL)
    text_inference = get_bert_inference(BertEncoderType.CXR_BERT)
    image_model = image_inference.model.eval()
    text_model = text_inference.model.eval()
    verify.prefer_eager_attention(text_model)
    tok = text_inference.tokenizer
    ctx = args.max_text_length or min(int(tok.model_max_length), int(text_model.config.max_position_embeddings))
    vocab = [t for t, _ in sorted(tok.get_vocab().items(), key=lambda kv: kv[1])]
    lower = getattr(tok, 'do_lower_case', getattr(getattr(tok, 'basic_tokenizer', None), 'do_lower_case', True))
    tok_json = bert_wordpiece_tokenizer_json(vocab, lowercase=lower)
    model_id = args.id or os.path.basename(os.path.normpath(args.out_dir))
    export = recipes.biovil_model(image_model, text_model, model_id=model_id, name=args.name, image_size=IMAGE_SIZE,
                                  max_text_length=ctx, image_options=presets.options('biovil'),
                                  source={'exporter': 'tools/export/export_biovil.py',
                                          'model': 'hi-ml BioViL + CXR-BERT-specialized'})

    print('checking the wrappers against hi-ml ...')
    x = torch.randn(2, 3, IMAGE_SIZE, IMAGE_SIZE, generator=torch.Generator().manual_seed(1))
    g, p = export.vision(x)
    out = image_model(x)
    want_p = out.projected_patch_embeddings
    verify.compare('image_embeds vs projected_global_embedding', g, out.projected_global_embedding)
    verify.compare('patch_embeds vs projected_patch_embeddings (row-major)', p,
                   want_p.permute(0, 2, 3, 1).reshape(want_p.shape[0], -1, want_p.shape[1]))
    enc = tok(verify.SAMPLE_TEXTS, padding='longest', truncation=True, max_length=ctx, return_tensors='pt')
    ids = [[int(v) for v, m in zip(row, mrow) if m] for row, mrow in zip(enc['input_ids'], enc['attention_mask'])]
    verify.check_tokenizer(tok_json, ids, ctx)
    verify.compare('text_embeds vs get_projected_text_embeddings', export.text(enc['input_ids'], enc['attention_mask']),
                   text_model.get_projected_text_embeddings(input_ids=enc['input_ids'],
                                                            attention_mask=enc['attention_mask'],
                                                            normalize_embeddings=False))

    pad_id = tok.pad_token_id or 0
    write_folder(args.out_dir, vision=export.vision, text=export.text, tokenizer=tok_json,
                 manifest_dict=export.manifest, image_size=IMAGE_SIZE, sample_ids=ids[:2], pad_id=pad_id)
    verify.check_onnx(args.out_dir, export, ids[:3], pad_id)
    print(f'wrote {args.out_dir}; try: npx radalign score <dataset> --model {args.out_dir}')


if __name__ == '__main__':
    main()
