"""Text from the database printed to a terminal: a resident's name or a summary holding
an escape sequence must not recolour, retitle or rewrite the handler's terminal (issue 15).
"""

from __future__ import annotations

# C0 controls but newline and tab, DEL, and the C1 controls, each shown as a visible \xNN;
# the screens draw them the same way (screens/format.draw_controls_visibly).
CONTROLS = {code: f"\\x{code:02x}" for code in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)) if chr(code) not in "\n\t"}


def terminal_safe(text: object) -> str:
    """`text` with every control character that a terminal would act on made visible."""
    return str(text).translate(CONTROLS)
