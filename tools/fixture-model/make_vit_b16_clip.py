#!/usr/bin/python3
"""Writes a random-weight CLIP ViT-B/16 in the Transformers.js / Optimum layout, for benchmarks.

Run with Debian's python (python3-torch 1.13, python3-onnx, numpy); no Hugging Face `transformers` needed:

    /usr/bin/python3 tools/fixture-model/make_vit_b16_clip.py <out-dir>

`npm run bench` runs it when out/bench-models/clip-vit-b16-random/ is missing (about 600 MB of fp32
weights, so it is never committed). The graphs are shaped like Hugging Face's CLIP export
(CLIPVisionModelWithProjection / CLIPTextModelWithProjection through Optimum):

  onnx/vision_model.onnx   pixel_values (b, 3, 224, 224)               -> image_embeds (b, 512), last_hidden_state
  onnx/text_model.onnx     input_ids, attention_mask (b, s), int64 -> text_embeds (b, 512), last_hidden_state
  config.json, preprocessor_config.json, tokenizer.json, tokenizer_config.json

Sizes are openai/clip-vit-base-patch16's: vision 768 wide, 12 layers, 12 heads, MLP 3072, 16 px patches
(197 tokens); text 512 wide, 12 layers, 8 heads, MLP 2048, 77 positions, 49,408 token embeddings;
projection 512; quick-GELU; pre-LN; causal text attention plus the padding mask; the text is pooled at
the [EOS] token. Weights are random (std 0.02, like HF's initializer), so its figures measure speed, never
quality. The tokenizer is the tiny fixture's WordPiece over radiology words (make_tiny_clip.py): the real
CLIP BPE vocabulary is not available offline; text cost depends on sequence length (≤ 77), not vocabulary.
The folder is written under a temporary name and renamed when complete, with a `.complete` marker.
"""
import json
import math
import os
import shutil
import sys

import numpy as np
import onnx
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_tiny_clip import BOS_ID, EOS_ID, MEAN, PAD_ID, STD, tokenizer_json  # noqa: E402

# Bump when the graphs or configs change, so benches rebuild an old copy.
VERSION = 'clip-vit-b16-random/1'

IMAGE_SIZE = 224
PATCH = 16
V_WIDTH, V_LAYERS, V_HEADS, V_MLP = 768, 12, 12, 3072
T_WIDTH, T_LAYERS, T_HEADS, T_MLP = 512, 12, 8, 2048
VOCAB_SIZE = 49408
MAX_LEN = 77
EMBED_DIM = 512
LOGIT_SCALE_INIT = 2.6592  # HF's default, log(1/0.07)
OPSET = 14
NEG = -1e9  # additive mask value (finite: no NaN when rows are fully masked)


def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


class Attention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.q_proj = nn.Linear(width, width)
        self.k_proj = nn.Linear(width, width)
        self.v_proj = nn.Linear(width, width)
        self.out_proj = nn.Linear(width, width)

    def forward(self, x, bias=None):
        b, n, w = x.shape
        dh = w // self.heads
        q = self.q_proj(x).reshape(b, n, self.heads, dh).transpose(1, 2) * (dh ** -0.5)
        k = self.k_proj(x).reshape(b, n, self.heads, dh).transpose(1, 2)
        v = self.v_proj(x).reshape(b, n, self.heads, dh).transpose(1, 2)
        att = torch.matmul(q, k.transpose(-1, -2))
        if bias is not None:
            att = att + bias
        y = torch.matmul(att.softmax(-1), v).transpose(1, 2).reshape(b, n, w)
        return self.out_proj(y)


class Layer(nn.Module):
    def __init__(self, width, heads, mlp):
        super().__init__()
        self.layer_norm1 = nn.LayerNorm(width)
        self.self_attn = Attention(width, heads)
        self.layer_norm2 = nn.LayerNorm(width)
        self.fc1 = nn.Linear(width, mlp)
        self.fc2 = nn.Linear(mlp, width)

    def forward(self, x, bias=None):
        x = x + self.self_attn(self.layer_norm1(x), bias)
        return x + self.fc2(quick_gelu(self.fc1(self.layer_norm2(x))))


class VisionWithProjection(nn.Module):
    def __init__(self):
        super().__init__()
        grid = IMAGE_SIZE // PATCH
        self.patch_embedding = nn.Conv2d(3, V_WIDTH, PATCH, PATCH, bias=False)
        self.class_embedding = nn.Parameter(torch.randn(V_WIDTH) * 0.02)
        self.position_embedding = nn.Parameter(torch.randn(grid * grid + 1, V_WIDTH) * 0.02)
        self.pre_layrnorm = nn.LayerNorm(V_WIDTH)
        self.layers = nn.ModuleList([Layer(V_WIDTH, V_HEADS, V_MLP) for _ in range(V_LAYERS)])
        self.post_layernorm = nn.LayerNorm(V_WIDTH)
        self.visual_projection = nn.Linear(V_WIDTH, EMBED_DIM, bias=False)

    def forward(self, pixel_values):
        x = self.patch_embedding(pixel_values).flatten(2).transpose(1, 2)
        cls = self.class_embedding.reshape(1, 1, V_WIDTH).expand(x.shape[0], 1, V_WIDTH)
        x = self.pre_layrnorm(torch.cat([cls, x], 1) + self.position_embedding)
        for layer in self.layers:
            x = layer(x)
        image_embeds = self.visual_projection(self.post_layernorm(x[:, 0]))
        return image_embeds, x


class TextWithProjection(nn.Module):
    def __init__(self):
        super().__init__()
        self.token_embedding = nn.Embedding(VOCAB_SIZE, T_WIDTH)
        self.position_embedding = nn.Parameter(torch.randn(MAX_LEN, T_WIDTH) * 0.01)
        self.layers = nn.ModuleList([Layer(T_WIDTH, T_HEADS, T_MLP) for _ in range(T_LAYERS)])
        self.final_layer_norm = nn.LayerNorm(T_WIDTH)
        self.text_projection = nn.Linear(T_WIDTH, EMBED_DIM, bias=False)
        causal = torch.triu(torch.full((MAX_LEN, MAX_LEN), NEG), diagonal=1)
        self.register_buffer('causal', causal, persistent=False)

    def forward(self, input_ids, attention_mask):
        n = input_ids.shape[1]
        x = self.token_embedding(input_ids) + self.position_embedding[:n]
        pad = (1.0 - attention_mask.to(torch.float32)).reshape(-1, 1, 1, n) * NEG
        bias = self.causal[:n, :n].reshape(1, 1, n, n) + pad
        for layer in self.layers:
            x = layer(x, bias)
        x = self.final_layer_norm(x)
        # HF CLIP: pooled at the first [EOS] (here also the largest id, so argmax(input_ids) agrees).
        eos = (input_ids == EOS_ID).to(torch.int32).argmax(-1)
        pooled = x.gather(1, eos.to(torch.int64).reshape(-1, 1, 1).expand(-1, 1, T_WIDTH)).squeeze(1)
        return self.text_projection(pooled), x


def init_weights(module):
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
            if getattr(m, 'bias', None) is not None:
                nn.init.zeros_(m.bias)


def export(module, args, path, inputs, outputs, dynamic):
    torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=dynamic,
                      opset_version=OPSET, do_constant_folding=True)
    model = onnx.load(path, load_external_data=False)
    assert [i.name for i in model.graph.input] == inputs, path
    assert [o.name for o in model.graph.output] == outputs, path
    onnx.checker.check_model(path)


def write_json(path, obj):
    with open(path, 'w') as f:
        json.dump(obj, f, indent=2)
        f.write('\n')


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: make_vit_b16_clip.py <out-dir>')
    out = os.path.abspath(sys.argv[1])
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    torch.manual_seed(16)
    np.random.seed(16)
    tmp = out + '.partial'
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, 'onnx'))

    vision, text = VisionWithProjection().eval(), TextWithProjection().eval()
    init_weights(vision)
    init_weights(text)
    with torch.no_grad():
        export(vision, (torch.randn(2, 3, IMAGE_SIZE, IMAGE_SIZE),), os.path.join(tmp, 'onnx', 'vision_model.onnx'),
               ['pixel_values'], ['image_embeds', 'last_hidden_state'],
               {'pixel_values': {0: 'batch_size'}, 'image_embeds': {0: 'batch_size'},
                'last_hidden_state': {0: 'batch_size'}})
        ids = torch.tensor([[BOS_ID, 5, 6, 7, EOS_ID], [BOS_ID, 8, EOS_ID, PAD_ID, PAD_ID]])
        mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
        export(text, (ids, mask), os.path.join(tmp, 'onnx', 'text_model.onnx'),
               ['input_ids', 'attention_mask'], ['text_embeds', 'last_hidden_state'],
               {'input_ids': {0: 'batch_size', 1: 'sequence_length'},
                'attention_mask': {0: 'batch_size', 1: 'sequence_length'},
                'text_embeds': {0: 'batch_size'}, 'last_hidden_state': {0: 'batch_size', 1: 'sequence_length'}})
        # Padding must not change a text's embedding (the mask works).
        a = text(ids[1:, :3], mask[1:, :3])[0]
        b = text(ids[1:], mask[1:])[0]
        assert torch.allclose(a, b, atol=1e-4), 'padding changed the text embedding'

    write_json(os.path.join(tmp, 'tokenizer.json'), tokenizer_json())
    write_json(os.path.join(tmp, 'tokenizer_config.json'), {
        'tokenizer_class': 'BertTokenizerFast', 'do_lower_case': True, 'model_max_length': MAX_LEN,
        'bos_token': '[BOS]', 'eos_token': '[EOS]', 'pad_token': '[PAD]', 'unk_token': '[UNK]',
    })
    write_json(os.path.join(tmp, 'preprocessor_config.json'), {
        'image_processor_type': 'CLIPImageProcessor', 'do_resize': True, 'size': {'shortest_edge': IMAGE_SIZE},
        'resample': 3, 'do_center_crop': True, 'crop_size': {'height': IMAGE_SIZE, 'width': IMAGE_SIZE},
        'do_rescale': True, 'rescale_factor': 1 / 255, 'do_normalize': True, 'image_mean': MEAN,
        'image_std': STD, 'do_convert_rgb': True,
    })
    write_json(os.path.join(tmp, 'config.json'), {
        '_name_or_path': 'clip-vit-b16-random',
        'model_type': 'clip', 'architectures': ['CLIPModel'], 'projection_dim': EMBED_DIM,
        'logit_scale_init_value': LOGIT_SCALE_INIT, 'initializer_range': 0.02,
        'text_config': {'model_type': 'clip_text_model', 'hidden_size': T_WIDTH, 'intermediate_size': T_MLP,
                        'num_hidden_layers': T_LAYERS, 'num_attention_heads': T_HEADS,
                        'max_position_embeddings': MAX_LEN, 'vocab_size': VOCAB_SIZE, 'hidden_act': 'quick_gelu',
                        'projection_dim': EMBED_DIM,
                        'bos_token_id': BOS_ID, 'eos_token_id': EOS_ID, 'pad_token_id': PAD_ID},
        'vision_config': {'model_type': 'clip_vision_model', 'hidden_size': V_WIDTH, 'intermediate_size': V_MLP,
                          'num_hidden_layers': V_LAYERS, 'num_attention_heads': V_HEADS,
                          'image_size': IMAGE_SIZE, 'patch_size': PATCH, 'num_channels': 3,
                          'hidden_act': 'quick_gelu', 'projection_dim': EMBED_DIM},
        'radalign_bench': {'version': VERSION, 'note': 'random weights: a speed benchmark model, not a CLIP'},
    })
    with open(os.path.join(tmp, '.complete'), 'w') as f:
        f.write(VERSION + '\n')
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)
    print('wrote', out)


if __name__ == '__main__':
    main()
