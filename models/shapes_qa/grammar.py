"""The Shapes-QA vocabulary, exactly as DESIGN §5 defines it.

Everything that names a thing in a scene lives here so the generator, the tokenizer builder and
the tests share one source of truth.
"""

SHAPES = ("circle", "square", "triangle", "star")

# Saturated RGB values chosen far apart from each other and from the pale backgrounds, so a
# colour is recoverable from any single pixel of an object.
COLORS = {
    "red": (220, 30, 30),
    "green": (30, 170, 50),
    "blue": (30, 70, 220),
    "yellow": (235, 200, 0),
    "purple": (140, 40, 180),
    "orange": (245, 130, 0),
}

SIZES = ("small", "large")

# Row-major 3×3 grid: POSITIONS[row][col].
POSITIONS = (
    ("top left", "top", "top right"),
    ("left", "center", "right"),
    ("bottom left", "bottom", "bottom right"),
)

NUMBER_WORDS = ("one", "two", "three", "four")

MIN_OBJECTS = 1
MAX_OBJECTS = 4

TEMPLATE_NAMES = {
    1: "color_of_shape",
    2: "shape_of_color",
    3: "where",
    4: "count",
    5: "describe",
    6: "exists",
}


def plural(shape: str) -> str:
    """The plural used by template 4 ("How many {shape}s are there?")."""
    assert shape in SHAPES, f"expected one of {SHAPES}, found {shape!r}"
    return shape + "s"


def split_words(text: str) -> list[str]:
    """Split a prompt or answer into the word-level units the demo tokenizer uses.

    Words are runs of letters; each punctuation mark is its own unit. Region word indices in
    annotations.jsonl refer to this split of the answer.
    """
    out: list[str] = []
    word = ""
    for ch in text:
        if ch.isalpha():
            word += ch
            continue
        if word:
            out.append(word)
            word = ""
        if not ch.isspace():
            out.append(ch)
    if word:
        out.append(word)
    return out
