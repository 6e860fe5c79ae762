"""tokenizer.json writers (Hugging Face `tokenizers` format, read by radalign with tokenizers.js) and plain-Python
reference tokenizers used to check them.

* `clip_bpe_tokenizer_json(merges)`: the form of Hugging Face's CLIPTokenizerFast (e.g. openai/clip-vit-base-patch32)
  for OpenAI's byte-level BPE (`bpe_simple_vocab_16e6.txt.gz`, shipped with open_clip and OpenAI's `clip`).
  `ClipBpeReference` is OpenAI's `SimpleTokenizer` algorithm, minus `ftfy.fix_text` (see docs/models.md).
* `bert_wordpiece_tokenizer_json(vocab)`: the form of BertTokenizerFast (uncased) for a BERT `vocab.txt`
  (PubMedBERT / BiomedBERT for BiomedCLIP, CXR-BERT for BioViL). `BertWordPieceReference` re-implements
  BasicTokenizer + WordpieceTokenizer.
"""
import gzip
import html
import unicodedata

try:  # OpenAI's pattern uses \p{L}/\p{N}; Debian: python3-regex, pip: regex. Only the reference tokenizer needs it.
    import regex as _re
except ImportError:  # pragma: no cover
    _re = None

CLIP_PATTERN = r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""
SOT, EOT = '<|startoftext|>', '<|endoftext|>'


# ------------------------------------------------------------------ CLIP byte-level BPE

def bytes_to_unicode():
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def read_openai_merges(bpe_gz_path):
    """Merges from OpenAI's bpe_simple_vocab_16e6.txt.gz, cut exactly as SimpleTokenizer does (49408-token vocab)."""
    lines = gzip.open(bpe_gz_path).read().decode('utf-8').split('\n')
    return [tuple(m.split()) for m in lines[1:49152 - 256 - 2 + 1]]


def clip_bpe_vocab(merges):
    """SimpleTokenizer's vocabulary order: 256 byte symbols, the same with '</w>', one per merge, SOT, EOT."""
    base = list(bytes_to_unicode().values())
    tokens = base + [b + '</w>' for b in base] + [''.join(m) for m in merges] + [SOT, EOT]
    vocab = {}
    for t in tokens:
        vocab.setdefault(t, len(vocab))
    assert len(vocab) == len(tokens), 'duplicate tokens in the BPE vocabulary'
    return vocab


def clip_bpe_tokenizer_json(merges):
    vocab = clip_bpe_vocab(merges)
    sot, eot = vocab[SOT], vocab[EOT]

    def added(content, i, normalized):
        return {'id': i, 'content': content, 'single_word': False, 'lstrip': False, 'rstrip': False,
                'normalized': normalized, 'special': True}

    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': [added(SOT, sot, True), added(EOT, eot, False)],
        'normalizer': {'type': 'Sequence', 'normalizers': [
            {'type': 'NFC'},
            {'type': 'Replace', 'pattern': {'Regex': r'\s+'}, 'content': ' '},
            {'type': 'Lowercase'},
        ]},
        'pre_tokenizer': {'type': 'Sequence', 'pretokenizers': [
            {'type': 'Split', 'pattern': {'Regex': CLIP_PATTERN}, 'behavior': 'Removed', 'invert': True},
            {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': False},
        ]},
        'post_processor': {'type': 'RobertaProcessing', 'sep': [EOT, eot], 'cls': [SOT, sot],
                           'trim_offsets': False, 'add_prefix_space': False},
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': '',
                  'end_of_word_suffix': '</w>', 'fuse_unk': False, 'byte_fallback': False,
                  'vocab': vocab, 'merges': [' '.join(m) for m in merges]},
    }


def _pairs(word):
    return {(word[i], word[i + 1]) for i in range(len(word) - 1)}


class ClipBpeReference:
    """OpenAI CLIP's SimpleTokenizer (open_clip's default 'lower' cleaning), without ftfy."""

    def __init__(self, merges):
        if _re is None:
            raise ImportError('the CLIP reference tokenizer needs the `regex` module (Debian: python3-regex)')
        self.vocab = clip_bpe_vocab(merges)
        self.ranks = {tuple(m): i for i, m in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.pat = _re.compile(CLIP_PATTERN, _re.IGNORECASE)
        self.sot, self.eot = self.vocab[SOT], self.vocab[EOT]

    def bpe(self, token):
        word = tuple(token[:-1]) + (token[-1] + '</w>',)
        pairs = _pairs(word)
        if not pairs:
            return [token + '</w>']
        while True:
            bigram = min(pairs, key=lambda p: self.ranks.get(p, float('inf')))
            if bigram not in self.ranks:
                break
            first, second = bigram
            new, i = [], 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                except ValueError:
                    new.extend(word[i:])
                    break
                new.extend(word[i:j])
                i = j
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new.append(first + second)
                    i += 2
                else:
                    new.append(word[i])
                    i += 1
            word = tuple(new)
            if len(word) == 1:
                break
            pairs = _pairs(word)
        return list(word)

    def encode(self, text):
        """Ids with SOT/EOT, untruncated."""
        text = html.unescape(html.unescape(text)).strip()
        text = _re.sub(r'\s+', ' ', text).strip().lower()
        ids = [self.sot]
        for token in self.pat.findall(text):
            token = ''.join(self.byte_encoder[b] for b in token.encode('utf-8'))
            ids.extend(self.vocab[t] for t in self.bpe(token))
        return ids + [self.eot]


def learn_bpe_merges(words, count):
    """A small deterministic BPE merge list over `words` (for test fixtures): most frequent pair first, ties by
    the pair itself. Words are split like SimpleTokenizer.bpe sees them (bytes as symbols, '</w>' on the last)."""
    enc = bytes_to_unicode()
    corpus = {}
    for w in words:
        sym = ''.join(enc[b] for b in w.lower().encode('utf-8'))
        key = tuple(sym[:-1]) + (sym[-1] + '</w>',)
        corpus[key] = corpus.get(key, 0) + 1
    merges = []
    for _ in range(count):
        freq = {}
        for word, n in corpus.items():
            for i in range(len(word) - 1):
                freq[(word[i], word[i + 1])] = freq.get((word[i], word[i + 1]), 0) + n
        if not freq:
            break
        best = min(freq, key=lambda p: (-freq[p], p))
        merges.append(best)
        merged = {}
        for word, n in corpus.items():
            new, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    new.append(word[i] + word[i + 1])
                    i += 2
                else:
                    new.append(word[i])
                    i += 1
            merged[tuple(new)] = merged.get(tuple(new), 0) + n
        corpus = merged
    return merges


# ------------------------------------------------------------------ BERT WordPiece (uncased)

BERT_SPECIALS = ('[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]')


def read_vocab_txt(path):
    with open(path, encoding='utf-8') as f:
        return [line.rstrip('\n') for line in f]


def bert_wordpiece_tokenizer_json(vocab_list, lowercase=True):
    vocab = {}
    for t in vocab_list:
        vocab.setdefault(t, len(vocab))
    for s in BERT_SPECIALS:
        if s not in vocab:
            raise ValueError(f'vocab has no {s}')

    def special(t):
        return {'SpecialToken': {'id': t, 'type_id': 0}}

    seq = lambda i, t: {'Sequence': {'id': i, 'type_id': t}}
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': [{'id': vocab[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
                          'normalized': False, 'special': True} for t in BERT_SPECIALS],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                       'strip_accents': None, 'lowercase': lowercase},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [special('[CLS]'), seq('A', 0), special('[SEP]')],
            'pair': [special('[CLS]'), seq('A', 0), special('[SEP]'), seq('B', 1), special('[SEP]')],
            'special_tokens': {t: {'id': t, 'ids': [vocab[t]], 'tokens': [t]} for t in ('[CLS]', '[SEP]')},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                  'max_input_chars_per_word': 100, 'vocab': vocab},
    }


def _is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith('P')


def _is_control(ch):
    if ch in '\t\n\r':
        return False
    return unicodedata.category(ch) in ('Cc', 'Cf')


def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF
            or 0x2F800 <= cp <= 0x2FA1F)


class BertWordPieceReference:
    """BERT's BasicTokenizer (uncased: clean, CJK spacing, lowercase + strip accents, punctuation split) and
    WordpieceTokenizer (greedy longest match, '##' continuation, [UNK] for an unsplittable word)."""

    def __init__(self, vocab_list):
        self.vocab = {}
        for t in vocab_list:
            self.vocab.setdefault(t, len(self.vocab))

    def words(self, text):
        out = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or _is_control(ch):
                continue
            out.append(' ' if ch.isspace() else (f' {ch} ' if _is_cjk(cp) else ch))
        text = unicodedata.normalize('NFD', ''.join(out).lower())
        text = ''.join(ch for ch in text if unicodedata.category(ch) != 'Mn')
        words = []
        for w in text.split():
            cur = ''
            for ch in w:
                if _is_punct(ch):
                    if cur:
                        words.append(cur)
                    words.append(ch)
                    cur = ''
                else:
                    cur += ch
            if cur:
                words.append(cur)
        return words

    def wordpiece(self, word):
        if len(word) > 100:
            return [self.vocab['[UNK]']]
        ids, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = word[start:end] if start == 0 else '##' + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.vocab['[UNK]']]
            ids.append(found)
            start = end
        return ids

    def encode(self, text):
        ids = [self.vocab['[CLS]']]
        for w in self.words(text):
            ids.extend(self.wordpiece(w))
        return ids + [self.vocab['[SEP]']]


def truncate(ids, max_len):
    """radalign's rule (HF's too): keep the leading special token and the final one, cut words from the end."""
    return ids if len(ids) <= max_len else ids[:max_len - 1] + [ids[-1]]
