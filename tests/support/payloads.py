"""Hostile input for every field an editor can fill, each tagged with a marker (XSSnn) that
survives any cleaning, so a test can see that the text reached the page (as text)."""

TEXT_PAYLOADS = [
    '<script>alert("x")</script>',
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    "<embed src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" &#14; javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    '" onmouseover="alert(1)" x="',
    '<img src="x" onerror="alert(1)"',
    "<scr<script>ipt>alert(1)</script>",
    "<<script>alert(1)//<</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "<style>*{background:url(javascript:alert(1))}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "&#106;avascript:alert(1) &lt;script&gt;alert(1)&lt;/script&gt;",
    '<div hx-get="/editorial/" hx-trigger="load" hx-on:click="alert(1)">x</div>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "{{ request.user }} {% debug %} ${alert(1)}",
    "**bold** _it_ `code` [link](javascript:alert(1)) ![img](x) <http://x.example>",
    "&copy; &#169; &#xA9; & 5 > 3 < 4 \\ back",
]

# URLs: those an absolute-http(s) rule refuses, in every disguise ...
REFUSED_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "jav\tascript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "/relative/path",
    "http://",
    "https://exa mple.com/",
    # Characters RFC 3986 never allows unencoded: they could close markup around a link.
    'https://example.com/"><script>alert(1)</script>',
    "https://example.com/?q=<svg/onload=alert(1)>",
    'https://example.com/"onmouseover="alert(1)',
    "https://example.com/a`b",
    "https://example.com/\x00",
]
# ... and http(s) URLs carrying markup, which may be stored but must stay inert.
HOSTILE_HTTP_URLS = [
    "https://example.com/'onmouseover='alert(1)",
    "https://example.com/a*c_d[e]f",
    "https://example.com/%3Cscript%3Ealert(1)%3C/script%3E",
    "https://example.com/#javascript:alert(1)",
]


def marked(index: int, payload: str) -> str:
    """The payload after its marker, so cleaning cannot take the marker away."""
    return f"XSS{index:02d} {payload}"


def marked_payloads(start: int = 0) -> list[tuple[str, str]]:
    """[(marker, marked payload)] for every text payload."""
    return [
        (f"XSS{i:02d}", marked(i, payload)) for i, payload in enumerate(TEXT_PAYLOADS, start=start)
    ]
