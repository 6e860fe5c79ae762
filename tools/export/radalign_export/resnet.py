"""ResNet CLIP image encoder (open_clip / OpenAI `ModifiedResNet`: RN50, RN101, RN50x4, ...) in exportable form.

`AttnPoolImageEncoder(pixel_values) -> (image_embeds, patch_embeds)`:

* image_embeds: the checkpoint's own global path: stem, layer1..layer4, then the attention pool (`attnpool`,
  AttentionPool2d): tokens = [mean of the layer4 grid; the grid tokens, row-major] + positional_embedding, and
  c_proj of the mean token's multi-head attention over all tokens (the library attends with every token as a query
  and keeps row 0; only row 0 is computed here). Written out as MatMul/Softmax with the pool's own q/k/v_proj and
  c_proj. open_clip 3.3.0 runs it through F.multi_head_attention_forward (sequence-first), main through
  F.scaled_dot_product_attention (batch-first); the weights and the result are the same.
* patch_embeds: the MaskCLIP value path of the attention pool (Zhou et al., "Extract Free Dense Labels from CLIP",
  ECCV 2022, did this for ResNet CLIP). For every layer4 grid token i (row-major):

      patch_i = c_proj( v_proj( x_i + pos_{i+1} ) )

  i.e. the pool's attention with each token attending only to itself (attention output = its own value), the same
  convention as vit.py's value path. The grid is the layer4 map: image_size / 32 (7 x 7 for RN50 at 224).

  The positional embedding IS added; MaskCLIP's released code (its mmseg head: 1x1 convs v_proj, c_proj on the
  layer4 map) leaves it out. Added here because (1) every token entered v_proj with its position added in training,
  so that is the input distribution of the weights used; (2) it is then exactly "each token attends only to itself"
  in the library's own pool, which is what the independent reference computes (checks.maskclip_open_clip_resnet:
  the pool's weights through F.multi_head_attention_forward with a self-only mask), with no choice left to the
  wrapper; (3) vit.py's value path has it too (ViT positions are added to the tokens before the first block). Its
  cost: patch_i carries c_proj.weight @ v_proj.weight @ pos_{i+1}, a per-cell term that is the same for every
  image. Like the ViT value path, this is a training-free approximation, not what the checkpoint was trained to
  output.
"""
import torch
from torch import nn

STAGES = ('stem', 'layer1', 'layer2', 'layer3', 'layer4')


class ResNetTrunk(nn.Module):
    """ModifiedResNet.forward up to the attention pool: stem, layer1..layer4 -> layer4 map (b, C, rows, cols)."""

    def __init__(self, visual):
        super().__init__()
        self.visual = visual

    def forward(self, x):
        v = self.visual
        return v.layer4(v.layer3(v.layer2(v.layer1(v.stem(x)))))


class AttnPoolImageEncoder(nn.Module):
    """pixel_values (b, 3, H, W) -> image_embeds (b, E), patch_embeds (b, rows*cols, E), patches row-major."""

    def __init__(self, trunk, pool, grid):
        super().__init__()
        self.trunk = trunk
        self.q_proj, self.k_proj, self.v_proj, self.c_proj = pool.q_proj, pool.k_proj, pool.v_proj, pool.c_proj
        self.register_buffer('pos_embed', pool.positional_embedding.detach().clone())
        self.heads = int(pool.num_heads)
        self.grid = tuple(grid)

    def tokens(self, pixel_values):
        x = self.trunk(pixel_values).flatten(2).transpose(1, 2)  # (b, rows*cols, C), row-major
        return torch.cat([x.mean(1, keepdim=True), x], 1) + self.pos_embed

    def pooled(self, t):
        """c_proj(multi-head attention of the mean token t[:, 0] over all tokens t)."""
        b, n, c = t.shape
        dh = c // self.heads
        q = self.q_proj(t[:, :1]).reshape(b, 1, self.heads, dh).transpose(1, 2)
        k = self.k_proj(t).reshape(b, n, self.heads, dh).transpose(1, 2)
        v = self.v_proj(t).reshape(b, n, self.heads, dh).transpose(1, 2)
        att = torch.matmul(q * (dh ** -0.5), k.transpose(-1, -2)).softmax(-1)
        return self.c_proj(torch.matmul(att, v).transpose(1, 2).reshape(b, c))

    def forward(self, pixel_values):
        t = self.tokens(pixel_values)
        return self.pooled(t), self.c_proj(self.v_proj(t[:, 1:]))


def _layer4_grid(trunk, image_size):
    visual = trunk.visual
    was_training = visual.training
    visual.eval()  # a forward in train mode would move the BatchNorm running statistics
    try:
        with torch.no_grad():
            return tuple(trunk(torch.zeros(1, 3, image_size, image_size)).shape[-2:])
    finally:
        visual.train(was_training)


def open_clip_resnet(visual, image_size):
    """open_clip `ModifiedResNet` (OpenAI's ResNet CLIP): stem(), layer1..layer4, attnpool (positional_embedding,
    q_proj, k_proj, v_proj, c_proj: nn.Linear, num_heads). The same attributes in open_clip 3.3.0 and main."""
    name = type(visual).__name__
    missing = [s for s in STAGES if not hasattr(visual, s)]
    if missing:
        raise ValueError(f'open_clip ResNet vision tower {name} has no {", ".join(missing)}: only ModifiedResNet '
                         '(stem, layer1..layer4, attnpool) is supported')
    pool = getattr(visual, 'attnpool', None)
    if pool is None:
        raise ValueError('open_clip ModifiedResNet without an attention pool (attnpool is None): not supported')
    for proj in ('q_proj', 'k_proj', 'v_proj', 'c_proj'):
        if not isinstance(getattr(pool, proj, None), nn.Linear):
            raise ValueError(f'open_clip attnpool.{proj} is {type(getattr(pool, proj, None)).__name__}: only '
                             'AttentionPool2d with nn.Linear q/k/v_proj and c_proj is supported')
    width, heads = pool.q_proj.in_features, int(pool.num_heads)
    if width % heads:
        raise ValueError(f'open_clip attnpool: width {width} not divisible by num_heads {heads}')
    trunk = ResNetTrunk(visual)
    rows, cols = _layer4_grid(trunk, image_size)
    positions = pool.positional_embedding.shape[0]
    if positions != rows * cols + 1:
        raise ValueError(f'open_clip attnpool.positional_embedding has {positions} positions; the {rows}x{cols} layer4 '
                         f'grid at {image_size} px needs {rows * cols + 1} (the library would fail too)')
    return AttnPoolImageEncoder(trunk, pool, (rows, cols))
