"""Tiny plain-torch stand-ins with the module/attribute structure of the real libraries' models, and the
forward semantics those libraries use (written independently of radalign_export's wrappers).

* FakeHFCLIPModel     ~ transformers.CLIPModel (vision_model / text_model / visual_projection / text_projection)
* FakeOpenClipCLIP    ~ open_clip.CLIP with OpenAI's VisionTransformer and text transformer (CheXzero's structure);
                        attention='mha': nn.MultiheadAttention (open_clip <= 3.3.0), 'open_clip': open_clip main's
                        own `Attention` (OpenClipAttention); visual=ModifiedResNet(...): ResNet CLIP (RN50's structure)
* FakeTimmBertCLIP    ~ open_clip.CustomTextCLIP with TimmModel(vit) + HFTextEncoder(BERT) (BiomedCLIP's structure)
* FakeBioVilImageModel ~ hi-ml-multimodal ImageModel (ResNet-50 ImageEncoder + 1x1-conv MLP projector)
* FakeCXRBertModel    ~ CXRBertModel (bert + cls_projection_head)

These are only as faithful as the reading of those libraries they encode; docs/models.md says what could only be
checked against the real packages.
"""
import math
from collections import OrderedDict
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models.resnet import Bottleneck


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


# ------------------------------------------------------------------ Hugging Face CLIPModel

class HFCLIPAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.embed_dim, self.num_heads, self.head_dim = d, heads, d // heads
        self.scale = self.head_dim ** -0.5
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(d, d) for _ in range(4))

    def _shape(self, t, n, b):
        return t.view(b, n, self.num_heads, self.head_dim).transpose(1, 2).contiguous()

    def forward(self, hidden_states, attention_mask=None, causal_attention_mask=None):
        b, n, d = hidden_states.shape
        q = self._shape(self.q_proj(hidden_states) * self.scale, n, b).view(b * self.num_heads, n, self.head_dim)
        k = self._shape(self.k_proj(hidden_states), n, b).view(b * self.num_heads, n, self.head_dim)
        v = self._shape(self.v_proj(hidden_states), n, b).view(b * self.num_heads, n, self.head_dim)
        w = torch.bmm(q, k.transpose(1, 2)).view(b, self.num_heads, n, n)
        if causal_attention_mask is not None:
            w = w + causal_attention_mask
        if attention_mask is not None:
            w = w + attention_mask
        w = w.view(b * self.num_heads, n, n).softmax(-1)
        out = torch.bmm(w, v).view(b, self.num_heads, n, self.head_dim).transpose(1, 2).reshape(b, n, d)
        return self.out_proj(out), None


class HFCLIPMLP(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.activation_fn = QuickGELU()
        self.fc1, self.fc2 = nn.Linear(d, hidden), nn.Linear(hidden, d)

    def forward(self, x):
        return self.fc2(self.activation_fn(self.fc1(x)))


class HFCLIPEncoderLayer(nn.Module):
    def __init__(self, d, heads, mlp):
        super().__init__()
        self.self_attn = HFCLIPAttention(d, heads)
        self.layer_norm1 = nn.LayerNorm(d)
        self.mlp = HFCLIPMLP(d, mlp)
        self.layer_norm2 = nn.LayerNorm(d)

    def forward(self, h, attention_mask=None, causal_attention_mask=None):
        h = h + self.self_attn(self.layer_norm1(h), attention_mask, causal_attention_mask)[0]
        return h + self.mlp(self.layer_norm2(h))


class HFCLIPEncoder(nn.Module):
    def __init__(self, d, heads, mlp, n):
        super().__init__()
        self.layers = nn.ModuleList([HFCLIPEncoderLayer(d, heads, mlp) for _ in range(n)])

    def forward(self, h, attention_mask=None, causal_attention_mask=None):
        states = [h]
        for layer in self.layers:
            h = layer(h, attention_mask, causal_attention_mask)
            states.append(h)
        return h, states


class HFCLIPVisionEmbeddings(nn.Module):
    def __init__(self, d, image_size, patch):
        super().__init__()
        self.patch_embedding = nn.Conv2d(3, d, patch, patch, bias=False)
        self.class_embedding = nn.Parameter(torch.randn(d))
        self.num_positions = (image_size // patch) ** 2 + 1
        self.position_embedding = nn.Embedding(self.num_positions, d)

    def forward(self, pixel_values):
        x = self.patch_embedding(pixel_values).flatten(2).transpose(1, 2)
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        return torch.cat([cls, x], 1) + self.position_embedding(torch.arange(self.num_positions).unsqueeze(0))


class HFCLIPVisionTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = HFCLIPVisionEmbeddings(cfg.hidden_size, cfg.image_size, cfg.patch_size)
        self.pre_layrnorm = nn.LayerNorm(cfg.hidden_size)
        self.encoder = HFCLIPEncoder(cfg.hidden_size, cfg.num_attention_heads, cfg.intermediate_size,
                                     cfg.num_hidden_layers)
        self.post_layernorm = nn.LayerNorm(cfg.hidden_size)

    def forward(self, pixel_values, output_hidden_states=False):
        h, states = self.encoder(self.pre_layrnorm(self.embeddings(pixel_values)))
        return SimpleNamespace(last_hidden_state=h, pooler_output=self.post_layernorm(h[:, 0]), hidden_states=states)


class HFCLIPTextEmbeddings(nn.Module):
    def __init__(self, d, vocab, max_pos):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, d)
        self.position_embedding = nn.Embedding(max_pos, d)

    def forward(self, input_ids):
        return self.token_embedding(input_ids) + self.position_embedding(torch.arange(input_ids.shape[1]).unsqueeze(0))


class HFCLIPTextTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = HFCLIPTextEmbeddings(cfg.hidden_size, cfg.vocab_size, cfg.max_position_embeddings)
        self.encoder = HFCLIPEncoder(cfg.hidden_size, cfg.num_attention_heads, cfg.intermediate_size,
                                     cfg.num_hidden_layers)
        self.final_layer_norm = nn.LayerNorm(cfg.hidden_size)
        self.eos_token_id = cfg.eos_token_id

    def forward(self, input_ids, attention_mask=None):
        b, n = input_ids.shape
        h = self.embeddings(input_ids)
        causal = torch.full((n, n), torch.finfo(h.dtype).min).triu(1).reshape(1, 1, n, n)
        mask = None
        if attention_mask is not None:
            mask = (1.0 - attention_mask[:, None, None, :].to(h.dtype)) * torch.finfo(h.dtype).min
        h, _ = self.encoder(h, mask, causal)
        h = self.final_layer_norm(h)
        # transformers >= 4.31 with eos_token_id != 2: the first eos position
        eos = (input_ids == self.eos_token_id).int().argmax(-1)
        return SimpleNamespace(last_hidden_state=h, pooler_output=h[torch.arange(b), eos])


class FakeHFCLIPModel(nn.Module):
    def __init__(self, *, width, heads, mlp, vision_layers, text_layers, image_size, patch, vocab, max_len, embed,
                 eos_token_id):
        super().__init__()
        vc = SimpleNamespace(hidden_size=width, num_attention_heads=heads, intermediate_size=mlp,
                             num_hidden_layers=vision_layers, image_size=image_size, patch_size=patch)
        tc = SimpleNamespace(hidden_size=width, num_attention_heads=heads, intermediate_size=mlp,
                             num_hidden_layers=text_layers, vocab_size=vocab, max_position_embeddings=max_len,
                             eos_token_id=eos_token_id)
        self.config = SimpleNamespace(vision_config=vc, text_config=tc, projection_dim=embed)
        self.vision_model = HFCLIPVisionTransformer(vc)
        self.text_model = HFCLIPTextTransformer(tc)
        self.visual_projection = nn.Linear(width, embed, bias=False)
        self.text_projection = nn.Linear(width, embed, bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def get_image_features(self, pixel_values):
        return self.visual_projection(self.vision_model(pixel_values).pooler_output)

    def get_text_features(self, input_ids, attention_mask=None):
        return self.text_projection(self.text_model(input_ids, attention_mask).pooler_output)


# ------------------------------------------------------------------ open_clip / OpenAI CLIP

class ResidualAttentionBlock(nn.Module):
    def __init__(self, d, heads, mlp):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads)  # OpenAI layout: (seq, batch, width)
        self.ls_1 = nn.Identity()
        self.ln_2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(OrderedDict([('c_fc', nn.Linear(d, mlp)), ('gelu', QuickGELU()),
                                              ('c_proj', nn.Linear(mlp, d))]))
        self.ls_2 = nn.Identity()

    def attention(self, x, attn_mask=None):
        return self.attn(x, x, x, need_weights=False, attn_mask=attn_mask)[0]

    def forward(self, x, attn_mask=None):
        x = x + self.ls_1(self.attention(self.ln_1(x), attn_mask))
        return x + self.ls_2(self.mlp(self.ln_2(x)))


def _sdpa(q, k, v, attn_mask=None, scale=None):
    """F.scaled_dot_product_attention (torch >= 2.0) where it exists, else the same math (torch 1.13 has none)."""
    if hasattr(F, 'scaled_dot_product_attention'):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, scale=scale)
    att = (q * (scale if scale is not None else q.shape[-1] ** -0.5)) @ k.transpose(-1, -2)
    return (att if attn_mask is None else att + attn_mask).softmax(-1) @ v


class OpenClipAttention(nn.Module):
    """open_clip main's `Attention` (transformer.py, after 3.3.0): always batch-first, fused in_proj_weight when
    kdim == vdim == dim (else separate q/k/v_proj_weight), optional qk-norm (ln_q/ln_k), scaled cosine attention
    (logit_scale), per-head scaling (head_scale), inner norm (ln_inner). use_sdpa defaults to False here: torch 1.13
    has no F.scaled_dot_product_attention, and main's use_sdpa=False path is the same math written out."""

    def __init__(self, dim, num_heads=8, kdim=None, vdim=None, qkv_bias=True, qk_norm=False, scaled_cosine=False,
                 scale_heads=False, inner_norm=False, logit_scale_max=math.log(1. / 0.01), use_sdpa=False):
        super().__init__()
        assert not (scaled_cosine and qk_norm)
        self.scaled_cosine, self.scale_heads = scaled_cosine, scale_heads
        self.num_heads, self.head_dim = num_heads, dim // num_heads
        self.scale, self.logit_scale_max, self.use_sdpa = (dim // num_heads) ** -0.5, logit_scale_max, use_sdpa
        kdim, vdim = kdim or dim, vdim or dim
        if kdim == dim and vdim == dim:
            self.in_proj_weight = nn.Parameter(torch.empty(dim * 3, dim))
            self.q_proj_weight = self.k_proj_weight = self.v_proj_weight = None
        else:
            self.in_proj_weight = None
            self.q_proj_weight = nn.Parameter(torch.empty(dim, dim))
            self.k_proj_weight = nn.Parameter(torch.empty(dim, kdim))
            self.v_proj_weight = nn.Parameter(torch.empty(dim, vdim))
        self.in_proj_bias = nn.Parameter(torch.empty(dim * 3)) if qkv_bias else None
        self.ln_q = nn.LayerNorm(self.head_dim) if qk_norm else nn.Identity()
        self.ln_k = nn.LayerNorm(self.head_dim) if qk_norm else nn.Identity()
        self.logit_scale = nn.Parameter(torch.log(10 * torch.ones(num_heads, 1, 1))) if scaled_cosine else None
        self.attn_drop = nn.Dropout(0.)
        self.head_scale = nn.Parameter(torch.ones(num_heads, 1, 1)) if scale_heads else None
        self.ln_inner = nn.LayerNorm(dim) if inner_norm else nn.Identity()
        self.out_proj = nn.Linear(dim, dim)
        self.out_drop = nn.Dropout(0.)
        for w in (self.in_proj_weight, self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
            if w is not None:
                nn.init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            nn.init.constant_(self.in_proj_bias, 0.)
        nn.init.constant_(self.out_proj.bias, 0.)

    def _qkv(self, x, k_x, v_x):
        if k_x is None and v_x is None:  # self-attention: fused projection
            if self.in_proj_weight is not None:
                return F.linear(x, self.in_proj_weight, self.in_proj_bias).chunk(3, dim=-1)
            weights, x3 = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight), (x, x, x)
        else:  # cross-attention path (what ResidualAttentionBlock.attention takes, with k_x = v_x = q_x)
            k_x, v_x = (x if k_x is None else k_x), (x if v_x is None else v_x)
            weights = (self.in_proj_weight.chunk(3, dim=0) if self.in_proj_weight is not None
                       else (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight))
            x3 = (x, k_x, v_x)
        biases = self.in_proj_bias.chunk(3) if self.in_proj_bias is not None else (None, None, None)
        return [F.linear(t, w, b) for t, w, b in zip(x3, weights, biases)]

    def forward(self, x, k_x=None, v_x=None, attn_mask=None):
        n, length, c = x.shape
        q, k, v = (t.reshape(n, -1, self.num_heads, self.head_dim).transpose(1, 2) for t in self._qkv(x, k_x, v_x))
        if attn_mask is not None and attn_mask.ndim == 3:
            attn_mask = attn_mask.reshape(n, self.num_heads, length, length)
        if attn_mask is not None and attn_mask.dtype == torch.bool:
            attn_mask = torch.zeros_like(attn_mask, dtype=q.dtype).masked_fill(~attn_mask, float('-inf'))
        if self.logit_scale is not None:
            attn = F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).transpose(-1, -2)
            attn = attn * torch.clamp(self.logit_scale, max=self.logit_scale_max).exp()
            attn = attn if attn_mask is None else attn + attn_mask
            x = self.attn_drop(attn.softmax(dim=-1)) @ v
        else:
            q, k = self.ln_q(q), self.ln_k(k)
            if self.use_sdpa:
                x = _sdpa(q, k, v, attn_mask=attn_mask, scale=self.scale)
            else:
                attn = (q * self.scale) @ k.transpose(-1, -2)
                attn = attn if attn_mask is None else attn + attn_mask.to(attn.dtype)
                x = self.attn_drop(attn.softmax(dim=-1)) @ v
        if self.head_scale is not None:
            x = x * self.head_scale
        x = self.ln_inner(x.transpose(1, 2).reshape(n, -1, c))
        return self.out_drop(self.out_proj(x))


class OpenClipResidualAttentionBlock(nn.Module):
    """open_clip main's ResidualAttentionBlock: batch-first, OpenClipAttention, attention() passes k_x = v_x = q_x."""

    def __init__(self, d, heads, mlp):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d)
        self.attn = OpenClipAttention(d, num_heads=heads, qkv_bias=True)
        self.ls_1 = nn.Identity()
        self.ln_2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(OrderedDict([('c_fc', nn.Linear(d, mlp)), ('gelu', QuickGELU()),
                                              ('c_proj', nn.Linear(mlp, d))]))
        self.ls_2 = nn.Identity()

    def attention(self, q_x, attn_mask=None):
        attn_mask = attn_mask.to(q_x.dtype) if attn_mask is not None else None
        return self.attn(q_x, k_x=q_x, v_x=q_x, attn_mask=attn_mask)

    def forward(self, x, attn_mask=None):
        x = x + self.ls_1(self.attention(self.ln_1(x), attn_mask))
        return x + self.ls_2(self.mlp(self.ln_2(x)))


class OpenClipCustomResidualAttentionBlock(nn.Module):
    """open_clip's CustomResidualAttentionBlock (3.3.0 and main): the Attention options plus ln_attn (scale_attn)."""

    def __init__(self, d, heads, mlp, qk_norm=False, scale_cosine_attn=False, scale_heads=False,
                 scale_attn_inner=False, scale_attn=False):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d)
        self.attn = OpenClipAttention(d, heads, qk_norm=qk_norm, scaled_cosine=scale_cosine_attn,
                                      scale_heads=scale_heads, inner_norm=scale_attn_inner)
        self.ln_attn = nn.LayerNorm(d) if scale_attn else nn.Identity()
        self.ls_1 = nn.Identity()
        self.ln_2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(OrderedDict([('c_fc', nn.Linear(d, mlp)), ('gelu', QuickGELU()),
                                              ('ln', nn.Identity()), ('c_proj', nn.Linear(mlp, d))]))
        self.ls_2 = nn.Identity()

    def forward(self, x, attn_mask=None):
        x = x + self.ls_1(self.ln_attn(self.attn(self.ln_1(x), attn_mask=attn_mask)))
        return x + self.ls_2(self.mlp(self.ln_2(x)))


BLOCKS = {'mha': ResidualAttentionBlock, 'open_clip': OpenClipResidualAttentionBlock}


class Transformer(nn.Module):
    def __init__(self, d, layers, heads, mlp, attention='mha'):
        super().__init__()
        self.width, self.layers = d, layers
        self.resblocks = nn.ModuleList([BLOCKS[attention](d, heads, mlp) for _ in range(layers)])

    def forward(self, x, attn_mask=None):
        for r in self.resblocks:
            x = r(x, attn_mask)
        return x


class OpenClipVisionTransformer(nn.Module):
    """attention='mha': OpenAI's layout, the transformer runs (seq, batch, width); 'open_clip': main, batch-first."""

    def __init__(self, image_size, patch, width, layers, heads, mlp, embed, attention='mha'):
        super().__init__()
        self.batch_first = attention != 'mha'
        self.image_size, self.patch_size = (image_size, image_size), (patch, patch)
        self.grid_size = (image_size // patch, image_size // patch)
        self.conv1 = nn.Conv2d(3, width, patch, patch, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn(self.grid_size[0] * self.grid_size[1] + 1, width))
        self.patch_dropout = nn.Identity()
        self.ln_pre = nn.LayerNorm(width)
        self.transformer = Transformer(width, layers, heads, mlp, attention)
        self.attn_pool = None
        self.pool_type = 'tok'
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, embed))

    def forward(self, x):
        x = self.conv1(x)
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)
        cls = self.class_embedding.to(x.dtype) + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(self.patch_dropout(x))
        if self.batch_first:
            x = self.transformer(x)
        else:
            x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)  # NLD -> LND -> NLD
        return self.ln_post(x[:, 0, :]) @ self.proj


class FakeOpenClipCLIP(nn.Module):
    """`visual`: a vision tower built by the caller (ModifiedResNet); default: OpenClipVisionTransformer."""

    def __init__(self, *, width, heads, mlp, vision_layers, text_layers, image_size, patch, vocab, max_len, embed,
                 attention='mha', visual=None):
        super().__init__()
        self.visual = visual if visual is not None else OpenClipVisionTransformer(
            image_size, patch, width, vision_layers, heads, mlp, embed, attention)
        self.batch_first = attention != 'mha'
        self.context_length, self.vocab_size = max_len, vocab
        self.transformer = Transformer(width, text_layers, heads, mlp, attention)
        self.token_embedding = nn.Embedding(vocab, width)
        self.positional_embedding = nn.Parameter(torch.randn(max_len, width) * 0.1)
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(torch.randn(width, embed) * width ** -0.5)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
        self.register_buffer('attn_mask', torch.full((max_len, max_len), float('-inf')).triu(1), persistent=False)
        self.text_pool_type = 'argmax'

    def encode_image(self, image):
        return self.visual(image)

    def encode_text(self, text):
        x = self.token_embedding(text) + self.positional_embedding
        if self.batch_first:
            x = self.transformer(x, attn_mask=self.attn_mask)
        else:
            x = self.transformer(x.permute(1, 0, 2), attn_mask=self.attn_mask).permute(1, 0, 2)
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection


# ------------------------------------------------------------------ open_clip ModifiedResNet (OpenAI's ResNet CLIP)

class OpenClipBottleneck(nn.Module):
    """open_clip modified_resnet.Bottleneck: avgpool after conv2 when strided, avgpool-prepended downsample."""
    expansion = 4

    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1, self.act1 = nn.BatchNorm2d(planes), nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2, self.act2 = nn.BatchNorm2d(planes), nn.ReLU(inplace=True)
        self.avgpool = nn.AvgPool2d(stride) if stride > 1 else nn.Identity()
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3, self.act3 = nn.BatchNorm2d(planes * 4), nn.ReLU(inplace=True)
        self.downsample = None
        if stride > 1 or inplanes != planes * 4:
            self.downsample = nn.Sequential(OrderedDict([
                ('-1', nn.AvgPool2d(stride)), ('0', nn.Conv2d(inplanes, planes * 4, 1, bias=False)),
                ('1', nn.BatchNorm2d(planes * 4))]))

    def forward(self, x):
        out = self.act1(self.bn1(self.conv1(x)))
        out = self.avgpool(self.act2(self.bn2(self.conv2(out))))
        out = self.bn3(self.conv3(out))
        identity = self.downsample(x) if self.downsample is not None else x
        return self.act3(out + identity)


class AttentionPool2d(nn.Module):
    """open_clip modified_resnet.AttentionPool2d. Same parameters in 3.3.0 and main; the forward differs in form:
    release='3.3.0' runs F.multi_head_attention_forward sequence-first, 'main' (after 5e587f4) runs q/k/v_proj and
    F.scaled_dot_product_attention batch-first. Both keep the mean token's row only."""

    def __init__(self, spacial_dim, embed_dim, num_heads, output_dim=None, release='main'):
        super().__init__()
        self.positional_embedding = nn.Parameter(torch.randn(spacial_dim ** 2 + 1, embed_dim) / embed_dim ** 0.5)
        self.k_proj, self.q_proj, self.v_proj = (nn.Linear(embed_dim, embed_dim) for _ in range(3))
        self.c_proj = nn.Linear(embed_dim, output_dim or embed_dim)
        self.num_heads, self.release = num_heads, release

    def forward(self, x):
        return self._forward_330(x) if self.release == '3.3.0' else self._forward_main(x)

    def _forward_330(self, x):
        x = x.reshape(x.shape[0], x.shape[1], x.shape[2] * x.shape[3]).permute(2, 0, 1)  # NCHW -> (HW)NC
        x = torch.cat([x.mean(dim=0, keepdim=True), x], dim=0)
        x = x + self.positional_embedding[:, None, :].to(x.dtype)
        x, _ = F.multi_head_attention_forward(
            query=x, key=x, value=x, embed_dim_to_check=x.shape[-1], num_heads=self.num_heads,
            q_proj_weight=self.q_proj.weight, k_proj_weight=self.k_proj.weight, v_proj_weight=self.v_proj.weight,
            in_proj_weight=None, in_proj_bias=torch.cat([self.q_proj.bias, self.k_proj.bias, self.v_proj.bias]),
            bias_k=None, bias_v=None, add_zero_attn=False, dropout_p=0., out_proj_weight=self.c_proj.weight,
            out_proj_bias=self.c_proj.bias, use_separate_proj_weight=True, training=self.training, need_weights=False)
        return x[0]

    def _forward_main(self, x):
        x = x.reshape(x.shape[0], x.shape[1], x.shape[2] * x.shape[3]).permute(0, 2, 1)  # NCHW -> N(HW)C
        x = torch.cat([x.mean(dim=1, keepdim=True), x], dim=1)
        x = x + self.positional_embedding[None, :, :].to(x.dtype)
        n, length, c = x.shape
        split = lambda t: t.reshape(n, length, self.num_heads, c // self.num_heads).transpose(1, 2)  # noqa: E731
        x = _sdpa(split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x)))
        return self.c_proj(x.transpose(1, 2).reshape(n, length, c))[:, 0]


class ModifiedResNet(nn.Module):
    """open_clip modified_resnet.ModifiedResNet: 3-conv stem + avgpool, Bottleneck stages, attention pool."""

    def __init__(self, layers, output_dim, heads, image_size=224, width=64, release='main'):
        super().__init__()
        self.output_dim, self.image_size = output_dim, image_size
        self.conv1 = nn.Conv2d(3, width // 2, kernel_size=3, stride=2, padding=1, bias=False)
        self.bn1, self.act1 = nn.BatchNorm2d(width // 2), nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(width // 2, width // 2, kernel_size=3, padding=1, bias=False)
        self.bn2, self.act2 = nn.BatchNorm2d(width // 2), nn.ReLU(inplace=True)
        self.conv3 = nn.Conv2d(width // 2, width, kernel_size=3, padding=1, bias=False)
        self.bn3, self.act3 = nn.BatchNorm2d(width), nn.ReLU(inplace=True)
        self.avgpool = nn.AvgPool2d(2)
        self._inplanes = width
        self.layer1 = self._make_layer(width, layers[0])
        self.layer2 = self._make_layer(width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(width * 8, layers[3], stride=2)
        self.attnpool = AttentionPool2d(image_size // 32, width * 32, heads, output_dim, release)
        std = self.attnpool.c_proj.in_features ** -0.5
        for proj in (self.attnpool.q_proj, self.attnpool.k_proj, self.attnpool.v_proj, self.attnpool.c_proj):
            nn.init.normal_(proj.weight, std=std)
        for stage in (self.layer1, self.layer2, self.layer3, self.layer4):
            for name, param in stage.named_parameters():
                if name.endswith('bn3.weight'):
                    nn.init.zeros_(param)

    def _make_layer(self, planes, blocks, stride=1):
        layers = [OpenClipBottleneck(self._inplanes, planes, stride)]
        self._inplanes = planes * 4
        layers += [OpenClipBottleneck(self._inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def stem(self, x):
        x = self.act1(self.bn1(self.conv1(x)))
        x = self.act2(self.bn2(self.conv2(x)))
        x = self.act3(self.bn3(self.conv3(x)))
        return self.avgpool(x)

    def forward(self, x):
        x = self.stem(x)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.attnpool(x)


# ------------------------------------------------------------------ timm ViT + BERT (BiomedCLIP's structure)

class TimmAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.num_heads, self.head_dim, self.scale = heads, d // heads, (d // heads) ** -0.5
        self.qkv = nn.Linear(d, 3 * d)
        self.q_norm, self.k_norm = nn.Identity(), nn.Identity()
        self.attn_drop, self.proj_drop = nn.Dropout(0.0), nn.Dropout(0.0)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)
        return self.proj_drop(self.proj((attn @ v).transpose(1, 2).reshape(b, n, c)))


class TimmMlp(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1, self.act, self.drop1 = nn.Linear(d, hidden), nn.GELU(), nn.Dropout(0.0)
        self.norm, self.fc2, self.drop2 = nn.Identity(), nn.Linear(hidden, d), nn.Dropout(0.0)

    def forward(self, x):
        return self.drop2(self.fc2(self.norm(self.drop1(self.act(self.fc1(x))))))


class TimmBlock(nn.Module):
    def __init__(self, d, heads, mlp):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(d, eps=1e-6), TimmAttention(d, heads)
        self.ls1, self.drop_path1 = nn.Identity(), nn.Identity()
        self.norm2, self.mlp = nn.LayerNorm(d, eps=1e-6), TimmMlp(d, mlp)
        self.ls2, self.drop_path2 = nn.Identity(), nn.Identity()

    def forward(self, x):
        x = x + self.drop_path1(self.ls1(self.attn(self.norm1(x))))
        return x + self.drop_path2(self.ls2(self.mlp(self.norm2(x))))


class TimmPatchEmbed(nn.Module):
    def __init__(self, image_size, patch, d):
        super().__init__()
        self.grid_size = (image_size // patch, image_size // patch)
        self.num_patches = self.grid_size[0] * self.grid_size[1]
        self.proj = nn.Conv2d(3, d, patch, patch)
        self.norm = nn.Identity()

    def forward(self, x):
        return self.norm(self.proj(x).flatten(2).transpose(1, 2))


class TimmVisionTransformer(nn.Module):
    def __init__(self, image_size, patch, d, layers, heads, mlp):
        super().__init__()
        self.patch_embed = TimmPatchEmbed(image_size, patch, d)
        self.cls_token = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        self.reg_token, self.no_embed_class = None, False
        self.pos_embed = nn.Parameter(torch.randn(1, self.patch_embed.num_patches + 1, d) * 0.5)
        self.pos_drop, self.norm_pre = nn.Dropout(0.0), nn.Identity()
        self.blocks = nn.Sequential(*[TimmBlock(d, heads, mlp) for _ in range(layers)])
        self.norm = nn.LayerNorm(d, eps=1e-6)
        self.global_pool = 'token'
        self.fc_norm, self.head_drop, self.head = nn.Identity(), nn.Dropout(0.0), nn.Identity()

    def forward(self, x):
        x = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1)
        x = self.norm_pre(self.pos_drop(x + self.pos_embed))
        x = self.norm(self.blocks(x))
        return self.head(self.head_drop(self.fc_norm(x[:, 0])))


class FakeBertModel(nn.Module):
    """Post-norm BERT encoder (HF BertModel semantics: word+position+token_type embeddings, LayerNorm,
    additive padding mask), returning an object with last_hidden_state."""

    def __init__(self, vocab, d, heads, mlp, layers, max_len):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, d, padding_idx=0)
        self.position_embeddings = nn.Embedding(max_len, d)
        self.token_type_embeddings = nn.Embedding(2, d)
        self.emb_norm = nn.LayerNorm(d, eps=1e-12)
        self.heads = heads
        self.layers = nn.ModuleList([nn.ModuleDict({
            'query': nn.Linear(d, d), 'key': nn.Linear(d, d), 'value': nn.Linear(d, d), 'attn_out': nn.Linear(d, d),
            'attn_norm': nn.LayerNorm(d, eps=1e-12), 'inter': nn.Linear(d, mlp), 'out': nn.Linear(mlp, d),
            'out_norm': nn.LayerNorm(d, eps=1e-12)}) for _ in range(layers)])

    def forward(self, input_ids, attention_mask):
        b, n = input_ids.shape
        pos = torch.arange(n).unsqueeze(0)
        h = self.emb_norm(self.word_embeddings(input_ids) + self.position_embeddings(pos)
                          + self.token_type_embeddings(torch.zeros_like(input_ids)))
        ext = (1.0 - attention_mask[:, None, None, :].to(h.dtype)) * torch.finfo(h.dtype).min
        dh = h.shape[-1] // self.heads
        for L in self.layers:
            split = lambda t: t.view(b, n, self.heads, dh).transpose(1, 2)
            q, k, v = split(L['query'](h)), split(L['key'](h)), split(L['value'](h))
            a = (q @ k.transpose(-1, -2) / math.sqrt(dh) + ext).softmax(-1)
            ctx = (a @ v).transpose(1, 2).reshape(b, n, -1)
            h = L['attn_norm'](L['attn_out'](ctx) + h)
            h = L['out_norm'](L['out'](F.gelu(L['inter'](h))) + h)
        return SimpleNamespace(last_hidden_state=h)


class ClsLastHiddenStatePooler(nn.Module):
    def forward(self, x, attention_mask):
        return x.last_hidden_state[:, 0, :]


class FakeHFTextEncoder(nn.Module):
    """open_clip HFTextEncoder with proj='mlp' and the cls_last_hidden_state pooler (BiomedCLIP's text tower)."""

    def __init__(self, vocab, d, heads, mlp, layers, max_len, embed):
        super().__init__()
        self.config = SimpleNamespace(pad_token_id=0)
        self.transformer = FakeBertModel(vocab, d, heads, mlp, layers, max_len)
        self.pooler = ClsLastHiddenStatePooler()
        hidden = (d + embed) // 2
        self.proj = nn.Sequential(nn.Linear(d, hidden, bias=False), nn.GELU(), nn.Linear(hidden, embed, bias=False))

    def forward(self, x):
        attn_mask = (x != self.config.pad_token_id).long()
        return self.proj(self.pooler(self.transformer(input_ids=x, attention_mask=attn_mask), attn_mask))


class FakeTimmModel(nn.Module):
    def __init__(self, image_size, patch, d, layers, heads, mlp, embed):
        super().__init__()
        self.trunk = TimmVisionTransformer(image_size, patch, d, layers, heads, mlp)
        self.head = nn.Sequential(OrderedDict([('drop', nn.Dropout(0.0)), ('proj', nn.Linear(d, embed, bias=False))]))

    def forward(self, x):
        return self.head(self.trunk(x))


class FakeTimmBertCLIP(nn.Module):
    def __init__(self, *, width, heads, mlp, vision_layers, text_layers, image_size, patch, vocab, max_len, embed):
        super().__init__()
        self.visual = FakeTimmModel(image_size, patch, width, vision_layers, heads, mlp, embed)
        self.text = FakeHFTextEncoder(vocab, width, heads, mlp, text_layers, max_len, embed)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def encode_image(self, image):
        return self.visual(image)

    def encode_text(self, text):
        return self.text(text)


# ------------------------------------------------------------------ BioViL (hi-ml-multimodal)

class TinyResNet(nn.Module):
    """torchvision-style ResNet with Bottleneck blocks (ResNet-50's structure, tiny widths, one block a stage)."""

    def __init__(self, planes=(4, 8, 16, 32)):
        super().__init__()
        self.inplanes = 8
        self.conv1 = nn.Conv2d(3, 8, 7, 2, 3, bias=False)
        self.bn1, self.relu, self.maxpool = nn.BatchNorm2d(8), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._stage(planes[0], 1)
        self.layer2 = self._stage(planes[1], 2)
        self.layer3 = self._stage(planes[2], 2)
        self.layer4 = self._stage(planes[3], 2)
        self.out_dim = planes[3] * Bottleneck.expansion
        for m in self.modules():  # torchvision ResNet's initialisation
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')

    def _stage(self, planes, stride):
        down = nn.Sequential(nn.Conv2d(self.inplanes, planes * 4, 1, stride, bias=False), nn.BatchNorm2d(planes * 4))
        block = Bottleneck(self.inplanes, planes, stride, down)
        self.inplanes = planes * 4
        return nn.Sequential(block)

    def forward(self, x, return_intermediate_layers=False):
        x0 = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x1 = self.layer1(x0)
        x2 = self.layer2(x1)
        x3 = self.layer3(x2)
        x4 = self.layer4(x3)
        return (x0, x1, x2, x3, x4) if return_intermediate_layers else x4


class FakeImageEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = TinyResNet()

    def forward(self, current_image, return_patch_embeddings=False):
        patch_emb = self.encoder(current_image, return_intermediate_layers=True)[-1]
        avg = torch.flatten(F.adaptive_avg_pool2d(patch_emb, (1, 1)), 1)
        return (patch_emb, avg) if return_patch_embeddings else avg


class MLP(nn.Module):
    """hi-ml MLP(use_1x1_convs=True): Conv1x1(no bias) -> BatchNorm2d -> ReLU -> Conv1x1(bias)."""

    def __init__(self, input_dim, output_dim, hidden_dim):
        super().__init__()
        self.model = nn.Sequential(nn.Conv2d(input_dim, hidden_dim, 1, bias=False), nn.BatchNorm2d(hidden_dim),
                                   nn.ReLU(inplace=True), nn.Conv2d(hidden_dim, output_dim, 1, bias=True))

    def forward(self, x):
        return self.model(x)


class FakeBioVilImageModel(nn.Module):
    def __init__(self, joint_feature_size):
        super().__init__()
        self.encoder = FakeImageEncoder()
        self.feature_size = self.encoder.encoder.out_dim
        self.projector = MLP(self.feature_size, joint_feature_size, joint_feature_size)

    def forward(self, x):
        patch_x, pooled_x = self.encoder(x, return_patch_embeddings=True)
        projected = self.projector(patch_x)
        return SimpleNamespace(img_embedding=pooled_x, patch_embeddings=patch_x,
                               projected_patch_embeddings=projected,
                               projected_global_embedding=torch.mean(projected, dim=(2, 3)))


class BertProjectionHead(nn.Module):
    def __init__(self, d, projection_size):
        super().__init__()
        self.dense_to_hidden = nn.Linear(d, projection_size)
        self.transform_act_fn = F.gelu
        self.LayerNorm = nn.LayerNorm(projection_size, eps=1e-12)
        self.dense_to_output = nn.Linear(projection_size, projection_size)

    def forward(self, h):
        return self.dense_to_output(self.LayerNorm(self.transform_act_fn(self.dense_to_hidden(h))))


class FakeCXRBertModel(nn.Module):
    def __init__(self, vocab, d, heads, mlp, layers, max_len, projection_size):
        super().__init__()
        self.bert = FakeBertModel(vocab, d, heads, mlp, layers, max_len)
        self.cls_projection_head = BertProjectionHead(d, projection_size)

    def get_projected_text_embeddings(self, input_ids, attention_mask, normalize_embeddings=True):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        e = self.cls_projection_head(h[:, 0, :])
        return F.normalize(e, dim=1) if normalize_embeddings else e


def randomise_batchnorm(module, gen_seed=0):
    """Non-trivial running statistics, so eval-mode BatchNorm is not the identity in the fixtures."""
    g = torch.Generator().manual_seed(gen_seed)
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.2)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=g) * 0.1)
