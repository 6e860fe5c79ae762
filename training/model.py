"""The default model: a dual encoder with a shared embedding space for the whole image, its 7x7 patches and text.

Vision: MobileNetV2 (ImageNet weights from nsfwjs) blocks 0-12 frozen, blocks 13-16 fine-tuned, then a per-patch
MLP projection -> patch_embeds (b, 49, D); image_embeds = attention-weighted mean of the patch embeddings, so
the global and local embeddings live in one space by construction.
Text: word embeddings -> attention pooling over tokens -> LayerNorm -> projection (a weighted bag of words).
"""
import copy

import torch
from torch import nn
import torch.nn.functional as F

from pretrained import MobileNetV2


class VisionHead(nn.Module):
    """Frozen-feature (96 x 14 x 14) -> image_embeds (b, D), patch_embeds (b, 49, D)."""

    def __init__(self, backbone, dim=128, hidden=256, first=13):
        super().__init__()
        self.blocks = nn.ModuleList(copy.deepcopy(backbone.blocks[first:]))
        self.proj1 = nn.Conv2d(320, hidden, 1)
        self.proj2 = nn.Conv2d(hidden, dim, 1)
        self.attn = nn.Conv2d(hidden, 1, 1)
        nn.init.zeros_(self.attn.weight)
        nn.init.zeros_(self.attn.bias)

    def train(self, mode=True):
        super().train(mode)
        for m in self.modules():  # pretrained BatchNorm keeps its ImageNet statistics
            if isinstance(m, nn.BatchNorm2d):
                m.eval()
        return self

    def forward(self, f, skip=0):
        """skip: how many of blocks 13..16 were already applied to f (frozen blocks precomputed in training)."""
        for b in self.blocks[skip:]:
            f = b(f)
        h = F.relu(self.proj1(f))
        p = self.proj2(h).flatten(2).transpose(1, 2)  # (b, 49, D), row-major
        a = torch.softmax(self.attn(h).flatten(1), dim=1)  # (b, 49)
        g = torch.matmul(a.unsqueeze(1), p).squeeze(1)
        return g, p


class FullVision(nn.Module):
    """pixel_values (b, 3, 224, 224) -> image_embeds, patch_embeds: what is exported to ONNX."""

    def __init__(self, backbone, head, upto=12):
        super().__init__()
        self.stem = backbone.stem
        self.blocks = nn.ModuleList(backbone.blocks[:upto + 1])
        self.head = head

    def forward(self, pixel_values):
        x = self.stem(pixel_values)
        for b in self.blocks:
            x = b(x)
        return self.head(x)


class TextEncoder(nn.Module):
    def __init__(self, vocab_size, dim=128, width=256, pad_id=0):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, width)
        nn.init.normal_(self.emb.weight, std=0.1)
        self.score = nn.Linear(width, 1)
        self.ln = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, width), nn.GELU())
        self.proj = nn.Linear(width, dim)
        self.pad_id = pad_id

    def forward(self, input_ids, attention_mask, word_dropout=0.0):
        x = self.emb(input_ids)
        m = attention_mask.to(x.dtype)
        if word_dropout > 0 and self.training:
            m = m * (torch.rand_like(m) > word_dropout).to(m.dtype)
            m[:, 0] = 1.0  # [BOS] always kept, so no text is left empty
        s = self.score(x).squeeze(-1) + (m - 1.0) * 1e4
        a = torch.softmax(s, dim=1)
        pooled = torch.matmul(a.unsqueeze(1), x).squeeze(1)
        h = self.ln(pooled)
        return self.proj(h + self.mlp(h))


class TextExport(nn.Module):
    def __init__(self, text):
        super().__init__()
        self.text = text

    def forward(self, input_ids, attention_mask):
        return self.text(input_ids, attention_mask)


class Clip(nn.Module):
    def __init__(self, backbone, vocab_size, dim=128, pad_id=0):
        super().__init__()
        self.vision = VisionHead(backbone, dim)
        self.text = TextEncoder(vocab_size, dim, pad_id=pad_id)
        self.logit_scale = nn.Parameter(torch.tensor(2.66))  # log(1/0.07)
