"""A page as htmx keeps it, for tests that act on what earlier answers drew: the document a GET
drew, each answer put where htmx puts it (its target and swap, HX-Retarget and HX-Reswap, the
out-of-band parts, a reload for HX-Refresh, the panels an HX-Trigger event reloads), and a form's
inputs as the browser and htmx post them (the form's own and those that name it with form=,
hx-include, hx-vals, the button pressed). Only the htmx the editorial templates use."""

import json

import html5lib

from tests.support.htmx import HTMX

SWAPPED = {200, 400, 403, 404, 409, 422}  # _base.html's responseHandling; 204 swaps nothing
FIELDS = ("input", "textarea", "select")
NOT_SENT = ("button", "submit", "reset", "image", "file")  # a pressed button: added apart


def parse_page(html: str):
    return html5lib.parse(html, treebuilder="lxml", namespaceHTMLElements=False).getroot()


def parse_fragment(html: str) -> list:
    nodes = html5lib.parseFragment(html, treebuilder="lxml", namespaceHTMLElements=False)
    return [node for node in nodes if not isinstance(node, str)]


def hx(element, name: str):
    """The element's own htmx attribute `name` (data-hx-… as the templates write it)."""
    return element.get(f"data-hx-{name}")


def inherited(element, name: str):
    """(the element that declares `name`, its value), from the element up, as htmx inherits
    (an ancestor's hx-disinherit keeps its own attributes from its descendants)."""
    node = element
    while node is not None:
        kept = (hx(node, "disinherit") or "").split()
        passed_on = node is element or not ("*" in kept or name in kept)
        if hx(node, name) is not None and passed_on:
            return node, hx(node, name)
        node = node.getparent()
    return None, None


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


class HtmxPage:
    """The page at `url` as `client` sees it with JavaScript on."""

    def __init__(self, client, url: str):
        self.client = client
        self.url = url
        self.reload()

    def reload(self):
        response = self.client.get(self.url)
        assert response.status_code == 200, response.status_code
        self.root = parse_page(response.content.decode())

    # --- finding things ---------------------------------------------------------------------

    def by_id(self, ident: str):
        found = self.root.xpath("//*[@id=$ident]", ident=ident)
        return found[0] if found else None

    def form(self, action: str):
        """The form that posts to `action` (its data-hx-post), or None."""
        found = self.root.xpath("//form[@data-hx-post=$action]", action=action)
        return found[0] if found else None

    def button(self, action: str):
        """The button that posts to `action` on its own (data-hx-post, with form=)."""
        found = self.root.xpath("//button[@data-hx-post=$action]", action=action)
        return found[0] if found else None

    def text(self, ident: str) -> str:
        element = self.by_id(ident)
        return " ".join("".join(element.itertext()).split()) if element is not None else ""

    def select(self, element, selector: str, declarer=None) -> list:
        """The elements a selector names from `element` as htmx reads it: #id, "closest
        .class", "this" (`declarer`, the element whose attribute it is), each of a
        comma-separated list."""
        found = []
        for part in (part.strip() for part in selector.split(",")):
            if part == "this":
                found.append(declarer if declarer is not None else element)
            elif part.startswith("closest ."):
                wanted = part.removeprefix("closest .")
                node = element
                while node is not None and wanted not in _classes(node):
                    node = node.getparent()
                found.extend([node] if node is not None else [])
            elif part.startswith("#"):
                node = self.by_id(part[1:])
                found.extend([node] if node is not None else [])
            else:
                raise AssertionError(f"selector not understood here: {part!r}")
        return found

    # --- what a request carries -------------------------------------------------------------

    def related_form(self, element):
        if element.tag == "form":
            return element
        if element.get("form"):
            return self.by_id(element.get("form"))
        return next((node for node in element.iterancestors("form")), None)

    @staticmethod
    def _value(field):
        if field.tag == "textarea":
            return field.text or ""
        if field.tag == "select":
            chosen = field.xpath(".//option[@selected]") or field.xpath(".//option")
            return chosen[0].get("value", chosen[0].text or "") if chosen else ""
        return field.get("value", "")

    @staticmethod
    def _sent(field) -> bool:
        kind = field.get("type", "text")
        if not field.get("name") or field.get("disabled") is not None or kind in NOT_SENT:
            return False
        return kind not in ("checkbox", "radio") or field.get("checked") is not None

    def form_fields(self, form) -> list:
        """The form's fields in document order: inside it (unless they name another form)
        and anywhere else that names it (form=)."""
        ident = form.get("id")
        return [
            field
            for field in self.root.iter(*FIELDS)
            if (field.get("form") == ident and ident)
            or (field.get("form") is None and form in field.iterancestors("form"))
        ]

    def inputs(self, element, typed: dict | None = None) -> list[tuple[str, str]]:
        """What a POST from `element` (a form, or a button with form=) carries, with `typed`
        (name: value) filled in as the user would."""
        fields = []
        form = self.related_form(element)
        if form is not None:
            fields.extend(self.form_fields(form))
        declarer, include = inherited(element, "include")
        if include:
            for node in self.select(element, include, declarer):
                inside = [node] if node.tag in FIELDS else list(node.iter(*FIELDS))
                fields.extend(field for field in inside if field not in fields)
        pairs = [(field.get("name"), self._value(field)) for field in fields if self._sent(field)]
        if element.tag == "button" and element.get("name"):
            pairs.append((element.get("name"), element.get("value", "")))
        values = {}
        node = element
        while node is not None:  # hx-vals: the nearest declaration of a name wins
            for name, value in json.loads(hx(node, "vals") or "{}").items():
                values.setdefault(name, value)
            node = node.getparent()
        for name, value in {**values, **(typed or {})}.items():
            pairs = [(key, old) for key, old in pairs if key != name] + [(name, str(value))]
        return pairs

    # --- acting, and drawing the answer -----------------------------------------------------

    def post(self, element, typed: dict | None = None):
        """POST from `element` as htmx does, then draw its answer into the page; returns it."""
        url = hx(element, "post")
        data = {}
        for name, value in self.inputs(element, typed):
            data.setdefault(name, []).append(value)
        response = self.client.post(url, data, **HTMX)
        self.apply(element, response)
        return response

    def get(self, element):
        """GET from `element` (its data-hx-get) as htmx does, then draw its answer."""
        response = self.client.get(hx(element, "get"), **HTMX)
        self.apply(element, response)
        return response

    def apply(self, element, response):
        """Draw an answer to a request from `element` as htmx 2 does."""
        if response.get("HX-Refresh") == "true":
            self.reload()
            return
        status = response.status_code
        assert status in SWAPPED or status == 204, f"an answer htmx would not swap: {status}"
        if status != 204:
            self._swap(element, response)
        trigger = response.get("HX-Trigger")
        if trigger:
            events = json.loads(trigger) if trigger.startswith("{") else trigger.split(",")
            for event in events:
                self._trigger(event.strip())

    def _swap(self, element, response):
        retarget = response.get("HX-Retarget")
        if retarget:
            targets = self.select(element, retarget)[:1]
        else:
            declarer, selector = inherited(element, "target")
            targets = self.select(element, selector, declarer)[:1] if selector else [element]
        assert targets, f"no target for the answer of {element.tag} {dict(element.attrib)}"
        style = response.get("HX-Reswap") or inherited(element, "swap")[1] or "innerHTML"
        nodes = parse_fragment(response.content.decode())
        for node in list(nodes):
            for oob in [node, *node.iterdescendants()]:
                if hx(oob, "swap-oob") is not None:
                    self._swap_oob(oob)
                    if oob is node:
                        nodes.remove(node)
        selected = inherited(element, "select")[1]
        if selected:
            nodes = [
                found
                for node in nodes
                for found in node.xpath("descendant-or-self::*[@id=$i]", i=selected[1:])
            ]
        self._put(targets[0], nodes, style)

    def _swap_oob(self, oob):
        style = hx(oob, "swap-oob")
        del oob.attrib["data-hx-swap-oob"]
        target = self.by_id(oob.get("id"))
        assert target is not None, f"htmx:oobErrorNoTarget #{oob.get('id')}"
        if oob.getparent() is not None:
            oob.getparent().remove(oob)
        if style == "innerHTML":
            self._put(target, [*oob], "innerHTML", text=oob.text)
        else:
            assert style == "true", style
            self._put(target, [oob], "outerHTML")

    @staticmethod
    def _put(target, nodes, style, text=None):
        if style == "none":
            return
        if style == "innerHTML":
            for child in list(target):
                target.remove(child)
            target.text = text
            target.extend(nodes)
            return
        assert style == "outerHTML", style
        parent = target.getparent()
        index = parent.index(target)
        tail = target.tail
        parent.remove(target)
        for offset, node in enumerate(nodes):
            parent.insert(index + offset, node)
        if nodes:
            nodes[-1].tail = (nodes[-1].tail or "") + (tail or "")

    def _trigger(self, event: str):
        """An event on <body>: every element listening for it there makes its request."""
        for element in list(self.root.iter()):
            trigger = hx(element, "trigger") or ""
            if f"{event} from:body" in trigger and hx(element, "get"):
                self.get(element)
