"""Tiny plain-torch stand-ins with the module/attribute structure of the real libraries' models, and the
forward semantics those libraries use (written independently of radalign_export's wrappers).

* FakeHFCLIPModel     ~ transformers.CLIPModel (vision_model / text_model / visual_projection / text_projection)
* FakeOpenClipCLIP    ~ open_clip.CLIP with OpenAI's VisionTransformer and text transformer (CheXzero's structure)
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


class Transformer(nn.Module):
    def __init__(self, d, layers, heads, mlp):
        super().__init__()
        self.width, self.layers = d, layers
        self.resblocks = nn.ModuleList([ResidualAttentionBlock(d, heads, mlp) for _ in range(layers)])

    def forward(self, x, attn_mask=None):
        for r in self.resblocks:
            x = r(x, attn_mask)
        return x


class OpenClipVisionTransformer(nn.Module):
    def __init__(self, image_size, patch, width, layers, heads, mlp, embed):
        super().__init__()
        self.image_size, self.patch_size = (image_size, image_size), (patch, patch)
        self.grid_size = (image_size // patch, image_size // patch)
        self.conv1 = nn.Conv2d(3, width, patch, patch, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn(self.grid_size[0] * self.grid_size[1] + 1, width))
        self.patch_dropout = nn.Identity()
        self.ln_pre = nn.LayerNorm(width)
        self.transformer = Transformer(width, layers, heads, mlp)
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
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)  # NLD -> LND -> NLD
        return self.ln_post(x[:, 0, :]) @ self.proj


class FakeOpenClipCLIP(nn.Module):
    def __init__(self, *, width, heads, mlp, vision_layers, text_layers, image_size, patch, vocab, max_len, embed):
        super().__init__()
        self.visual = OpenClipVisionTransformer(image_size, patch, width, vision_layers, heads, mlp, embed)
        self.context_length, self.vocab_size = max_len, vocab
        self.transformer = Transformer(width, text_layers, heads, mlp)
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
        x = self.transformer(x.permute(1, 0, 2), attn_mask=self.attn_mask).permute(1, 0, 2)
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection


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
