"""Tokenizer for radalign's default model: whole lower-case words (BertPreTokenizer rules) in a WordPiece model
without ## pieces, so a word is its id or [UNK]; [BOS] text [EOS]. Written as a Hugging Face tokenizer.json that
tokenizers.js loads; `encode` here re-implements the same rules (Python has no `tokenizers` library on this
machine) and the JS test checks that both give the same ids."""
import collections
import unicodedata

SPECIALS_FRONT = ['[PAD]', '[UNK]']
SPECIALS_BACK = ['[BOS]', '[EOS]']


def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith('P')


def bert_pre_tokenize(text):
    words, cur = [], ''
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch).startswith('C') and ch not in '\t\n\r'):
            continue
        if ch.isspace() or is_punctuation(ch):
            if cur:
                words.append(cur)
                cur = ''
            if is_punctuation(ch):
                words.append(ch)
        else:
            cur += ch
    if cur:
        words.append(cur)
    return words


def words_of(text):
    return bert_pre_tokenize(text.lower())


class Tokenizer:
    def __init__(self, vocab):
        self.vocab = vocab
        self.pad, self.unk = vocab['[PAD]'], vocab['[UNK]']
        self.bos, self.eos = vocab['[BOS]'], vocab['[EOS]']

    @staticmethod
    def build(texts, min_count=2, extra=()):
        c = collections.Counter(w for t in texts for w in words_of(t))
        words = sorted(w for w, n in c.items() if n >= min_count and len(w) <= 100)
        for w in extra:
            for x in words_of(w):
                if x not in words:
                    words.append(x)
        tokens = SPECIALS_FRONT + [w for w in words if w not in SPECIALS_FRONT + SPECIALS_BACK] + SPECIALS_BACK
        return Tokenizer({t: i for i, t in enumerate(tokens)})

    def encode(self, text, max_len=None):
        """tokenizers.js encode(text).ids, then radalign's truncation (keep [BOS] ... [EOS])."""
        ids = [self.bos] + [self.vocab.get(w, self.unk) for w in words_of(text)] + [self.eos]
        if max_len is not None and len(ids) > max_len:
            ids = ids[:max_len - 1] + [self.eos]
        return ids

    def to_json(self):
        added = [{'id': self.vocab[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
                  'normalized': False, 'special': True} for t in SPECIALS_FRONT + SPECIALS_BACK]
        special = lambda t: {'SpecialToken': {'id': t, 'type_id': 0}}
        return {
            'version': '1.0', 'truncation': None,
            'padding': None,
            'added_tokens': added,
            'normalizer': {'type': 'Lowercase'},
            'pre_tokenizer': {'type': 'BertPreTokenizer'},
            'post_processor': {
                'type': 'TemplateProcessing',
                'single': [special('[BOS]'), {'Sequence': {'id': 'A', 'type_id': 0}}, special('[EOS]')],
                'pair': [special('[BOS]'), {'Sequence': {'id': 'A', 'type_id': 0}}, special('[EOS]'),
                         {'Sequence': {'id': 'B', 'type_id': 1}}, special('[EOS]')],
                'special_tokens': {t: {'id': t, 'ids': [self.vocab[t]], 'tokens': [t]} for t in SPECIALS_BACK},
            },
            'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
            'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                      'max_input_chars_per_word': 100, 'vocab': self.vocab},
        }


def model_text(s):
    """The engine's modelText: runs of whitespace collapsed, trimmed."""
    return ' '.join(s.split())


def report_chunks(sentences, count_tokens, max_tokens):
    """The engine's reportChunks: describing sentences (all if none) joined into chunks that fit max_tokens."""
    use = [s for s in sentences if s['describesImage']] or sentences
    chunks, cur = [], ''
    for s in use:
        t = model_text(s['text'])
        joined = f'{cur} {t}' if cur else t
        if cur and count_tokens(joined) > max_tokens:
            chunks.append(cur)
            cur = t
        else:
            cur = joined
    if cur:
        chunks.append(cur)
    return chunks
