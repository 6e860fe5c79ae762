"""ImageNet-pretrained MobileNetV2 (width 1.0) rebuilt in torch from the weights shipped in the npm package
`nsfwjs` (MIT licence, Infinite Red; its `mobilenet_v2` model is a Keras MobileNetV2 with ImageNet weights,
fine-tuned by nsfwjs for its own 5-class task; stored as a TensorFlow.js layers model, uint8-quantised).

fetch_nsfwjs() runs `npm pack nsfwjs@4.3.0` into training/.cache/nsfwjs (the npm registry is the only network
access needed) and decodes the model with node into model.json + weights.bin (float32 after dequantisation).
"""
import json
import os
import subprocess

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, '.cache', 'nsfwjs')
NSFWJS_VERSION = '4.3.0'

DECODE_JS = r"""
const fs = require('fs');
const dir = process.argv[2];
const m = require(dir + '/package/dist/models/mobilenet_v2/model.min.js');
const shard = require(dir + '/package/dist/models/mobilenet_v2/group1-shard1of1.min.js');
fs.writeFileSync(dir + '/model.json', JSON.stringify(m));
fs.writeFileSync(dir + '/weights.raw', Buffer.from(shard, 'base64'));
"""


def fetch_nsfwjs():
    if os.path.exists(os.path.join(CACHE, 'weights.raw')):
        return CACHE
    os.makedirs(CACHE, exist_ok=True)
    subprocess.run(['npm', 'pack', f'nsfwjs@{NSFWJS_VERSION}', '--silent'], cwd=CACHE, check=True)
    tgz = [f for f in os.listdir(CACHE) if f.endswith('.tgz')][0]
    subprocess.run(['tar', 'xzf', tgz, 'package/dist/models/mobilenet_v2', 'package/dist/models/package.json', 'package/LICENSE', 'package/package.json'],
                   cwd=CACHE, check=True)
    with open(os.path.join(CACHE, 'decode.js'), 'w') as f:
        f.write(DECODE_JS)
    subprocess.run(['node', os.path.join(CACHE, 'decode.js'), CACHE], check=True)
    return CACHE


def load_keras_weights():
    """name -> float32 numpy array (Keras layout), dequantised."""
    d = fetch_nsfwjs()
    with open(os.path.join(d, 'model.json')) as f:
        m = json.load(f)
    raw = open(os.path.join(d, 'weights.raw'), 'rb').read()
    out, off = {}, 0
    for group in m['weightsManifest']:
        for w in group['weights']:
            n = int(np.prod(w['shape']))
            q = w.get('quantization')
            if q:
                assert q['dtype'] == 'uint8'
                v = np.frombuffer(raw, np.uint8, n, off).astype(np.float32) * np.float32(q['scale']) + np.float32(q['min'])
                off += n
            else:
                v = np.frombuffer(raw, np.float32, n, off).copy()
                off += 4 * n
            out[w['name']] = v.reshape(w['shape'])
    assert off == len(raw), (off, len(raw))
    return out


# (expansion, out channels, repeats, first stride) of MobileNetV2 width 1.0
SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


class ConvBN(nn.Module):
    def __init__(self, cin, cout, k, stride=1, groups=1, relu=True):
        super().__init__()
        self.stride, self.k = stride, k
        self.conv = nn.Conv2d(cin, cout, k, stride, padding=0 if stride == 2 else k // 2, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=1e-3)
        self.relu = relu

    def forward(self, x):
        if self.stride == 2:  # Keras ZeroPadding2D(((0, 1), (0, 1))) + 'valid'
            x = F.pad(x, (0, 1, 0, 1))
        x = self.bn(self.conv(x))
        return torch.clamp(x, 0, 6) if self.relu else x


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hid = cin * expand
        self.expand = ConvBN(cin, hid, 1) if expand != 1 else None
        self.dw = ConvBN(hid, hid, 3, stride, groups=hid)
        self.project = ConvBN(hid, cout, 1, relu=False)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.expand(x) if self.expand is not None else x
        y = self.project(self.dw(y))
        return x + y if self.residual else y


class MobileNetV2(nn.Module):
    """Features only (no Conv_1/classifier). blocks[0] is Keras 'expanded_conv', blocks[i] is 'block_i'."""

    def __init__(self):
        super().__init__()
        self.stem = ConvBN(3, 32, 3, 2)
        blocks, cin = [], 32
        for t, c, n, s in SETTINGS:
            for i in range(n):
                blocks.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x, upto=None):
        x = self.stem(x)
        for i, b in enumerate(self.blocks):
            if upto is not None and i > upto:
                break
            x = b(x)
        return x


def _set_convbn(mod, w, conv_name, bn_name, depthwise=False):
    k = w[conv_name + ('/depthwise_kernel' if depthwise else '/kernel')]
    # Keras (kh, kw, in, out) -> torch (out, in, kh, kw); depthwise (kh, kw, in, 1) -> (in, 1, kh, kw)
    t = torch.from_numpy(k.transpose((2, 3, 0, 1) if depthwise else (3, 2, 0, 1)).copy())
    assert t.shape == mod.conv.weight.shape, (conv_name, t.shape, mod.conv.weight.shape)
    mod.conv.weight.data.copy_(t)
    for ours, theirs in (('weight', 'gamma'), ('bias', 'beta'), ('running_mean', 'moving_mean'),
                         ('running_var', 'moving_variance')):
        getattr(mod.bn, ours).data.copy_(torch.from_numpy(w[f'{bn_name}/{theirs}']))


def pretrained_mobilenet_v2():
    w = load_keras_weights()
    net = MobileNetV2()
    _set_convbn(net.stem, w, 'Conv1', 'bn_Conv1')
    b0 = net.blocks[0]
    _set_convbn(b0.dw, w, 'expanded_conv_depthwise', 'expanded_conv_depthwise_BN', True)
    _set_convbn(b0.project, w, 'expanded_conv_project', 'expanded_conv_project_BN')
    for i in range(1, len(net.blocks)):
        b, p = net.blocks[i], f'block_{i}'
        _set_convbn(b.expand, w, f'{p}_expand', f'{p}_expand_BN')
        _set_convbn(b.dw, w, f'{p}_depthwise', f'{p}_depthwise_BN', True)
        _set_convbn(b.project, w, f'{p}_project', f'{p}_project_BN')
    return net.eval()
