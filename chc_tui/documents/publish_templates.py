"""The landlord's own templates for the published pack (issue 20.4): a Jinja2 HTML template
and a .docx to start from (their styles and letterhead). The shipped defaults are
templates/document/document.html.j2 (a good starting point to copy) and a blank document.

A landlord's template is a file handlers can change on a shared server: it is rendered in
Jinja2's sandbox with autoescape on (a template reaches only the document it is given), a
file anyone on the computer may write is refused, and a template that fails is named in the
error with what went wrong.
"""

from __future__ import annotations

import stat
from pathlib import Path

from chc_tui.documents import document_writers as writers
from chc_tui.documents.document import Document
from chc_tui.rules.domain import StepRefused


def _refuse_unsafe(path: Path, what: str, field: str) -> None:
    if not path.is_file():
        raise StepRefused(f"the {what} {path} is not a file", field)
    for each in (path, path.parent):
        if each.stat().st_mode & stat.S_IWOTH:
            raise StepRefused(f"the {what} {path} is not used: {each} can be changed by anyone on this computer; "
                              f"run: chmod o-w '{each}'", field)


def render_html(document: Document, template: Path) -> str:
    """The document through the landlord's Jinja2 template (sandboxed, autoescaped); it gets
    `document` and the filters and tests the shipped template uses."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    template = Path(template).expanduser()
    _refuse_unsafe(template, "HTML template", "html_template")
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(template.parent)),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    writers.add_document_filters(env)
    try:
        return env.get_template(template.name).render(document=document)
    except jinja2.TemplateSyntaxError as exc:
        raise StepRefused(f"the HTML template {exc.filename or template} failed at line {exc.lineno}: {exc.message}",
                          "html_template") from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
        raise StepRefused(f"the HTML template {template} failed: {exc}", "html_template") from None


def write_docx(document: Document, base: Path, out: Path) -> Path:
    """The document written into a copy of the landlord's .docx (their styles, headers and
    letterhead kept, their body text first)."""
    base = Path(base).expanduser()
    _refuse_unsafe(base, "Word base document", "docx_base")
    from docx import Document as WordDocument
    from docx.opc.exceptions import PackageNotFoundError

    try:
        WordDocument(str(base))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise StepRefused(f"the Word base document {base} could not be used: it is not a .docx Word can open "
                          f"({exc.__class__.__name__})", "docx_base") from None
    return writers.write_atomically(out, lambda path: writers.write_docx(document, path, base=base))
