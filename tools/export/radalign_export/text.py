"""Text encoders in exportable form: `(input_ids, attention_mask) -> text_embeds` (not normalised).

radalign feeds one text per row: the tokenizer's special tokens around the words, truncated keeping them,
padded with the pad id to the batch's longest, attention_mask 1 for tokens and 0 for padding.
"""
import torch
from torch import nn

from .vit import NEG, Block, as_projection, open_clip_block


def pool_at(x, index):
    """x (b, n, d), index (b,) -> x[range(b), index] as a one-hot matmul (exports to plain ONNX ops)."""
    onehot = (torch.arange(x.shape[1]).reshape(1, -1) == index.reshape(-1, 1)).to(x.dtype)
    return torch.matmul(onehot.unsqueeze(1), x).squeeze(1)


class CausalClipText(nn.Module):
    """CLIP's text transformer (causal attention), pooled at the end-of-text token.

    Pools at the last real token, `attention_mask.sum(1) - 1`: with radalign's tokenization that is always the
    end-of-text token (the post-processor appends it and truncation keeps it), the same position HF CLIP
    (argmax id / first eos id) and open_clip (argmax id) pool at. Causal attention means that position never sees
    padding, so the padding mask needs no other use.
    """

    def __init__(self, token_embedding, pos_embed, blocks, ln_final, project):
        super().__init__()
        self.token_embedding = token_embedding
        self.register_buffer('pos_embed', pos_embed.detach().clone())
        self.blocks = nn.ModuleList(blocks)
        self.ln_final = ln_final
        self.project = project

    def forward(self, input_ids, attention_mask):
        n = input_ids.shape[1]
        x = self.token_embedding(input_ids) + self.pos_embed[:n]
        i = torch.arange(n)
        causal = (i.reshape(1, -1) > i.reshape(-1, 1)).to(x.dtype) * NEG  # key after query: masked
        for blk in self.blocks:
            x = blk(x, causal)
        x = self.ln_final(x)
        return self.project(pool_at(x, attention_mask.sum(1) - 1))


def hf_clip_text(clip):
    """Hugging Face `CLIPModel` (text_model.*, text_projection)."""
    tm = clip.text_model
    blocks = []
    for layer in tm.encoder.layers:
        a = layer.self_attn
        w = torch.cat([a.q_proj.weight, a.k_proj.weight, a.v_proj.weight], 0)
        b = torch.cat([a.q_proj.bias, a.k_proj.bias, a.v_proj.bias], 0)
        heads = getattr(a, 'num_heads', None) or a.heads
        blocks.append(Block(layer.layer_norm1, w, b, a.out_proj, layer.layer_norm2, layer.mlp, heads))
    return CausalClipText(tm.embeddings.token_embedding, tm.embeddings.position_embedding.weight, blocks,
                          tm.final_layer_norm, clip.text_projection)


def open_clip_text(model):
    """open_clip `CLIP` (= OpenAI CLIP): token_embedding, positional_embedding, transformer.resblocks (attention: see
    vit.open_clip_block), causal attn_mask, ln_final, text_projection (a parameter, or a Linear in newer open_clip)."""
    if getattr(model, 'text_pool_type', 'argmax') != 'argmax':
        raise ValueError(f'open_clip text_pool_type {model.text_pool_type!r}: only argmax (EOT) pooling is supported')
    if getattr(model, 'cls_emb', None) is not None:
        raise ValueError('open_clip text tower with a class embedding (CoCa): not supported')
    if getattr(model, 'attn_mask', 0) is None:
        raise ValueError('open_clip text tower without a causal mask (attn_mask is None): only causal text is '
                         'supported')
    blocks = [open_clip_block(r, f'open_clip text tower, resblock {i}')
              for i, r in enumerate(model.transformer.resblocks)]
    return CausalClipText(model.token_embedding, model.positional_embedding, blocks, model.ln_final,
                          as_projection(model.text_projection))


class BertClsText(nn.Module):
    """A BERT encoder's [CLS] last hidden state through a projection head.

    `encoder(input_ids=, attention_mask=)` must return an object with `last_hidden_state` (HF BertModel).
    `pool(output, attention_mask)` picks the pooled vector; default: the [CLS] (first) token.
    """

    def __init__(self, encoder, project, pool=None):
        super().__init__()
        self.encoder = encoder
        self.project = project
        self.pool = pool

    def forward(self, input_ids, attention_mask):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        pooled = self.pool(out, attention_mask) if self.pool is not None else out.last_hidden_state[:, 0]
        return self.project(pooled)


def open_clip_hf_text(text):
    """open_clip `HFTextEncoder` (BiomedCLIP's text tower): text.transformer (HF BertModel), text.pooler, text.proj.

    HFTextEncoder derives its attention mask from `input_ids != pad_token_id`; radalign passes the mask it builds
    from the same padding, so the two agree."""
    return BertClsText(text.transformer, text.proj, text.pooler)


def cxr_bert_text(model):
    """hi-ml / Microsoft `CXRBertModel` (BioViL's text model): model.bert (HF BertModel, no pooler) -> [CLS] ->
    model.cls_projection_head. Same as `get_projected_text_embeddings(..., normalize_embeddings=False)`, without
    computing the masked-LM head."""
    return BertClsText(model.bert, model.cls_projection_head)
