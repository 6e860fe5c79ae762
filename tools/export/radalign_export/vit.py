"""ViT image encoders (HF CLIPModel, open_clip/OpenAI CLIP, timm ViT inside open_clip) in one canonical form.

`VitImageEncoder(pixel_values) -> (image_embeds, patch_embeds)`:

* image_embeds: the checkpoint's own global path: all blocks, class token, final layer norm, projection.
* patch_embeds: the MaskCLIP value path (Zhou et al., "Extract Free Dense Labels from CLIP", ECCV 2022) as
  radalign implements it. With x the tokens entering the LAST block:

      patch_i = project( ln_post( out_proj( v_proj( ln_1(x_i) ) ) ) )          for every patch token i

  i.e. the last block's query-key attention is replaced by the identity (each token "attends" only to itself,
  so the attention output is out_proj of the token's own value), the block's residual connection and its MLP
  are dropped, and the result goes through the same final layer norm and projection as the class token.
  Blocks before the last run unchanged. Per-token, multi-head value projection is just the full v projection
  (heads only matter for mixing), so heads play no part. A layer-scale on the attention branch (timm `ls1`,
  open_clip `ls_1`; identity in every model named here) is kept, as it belongs to the branch.

  Why this form: the class token's embedding is trained to match text only after the final layer norm and the
  projection, and the last block's attention is what mixes the whole image into every token; its value path is
  the part of that block that is local. MaskCLIP's released code (mmseg ViT) additionally adds the residual
  (v + x) and the MLP on top; the brief for radalign and later work (e.g. ClearCLIP, SCLIP) found the
  residual-free value path gives cleaner, more local maps, so that is what is implemented. It is NOT what the
  checkpoint was trained to output, only a training-free approximation; see docs/models.md.
"""
import torch
import torch.nn.functional as F
from torch import nn

NEG = -1e9  # additive mask value: far below any attention logit, finite so no row is ever NaN


class Block(nn.Module):
    """One pre-norm transformer block in canonical form, sharing the checkpoint's sub-modules.

    qkv_weight/qkv_bias are the fused [q; k; v] rows (nn.MultiheadAttention.in_proj_*, timm attn.qkv, or HF's three
    projections concatenated). Attention is written out as MatMul/Softmax so it exports the same way everywhere.
    """

    def __init__(self, ln1, qkv_weight, qkv_bias, out_proj, ln2, mlp, heads, ls1=None, ls2=None):
        super().__init__()
        width = qkv_weight.shape[1]
        assert qkv_weight.shape[0] == 3 * width, f'qkv weight {tuple(qkv_weight.shape)} is not (3*width, width)'
        assert width % heads == 0, f'width {width} not divisible by {heads} heads'
        self.ln1, self.out_proj, self.ln2, self.mlp = ln1, out_proj, ln2, mlp
        self.ls1 = ls1 if ls1 is not None else nn.Identity()
        self.ls2 = ls2 if ls2 is not None else nn.Identity()
        self.register_buffer('qkv_weight', qkv_weight.detach().clone())
        bias = qkv_bias.detach().clone() if qkv_bias is not None else torch.zeros(3 * width)
        self.register_buffer('qkv_bias', bias)
        self.width, self.heads = width, heads

    def attention(self, h, bias=None):
        b, n = h.shape[0], h.shape[1]
        dh = self.width // self.heads
        qkv = F.linear(h, self.qkv_weight, self.qkv_bias)
        q, k, v = qkv.reshape(b, n, 3, self.heads, dh).permute(2, 0, 3, 1, 4).unbind(0)
        att = torch.matmul(q * (dh ** -0.5), k.transpose(-1, -2))
        if bias is not None:
            att = att + bias
        y = torch.matmul(att.softmax(-1), v).permute(0, 2, 1, 3).reshape(b, n, self.width)
        return self.out_proj(y)

    def forward(self, x, bias=None):
        x = x + self.ls1(self.attention(self.ln1(x), bias))
        return x + self.ls2(self.mlp(self.ln2(x)))

    def value_path(self, x):
        """MaskCLIP: ls1(out_proj(v_proj(ln1(x)))): no query-key attention, no residual, no MLP."""
        w = self.width
        v = F.linear(self.ln1(x), self.qkv_weight[2 * w:], self.qkv_bias[2 * w:])
        return self.ls1(self.out_proj(v))


class MatProj(nn.Module):
    """`x @ proj` for open_clip/OpenAI's projection parameters (width, embed_dim)."""

    def __init__(self, proj):
        super().__init__()
        self.register_buffer('proj', proj.detach().clone())

    def forward(self, x):
        return torch.matmul(x, self.proj)


def as_projection(p):
    """A projection given as a module (nn.Linear, nn.Sequential head) or as an open_clip parameter matrix."""
    if isinstance(p, nn.Module):
        return p
    if p is None:
        return nn.Identity()
    return MatProj(p)


class VitImageEncoder(nn.Module):
    """pixel_values (b, 3, H, W) -> image_embeds (b, E), patch_embeds (b, rows*cols, E), patches row-major."""

    def __init__(self, patch_conv, class_token, pos_embed, ln_pre, blocks, ln_post, project, grid, patch_norm=None):
        super().__init__()
        self.patch_conv = patch_conv
        self.patch_norm = patch_norm if patch_norm is not None else nn.Identity()
        width = class_token.numel()
        self.register_buffer('class_token', class_token.detach().reshape(1, 1, width).clone())
        self.register_buffer('pos_embed', pos_embed.detach().reshape(1, -1, width).clone())
        assert self.pos_embed.shape[1] == grid[0] * grid[1] + 1, \
            f'{self.pos_embed.shape[1]} positions for a {grid[0]}x{grid[1]} grid + class token'
        self.ln_pre = ln_pre if ln_pre is not None else nn.Identity()
        self.blocks = nn.ModuleList(blocks)
        self.ln_post = ln_post
        self.project = project
        self.grid = tuple(grid)

    def tokens(self, pixel_values):
        x = self.patch_conv(pixel_values).flatten(2).transpose(1, 2)  # (b, rows*cols, W), row-major
        x = self.patch_norm(x)
        cls = self.class_token.expand(x.shape[0], 1, self.class_token.shape[2])
        return self.ln_pre(torch.cat([cls, x], 1) + self.pos_embed)

    def before_last_block(self, pixel_values):
        x = self.tokens(pixel_values)
        for blk in self.blocks[:-1]:
            x = blk(x)
        return x

    def forward(self, pixel_values):
        x = self.before_last_block(pixel_values)
        last = self.blocks[-1]
        cls = last(x)[:, 0]
        patches = last.value_path(x[:, 1:])
        return self.project(self.ln_post(cls)), self.project(self.ln_post(patches))


# ------------------------------------------------------------------ adapters: library structure -> canonical form

def _heads(attn):
    for name in ('num_heads', 'heads'):
        if hasattr(attn, name):
            return int(getattr(attn, name))
    raise ValueError(f'cannot find the head count of {type(attn).__name__}')


def hf_clip_vision(clip):
    """Hugging Face `CLIPModel` (vision_model.*, visual_projection)."""
    vm = clip.vision_model
    emb = vm.embeddings
    blocks = []
    for layer in vm.encoder.layers:
        a = layer.self_attn
        w = torch.cat([a.q_proj.weight, a.k_proj.weight, a.v_proj.weight], 0)
        b = torch.cat([a.q_proj.bias, a.k_proj.bias, a.v_proj.bias], 0)
        blocks.append(Block(layer.layer_norm1, w, b, a.out_proj, layer.layer_norm2, layer.mlp, _heads(a)))
    conv = emb.patch_embedding
    size = int(clip.config.vision_config.image_size)
    patch = int(clip.config.vision_config.patch_size)
    grid = (size // patch, size // patch)
    # "pre_layrnorm" is Hugging Face's spelling.
    return VitImageEncoder(conv, emb.class_embedding, emb.position_embedding.weight, vm.pre_layrnorm, blocks,
                           vm.post_layernorm, clip.visual_projection, grid)


def _plain(module):
    return module is None or isinstance(module, nn.Identity)


OPEN_CLIP_SUPPORTED = ('supported: nn.MultiheadAttention (open_clip <= 3.3, OpenAI CLIP), or open_clip\'s own '
                       'Attention (open_clip main) with a fused in_proj_weight and none of logit_scale, head_scale, '
                       'ln_inner, ln_q/ln_k, nor a resblock ln_attn')


def open_clip_block(r, where):
    """One open_clip resblock -> `Block`. Its attention is either nn.MultiheadAttention or open_clip's own `Attention`
    (the default block of open_clip main; 3.3.0's CustomResidualAttentionBlock): both hold the fused [q; k; v]
    `in_proj_weight` (3*width, width), `in_proj_bias`, `out_proj` and `num_heads`, and compute the same plain
    multi-head attention. Every variant that computes something else is refused, naming the attribute."""
    a = r.attn

    def refuse(what):
        raise ValueError(f'{where}: {what}: not supported; {OPEN_CLIP_SUPPORTED}')

    if not _plain(getattr(r, 'ln_attn', None)):
        refuse('scale_attn (resblock ln_attn is not Identity)')
    if isinstance(a, nn.MultiheadAttention):
        if a.in_proj_weight is None:
            refuse('nn.MultiheadAttention with separate q/k/v_proj_weight (kdim/vdim != embed_dim)')
        if a.bias_k is not None or a.add_zero_attn:
            refuse('nn.MultiheadAttention with add_bias_kv or add_zero_attn')
    elif not (hasattr(a, 'out_proj') and hasattr(a, 'num_heads') and hasattr(a, 'in_proj_weight')):
        refuse(f'resblock attention is {type(a).__name__}')
    else:
        if a.in_proj_weight is None:
            refuse('Attention with separate q_proj_weight/k_proj_weight/v_proj_weight (in_proj_weight is None)')
        if getattr(a, 'logit_scale', None) is not None:
            refuse('scaled cosine attention (attn.logit_scale)')
        if getattr(a, 'head_scale', None) is not None:
            refuse('per-head output scaling (attn.head_scale)')
        if not _plain(getattr(a, 'ln_inner', None)):
            refuse('inner norm before out_proj (attn.ln_inner is not Identity)')
        if not (_plain(getattr(a, 'ln_q', None)) and _plain(getattr(a, 'ln_k', None))):
            refuse('qk-norm (attn.ln_q/attn.ln_k are not Identity)')
    return Block(r.ln_1, a.in_proj_weight, a.in_proj_bias, a.out_proj, r.ln_2, r.mlp, a.num_heads,
                 getattr(r, 'ls_1', None), getattr(r, 'ls_2', None))


def open_clip_vision(visual):
    """open_clip `VisionTransformer` (= OpenAI CLIP's): conv1, class_embedding, positional_embedding, ln_pre,
    transformer.resblocks[i] (attention: see `open_clip_block`), ln_post, proj."""
    if getattr(visual, 'attn_pool', None) is not None:
        raise ValueError('open_clip vision tower with attentional pooling: not supported')
    pool = getattr(visual, 'pool_type', 'tok')
    if pool != 'tok' or getattr(visual, 'global_average_pool', False):
        raise ValueError(f'open_clip vision pool type {pool!r}: only class-token pooling is supported')
    if getattr(visual, 'final_ln_after_pool', False):
        raise ValueError('open_clip final_ln_after_pool: not supported')
    blocks = [open_clip_block(r, f'open_clip vision tower, resblock {i}')
              for i, r in enumerate(visual.transformer.resblocks)]
    grid = tuple(visual.grid_size)
    return VitImageEncoder(visual.conv1, visual.class_embedding, visual.positional_embedding, visual.ln_pre, blocks,
                           visual.ln_post, as_projection(visual.proj), grid)


def timm_vision(trunk, head):
    """A timm `VisionTransformer` trunk with class-token pooling, followed by `head` (open_clip `TimmModel`:
    visual.trunk, visual.head; BiomedCLIP's vision tower)."""
    if getattr(trunk, 'global_pool', 'token') != 'token':
        raise ValueError(f'timm global_pool {trunk.global_pool!r}: only class-token pooling is supported')
    if getattr(trunk, 'reg_token', None) is not None or getattr(trunk, 'no_embed_class', False):
        raise ValueError('timm ViT with register tokens or no_embed_class: not supported')
    for name in ('fc_norm', 'norm_pre', 'head'):
        m = getattr(trunk, name, None)
        if m is not None and name != 'norm_pre' and not isinstance(m, nn.Identity):
            raise ValueError(f'timm trunk.{name} is {type(m).__name__}, expected Identity')
    blocks = []
    for blk in trunk.blocks:
        a = blk.attn
        for qk in ('q_norm', 'k_norm'):
            if not isinstance(getattr(a, qk, nn.Identity()), nn.Identity):
                raise ValueError(f'timm attention with {qk}: not supported')
        blocks.append(Block(blk.norm1, a.qkv.weight, a.qkv.bias, a.proj, blk.norm2, blk.mlp, _heads(a),
                            getattr(blk, 'ls1', None), getattr(blk, 'ls2', None)))
    pe = trunk.patch_embed
    grid = tuple(pe.grid_size)
    return VitImageEncoder(pe.proj, trunk.cls_token, trunk.pos_embed, getattr(trunk, 'norm_pre', None), blocks,
                           trunk.norm, head, grid, patch_norm=getattr(pe, 'norm', None))
