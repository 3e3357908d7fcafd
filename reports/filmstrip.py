"""The HTML fragment of a scenario's render: filmstrip, animated preview, visual metrics.

The images are the small ones the run kept (:class:`~synharness.render.visual.RenderPreview`),
inlined as ``data:`` URIs so that the page stays one self-contained file. A
scenario without a render gives an empty fragment; a render without images
(verbosity 0, or kept out of the run) gives the metrics line alone.
"""

from __future__ import annotations

import base64
from html import escape

from synharness.render.visual import ScenarioRender

#: CSS of the fragment (the HTML reporter adds it to its page's style).
CSS = """
.render { margin: .5rem 0 1rem; } .render img { image-rendering: pixelated; border: 1px solid #d0d7de; }
.render .strip { display: block; max-width: 100%; } .render .anim { width: 12rem; height: auto; }
"""


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def render_fragment(render: ScenarioRender | None, *, images: bool = True) -> str:
    """The ``<figure>`` of one scenario's render ("" when there is none).

    Args:
        render: The scenario's render.
        images: Include the filmstrip and the animation (when the render kept them).
    """
    if render is None:
        return ""
    m = render.metrics
    if m is None:
        return (
            '<p class="note">Shader not rendered (it does not compile, or the driver '
            "refused it): see the findings.</p>\n"
        )
    codes = f" · {escape(', '.join(render.codes))}" if render.codes else ""
    caption = (
        f"{m.frames} frames {m.width}x{m.height} at {m.fps:g} fps ({escape(render.profile)}) · "
        f"mean luminance {m.mean_luminance:.3f} · contrast {m.contrast:.3f} · "
        f"motion {m.motion_energy:.3f}/s · flashes {m.flashes_per_second:g}/s "
        f"(red {m.red_flashes_per_second:g}/s){codes}"
    )
    parts = ['<figure class="render">\n']
    preview = render.preview
    if images and preview is not None:
        parts.append(
            f'<img class="anim" alt="animated preview" '
            f'src="{_data_uri(preview.animation_mime, preview.animation)}">\n'
            f'<img class="strip" alt="filmstrip" '
            f'src="{_data_uri(preview.filmstrip_mime, preview.filmstrip)}">\n'
        )
    parts.append(f'<figcaption class="meta">{caption}</figcaption>\n</figure>\n')
    return "".join(parts)
