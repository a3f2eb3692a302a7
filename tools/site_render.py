"""The static site's rendering: TeX to MathML, and the exporter of the lesson pages.

Used by ``tools/build_site.py`` (see its docstring for the decisions). The math is
converted at build time by latex2mathml (MIT licence, from PyPI; a build-only
dependency, ``pip install -e '.[site]'``), so the pages need no script and no network:
browsers typeset MathML themselves (Chromium since 109, Firefox, Safari). The lesson
pages use nbconvert's "lab" template with the head replaced by
``tools/site/lesson.html.j2`` (no scripts, one stylesheet: ``tools/site/site.css``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

__all__ = ["TeXError", "tex_to_mathml", "site_exporter", "SITE_FILES"]

SITE_FILES = Path(__file__).resolve().with_name("site")   # the template and site.css


class TeXError(ValueError):
    """A formula that latex2mathml cannot turn into MathML without leaving TeX behind."""


# MathML Core (what browsers implement) ignores mathvariant except "normal": styled letters
# must be the Unicode mathematical alphanumerics themselves. (start of A-Z, a-z, 0-9; holes)
_ALPHANUMERICS = {
    "bold": (0x1D400, 0x1D41A, 0x1D7CE, {}),
    "double-struck": (0x1D538, 0x1D552, 0x1D7D8, {"C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ",
                                                  "Q": "ℚ", "R": "ℝ", "Z": "ℤ"}),
    "script": (0x1D49C, 0x1D4B6, None, {"B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ",
                                        "L": "ℒ", "M": "ℳ", "R": "ℛ", "e": "ℯ", "g": "ℊ",
                                        "o": "ℴ"}),
}
_FENCE_NAMES = {"\\lVert": "&#x02016;", "\\rVert": "&#x02016;", "\\Vert": "&#x02016;",
                "\\|": "&#x02016;", "\\lvert": "|", "\\rvert": "|", "\\vert": "|",
                "\\langle": "&#x027E8;", "\\rangle": "&#x027E9;"}
_NONSTRETCHY = ("&#x02016;", "|", "&#x0007C;")


def _styled(variant: str, text: str) -> str | None:
    if variant not in _ALPHANUMERICS or len(text) != 1 or not text.isascii():
        return None
    upper, lower, digit, holes = _ALPHANUMERICS[variant]
    if text in holes:
        return holes[text]
    if "A" <= text <= "Z":
        return chr(upper + ord(text) - ord("A"))
    if "a" <= text <= "z":
        return chr(lower + ord(text) - ord("a"))
    if "0" <= text <= "9" and digit:
        return chr(digit + ord(text) - ord("0"))
    return None


def tex_to_mathml(tex: str, display: bool = False) -> str:
    """``<math>`` markup for one TeX formula, for any browser that shows MathML.

    latex2mathml does the conversion; a few fixes make its output read like TeX in
    MathML Core browsers (Chromium, Firefox, Safari): styled letters (``\\mathbb E``,
    ``\\mathbf 1``) become Unicode mathematical letters, ``\\lVert``-style fences become
    their characters, bare ``|``/``‖`` do not stretch (as in TeX), a sized fence with
    a script (``\\Big\\rVert_F``) is as tall as its partner, and ``\\sin\\theta`` gets
    its thin space. Raises
    :class:`TeXError` when the formula cannot be converted or leaves a TeX command in
    the result, so the site never shows raw TeX.
    """
    from latex2mathml.converter import convert
    try:
        out = convert(tex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many kinds of errors on bad TeX
        raise TeXError(f"cannot typeset the formula {tex!r}: {exc}") from None

    def fence(m):
        return m.group(1) + _FENCE_NAMES.get(m.group(2), m.group(2)) + "</mo>"
    out = re.sub(r"(<mo[^>]*>)(\\[A-Za-z|]+)</mo>", fence, out)
    out = re.sub(r"<mo>(" + "|".join(re.escape(c) for c in _NONSTRETCHY) + r")</mo>",
                 r'<mo stretchy="false">\1</mo>', out)
    # \sin\theta: TeX's thin space between a function name and a letter or number
    out = re.sub(r"(<mi>(?:sin|cos|tan|log|ln|exp|det|dim|tr|arccos|arcsin)</mi>)(?=<m[in][ >])",
                 r'\1<mspace width="0.1667em"></mspace>', out)
    # a sized fence (\Big\rVert) carrying a script: Chromium does not stretch an operator
    # that is the base of msub/msup, so the fence goes before an empty-based script
    out = re.sub(r"<(msub|msup|msubsup)><mo( [^>]*minsize[^>]*)>([^<]*)</mo>",
                 r"<mo\2>\3</mo><\1><mrow></mrow>", out)

    def styled(m):
        char = _styled(m.group(2), m.group(3))
        return m.group(0) if char is None else f"<{m.group(1)}>{char}</{m.group(1)}>"
    out = re.sub(r'<(mi|mn) mathvariant="([a-z-]+)">([^<]*)</\1>', styled, out)
    out = re.sub(r'<mtext mathvariant="monospace">([^<]*)</mtext>',
                 lambda m: '<mtext class="tt">' + m.group(1).replace("\\_", "_") + "</mtext>", out)
    left = re.search(r">[^<]*(\\[A-Za-z]+)", out)
    if left:
        raise TeXError(f"the formula {tex!r} keeps the TeX command {left.group(1)} "
                       f"that latex2mathml does not convert")
    return out.replace("<math ", f'<math alttext="{html.escape(tex.strip())}" ', 1)


def site_exporter(HTMLExporter):
    """nbconvert's lab template with our head (no scripts, site.css) and MathML math."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    class MathMLRenderer(IPythonRenderer):
        def block_math(self, body):
            return tex_to_mathml(body, display=True)

        def multiline_math(self, text):
            return tex_to_mathml(text.strip().strip("$"), display=True)

        def latex_environment(self, name, body):
            return tex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)

        def inline_math(self, body):
            return tex_to_mathml(body)

    class SiteExporter(HTMLExporter):
        def markdown2html(self, context, source):
            cell = context.get("cell", {})
            path = context.get("resources", {}).get("metadata", {}).get("path", "")
            renderer = MathMLRenderer(escape=False, attachments=cell.get("attachments", {}),
                                      embed_images=self.embed_images, path=path,
                                      anchor_link_text=self.anchor_link_text,
                                      exclude_anchor_links=self.exclude_anchor_links,
                                      **self.lexer_options)
            return MarkdownWithMath(renderer=renderer).render(source)

        def markdown(self, source: str) -> str:
            """Markdown (with math) to HTML outside a notebook: the index page."""
            return self.markdown2html({}, source)

    # contextfilter marks the method for Jinja; keep the mark on the override
    SiteExporter.markdown2html.jinja_pass_arg = getattr(
        HTMLExporter.markdown2html, "jinja_pass_arg", None)
    return SiteExporter(template_name="lab", extra_template_paths=[str(SITE_FILES)],
                        template_file="lesson.html.j2", exclude_input_prompt=True,
                        exclude_output_prompt=True, exclude_anchor_links=True)
