#!/usr/bin/python3
"""The export wrappers refuse, by name, the open_clip structures they cannot reproduce exactly, and accept the plain
forms of both attention classes (nn.MultiheadAttention, open_clip main's Attention) and both attention pools; the
model.json writer refuses image fields the engine does not read.

`npm test` runs these through check_fixtures.py (test/tools/export-python.test.ts). By hand, from the repository root:

    /usr/bin/python3 -m unittest discover -s tools/export -p 'test_*.py'
"""
import os
import sys
import unittest

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fakes  # noqa: E402
from radalign_export import checks, presets, recipes, resnet, text as text_mod, vit, writer  # noqa: E402

WIDTH, HEADS, MLP, EMBED, MAX_LEN, SIZE, PATCH = 16, 2, 24, 8, 8, 16, 8
OPTIONS = {  # CustomResidualAttentionBlock option -> the attribute the refusal must name
    'qk_norm': 'ln_q',
    'scale_cosine_attn': 'logit_scale',
    'scale_heads': 'head_scale',
    'scale_attn_inner': 'ln_inner',
    'scale_attn': 'ln_attn',
}


def vit_clip(attention='open_clip'):
    torch.manual_seed(0)
    return fakes.FakeOpenClipCLIP(width=WIDTH, heads=HEADS, mlp=MLP, vision_layers=2, text_layers=2,
                                  image_size=SIZE, patch=PATCH, vocab=20, max_len=MAX_LEN, embed=EMBED,
                                  attention=attention).eval()


def resnet_clip(image_size=64):
    torch.manual_seed(0)
    visual = fakes.ModifiedResNet((1, 1, 1, 1), EMBED, 2, image_size=image_size, width=2)
    return fakes.FakeOpenClipCLIP(width=WIDTH, heads=HEADS, mlp=MLP, vision_layers=0, text_layers=1,
                                  image_size=image_size, patch=PATCH, vocab=20, max_len=MAX_LEN, embed=EMBED,
                                  attention='open_clip', visual=visual).eval()


def export(model, image_size=SIZE):
    return recipes.open_clip_model(model, model_id='t', name='t', image_size=image_size, mean=recipes.OPENAI_MEAN,
                                   std=recipes.OPENAI_STD, max_text_length=MAX_LEN)


def custom_block(**option):
    return fakes.OpenClipCustomResidualAttentionBlock(WIDTH, HEADS, MLP, **option).eval()


class OpenClipAttentionRefusals(unittest.TestCase):
    def assert_refused(self, adapter, model, *words):
        with self.assertRaises(ValueError) as caught:
            adapter(model)
        message = str(caught.exception)
        for word in words + ('supported',):
            self.assertIn(word, message)

    def test_each_attention_option_is_refused_in_both_towers(self):
        for option, attribute in OPTIONS.items():
            with self.subTest(option=option, tower='vision'):
                model = vit_clip()
                model.visual.transformer.resblocks[1] = custom_block(**{option: True})
                self.assert_refused(lambda m: vit.open_clip_vision(m.visual), model, attribute,
                                    'vision tower, resblock 1')
            with self.subTest(option=option, tower='text'):
                model = vit_clip()
                model.transformer.resblocks[0] = custom_block(**{option: True})
                self.assert_refused(text_mod.open_clip_text, model, attribute, 'text tower, resblock 0')

    def test_separate_qkv_weights_are_refused(self):
        model = vit_clip()
        model.visual.transformer.resblocks[0].attn = fakes.OpenClipAttention(WIDTH, HEADS, kdim=WIDTH + 2)
        self.assert_refused(lambda m: vit.open_clip_vision(m.visual), model, 'in_proj_weight is None')

    def test_an_unknown_attention_class_is_refused(self):
        model = vit_clip()
        model.transformer.resblocks[1].attn = fakes.TimmAttention(WIDTH, HEADS)
        self.assert_refused(text_mod.open_clip_text, model, 'TimmAttention')

    def test_multihead_attention_with_bias_kv_is_refused(self):
        model = vit_clip('mha')
        model.visual.transformer.resblocks[0].attn = nn.MultiheadAttention(WIDTH, HEADS, add_bias_kv=True)
        self.assert_refused(lambda m: vit.open_clip_vision(m.visual), model, 'add_bias_kv')

    def test_text_without_causal_mask_is_refused(self):
        model = vit_clip()
        model.attn_mask = None
        with self.assertRaisesRegex(ValueError, 'attn_mask is None'):
            text_mod.open_clip_text(model)

    def test_plain_custom_block_is_accepted_and_exact(self):
        """3.3.0's / main's CustomResidualAttentionBlock with no option on is plain attention: exported, equal."""
        model = vit_clip()
        model.visual.transformer.resblocks[1] = custom_block()
        x = torch.randn(2, 3, SIZE, SIZE, generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            g, p = export(model).vision(x)
            self.assertLess((g - model.encode_image(x)).abs().max().item(), 1e-5)
            self.assertLess((p - checks.maskclip_open_clip(model.visual, x)).abs().max().item(), 1e-5)

    def test_both_attention_classes_give_the_same_export_for_the_same_weights(self):
        mha, main = vit_clip('mha'), vit_clip()
        main.load_state_dict(mha.state_dict(), strict=True)  # same parameter names: in_proj_*, out_proj.*
        x = torch.randn(2, 3, SIZE, SIZE, generator=torch.Generator().manual_seed(2))
        with torch.no_grad():
            for a, b in zip(export(mha).vision(x), export(main).vision(x)):
                self.assertLess((a - b).abs().max().item(), 1e-5)
            self.assertLess((checks.maskclip_open_clip(mha.visual, x)
                             - checks.maskclip_open_clip(main.visual, x)).abs().max().item(), 1e-5)


class ResNetRefusals(unittest.TestCase):
    def test_missing_attention_pool_is_refused(self):
        model = resnet_clip()
        model.visual.attnpool = None
        with self.assertRaisesRegex(ValueError, r'attnpool is None'):
            export(model, 64)

    def test_positional_embedding_for_another_size_is_refused(self):
        model = resnet_clip(64)
        with self.assertRaisesRegex(ValueError, r'positional_embedding has 5 positions; the 3x3 layer4 grid'):
            resnet.open_clip_resnet(model.visual, 96)

    def test_a_non_linear_projection_is_refused(self):
        model = resnet_clip()
        model.visual.attnpool.v_proj = nn.Conv2d(64, 64, 1)
        with self.assertRaisesRegex(ValueError, r'attnpool.v_proj is Conv2d'):
            export(model, 64)

    def test_another_resnet_is_refused(self):
        model = resnet_clip()
        del model.visual.layer4
        with self.assertRaisesRegex(ValueError, r'has no layer4'):
            resnet.open_clip_resnet(model.visual, 64)

    def test_both_attention_pool_releases_are_exported_exactly(self):
        model = resnet_clip()
        fakes.randomise_batchnorm(model.visual, 1)
        x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(3))
        e = export(model, 64)
        self.assertEqual(e.grid, (2, 2))
        for release in ('3.3.0', 'main'):
            model.visual.attnpool.release = release
            with torch.no_grad():
                g, p = e.vision(x)
                self.assertLess((g - model.encode_image(x)).abs().max().item(), 1e-5, release)
                rebuilt = checks.attnpool_tokens(model.visual, x, self_only=False)[:, 0]
                self.assertLess((rebuilt - model.encode_image(x)).abs().max().item(), 1e-5, release)
                reference = checks.maskclip_open_clip_resnet(model.visual, x)
                self.assertLess((p - reference).abs().max().item(), 1e-5, release)


class ImageOptionRefusals(unittest.TestCase):
    """writer.checked_image_options: what a preset or an exporter writes into model.json's `image` block."""

    def test_every_preset_passes_unchanged(self):
        for name in presets.IMAGE:
            self.assertEqual(writer.checked_image_options(presets.options(name)), presets.options(name), name)

    def test_unknown_fields_and_values_are_refused_by_name(self):
        cases = [
            ({'filter': 'cubic'}, 'image.filter'),
            ({'antialias': 0}, 'image.antialias'),
            ({'shortestEdge': 0}, 'image.shortestEdge'),
            ({'resizeRounding': 'ceil'}, 'image.resizeRounding'),
            ({'sharpen': True}, 'image.sharpen'),
            ({'before': {'size': 320}}, 'image.before'),
            ({'before': {'size': 320, 'resize': 'letterbox', 'intensity': 'min-max'}}, 'image.before.intensity'),
        ]
        for options, named in cases:
            with self.assertRaises(ValueError, msg=str(options)) as caught:
                writer.checked_image_options(options)
            self.assertIn(named, str(caught.exception))


if __name__ == '__main__':
    unittest.main()
