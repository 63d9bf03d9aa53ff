"""An SVG logo rebuilt from an allow-list: what is published is never the uploaded file.

A logo is a file of the site: opened on its own (its URL in the address bar, a
link in a member's description) it runs with the site's origin, so a block-list
of dangerous names is never enough (processing instructions, XSLT, XHTML in a
foreign namespace, style sheets that load from elsewhere all slipped past one).
Here the file is parsed with lxml (no entities, no network, no DTD), and a new
document is built of SVG elements and attributes this module knows, in the SVG
namespace only. What can only be harmless editor leftovers (comments, metadata,
Inkscape or Illustrator attributes, unknown attributes) is dropped in silence;
what can only be meant to script, load or navigate is refused, naming the part
and its line, so the member learns what to export differently.
"""
from __future__ import annotations

import re
from typing import Any

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"

# namespaces drawing programs write; their elements and attributes are dropped, never published
EDITOR_NAMESPACES = (
    "http://www.inkscape.org/namespaces/inkscape", "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#", "http://web.resource.org/cc/", "http://ns.adobe.com/",
    "http://www.bohemiancoding.com/sketch/ns", "http://www.serif.com/", "http://www.figma.com/",
    "http://ns.adobe.com/AdobeIllustrator/10.0/", "http://ns.adobe.com/AdobeSVGViewerExtensions/3.0/",
    "&ns_", "http://www.corel.com/coreldraw/svg",
)

SHAPES = {"path", "rect", "circle", "ellipse", "line", "polyline", "polygon"}
FILTERS = {"filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
           "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA",
           "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology",
           "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence"}
ELEMENTS = {"svg", "g", "defs", "title", "desc", "symbol", "use", "text", "tspan", "textPath", "linearGradient",
            "radialGradient", "stop", "pattern", "clipPath", "mask", "marker", "style", "image", "switch",
            *SHAPES, *FILTERS}
# dropped with everything inside them: nothing of theirs is drawn
DROPPED = {"metadata", "animate", "animateMotion", "animateTransform", "set", "mpath", "discard", "namedview"}
# unwrapped: their children are kept in a <g>, the link is not
UNWRAPPED = {"a"}
HOSTILE = {"script": "runs script", "foreignObject": "can hold a web page", "handler": "runs script",
           "listener": "runs script", "iframe": "loads another page", "embed": "loads another file",
           "object": "loads another file", "feImage": "loads another file", "audio": "loads another file",
           "video": "loads another file"}

ATTRIBUTES = {
    "id", "class", "style", "transform", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "d",
    "points", "pathLength", "width", "height", "viewBox", "preserveAspectRatio", "version", "fill",
    "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity", "color",
    "display", "visibility", "clip-path", "clip-rule", "clipPathUnits", "mask", "maskUnits",
    "maskContentUnits", "filter", "filterUnits", "primitiveUnits", "gradientUnits", "gradientTransform",
    "spreadMethod", "fx", "fy", "fr", "offset", "stop-color", "stop-opacity", "patternUnits",
    "patternContentUnits", "patternTransform", "font-family", "font-size", "font-size-adjust", "font-weight",
    "font-style", "font-variant", "font-stretch", "text-anchor", "dominant-baseline", "alignment-baseline",
    "baseline-shift", "letter-spacing", "word-spacing", "text-decoration", "writing-mode", "direction",
    "unicode-bidi", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method", "spacing",
    "side", "marker-start", "marker-mid", "marker-end", "markerWidth", "markerHeight", "markerUnits", "refX",
    "refY", "orient", "overflow", "in", "in2", "result", "stdDeviation", "mode", "operator", "k1", "k2", "k3",
    "k4", "values", "type", "tableValues", "slope", "intercept", "amplitude", "exponent", "offset",
    "flood-color", "flood-opacity", "lighting-color", "radius", "scale", "xChannelSelector",
    "yChannelSelector", "baseFrequency", "numOctaves", "seed", "stitchTiles", "edgeMode", "order",
    "kernelMatrix", "divisor", "bias", "targetX", "targetY", "preserveAlpha", "surfaceScale",
    "diffuseConstant", "specularConstant", "specularExponent", "kernelUnitLength", "azimuth", "elevation",
    "z", "pointsAtX", "pointsAtY", "pointsAtZ", "limitingConeAngle", "color-interpolation",
    "color-interpolation-filters", "color-rendering", "shape-rendering", "text-rendering", "image-rendering",
    "vector-effect", "paint-order", "mix-blend-mode", "isolation", "transform-origin", "role", "aria-label",
    "aria-labelledby", "aria-describedby", "aria-hidden", "focusable", "lang", "media",
    "requiredFeatures", "requiredExtensions", "systemLanguage", "href",
}
# where an in-document #fragment link means something; <image> may also embed a raster picture
HREF_ELEMENTS = {"use", "textPath", "linearGradient", "radialGradient", "pattern", "filter", "image"}
FRAGMENT = re.compile(r"#[A-Za-z_][\w.:-]*")
EMBEDDED = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*")
SCRIPT_ADDRESS = re.compile(r"(java|vb)script:|data:(text|application)", re.I)
_CONTROL = re.compile(r"[\x00-\x20]+")
CSS_FUNCTIONS = {"rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "color", "calc", "min", "max",
                 "clamp", "var", "url", "translate", "translatex", "translatey", "rotate", "scale", "scalex",
                 "scaley", "matrix", "skewx", "skewy", "cubic-bezier", "steps", "drop-shadow", "blur"}
_CSS_CALL = re.compile(r"(?<![@\w-])([A-Za-z-][\w-]*)\(")  # a function token: no space before (
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]*)\1\s*\)", re.I)
_CSS_AT = re.compile(r"@([\w-]*)")

# SVG problems: (message, hint); a logo needs only shapes, text and images.
SVG_ENTITIES = ("defines XML entities, which logos may not", "export it again as plain SVG")
SVG_NOT_SVG = ("is not an SVG image (its first element is not <svg>)", "export it again as SVG")


def svg_unreadable(reason: str) -> tuple[str, str]:
    return f"is not a valid SVG file ({reason})", "export it again as SVG"


def svg_element(name: str) -> tuple[str, str]:
    return f"contains <{name}>, which can run code", "remove it: a logo needs only shapes, text and images"


def svg_handler(attr: str, element: str) -> tuple[str, str]:
    return f"has an event handler ({attr} on <{element}>), which can run code", "remove the attribute"


SVG_SCRIPT_ADDRESS = ("has a javascript: address, which can run code", "remove it")


def svg_part(what: str) -> tuple[str, str]:
    return (f"has {what}", "export the logo again as a plain SVG (shapes, text, gradients), without scripts, links "
            "or style sheets")


def svg_outside_link(value: str) -> tuple[str, str]:
    return (f"links to '{value.strip()[:60]}'",
            "a logo may only link within itself or embed PNG, JPEG, GIF or WebP images")


def parse(raw: bytes):  # -> lxml root element
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_blank_text=False, dtd_validation=False)
    return etree.fromstring(raw, parser)


def css_problem(text: str) -> str | None:
    """Why a piece of CSS (a style attribute or element) could load or run something, as words that
    follow "that"; None when it cannot."""
    if "\\" in text:
        return "uses escapes, which can hide an address"
    for m in _CSS_AT.finditer(text):
        if m.group(1).lower() != "media":
            return f"has @{m.group(1)[:40]}, which can load another file"
    for m in _CSS_CALL.finditer(text):
        if m.group(1).lower() not in CSS_FUNCTIONS:
            return f"calls {m.group(1)[:40]}(…), which can load another file"
    problem = _url_problem(text)
    if problem:
        return problem
    compact = _CONTROL.sub("", text).lower()
    if SCRIPT_ADDRESS.search(compact) or any(w in compact for w in ("expression", "binding", "behavior")):
        return "could run script"
    return None


def _local(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return None, tag


def _editor(ns: str | None) -> bool:
    return ns is not None and any(ns.startswith(p) for p in EDITOR_NAMESPACES)


class Cleaner:
    """Rebuilds one SVG; every hostile part met is in .found as (message, hint), each once."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def refuse(self, problem: tuple[str, str]) -> None:
        if problem not in self.found:
            self.found.append(problem)

    def clean(self, raw: bytes) -> bytes | None:
        """The published form of an SVG logo, or None when .found says what is hostile in it.
        Raises lxml's XMLSyntaxError for a file that is not XML."""
        from lxml import etree
        if b"<!ENTITY" in raw:
            self.refuse(SVG_ENTITIES)
            return None
        root = parse(raw)
        dtd = root.getroottree().docinfo.internalDTD
        if dtd is not None and list(dtd.iterentities()):
            self.refuse(SVG_ENTITIES)
            return None
        for node in (*root.itersiblings(preceding=True), *root.itersiblings(), *root.iter(etree.PI)):
            if isinstance(node, etree._ProcessingInstruction):
                self._check_pi(node)
        ns, name = _local(root.tag)
        if name != "svg" or ns not in (SVG, None):
            self.refuse(SVG_NOT_SVG)
            return None
        out = etree.Element(f"{{{SVG}}}svg", nsmap={None: SVG, "xlink": XLINK})
        self._copy_attributes(root, out, "svg")
        self._copy_children(root, out, ns)  # a file without xmlns is meant as SVG: published as SVG
        if self.found:
            return None
        etree.cleanup_namespaces(out)
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(out, encoding="utf-8") + b"\n"

    def _check_pi(self, node: Any) -> None:
        if node.target.lower() == "xml-stylesheet":  # any other instruction is dropped: browsers ignore them
            self.refuse(svg_part(f"<?xml-stylesheet?> (line {node.sourceline}), which loads a style sheet "
                                          "or a transformation from another file"))

    def _copy_children(self, src: Any, dst: Any, default_ns: str | None) -> None:
        from lxml import etree
        last = None
        dst.text = src.text
        for child in src:
            if not isinstance(child, etree._Element) or isinstance(
                    child, (etree._Comment, etree._Entity, etree._ProcessingInstruction)):
                last = _tail(dst, last, child.tail)  # (instructions were checked already)
                continue
            ns, name = _local(child.tag)
            if ns != SVG and ns != default_ns:
                if not _editor(ns):
                    self.refuse(svg_part(f"<{name}> of another language ({ns}, line {child.sourceline}); "
                                                  "a logo may hold SVG only"))
                last = _tail(dst, last, child.tail)
                continue
            if name in HOSTILE:
                self.refuse(svg_element(name.lower()))
                last = _tail(dst, last, child.tail)
                continue
            if name in DROPPED:
                self._check_animation(child, name)
                last = _tail(dst, last, child.tail)
                continue
            if name in UNWRAPPED:  # the drawing stays, the link does not
                name = "g"
            elif name not in ELEMENTS:  # an element no browser draws: nothing of it is published
                last = _tail(dst, last, child.tail)
                continue
            new = etree.SubElement(dst, f"{{{SVG}}}{name}")
            self._copy_attributes(child, new, name)
            if name == "style":
                text = "".join(child.itertext())
                problem = css_problem(text)
                if problem:
                    self.refuse(svg_part(f"<style> (line {child.sourceline}) that {problem}"))
                new.text = text
            else:
                self._copy_children(child, new, default_ns)
            new.tail = child.tail
            last = new

    def _check_animation(self, el: Any, name: str) -> None:
        target = (el.get("attributeName") or "").strip().lower()
        if target.endswith("href") or target.startswith("on"):
            self.refuse(svg_part(f"<{name}> (line {el.sourceline}) that changes a link or an event "
                                          "handler"))
        self._copy_attributes(el, None, name)  # only to find handlers and script addresses

    def _copy_attributes(self, src: Any, dst: Any, element: str) -> None:
        tag = _local(src.tag)[1]
        for key, value in src.attrib.items():
            ns, name = _local(key)
            compact = _CONTROL.sub("", value)
            if name.lower().startswith("on") and ns in (None, SVG):
                self.refuse(svg_handler(name, tag))
                continue
            if SCRIPT_ADDRESS.search(compact):
                self.refuse(SVG_SCRIPT_ADDRESS)
                continue
            if dst is None:
                continue
            if name == "href" and ns in (None, XLINK):
                self._copy_href(dst, element, key, value)
                continue
            if ns == XML and name in ("space", "lang"):
                dst.set(key, value)
                continue
            if ns is not None or name not in ATTRIBUTES:
                if ns not in (None, XLINK, XML, SVG) and not _editor(ns):
                    self.refuse(svg_part(f"an attribute of another language ({ns}, line "
                                                  f"{src.sourceline}); a logo may hold SVG only"))
                continue  # editor leftovers and attributes no browser reads
            problem = css_problem(value) if name == "style" else _url_problem(value)
            if problem:
                self.refuse(svg_part(f"{name}=\"…\" (line {src.sourceline}) that {problem}"))
                continue
            dst.set(name, value)

    def _copy_href(self, dst: Any, element: str, key: str, value: str) -> None:
        target = value.strip()
        if FRAGMENT.fullmatch(target) and element in HREF_ELEMENTS:
            dst.set(key, target)
        elif element == "image" and EMBEDDED.fullmatch(target):
            dst.set(key, target)
        elif element != "g":  # (the link of an <a> is dropped with it)
            self.refuse(svg_outside_link(value))


def _tail(dst: Any, last: Any, tail: str | None) -> Any:
    """Keep the text after a dropped node; returns the element the next text follows."""
    if tail:
        if last is None:
            dst.text = (dst.text or "") + tail
        else:
            last.tail = (last.tail or "") + tail
    return last


def _url_problem(value: str) -> str | None:
    if "url(" not in value.lower():
        return None
    for m in _CSS_URL.finditer(value):
        if not FRAGMENT.fullmatch(m.group(2).strip()):
            return f"loads url({m.group(2).strip()[:60]}) from elsewhere"
    return None if _CSS_URL.search(value) else "has an address that cannot be read"


def clean(raw: bytes) -> tuple[bytes | None, list[tuple[str, str]]]:
    """(the rebuilt SVG, []) or (None, every problem as (message, hint))."""
    from lxml import etree
    cleaner = Cleaner()
    try:
        out = cleaner.clean(raw)
    except etree.XMLSyntaxError as exc:
        return None, [svg_unreadable(_reason(exc))]
    return out, cleaner.found


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 80 else text[:79] + "…"
