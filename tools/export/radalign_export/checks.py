"""Independent torch computations that the exported wrappers are checked against.

The MaskCLIP references do not use radalign_export.vit: they run the library's own attention module with an
attention mask that lets every token attend only to itself (so attention = out_proj(v)), which is the value path by
definition, and take the tokens entering the last block from the library's own forward pass.
"""
import torch
from torch import nn


def _diag_mask(n, dtype=torch.float32):
    m = torch.full((n, n), torch.finfo(dtype).min, dtype=dtype)
    m.fill_diagonal_(0)
    return m


def _input_of(block, run):
    captured = []
    handle = block.register_forward_pre_hook(lambda module, args: captured.append(args[0]))
    try:
        with torch.no_grad():
            run()
    finally:
        handle.remove()
    return captured[0]


def maskclip_open_clip(visual, pixels):
    """open_clip / OpenAI VisionTransformer: last resblock's nn.MultiheadAttention with a self-only mask."""
    last = visual.transformer.resblocks[-1]
    x = _input_of(last, lambda: visual(pixels))
    batch_first = getattr(last.attn, 'batch_first', False)
    with torch.no_grad():
        h = last.ln_1(x)
        n = h.shape[1] if batch_first else h.shape[0]
        y = last.attn(h, h, h, need_weights=False, attn_mask=_diag_mask(n, h.dtype))[0]
        if not batch_first:
            y = y.permute(1, 0, 2)
        y = getattr(last, 'ls_1', nn.Identity())(y)
        proj = visual.proj
        y = visual.ln_post(y[:, 1:])
        return proj(y) if isinstance(proj, nn.Module) else y @ proj


def maskclip_hf_clip(clip, pixels):
    """transformers CLIPModel: hidden_states[-2] (input of the last layer), its self_attn with a self-only mask."""
    with torch.no_grad():
        out = clip.vision_model(pixel_values=pixels, output_hidden_states=True)
        x = out.hidden_states[-2]
        layer = clip.vision_model.encoder.layers[-1]
        h = layer.layer_norm1(x)
        b, n = h.shape[0], h.shape[1]
        mask = _diag_mask(n, h.dtype).reshape(1, 1, n, n).expand(b, 1, n, n)
        y = layer.self_attn(hidden_states=h, attention_mask=mask)[0]
        return clip.visual_projection(clip.vision_model.post_layernorm(y[:, 1:]))


def maskclip_timm(trunk, head, pixels):
    """timm VisionTransformer: input of the last block from the trunk's forward, then value path written out
    from attn.qkv / attn.proj (timm's Attention takes no mask in every version, so no self-only-mask run)."""
    last = trunk.blocks[-1]
    x = _input_of(last, lambda: trunk(pixels))
    with torch.no_grad():
        d = x.shape[-1]
        w, b = last.attn.qkv.weight, last.attn.qkv.bias
        v = torch.nn.functional.linear(last.norm1(x), w[2 * d:], None if b is None else b[2 * d:])
        y = getattr(last, 'ls1', nn.Identity())(last.attn.proj(v))
        return head(trunk.norm(y[:, 1:]))
