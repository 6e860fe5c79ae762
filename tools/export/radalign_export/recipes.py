"""From a loaded model object to (vision module, text module, model.json dict): one function per model family.

The entry points (export_*.py) and the test fixtures (make_fixtures.py) both go through these functions.
"""
from dataclasses import dataclass

from torch import nn

from . import biovil, presets, resnet, text as text_mod, vit
from .writer import logit_scale_of, manifest

OPENAI_MEAN, OPENAI_STD = presets.OPENAI_MEAN, presets.OPENAI_STD
CHEXZERO_MEAN, CHEXZERO_STD = presets.IMAGE['chexzero']['mean'], presets.IMAGE['chexzero']['std']
PATCH_METHOD_MASKCLIP = 'maskclip-value: last block v_proj -> out_proj, no residual/MLP, -> final norm -> projection'
PATCH_METHOD_ATTNPOOL = ('maskclip-value (ResNet CLIP): attnpool c_proj(v_proj(layer4 cell + its positional '
                         'embedding)), no attention')
PATCH_METHOD_BIOVIL = 'biovil: projector(1x1 convs) over the ResNet-50 layer4 grid; global = mean of projected patches'


@dataclass
class Export:
    vision: nn.Module
    text: nn.Module
    manifest: dict
    grid: tuple


def _grid_or_none(grid, with_patches):
    return grid if with_patches else None


def hf_clip(clip, *, model_id, name, image_size, mean, std, max_text_length, resize='shortest-edge', source=None,
            with_patches=True, image_options=None):
    """transformers.CLIPModel (any checkpoint loadable as one)."""
    vision = vit.hf_clip_vision(clip).eval()
    text = text_mod.hf_clip_text(clip).eval()
    embed = clip.visual_projection.out_features
    man = manifest(model_id=model_id, name=name, image_size=image_size, mean=mean, std=std, embed_dim=embed,
                   max_text_length=max_text_length, resize=resize, logit_scale=logit_scale_of(clip.logit_scale),
                   patch_grid=_grid_or_none(vision.grid, with_patches), image_options=image_options,
                   source={**(source or {}), **({'patches': PATCH_METHOD_MASKCLIP} if with_patches else {})})
    return Export(vision, text, man, vision.grid)


def open_clip_model(model, *, model_id, name, image_size, mean, std, max_text_length, resize='shortest-edge',
                    source=None, with_patches=True, image_options=None):
    """open_clip CLIP (OpenAI-style ViT or ModifiedResNet (RN50, ...) + causal text: CheXzero, OpenAI CLIP) or
    CustomTextCLIP with a timm ViT trunk and an HF BERT text tower (BiomedCLIP)."""
    visual = model.visual
    patches = PATCH_METHOD_MASKCLIP
    if hasattr(visual, 'trunk'):
        vision = vit.timm_vision(visual.trunk, visual.head)
    elif hasattr(visual, 'attnpool'):  # ModifiedResNet
        vision = resnet.open_clip_resnet(visual, image_size)
        patches = PATCH_METHOD_ATTNPOOL
    else:
        vision = vit.open_clip_vision(visual)
    text = text_mod.open_clip_hf_text(model.text) if hasattr(model, 'text') else text_mod.open_clip_text(model)
    vision.eval()
    text.eval()
    embed = _embed_dim_of(vision, image_size)
    man = manifest(model_id=model_id, name=name, image_size=image_size, mean=mean, std=std, embed_dim=embed,
                   max_text_length=max_text_length, resize=resize, logit_scale=logit_scale_of(model.logit_scale),
                   patch_grid=_grid_or_none(vision.grid, with_patches), image_options=image_options,
                   source={**(source or {}), **({'patches': patches} if with_patches else {})})
    return Export(vision, text, man, vision.grid)


def biovil_model(image_model, text_model, *, model_id, name, image_size, max_text_length, mean=(0.0, 0.0, 0.0),
                 std=(1.0, 1.0, 1.0), resize='shortest-edge', source=None, image_options=None):
    """hi-ml-multimodal BioViL: ImageModel (encoder + projector) and CXRBertModel (bert + cls_projection_head).

    hi-ml's inference transform is Resize(512) -> CenterCrop(480) -> ToTensor (0..1) -> 3 channels, no
    normalisation: mean 0, std 1 (presets.IMAGE['biovil'] states all of it)."""
    vision = biovil.biovil_image(image_model, image_size).eval()
    text = text_mod.cxr_bert_text(text_model).eval()
    embed = _embed_dim_of(vision, image_size)
    man = manifest(model_id=model_id, name=name, image_size=image_size, mean=list(mean), std=list(std),
                   embed_dim=embed, max_text_length=max_text_length, resize=resize, logit_scale=None,
                   patch_grid=vision.grid, image_options=image_options,
                   source={**(source or {}), 'patches': PATCH_METHOD_BIOVIL})
    return Export(vision, text, man, vision.grid)


def _embed_dim_of(vision, image_size):
    import torch

    with torch.no_grad():
        out = vision(torch.zeros(1, 3, image_size, image_size))
    g, p = out
    assert p.shape[1] == vision.grid[0] * vision.grid[1], (tuple(p.shape), vision.grid)
    return int(g.shape[-1])
