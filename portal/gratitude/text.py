"""How a story's plain text becomes HTML: escaped, paragraphs kept, line breaks kept, links left as text."""
from __future__ import annotations

import re

from markupsafe import Markup, escape


def paragraphs(text: str) -> Markup:
    """Blank lines separate paragraphs; a single line break stays a line break. Nothing becomes a link."""
    blocks = [block.strip("\n") for block in re.split(r"\n\s*\n", text or "") if block.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(line) for line in block.split("\n")))
                           for block in blocks)
