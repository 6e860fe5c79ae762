"""Independent torch computations that the exported wrappers are checked against.

The MaskCLIP references do not use radalign_export.vit or .resnet: they run the library's own attention (module, or
for ResNet CLIP's attention pool its own weights in F.multi_head_attention_forward) with an attention mask that lets
every token attend only to itself (so attention = out_proj(v)), which is the value path by definition, and take the
tokens entering it from the library's own forward pass.
"""
import torch
import torch.nn.functional as F
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


def _self_only_attention(attn, h):
    """An open_clip resblock's own attention module on h with a self-only mask, output batch-first (b, n, width)."""
    if isinstance(attn, nn.MultiheadAttention):  # open_clip <= 3.3, OpenAI CLIP: batch_first or (n, b, width)
        batch_first = getattr(attn, 'batch_first', False)
        n = h.shape[1] if batch_first else h.shape[0]
        y = attn(h, h, h, need_weights=False, attn_mask=_diag_mask(n, h.dtype))[0]
        return y if batch_first else y.permute(1, 0, 2)
    # open_clip's own Attention (main): always batch-first, takes the additive mask itself, returns a tensor
    return attn(h, attn_mask=_diag_mask(h.shape[1], h.dtype))


def maskclip_open_clip(visual, pixels):
    """open_clip / OpenAI VisionTransformer: last resblock's attention (nn.MultiheadAttention or open_clip's
    Attention) with a self-only mask."""
    last = visual.transformer.resblocks[-1]
    x = _input_of(last, lambda: visual(pixels))
    with torch.no_grad():
        y = _self_only_attention(last.attn, last.ln_1(x))
        y = getattr(last, 'ls_1', nn.Identity())(getattr(last, 'ln_attn', nn.Identity())(y))
        proj = visual.proj
        y = visual.ln_post(y[:, 1:])
        if proj is None:
            return y
        return proj(y) if isinstance(proj, nn.Module) else y @ proj


def attnpool_tokens(visual, pixels, self_only):
    """open_clip ModifiedResNet (ResNet CLIP): its attnpool (AttentionPool2d) run on the layer4 map of the library's
    own forward with EVERY token as a query, mean token first, then the spatial tokens row-major: (b, 1 + h*w, E).

    Written as open_clip 3.3.0's AttentionPool2d.forward calls F.multi_head_attention_forward (open_clip main computes
    the same with F.scaled_dot_product_attention), with the pool's own positional_embedding, q/k/v_proj, c_proj and
    num_heads. `self_only` adds a mask that lets every token attend only to itself. Row 0 without the mask is the
    library's pooled output: the entry points check that, which checks this reading of the token layout too."""
    pool = visual.attnpool
    x = _input_of(pool, lambda: visual(pixels))
    with torch.no_grad():
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(2, 0, 1)  # NCHW -> (HW)NC
        x = torch.cat([x.mean(dim=0, keepdim=True), x], dim=0) + pool.positional_embedding[:, None, :].to(x.dtype)
        q, k, v = pool.q_proj, pool.k_proj, pool.v_proj
        y, _ = F.multi_head_attention_forward(
            query=x, key=x, value=x, embed_dim_to_check=x.shape[-1], num_heads=pool.num_heads,
            q_proj_weight=q.weight, k_proj_weight=k.weight, v_proj_weight=v.weight, in_proj_weight=None,
            in_proj_bias=torch.cat([q.bias, k.bias, v.bias]), bias_k=None, bias_v=None, add_zero_attn=False,
            dropout_p=0., out_proj_weight=pool.c_proj.weight, out_proj_bias=pool.c_proj.bias,
            use_separate_proj_weight=True, training=False, need_weights=False,
            attn_mask=_diag_mask(x.shape[0], x.dtype) if self_only else None)
        return y.permute(1, 0, 2)


def maskclip_open_clip_resnet(visual, pixels):
    """ResNet CLIP MaskCLIP reference: the attention pool with a self-only mask, spatial tokens only."""
    return attnpool_tokens(visual, pixels, self_only=True)[:, 1:]


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
