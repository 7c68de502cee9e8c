"""What the board changed: a word-level comparison of the group's text and the board's amended text.

The group's text is rich text (paragraphs, headings, lists, emphasis, links); the board's amended
text is plain text, paragraphs separated by blank lines. Both are compared as words, paragraph by
paragraph: formatting is not compared, only what a reader reads. The result is a list of
paragraphs, each a list of ``(kind, text)`` pieces where kind is ``"same"``, ``"inserted"`` or
``"deleted"``; the template marks them with ``<ins>`` and ``<del>`` and says so in words for
screen readers and in print (never colour alone).
"""

import difflib
import re

from bs4 import BeautifulSoup
from wagtail.rich_text import expand_db_html

BLOCKS = ["p", "h2", "h3", "h4", "li", "blockquote"]
PARAGRAPH = "\n"
WORDS = re.compile(r"\S+")


def rich_text_paragraphs(html):
    """The paragraphs of rich text as a reader reads them: text only, spaces normalised."""
    soup = BeautifulSoup(expand_db_html(html or ""), "html.parser")
    blocks = soup.find_all(BLOCKS)
    texts = (
        [block.get_text(" ") for block in blocks if not block.find(BLOCKS)]
        if blocks
        else [soup.get_text(" ")]
    )
    return [" ".join(text.split()) for text in texts if text.split()]


def plain_text_paragraphs(text):
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text or "") if part.split()]


def _tokens(paragraphs):
    tokens = []
    for index, paragraph in enumerate(paragraphs):
        if index:
            tokens.append(PARAGRAPH)
        tokens.extend(WORDS.findall(paragraph))
    return tokens


def word_diff(original_html, amended_text):
    """The amended text against the original, as paragraphs of ``(kind, text)`` pieces."""
    before = _tokens(rich_text_paragraphs(original_html))
    after = _tokens(plain_text_paragraphs(amended_text))
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    paragraphs = [[]]

    def add(kind, words):
        for word in words:
            if word == PARAGRAPH:
                paragraphs.append([])
                continue
            pieces = paragraphs[-1]
            if pieces and pieces[-1][0] == kind:
                pieces[-1] = (kind, f"{pieces[-1][1]} {word}")
            else:
                pieces.append((kind, word))

    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if operation == "equal":
            add("same", after[b_start:b_end])
        else:
            if operation in ("delete", "replace"):
                add("deleted", before[a_start:a_end])  # a removed paragraph stays a paragraph
            if operation in ("insert", "replace"):
                add("inserted", after[b_start:b_end])
    return [pieces for pieces in paragraphs if pieces]


def changed(pieces_by_paragraph):
    return any(kind != "same" for pieces in pieces_by_paragraph for kind, _text in pieces)
