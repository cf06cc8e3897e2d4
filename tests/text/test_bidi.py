"""Typed text inside a sentence on a page: escaped and isolated (editorial.bidi)."""

from editorial.bidi import isolated, sentence


def test_isolated_escapes_inside_bdi():
    assert isolated("\u202ea<b>&") == "<bdi>\u202ea&lt;b&gt;&amp;</bdi>"


def test_sentence_escapes_the_sentence_and_isolates_each_value():
    shown = sentence("Moved “%(title)s” to %(position)d & <kept>", title="\u202e<i>x", position=3)
    assert shown == "Moved “<bdi>\u202e&lt;i&gt;x</bdi>” to 3 &amp; &lt;kept&gt;"
