"""Word-level tokenizer covering the whole Shapes-QA grammar (DESIGN §5).

Case is kept (answers are compared exactly, "The" ≠ "the"); punctuation marks are their own
tokens and the WordPiece decoder's cleanup glues them back ("red ." → "red."), so decoding an
answer's ids reproduces the answer string.
"""

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors

from models.shapes_qa import grammar

UNK, BOS, EOS, PAD, IMAGE = "<unk>", "<s>", "</s>", "<pad>", "<image>"

# Template skeleton words (prompts and answers), the chat-template words, punctuation.
_FIXED_WORDS = (
    "USER ASSISTANT What color is the shape object Where at How many are there Describe image "
    "Is a The There Yes No no A and one"
).split() + [":", "?", ".", ","]


def vocabulary() -> list[str]:
    """Every word the grammar can produce, specials first (ids 0..3), in a fixed order."""
    words = [UNK, BOS, EOS, PAD]
    content = list(_FIXED_WORDS)
    content += list(grammar.SHAPES) + [grammar.plural(s) for s in grammar.SHAPES]
    content += list(grammar.COLORS) + list(grammar.SIZES) + list(grammar.NUMBER_WORDS)
    content += [w for row in grammar.POSITIONS for p in row for w in p.split()]
    for w in content:
        if w not in words:
            words.append(w)
    return words


def build_tokenizer() -> Tokenizer:
    """WordLevel model over `vocabulary()`, <s> prepended, <image> a special added token."""
    vocab = {w: i for i, w in enumerate(vocabulary())}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token=UNK))
    # Whitespace splits \w+ and runs of punctuation; "?." never occur together in the grammar.
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.decoder = decoders.WordPiece(prefix="##", cleanup=True)
    # Marking the specials (already in the vocabulary) lets decode(skip_special_tokens) drop them.
    tok.add_special_tokens([UNK, BOS, EOS, PAD, IMAGE])
    tok.post_processor = processors.TemplateProcessing(
        single=f"{BOS} $A", pair=f"{BOS} $A {BOS} $B", special_tokens=[(BOS, vocab[BOS])])
    return tok
