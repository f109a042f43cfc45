"""The hostile payload corpus: what attackers put into text fields (issue 11).

Each payload has a kind; ``REFUSED`` kinds must be answered with a 4xx wherever they appear,
the others may be accepted and must then be stored verbatim (and rendered inert).
"""

from __future__ import annotations

PAYLOADS: dict[str, tuple[str, str]] = {
    # name: (kind, text)
    "xss-script": ("xss", "<script>window.__pwned=1</script>"),
    "xss-img": ("xss", '"><img src=x onerror="window.__pwned=1">'),
    "xss-svg": ("xss", "<svg/onload=window.__pwned=1>"),
    "xss-js-url": ("xss", "javascript:window.__pwned=1//"),
    "xss-attr": ("xss", "' autofocus onfocus='window.__pwned=1"),
    "sql-or": ("sql", "' OR '1'='1' -- "),
    "sql-drop": ("sql", "x'); DROP TABLE comments; --"),
    "sql-union": ("sql", "1 UNION SELECT password_hash FROM users--"),
    "template-jinja": ("template", "{{ 7*7 }} {% print(1) %} {{ config }}"),
    "template-other": ("template", "${7*7} #{7*7} <%= 7*7 %>"),
    "header-crlf": ("header", "a\r\nSet-Cookie: pwned=1\r\n\r\n<b>x</b>"),
    "traversal": ("traversal", "../../../../etc/passwd%00.txt"),
    "bidi": ("unicode", "\u202eevil\u202c \u200b zero\u2060width"),
    "emoji-astral": ("unicode", "😀𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ﷽"),
    "nul": ("refused", "a\x00b"),
    "bell": ("refused", "a\x07b"),
    "c1": ("refused", "a\x85b"),
    "surrogate": ("refused", "a\ud800b"),
}
#: Accepted payloads are also stored verbatim; these must never be.
REFUSED = "refused"
