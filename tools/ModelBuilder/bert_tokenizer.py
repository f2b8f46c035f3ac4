"""Vocabulary loading and a compact BERT (uncased) tokenizer: basic tokenizer + greedy WordPiece.

This mirrors what BertTokenizer(do_lower_case=True) does for ordinary text; it is used by the model
builder for tuning/evaluation and to produce token ids for the ONNX Runtime checks.
"""
import json
import re
import unicodedata

SPECIAL_TOKENS = {"[PAD]": 0, "[unused0]": 1, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103}
_SPECIAL_RE = re.compile(r"^\[(PAD|UNK|CLS|SEP|MASK|unused\d+)\]$")
_WORD_START = "\u2581"  # '▁'


def load_vocab_json(path):
    """Read the bert-base-uncased vocabulary from the JSON array and return vocab.txt lines.

    The JSON uses a SentencePiece-like spelling: word-initial pieces carry a leading '▁' and
    continuation pieces have no prefix. vocab.txt spells word-initial pieces bare and
    continuation pieces with '##'. Entry 1 reads '▁' where vocab.txt has '[unused0]'.
    """
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    if not isinstance(raw, list) or len(raw) != 30522:
        raise SystemExit(f"{path}: expected a JSON array of 30522 tokens")
    tokens = []
    for i, tok in enumerate(raw):
        if i == 1 and tok == _WORD_START:
            tokens.append("[unused0]")
        elif _SPECIAL_RE.match(tok):
            tokens.append(tok)
        elif tok.startswith(_WORD_START) and len(tok) > 1:
            tokens.append(tok[1:])
        else:
            tokens.append("##" + tok)
    for tok, idx in SPECIAL_TOKENS.items():
        assert tokens[idx] == tok, (idx, tokens[idx], tok)
    assert len(set(tokens)) == len(tokens), "duplicate vocabulary entries"
    # Spot checks against the well-known bert-base-uncased vocab.txt.
    assert tokens[1996] == "the" and tokens[1012] == "." and tokens[2102] == "##t", "unexpected vocab"
    assert tokens[29612] == "##!" and tokens[30521] == "##\uff5e", "unexpected vocab"
    return tokens


def _is_whitespace(ch):
    if ch in " \t\n\r":
        return True
    return unicodedata.category(ch) == "Zs"


def _is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def _is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_tokenize(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if _is_whitespace(ch):
            out.append(" ")
        elif _is_cjk(cp):
            out.append(" " + ch + " ")
        else:
            out.append(ch)
    words = []
    for tok in "".join(out).split():
        tok = unicodedata.normalize("NFD", tok.lower())
        tok = "".join(c for c in tok if unicodedata.category(c) != "Mn")
        cur = []
        for ch in tok:
            if _is_punctuation(ch):
                if cur:
                    words.append("".join(cur))
                    cur = []
                words.append(ch)
            else:
                cur.append(ch)
        if cur:
            words.append("".join(cur))
    return words


class BertTokenizer:
    def __init__(self, vocab_tokens):
        self.tokens = vocab_tokens
        self.ids = {t: i for i, t in enumerate(vocab_tokens)}
        self.unk = self.ids["[UNK]"]
        self.cls = self.ids["[CLS]"]
        self.sep = self.ids["[SEP]"]

    def wordpiece(self, word):
        if len(word) > 100:
            return [self.unk]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                sub = word[start:end] if start == 0 else "##" + word[start:end]
                if sub in self.ids:
                    found = self.ids[sub]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            pieces.append(found)
            start = end
        return pieces

    def encode(self, text, max_length=512):
        ids = [self.cls]
        for w in basic_tokenize(text):
            ids.extend(self.wordpiece(w))
        ids = ids[: max_length - 1]
        ids.append(self.sep)
        return ids
